"""The `whatsapp_export` connector: lines inside a message that look like the start of one, what
comes before the first message, and senders the phone shows as numbers.

Every export here is written for these tests (invented names, numbers and texts). The apps'
invisible characters are escapes: U+200E (left-to-right mark), U+202F (narrow no-break space),
U+00A0 (no-break space), U+2011 (non-breaking hyphen, in numbers Android formats).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from socialmon_connectors import ChannelContext, CommentRecord, Page
from socialmon_connectors.whatsapp import WhatsAppExportConnector, WhatsAppSettings, chat_id, parse_export

LRM, NNBSP, NBSP, NB_HYPHEN = "\u200e", "\u202f", "\u00a0", "\u2011"
BUSINESS = "Dulcería Las Palmas"
MX = ZoneInfo("America/Mexico_City")


def parse(text: str, **options: Any) -> Any:
    options.setdefault("business_names", [BUSINESS])
    options.setdefault("zone", MX)
    return parse_export(text, chat="Marisol Vega", **options)


def said(chat: Any) -> list[tuple[str, str]]:
    return [(m.sender, m.text) for m in chat.messages]


# --- a line of a message that looks like the start of one -------------------------------------


def test_an_ios_message_line_shaped_like_an_android_message_start_is_its_text() -> None:
    """iOS starts every message with "[d/m/yy, h:mm:ss]": a line of a message written like Android's
    "d/m/yy, h:mm - …" (a delivery note pasted in) is the message's text, not a notice to skip."""
    text = (
        f"[3/12/26, 10:02:11] Marisol Vega: Mi pedido de la semana:\n"
        f"5/12/26, 9:00 - recoger en tienda\n"
        f"6/12/26, 9:00 - entregar a domicilio\n"
        f"[3/12/26, 10:05:40] {BUSINESS}: Anotado, gracias\n"
    )
    chat = parse(text)
    assert said(chat) == [
        (
            "Marisol Vega",
            "Mi pedido de la semana:\n5/12/26, 9:00 - recoger en tienda\n6/12/26, 9:00 - entregar a domicilio",
        ),
        (BUSINESS, "Anotado, gracias"),
    ]
    assert chat.rejected == []


def test_an_android_message_line_shaped_like_an_ios_message_is_not_another_sender() -> None:
    """A customer forwards a bit of another chat copied from an iPhone: the "[…] Name: text" line is
    part of the customer's message, not a message of a second person (which would also make the 1:1
    chat look like a group)."""
    text = (
        f"3/12/26, 10:02{NNBSP}a.{NBSP}m. - Marisol Vega: Mire lo que me dijeron:\n"
        f"[2/12/26, 18:30:05] Julián Ortega: el pastel llegó aplastado\n"
        f"3/12/26, 10:06{NNBSP}a.{NBSP}m. - {BUSINESS}: Lo revisamos hoy\n"
    )
    chat = parse(text)
    assert said(chat) == [
        (
            "Marisol Vega",
            "Mire lo que me dijeron:\n[2/12/26, 18:30:05] Julián Ortega: el pastel llegó aplastado",
        ),
        (BUSINESS, "Lo revisamos hoy"),
    ]
    assert chat.customers() == {"marisol vega"}


def test_a_line_with_another_clock_and_year_than_the_files_is_text() -> None:
    """Android, Mexico: 12-hour clock and 2-digit years on every message; a line "13/12/2026 10:00 - …"
    (24-hour, 4 digits) inside a message is its text, and it does not make an en-US file day-first."""
    text = (
        f"12/3/26, 10:02{NNBSP}AM - Marisol Vega: Dates we need:\n"
        "13/12/2026 10:00 - first delivery\n"
        f"12/3/26, 10:06{NNBSP}AM - {BUSINESS}: Noted\n"
    )
    chat = parse(text, locale="en-US")
    assert said(chat) == [
        ("Marisol Vega", "Dates we need:\n13/12/2026 10:00 - first delivery"),
        (BUSINESS, "Noted"),
    ]
    assert chat.date_order == "mdy"  # 12/3/26 is 3 December only if the pasted line decided it
    assert chat.messages[0].created_at.month == 12


def test_a_year_first_export_keeps_its_days_written_with_one_digit() -> None:
    """Some locales (Chinese on Android) write the date year first and do not pad the day: "2026/12/9
    9:05 - …". The day is the last field, so its digits vary from line to line: the 9th's messages
    are messages, not text of the 10th's first one or lines before the chat."""
    text = (
        "2026/12/8 17:40 - Marisol Vega: ¿Hacen pasteles sin azúcar?\n"
        f"2026/12/8 17:52 - {BUSINESS}: Sí, con pedido de un día\n"
        "2026/12/9 9:05 - Marisol Vega: Quiero uno para el 12\n"
        "2026/12/10 10:15 - Marisol Vega: ¿Me confirman?\n"
        f"2026/12/10 10:30 - {BUSINESS}: Confirmado\n"
        "2026/12/12 12:00 - Marisol Vega: Ya voy para allá\n"
        f"2026/12/12 12:01 - {BUSINESS}: La esperamos\n"
    )
    chat = parse(text)
    assert said(chat) == [
        ("Marisol Vega", "¿Hacen pasteles sin azúcar?"),
        (BUSINESS, "Sí, con pedido de un día"),
        ("Marisol Vega", "Quiero uno para el 12"),
        ("Marisol Vega", "¿Me confirman?"),
        (BUSINESS, "Confirmado"),
        ("Marisol Vega", "Ya voy para allá"),
        (BUSINESS, "La esperamos"),
    ]
    assert chat.rejected == []
    assert [m.created_at.astimezone(MX).day for m in chat.messages] == [8, 8, 9, 10, 10, 12, 12]


def test_a_year_first_export_with_a_pasted_date_keeps_the_year_fixed() -> None:
    """The year's digits stay learnt where the year comes first: a "26/12/9 …" line inside a message
    of a "2026/12/9" export is its text."""
    text = (
        "2026/12/9 9:05 - Marisol Vega: Fechas:\n"
        "26/12/9 9:00 - primera entrega\n"
        f"2026/12/9 9:20 - {BUSINESS}: Anotado\n"
    )
    assert said(parse(text)) == [
        ("Marisol Vega", "Fechas:\n26/12/9 9:00 - primera entrega"),
        (BUSINESS, "Anotado"),
    ]


def test_a_short_ios_chat_with_more_pasted_android_lines_than_messages_keeps_its_messages() -> None:
    """An export begins with a message (or the encryption notice): its first line's form is the
    export's, even when a message holds more lines of the other app's form (a forwarded group chat)
    than the chat has messages. Those lines are the message's text, not senders of their own."""
    pasted = "".join(
        f"2/12/26, 19:{n:02} - Vecino {n}: ¿alguien vende pan de muerto?\n" for n in range(10, 15)
    )
    text = (
        f"[3/12/26, 10:02:11] Marisol Vega: Mire lo que preguntan en el grupo:\n"
        f"{pasted}"
        f"[3/12/26, 10:03:30] Marisol Vega: ¿Ustedes tienen?\n"
        f"[3/12/26, 10:20:05] {BUSINESS}: Sí, desde mañana\n"
    )
    chat = parse(text)
    assert said(chat) == [
        ("Marisol Vega", f"Mire lo que preguntan en el grupo:\n{pasted.rstrip()}"),
        ("Marisol Vega", "¿Ustedes tienen?"),
        (BUSINESS, "Sí, desde mañana"),
    ]
    assert chat.rejected == []
    assert chat.customers() == {"marisol vega"}


def test_an_android_chat_opening_with_its_encryption_notice_keeps_its_form_over_pasted_ios_lines() -> None:
    """The first line may be a system line (the encryption notice): its form is the export's too."""
    pasted = "".join(f"[2/12/26, 19:{n:02}:00] Vecino {n}: ¿quién hace pasteles?\n" for n in range(10, 14))
    text = (
        "3/12/26, 10:00 - Los mensajes y las llamadas están cifrados de extremo a extremo.\n"
        f"3/12/26, 10:02 - Marisol Vega: Vea esto:\n{pasted}"
        f"3/12/26, 10:20 - {BUSINESS}: Nosotros, con gusto\n"
    )
    chat = parse(text)
    assert said(chat) == [
        ("Marisol Vega", f"Vea esto:\n{pasted.rstrip()}"),
        (BUSINESS, "Nosotros, con gusto"),
    ]
    assert chat.rejected == []


def test_a_copy_cut_at_its_start_still_takes_the_form_of_most_of_its_lines() -> None:
    """When the first lines are no message start (a copy cut in the middle of a message), the form is
    still the one most message starts have."""
    text = (
        "y otra cosa\n"
        "[2/12/26, 19:10:00] Vecino: pan\n"
        "3/12/26, 10:02 - Marisol Vega: ¿Tienen pan de muerto?\n"
        f"3/12/26, 10:20 - {BUSINESS}: Sí\n"
    )
    chat = parse(text)
    assert said(chat) == [("Marisol Vega", "¿Tienen pan de muerto?"), (BUSINESS, "Sí")]
    assert chat.rejected == [
        (1, "text before the first message (up to line 2) belongs to no message: not read")
    ]


def test_a_copy_opening_on_one_pasted_line_of_the_other_form_keeps_the_messages_of_its_own() -> None:
    """A copy that starts on a single pasted line in the other app's layout: that one line is
    outnumbered by the messages' own form, so the messages stay messages and the pasted line is text
    before the first message, not a sender holding the whole chat."""
    text = (
        "28/11/26, 08:45 - Tía Rocío: ¿quién tiene buñuelos?\n"
        "[29/11/26, 09:14:02] Marisol Vega: ¿Les quedan buñuelos para el sábado?\n"
        f"[29/11/26, 09:31:47] {BUSINESS}: Sí, apartamos una docena\n"
    )
    chat = parse(text)
    assert said(chat) == [
        ("Marisol Vega", "¿Les quedan buñuelos para el sábado?"),
        (BUSINESS, "Sí, apartamos una docena"),
    ]
    assert chat.rejected == [
        (1, "text before the first message (up to line 1) belongs to no message: not read")
    ]


# --- what the export's lines hold besides messages -----------------------------------------------


def test_a_message_whose_first_line_is_empty_starts_with_its_text() -> None:
    """Android writes "Name: " and the text on the next lines when the message starts with a line break."""
    text = "3/12/26, 10:02 - Marisol Vega: \nLista:\n- 2 conchas\n3/12/26, 10:05 - Marisol Vega: gracias\n"
    assert said(parse(text)) == [("Marisol Vega", "Lista:\n- 2 conchas"), ("Marisol Vega", "gracias")]


# --- a number saved as a contact, written with Android's no-break characters ------------------------

# Android writes an unsaved sender's number with no-break spaces and non-breaking hyphens.
NUMBER = f"+52{NBSP}1{NBSP}55{NBSP}1234{NB_HYPHEN}5678"
BEFORE = (
    f"3/12/26, 10:02 - {NUMBER}: Hola, ¿tienen pastel de tres leches?\n"
    f"3/12/26, 10:20 - {BUSINESS}: Sí, de 1 y 2 kg\n"
    f"3/12/26, 10:21 - {NUMBER}: Aparto uno de 2 kg\n"
)
AFTER = BEFORE.replace(NUMBER, "Marisol Vega") + "4/12/26, 9:00 - Marisol Vega: ¿Ya está listo?\n"


def read(folder: Path, cursor: dict[str, Any] | None = None) -> list[Page]:
    source = WhatsAppExportConnector(
        WhatsAppSettings(path="chats", business_names=[BUSINESS], timezone="America/Mexico_City"),
        ChannelContext(brand="palmas", channel="whatsapp", account="+52 55 0000 0000", base_dir=folder),
    )

    async def collect() -> list[Page]:
        return [page async for page in source.pages(cursor)]

    return asyncio.run(collect())


def test_a_number_with_no_break_hyphens_saved_as_a_contact_stays_one_conversation(tmp_path: Path) -> None:
    chats = tmp_path / "chats"
    chats.mkdir()
    (chats / f"Chat de WhatsApp con {NUMBER}.txt").write_text(BEFORE, encoding="utf-8")
    first = read(tmp_path)
    (chats / "Chat de WhatsApp con Marisol Vega.txt").write_text(AFTER, encoding="utf-8")
    later = read(tmp_path, first[-1].cursor)
    conversations = {r.post_id for page in later for r in page.comments if isinstance(r, CommentRecord)}
    assert conversations == {chat_id(NUMBER)}
    old_ids = [r.platform_id for page in first for r in page.comments]
    new_ids = [r.platform_id for page in later for r in page.comments]
    assert new_ids[:3] == old_ids and len(set(new_ids)) == 4


# --- the file's encoding -------------------------------------------------------------------------


def test_a_utf8_export_with_a_broken_byte_is_still_read_as_utf8(tmp_path: Path) -> None:
    """The apps write UTF-8. An export cut in the middle of a character (a copy that stopped short)
    has one invalid byte: the rest is still UTF-8, not Windows-1252 (which would turn "Dulcería" into
    "DulcerÃ­a": no longer the business, and every id made from a name changed)."""
    chats = tmp_path / "chats"
    chats.mkdir()
    whole = (
        "3/12/26, 10:02 - Marisol Vega: ¿Tienen pastel de tres leches?\n"
        f"3/12/26, 10:20 - {BUSINESS}: Sí, de 1 y 2 kg\n"
        "3/12/26, 10:21 - Marisol Vega: Aparto uno, gracias\n"
    ).encode()
    (chats / "Chat de WhatsApp con Marisol Vega.txt").write_bytes(whole + b"3/12/26, 10:22 - Marisol Ve\xc3")
    comments = [r for page in read(tmp_path) for r in page.comments]
    assert [(c.author_name, c.is_business, c.text) for c in comments[:3]] == [
        ("Marisol Vega", False, "¿Tienen pastel de tres leches?"),
        (BUSINESS, True, "Sí, de 1 y 2 kg"),
        ("Marisol Vega", False, "Aparto uno, gracias"),
    ]
    (chats / "Chat de WhatsApp con Marisol Vega.txt").write_bytes(whole)
    assert [c.platform_id for page in read(tmp_path) for c in page.comments] == [
        c.platform_id for c in comments[:3]
    ]


def test_an_export_saved_again_as_windows_1252_is_read_as_such(tmp_path: Path) -> None:
    chats = tmp_path / "chats"
    chats.mkdir()
    text = f"3/12/26, 10:02 - Marisol Vega: ¿Tienen pastel?\n3/12/26, 10:20 - {BUSINESS}: Sí\n"
    (chats / "Chat de WhatsApp con Marisol Vega.txt").write_bytes(text.encode("cp1252"))
    comments = [r for page in read(tmp_path) for r in page.comments]
    assert [(c.author_name, c.is_business, c.text) for c in comments] == [
        ("Marisol Vega", False, "¿Tienen pastel?"),
        (BUSINESS, True, "Sí"),
    ]


# --- what comes before the first message ----------------------------------------------------------


def test_text_before_the_first_message_is_said_not_dropped_without_a_word() -> None:
    """A copy cut at its start begins in the middle of a message: those lines belong to no sender.
    They are reported (so the copy does not pass for whole) and the messages after them are kept."""
    text = (
        "llegue antes de las 5\n"
        "por favor\n"
        f"3/12/26, 10:02 - Marisol Vega: ¿Tienen pastel de tres leches?\n"
        f"3/12/26, 10:05 - {BUSINESS}: Sí, por encargo\n"
    )
    chat = parse(text)
    assert said(chat) == [("Marisol Vega", "¿Tienen pastel de tres leches?"), (BUSINESS, "Sí, por encargo")]
    assert chat.rejected == [
        (1, "text before the first message (up to line 2) belongs to no message: not read")
    ]


def test_a_mark_or_a_blank_line_before_the_first_message_is_nothing_to_say() -> None:
    text = f"\ufeff{LRM}\n\n3/12/26, 10:02 - Marisol Vega: Hola\n"
    chat = parse(text)
    assert said(chat) == [("Marisol Vega", "Hola")]
    assert chat.rejected == []
