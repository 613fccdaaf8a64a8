"""The `whatsapp_export` connector: every layout the apps write, time zones, re-imports, the cursor.

Every export here is written for these tests (invented names and texts, no real chat). The
apps' invisible characters are written as escapes: U+200E (left-to-right mark), U+202F
(narrow no-break space, before "a. m." on recent Android) and U+00A0 (no-break space).
"""

from __future__ import annotations

import asyncio
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conformance import ConnectorCase, conformance_suite, nullcontext
from sqlalchemy import func, select

from socialmon.config import BrandConfig, ChannelConfig
from socialmon.database import open_database
from socialmon.models import Comment, Post
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon_connectors import ChannelContext, CommentRecord, Page, PostRecord, SourceError
from socialmon_connectors.errors import Incomplete
from socialmon_connectors.whatsapp import (
    WhatsAppExportConnector,
    WhatsAppSettings,
    chat_id,
    chat_name,
    default_date_order,
    parse_export,
)

LRM, NNBSP, NBSP = "\u200e", "\u202f", "\u00a0"
BUSINESS = "Panadería La Cosecha"
MX = ZoneInfo("America/Mexico_City")  # UTC-6 all year since 2022

ENCRYPTION_ES = (
    "Los mensajes y las llamadas están cifrados de extremo a extremo. Nadie fuera de este chat, ni "
    "siquiera WhatsApp, puede leerlos ni escucharlos. Toca para obtener más información."
)
ENCRYPTION_EN = (
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can "
    "read or listen to them. Tap to learn more."
)
ENCRYPTION_PT = (
    "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta e ficam somente "
    "entre você e os participantes desta conversa. Nem mesmo o WhatsApp pode ler ou ouvi-las."
)

# Android, Spanish, 12-hour clock with "a. m." (a narrow no-break space before it, a no-break
# space inside it), 2-digit years, day-first (13/11 tells).
ANDROID_ES = f"""12/11/26, 9:15{NNBSP}a.{NBSP}m. - {ENCRYPTION_ES}
12/11/26, 9:15{NNBSP}a.{NBSP}m. - Esta empresa usa un servicio seguro de Meta para administrar este chat. Toca para obtener más información.
12/11/26, 9:15{NNBSP}a.{NBSP}m. - Lucía Ramos: Hola, ¿tienen pan de masa madre hoy?
Y también quería saber el horario del domingo
12/11/26, 9:16{NNBSP}a.{NBSP}m. - Lucía Ramos: <Multimedia omitido>
13/11/26, 12:05{NNBSP}p.{NBSP}m. - {BUSINESS}: ¡Hola Lucía! Sí, hay masa madre hasta las 7{NNBSP}p.{NBSP}m.
13/11/26, 12:06{NNBSP}p.{NBSP}m. - Lucía Ramos: Se eliminó este mensaje
13/11/26, 12:07{NNBSP}p.{NBSP}m. - {BUSINESS}: El domingo abrimos de 8 a 2 <Se editó este mensaje.>
"""

# Android, US English, 12-hour clock with AM/PM, month-first (11/13 tells).
ANDROID_EN = f"""11/12/26, 9:15{NNBSP}AM - {ENCRYPTION_EN}
11/12/26, 9:15{NNBSP}AM - Lucía Ramos: Hi, do you have sourdough today?
11/12/26, 9:16{NNBSP}AM - Lucía Ramos: <Media omitted>
11/13/26, 12:05{NNBSP}PM - {BUSINESS}: Hi Lucía! Yes, until 7 PM
Sunday 8 to 2
11/13/26, 12:06{NNBSP}PM - Lucía Ramos: This message was deleted
11/13/26, 12:07{NNBSP}PM - Lucía Ramos joined using this group's invite link
"""

# Android, Brazilian Portuguese, 24-hour clock, 4-digit years, no comma after the date.
ANDROID_PT = f"""12/11/2026 09:15 - {ENCRYPTION_PT}
12/11/2026 09:15 - Lucía Ramos: Olá, vocês têm pão de fermentação natural hoje?
12/11/2026 09:16 - Lucía Ramos: <Mídia oculta>
13/11/2026 12:05 - {BUSINESS}: Olá Lucía! Sim, até as 19h
13/11/2026 12:06 - Lucía Ramos: Mensagem apagada
13/11/2026 12:07 - Lucía Ramos mudou o assunto de "Pães" para "Pães e bolos"
"""

# iOS, Spanish, 24-hour clock with seconds; system lines and media are the sender's with a
# leading U+200E (and the whole line often starts with one).
IOS_ES = f"""[12/11/26, 9:15:02] Lucía Ramos: {LRM}{ENCRYPTION_ES}
[12/11/26, 9:15:40] Lucía Ramos: Hola, ¿tienen pan de masa madre hoy?
Y también quería saber el horario del domingo
{LRM}[12/11/26, 9:16:05] Lucía Ramos: {LRM}imagen omitida
[13/11/26, 12:05:10] {BUSINESS}: ¡Hola Lucía! Sí, hay masa madre hasta las 7 p. m.
{LRM}[13/11/26, 12:06:00] Lucía Ramos: {LRM}Se eliminó este mensaje.
{LRM}[13/11/26, 12:07:30] Lucía Ramos: {LRM}Lucía Ramos cambió su número de teléfono.
"""

# iOS, US English, 12-hour clock with seconds and AM/PM, month-first.
IOS_EN = f"""[11/12/26, 9:15:02{NNBSP}AM] Lucía Ramos: {LRM}{ENCRYPTION_EN}
[11/12/26, 9:15:40{NNBSP}AM] Lucía Ramos: Hi, do you have sourdough today?
{LRM}[11/12/26, 9:16:05{NNBSP}AM] Lucía Ramos: {LRM}image omitted
[11/13/26, 12:05:10{NNBSP}PM] {BUSINESS}: Hi Lucía! Yes, until 7 PM
{LRM}[11/13/26, 12:06:00{NNBSP}PM] Lucía Ramos: {LRM}This message was deleted.
"""

# iOS, Portuguese, 24-hour clock, 4-digit years.
IOS_PT = f"""[12/11/2026, 09:15:02] Lucía Ramos: {LRM}{ENCRYPTION_PT}
[12/11/2026, 09:15:40] Lucía Ramos: Olá, vocês têm pão de fermentação natural hoje?
{LRM}[12/11/2026, 09:16:05] Lucía Ramos: {LRM}imagem ocultada
[13/11/2026, 12:05:10] {BUSINESS}: Olá Lucía! Sim, até as 19h
{LRM}[13/11/2026, 12:06:00] Lucía Ramos: {LRM}Mensagem apagada
"""

# (export, locale) -> the customer's question, the business's answer
LAYOUTS = {
    "android-es-12h": (ANDROID_ES, "es"),
    "android-en-12h-mdy": (ANDROID_EN, "en-US"),
    "android-pt-24h": (ANDROID_PT, "pt-BR"),
    "ios-es-24h": (IOS_ES, "es"),
    "ios-en-12h-mdy": (IOS_EN, "en-US"),
    "ios-pt-24h": (IOS_PT, "pt-BR"),
}


def parse(text: str, **options: Any) -> Any:
    options.setdefault("business_names", [BUSINESS])
    options.setdefault("zone", MX)
    return parse_export(text, chat="Lucía Ramos", **options)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_layout_reads_the_same_conversation(layout: str) -> None:
    text, locale = LAYOUTS[layout]
    chat = parse(text, locale=locale)
    assert chat.rejected == []
    got = [(m.sender, m.is_business, m.deleted) for m in chat.messages]
    # the question, the media left out, the business's answer, the deleted message; system lines skipped
    assert got[:4] == [
        ("Lucía Ramos", False, False),
        ("Lucía Ramos", False, False),
        (BUSINESS, True, False),
        ("Lucía Ramos", False, True),
    ]
    question, media, answer, deleted = chat.messages[:4]
    assert question.text and "\u200e" not in question.text and NNBSP not in question.text
    assert media.text == "" and deleted.text == ""
    # 12 Nov 2026 9:15 and 13 Nov 12:05 in Mexico City (UTC-6), whatever the layout and locale
    assert question.created_at.replace(second=0) == datetime(2026, 11, 12, 15, 15, tzinfo=UTC)
    assert answer.created_at.replace(second=0) == datetime(2026, 11, 13, 18, 5, tzinfo=UTC)
    assert all(a.created_at <= b.created_at for a, b in zip(chat.messages, chat.messages[1:], strict=False))


def test_continuation_lines_edits_and_system_lines() -> None:
    chat = parse(ANDROID_ES)
    assert [m.text for m in chat.messages] == [
        "Hola, ¿tienen pan de masa madre hoy?\nY también quería saber el horario del domingo",
        "",
        "¡Hola Lucía! Sí, hay masa madre hasta las 7 p. m.",  # the no-break spaces read as spaces
        "",
        "El domingo abrimos de 8 a 2",  # "<Se editó este mensaje.>" dropped
    ]
    assert [m.line for m in chat.messages] == [3, 5, 6, 7, 8]
    english = parse(ANDROID_EN, locale="en-US")
    assert english.messages[2].text == "Hi Lucía! Yes, until 7 PM\nSunday 8 to 2"
    assert len(english.messages) == 4  # "joined using this group's invite link" is not a message


def test_system_lines_with_a_colon_and_view_once_media() -> None:
    text = (
        '12/11/26, 9:15 - Ana cambió el asunto de "Pedidos: noviembre" a "Pedidos"\n'
        "12/11/26, 9:16 - Ana changed the subject from “Orders: Nov” to “Orders”\n"
        "12/11/26, 9:17 - Ana: null\n"
    )
    (message,) = parse(text).messages
    assert (message.sender, message.text, message.line) == ("Ana", "", 3)


def test_the_same_chat_has_the_same_ids_whatever_the_layout() -> None:
    """Ids come from the chat, the minute, the sender and the n-th message: not the file's layout."""
    android, ios = parse(ANDROID_ES), parse(IOS_ES)
    assert [m.platform_id for m in android.messages[:4]] == [m.platform_id for m in ios.messages[:4]]
    assert android.platform_id == ios.platform_id == chat_id("Lucía Ramos") == chat_id("lucía  ramos")


def test_business_names_match_whatever_the_invisible_characters() -> None:
    text = f"12/11/26, 9:15 - ~{NNBSP}Lucía Ramos: hola\n12/11/26, 9:20 - Panadería{NBSP}La Cosecha: hola\n"
    chat = parse(text, business_names=["panadería la cosecha"])
    assert [(m.sender, m.is_business) for m in chat.messages] == [
        ("Lucía Ramos", False),
        ("Panadería La Cosecha", True),
    ]


def test_a_sender_whose_saved_name_has_quotes_is_kept_and_group_notices_are_not() -> None:
    """Quotes before ": " are a group notice only with its words; a contact may be saved with quotes."""
    text = (
        '28/3/26, 9:30 p. m. - Juan "El Flaco" Pérez: Buenas noches, ¿mañana abren temprano?\n'
        '28/3/26, 9:31 p. m. - Ana cambió el asunto de "Pedidos: marzo" a "Pedidos: abril"\n'
        "28/3/26, 9:32 p. m. - Ana cambió el nombre del grupo de “Pedidos: abril” a “Pedidos”\n"
        "28/3/26, 9:33 p. m. - Ana changed the group name from “Orders: Nov” to “Orders”\n"
        '28/3/26, 9:34 p. m. - Ana mudou o assunto de "Pães: nov" para "Pães"\n'
        '28/3/26, 9:35 p. m. - Cambiaste el asunto de "Pedidos" a "Pedidos: mayo"\n'
        '28/3/26, 9:36 p. m. - Ana created group "Orders: Nov"\n'
        "28/3/26, 9:37 p. m. - María «La Güera» Soto: ¿Tienen pan de yuca?\n"
        "Es para: mañana\n"
    )
    chat = parse(text)
    assert [(m.sender, m.text) for m in chat.messages] == [
        ('Juan "El Flaco" Pérez', "Buenas noches, ¿mañana abren temprano?"),
        ("María «La Güera» Soto", "¿Tienen pan de yuca?\nEs para: mañana"),
    ]


def test_the_caption_of_an_attachment_of_an_export_with_media_is_its_text() -> None:
    """Android "with media": the attachment's line, then the caption on the lines after it."""
    text = (
        "28/3/26, 9:33 p. m. - Rosa Mite: IMG-20260328-WA0004.jpg (archivo adjunto)\n"
        "¿Tienen este pastel para el sábado?\n"
        "Es para 20 personas\n"
        "28/3/26, 9:34 p. m. - Rosa Mite: VID-20260328-WA0005.mp4 (file attached)\n"
        "Like this one <This message was edited>\n"
        "28/3/26, 9:35 p. m. - Rosa Mite: PTT-20260328-WA0006.opus (archivo adjunto)\n"
        "28/3/26, 9:36 p. m. - Rosa Mite: DOC-20260328-WA0007.pdf (arquivo anexado)\n"
        "Orçamento\n"
    )
    chat = parse(text)
    assert [m.text for m in chat.messages] == [
        "¿Tienen este pastel para el sábado?\nEs para 20 personas",
        "Like this one",
        "",  # a voice note: no caption, no text
        "Orçamento",
    ]
    assert not any(m.deleted for m in chat.messages)


def test_ios_shared_locations_are_messages_and_a_video_note_left_out_is_media() -> None:
    text = (
        f"[20/11/26, 4:02:30 p. m.] Rosa Mite: {LRM}Panadería Cliente (Guayaquil): https://maps.google.com/?q=-2.17,-79.92\n"
        f"{LRM}[20/11/26, 4:03:00 p. m.] Rosa Mite: {LRM}Ubicación: https://maps.google.com/?q=-2.171,-79.922\n"
        f"{LRM}[20/11/26, 4:03:30 p. m.] Rosa Mite: {LRM}Location: https://maps.google.com/?q=-2.1417,-79.8636\n"
        f"{LRM}[20/11/26, 4:04:00 p. m.] Rosa Mite: {LRM}video note omitted\n"
        f"{LRM}[20/11/26, 4:04:30 p. m.] Rosa Mite: {LRM}Rosa Mite cambió su número de teléfono.\n"
    )
    chat = parse(text)
    assert [m.text for m in chat.messages] == [
        "Panadería Cliente (Guayaquil): https://maps.google.com/?q=-2.17,-79.92",
        "Ubicación: https://maps.google.com/?q=-2.171,-79.922",
        "Location: https://maps.google.com/?q=-2.1417,-79.8636",
        "",  # the video note left out: media, no text
    ]


def test_an_ios_document_left_out_after_its_name_is_media() -> None:
    """iOS marks the media word, not the text's start: "Pedido.pdf • 1 página ‎documento omitido"."""
    text = (
        f"[20/11/26, 4:02:30 p. m.] Rosa Mite: Pedido.pdf • {LRM}1 página {LRM}documento omitido\n"
        f"{LRM}[20/11/26, 4:03:00 p. m.] Rosa Mite: Lista.xlsx {LRM}documento omitido\n"  # a short name
        f"{LRM}[20/11/26, 4:04:00 p. m.] Rosa Mite: el documento omitido era el pedido\n"  # no mark: text
        f"{LRM}[20/11/26, 4:05:00 p. m.] Rosa Mite: {LRM}ya llegó, la imagen omitida no\n"  # marked at the start
    )
    chat = parse(text)
    assert [(m.text, m.sender) for m in chat.messages] == [
        ("", "Rosa Mite"),
        ("", "Rosa Mite"),
        ("el documento omitido era el pedido", "Rosa Mite"),
    ]  # the last: an iOS system line (its mark at the start, no media word at its end), skipped


def test_androids_typed_placeholders_of_media_left_out_are_media() -> None:
    text = (
        "29/07/26, 11:27 am - Priya Shah: <Video note omitted>\n"
        "29/07/26, 11:28 am - Priya Shah: <Sticker omitted>\n"
        "29/07/26, 11:29 am - Priya Shah: <Sticker omitido>\n"
        "29/07/26, 11:30 am - Priya Shah: <3 the sticker omitted>\n"  # a text that only looks like one
    )
    assert [m.text for m in parse(text).messages] == ["", "", "", "<3 the sticker omitted>"]


# --- dates ---------------------------------------------------------------------------------------


def test_day_first_is_decided_from_any_date_of_the_file() -> None:
    # Every date up to the last is ambiguous; 13/01 makes the whole file day-first.
    text = "02/01/27, 10:00 - Ana: hola\n03/01/27, 10:00 - Panadería La Cosecha: hola Ana\n13/01/27, 9:00 - Ana: gracias\n"
    chat = parse(text, locale="en-US")  # the file's own dates win over the locale
    assert chat.date_order == "dmy"
    assert chat.messages[0].created_at == datetime(2027, 1, 2, 16, 0, tzinfo=UTC)


def test_month_first_is_decided_from_any_date_of_the_file() -> None:
    text = "01/02/27, 10:00 - Ana: hi\n01/13/27, 9:00 - Ana: thanks\n"
    chat = parse(text, locale="es")
    assert chat.date_order == "mdy"
    assert chat.messages[0].created_at == datetime(2027, 1, 2, 16, 0, tzinfo=UTC)


def test_ambiguous_dates_follow_the_locale_and_the_setting_forces_the_order() -> None:
    text = "01/02/27, 10:00 - Ana: hola\n"
    assert parse(text, locale="es").messages[0].created_at.month == 2
    assert parse(text, locale="pt-BR").messages[0].created_at.month == 2
    assert parse(text, locale="en-US").messages[0].created_at.month == 1
    assert parse(text, locale="en-GB").messages[0].created_at.month == 2
    assert parse(text, date_order="mdy", locale="es").messages[0].created_at.month == 1
    # forced against the file's own evidence: 13/01 cannot be month-first, and is rejected
    forced = parse("13/01/27, 10:00 - Ana: hola\n14/01/27, 10:00 - Ana: ¿hola?\n", date_order="mdy")
    assert forced.messages == [] and [line for line, _ in forced.rejected] == [1, 2]
    assert "read mdy" in forced.rejected[0][1]
    assert (default_date_order("en"), default_date_order("es-MX"), default_date_order("pt_BR")) == (
        "mdy",
        "dmy",
        "dmy",
    )


def test_four_digit_years_and_a_bad_time_are_rejected_with_their_line() -> None:
    text = "12/11/2026, 9:15 a. m. - Ana: hola\n12/11/2026, 13:15 p. m. - Ana: ¿?\n"
    chat = parse(text)
    assert [m.created_at for m in chat.messages] == [datetime(2026, 11, 12, 15, 15, tzinfo=UTC)]
    assert [line for line, _ in chat.rejected] == [2]
    assert "13 is not an hour of a 12-hour clock" in chat.rejected[0][1]


# --- time zones ----------------------------------------------------------------------------------

SANTIAGO = ZoneInfo("America/Santiago")


def test_a_chat_across_the_end_of_daylight_saving_time_keeps_its_order() -> None:
    """Santiago, 4-5 April 2026: at midnight (UTC-3) the clocks go back to 23:00 (UTC-4), so the
    hour from 23:00 to 23:59 happens twice. The business's 23:10 comes after the customer's 23:40 in
    the file: it is the second 23:10, half an hour later, not half an hour earlier."""
    text = (
        "04/04/26, 22:30 - Ana: ¿Mañana abren?\n"
        "04/04/26, 23:40 - Ana: ¿Hola?\n"
        "04/04/26, 23:10 - Panadería La Cosecha: Sí, de 8 a 2\n"
        "05/04/26, 00:05 - Ana: Gracias\n"
    )
    chat = parse(text, zone=SANTIAGO)
    times = [m.created_at for m in chat.messages]
    assert times == [
        datetime(2026, 4, 5, 1, 30, tzinfo=UTC),  # 22:30 -03
        datetime(2026, 4, 5, 2, 40, tzinfo=UTC),  # 23:40 -03 (the first pass)
        datetime(2026, 4, 5, 3, 10, tzinfo=UTC),  # 23:10 -04 (the second pass)
        datetime(2026, 4, 5, 4, 5, tzinfo=UTC),  # 00:05 -04
    ]
    assert times[2] - times[1] == timedelta(minutes=30)


def test_a_chat_across_the_start_of_daylight_saving_time() -> None:
    """Santiago, 6 September 2026: at midnight (UTC-4) the clocks jump to 01:00 (UTC-3)."""
    text = "05/09/26, 23:50 - Ana: ¿Mañana abren?\n06/09/26, 01:10 - Panadería La Cosecha: Sí, de 8 a 2\n"
    question, answer = parse(text, zone=SANTIAGO).messages
    assert question.created_at == datetime(2026, 9, 6, 3, 50, tzinfo=UTC)
    assert answer.created_at - question.created_at == timedelta(minutes=20)


# --- the connector -------------------------------------------------------------------------------


def connector(folder: Path, path: str = "chats", **options: Any) -> WhatsAppExportConnector:
    options.setdefault("business_names", [BUSINESS])
    options.setdefault("timezone", "America/Mexico_City")
    return WhatsAppExportConnector(
        WhatsAppSettings(path=path, **options),
        ChannelContext(brand="cosecha", channel="whatsapp", account="+52 55 0000 0000", base_dir=folder),
    )


def read(source: WhatsAppExportConnector, cursor: dict[str, Any] | None = None) -> list[Page]:
    async def collect() -> list[Page]:
        return [page async for page in source.pages(cursor)]

    return asyncio.run(collect())


def records(pages: list[Page]) -> list[PostRecord | CommentRecord]:
    return [r for page in pages for r in [*page.posts, *page.comments]]


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("WhatsApp Chat with Lucía Ramos.txt", "Lucía Ramos"),
        ("Chat de WhatsApp con Lucía Ramos.txt", "Lucía Ramos"),
        ("Conversa do WhatsApp com Lucía Ramos.txt", "Lucía Ramos"),
        ("WhatsApp Chat - Lucía Ramos.zip", "Lucía Ramos"),
        ("Chat de WhatsApp con Lucía Ramos (1).txt", "Lucía Ramos"),
        ("pedidos.txt", "pedidos"),
    ],
)
def test_the_chat_is_named_after_its_file(filename: str, expected: str) -> None:
    assert chat_name(filename) == expected


def test_a_folder_of_txt_and_zip_exports_becomes_conversations_and_messages(tmp_path: Path) -> None:
    chats = tmp_path / "chats"
    write(chats, "Chat de WhatsApp con Lucía Ramos.txt", ANDROID_ES)
    with zipfile.ZipFile(chats / "WhatsApp Chat - Tomás Vera.zip", "w") as archive:  # iOS: _chat.txt inside
        archive.writestr("_chat.txt", IOS_EN.replace("Lucía Ramos", "Tomás Vera").encode("utf-8"))
    with zipfile.ZipFile(chats / "export.zip", "w") as archive:  # Android: the chat's own .txt inside
        archive.writestr(
            "Conversa do WhatsApp com Rita Luz.txt", ANDROID_PT.replace("Lucía Ramos", "Rita Luz")
        )
    pages = read(connector(tmp_path, locale="en-US"))  # the Spanish and Portuguese files tell day-first
    found = records(pages)
    conversations = [r for r in found if isinstance(r, PostRecord)]
    assert {(c.kind, c.author_name, c.is_business) for c in conversations} == {
        ("conversation", "Lucía Ramos", False),
        ("conversation", "Tomás Vera", False),
        ("conversation", "Rita Luz", False),
    }
    messages = [r for r in found if isinstance(r, CommentRecord)]
    assert {m.kind for m in messages} == {"message"}
    assert {m.post_id for m in messages} == {c.platform_id for c in conversations}
    assert all(m.parent_id is None for m in messages)
    by_chat = {c.author_name: [m for m in messages if m.post_id == c.platform_id] for c in conversations}
    assert sorted(len(v) for v in by_chat.values()) == [4, 4, 5]
    lucia = next(c for c in conversations if c.author_name == "Lucía Ramos")
    assert lucia.created_at == datetime(2026, 11, 13, 18, 7, tzinfo=UTC)  # its last message
    assert lucia.comment_count == 5
    assert [m.is_business for m in by_chat["Tomás Vera"]] == [False, False, True, False]


def test_an_export_that_grew_stores_only_its_new_messages(tmp_path: Path) -> None:
    """The same chat exported again two days later (a new file): the old messages keep their ids."""
    first = ANDROID_ES
    later = first + (
        f"15/11/26, 8:00{NNBSP}a.{NBSP}m. - Lucía Ramos: ¿Me apartan dos hogazas?\n"
        f"15/11/26, 8:00{NNBSP}a.{NBSP}m. - Lucía Ramos: Paso a las 10\n"
        f"15/11/26, 8:30{NNBSP}a.{NBSP}m. - {BUSINESS}: ¡Listo, apartadas!\n"
    )
    write(tmp_path / "chats", "Chat de WhatsApp con Lucía Ramos.txt", first)
    database = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        store = Store(database, get_scorer("vader"))
        channel = store.sync_channel(
            BrandConfig(name="La Cosecha", timezone="America/Mexico_City", language="es"),
            ChannelConfig(name="whatsapp", platform="whatsapp_export", account="+52 55 0000 0000"),
        )
        source = connector(tmp_path)
        one = [store.save_page(channel.id, page) for page in read(source)]
        assert sum(r.new_comments for r in one) == 5 and sum(r.new_posts for r in one) == 1
        cursor = store.cursor(channel.id)
        assert read(connector(tmp_path), cursor) == []  # the same file again: not read at all
        # the new export lands beside the old one, as a phone's download folder keeps both
        write(tmp_path / "chats", "Chat de WhatsApp con Lucía Ramos (1).txt", later)
        two = [store.save_page(channel.id, page) for page in read(connector(tmp_path), cursor)]
        assert sum(r.new_comments for r in two) == 3
        assert sum(r.updated_comments for r in two) == 0
        assert sum(r.updated_posts for r in two) == 1  # the conversation's last activity moved
        with database.read() as connection:
            assert connection.execute(select(func.count()).select_from(Comment.__table__)).scalar_one() == 8
            kinds = connection.execute(select(Post.__table__.c.kind)).scalars().all()
            assert kinds == ["conversation"]
            stored = connection.execute(
                select(Comment.__table__.c.kind, Comment.__table__.c.is_business, Comment.__table__.c.deleted)
            ).all()
        assert {row.kind for row in stored} == {"message"}
        assert sum(row.is_business for row in stored) == 3 and sum(row.deleted for row in stored) == 1
    finally:
        database.dispose()
    # and the ids of the common part are equal, message by message
    old, new = parse(first), parse(later)
    assert [m.platform_id for m in new.messages[:5]] == [m.platform_id for m in old.messages]
    assert len({m.platform_id for m in new.messages}) == 8  # two messages of one minute: two ids


def test_a_scan_stopped_inside_a_file_resumes_there(tmp_path: Path) -> None:
    write(tmp_path / "chats", "WhatsApp Chat with Lucía Ramos.txt", ANDROID_EN)
    pages = read(connector(tmp_path, page_size=2, locale="en-US"))
    assert [len(p.posts) + len(p.comments) for p in pages] == [2, 2, 1]
    everything = [r.platform_id for r in records(pages)]
    rest = read(connector(tmp_path, page_size=2, locale="en-US"), pages[0].cursor)
    assert [r.platform_id for r in records(rest)] == everything[2:]


def test_the_brands_time_zone_is_the_default(tmp_path: Path) -> None:
    write(tmp_path / "chats", "a.txt", "12/11/26, 9:15 - Ana: hola\n")
    source = WhatsAppExportConnector(
        WhatsAppSettings(path="chats"),
        ChannelContext(brand="b", channel="w", account="", base_dir=tmp_path, timezone="America/Bogota"),
    )
    message = next(r for r in records(read(source)) if isinstance(r, CommentRecord))
    assert message.created_at == datetime(2026, 11, 12, 14, 15, tzinfo=UTC)


def test_lines_that_cannot_be_read_are_rejected_with_file_and_line(tmp_path: Path) -> None:
    write(tmp_path / "chats", "a.txt", "12/11/26, 9:15 - Ana: hola\n31/02/26, 9:15 - Ana: ¿?\n")
    pages = read(connector(tmp_path))
    assert [r.location for p in pages for r in p.rejected] == ["a.txt line 2"]
    assert len([r for r in records(pages) if isinstance(r, CommentRecord)]) == 1


def read_until_error(source: WhatsAppExportConnector) -> tuple[list[Page], Exception | None]:
    """The pages a scan stores, and the error it ends with (if any)."""
    pages: list[Page] = []

    async def collect() -> None:
        async for page in source.pages(None):
            pages.append(page)

    try:
        asyncio.run(collect())
    except Exception as error:
        return pages, error
    return pages, None


def test_a_file_of_the_folder_that_is_not_a_chat_export_is_skipped_and_the_channel_ends_partial(
    tmp_path: Path,
) -> None:
    """An export with media unzipped into the folder: the document sent in the chat lies beside it."""
    chats = tmp_path / "chats"
    write(
        chats,
        "WhatsApp Chat with Rosa Mite.txt",
        "20/11/26, 08:02 - Rosa Mite: Hola\n"
        "20/11/26, 08:03 - Rosa Mite: lista de pedido.txt (archivo adjunto)\n"
        f"20/11/26, 08:40 - {BUSINESS}: Recibido\n",
    )
    write(chats, "lista de pedido.txt", "2 docenas pan de yuca\n1 torta\n")
    write(chats, "WhatsApp Chat with Tom Reed.txt", "03/04/2026, 18:04 - Tom Reed: Are you open?\n")
    pages, error = read_until_error(connector(tmp_path))
    found = records(pages)
    assert sorted(r.author_name for r in found if isinstance(r, PostRecord)) == ["Rosa Mite", "Tom Reed"]
    assert len([r for r in found if isinstance(r, CommentRecord)]) == 4
    assert isinstance(error, Incomplete)
    assert "lista de pedido.txt" in str(error) and "not a WhatsApp chat export" in str(error)
    assert "move the file(s) named out of the channel's folder" in error.hint
    cursor = pages[-1].cursor
    assert cursor is not None and not any("lista de pedido" in key for key in cursor["files"])


OLDER_COPY = (
    "20/11/26, 08:02 - Rosa Mite: Hola, ¿tienen pan de yuca?\n"
    f"20/11/26, 08:40 - {BUSINESS}: Sí, recién salido\n"
    "20/11/26, 08:41 - Rosa Mite: Gracias\n"
)
NEWER_COPY = OLDER_COPY + "22/11/26, 10:00 - Rosa Mite: ¿Hay empanadas hoy?\n"


def last_conversation(pages: list[Page]) -> PostRecord:
    """The conversation as stored: each record of it overwrites the one before."""
    return [r for r in records(pages) if isinstance(r, PostRecord)][-1]


def test_two_copies_of_one_export_give_the_conversation_the_newest_content(tmp_path: Path) -> None:
    """ "… (1).txt" sorts before the plain name: whichever of the two is newer, the newest wins."""
    for order, (plain, copy) in enumerate([(OLDER_COPY, NEWER_COPY), (NEWER_COPY, OLDER_COPY)]):
        chats = tmp_path / str(order) / "chats"
        write(chats, "WhatsApp Chat with Rosa Mite.txt", plain)
        write(chats, "WhatsApp Chat with Rosa Mite (1).txt", copy)
        newest = last_conversation(read(connector(tmp_path / str(order))))
        assert newest.created_at == datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # 10:00 in Mexico City
        assert newest.comment_count == 4


def test_an_older_copy_read_in_a_later_scan_keeps_the_newest_content(tmp_path: Path) -> None:
    chats = tmp_path / "chats"
    write(chats, "WhatsApp Chat with Rosa Mite (1).txt", NEWER_COPY)
    first = read(connector(tmp_path))
    write(chats, "WhatsApp Chat with Rosa Mite.txt", OLDER_COPY)
    later = read(connector(tmp_path), first[-1].cursor)
    conversation = last_conversation(later)
    assert (conversation.created_at, conversation.comment_count) == (
        datetime(2026, 11, 22, 16, 0, tzinfo=UTC),
        4,
    )


def test_a_copy_taken_out_of_the_folder_no_longer_counts(tmp_path: Path) -> None:
    """The newer copy is read, then removed and the older one exported again: what is in the folder counts."""
    chats = tmp_path / "chats"
    write(chats, "WhatsApp Chat with Rosa Mite (1).txt", NEWER_COPY)
    first = read(connector(tmp_path))
    (chats / "WhatsApp Chat with Rosa Mite (1).txt").unlink()
    write(chats, "WhatsApp Chat with Rosa Mite.txt", OLDER_COPY)
    conversation = last_conversation(read(connector(tmp_path), first[-1].cursor))
    assert conversation.created_at < datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
    assert conversation.comment_count is not None and conversation.comment_count < 4


@pytest.mark.parametrize(
    ("arrange", "message"),
    [
        (lambda folder: None, "not found"),
        (lambda folder: (folder / "chats").mkdir(), "no WhatsApp exports"),
        (
            lambda folder: write(folder / "chats", "notes.txt", "comprar harina\n"),
            "not a WhatsApp chat export",
        ),
        (lambda folder: write(folder / "chats", "x.zip", "not a zip"), "not a readable zip"),
    ],
)
def test_sources_that_cannot_be_read_are_source_errors(tmp_path: Path, arrange: Any, message: str) -> None:
    arrange(tmp_path)
    with pytest.raises(SourceError, match=message):
        read(connector(tmp_path))


# --- the conformance suite -----------------------------------------------------------------------


class WhatsAppCase(ConnectorCase):
    """A folder of two chats (Android and iOS), three records a page."""

    rereads = False  # an unchanged export is not read again

    errors = {  # noqa: RUF012
        "missing folder": SourceError,
        "empty folder": SourceError,
        "not an export": SourceError,
    }

    def connector(self, tmp_path: Path) -> WhatsAppExportConnector:
        return connector(tmp_path, page_size=3)

    def healthy(self, tmp_path: Path, *, strict: bool = True) -> nullcontext[None]:
        write(tmp_path / "chats", "Chat de WhatsApp con Lucía Ramos.txt", ANDROID_ES)
        write(tmp_path / "chats", "_chat.txt", IOS_ES.replace("Lucía Ramos", "Tomás Vera"))
        return nullcontext()

    def failing(self, tmp_path: Path, failure: str) -> nullcontext[None]:
        if failure != "missing folder":
            (tmp_path / "chats").mkdir()
        if failure == "not an export":
            write(tmp_path / "chats", "a.txt", "type,id\ncomment,c1\n")
        return nullcontext()


TestConformance = conformance_suite(WhatsAppCase())


def test_the_sample_export_in_config_reads_cleanly() -> None:
    """config/sample-whatsapp.txt: an invented chat between the sample bakery and a customer."""
    sample = Path(__file__).resolve().parents[2] / "config" / "sample-whatsapp.txt"
    chat = parse_export(
        sample.read_text(encoding="utf-8"),
        chat=chat_name(sample.name),
        zone=ZoneInfo("America/Guayaquil"),
        business_names=[BUSINESS],
    )
    assert chat.rejected == [] and chat.date_order == "dmy"
    assert len(chat.messages) == 15
    assert sum(m.is_business for m in chat.messages) == 5
    assert not chat.messages[-1].is_business  # a customer still waiting for an answer


# --- a customer saved as a contact between two exports -------------------------------------------

NUMBER = "+593 99 123 4567"
BEFORE_SAVED = (
    f"20/11/26, 08:02 - {NUMBER}: Hola, ¿tienen pan de yuca?\n"
    f"20/11/26, 08:40 - {BUSINESS}: Sí, recién salido\n"
    f"20/11/26, 08:41 - {NUMBER}: Gracias\n"
    f"20/11/26, 08:41 - {NUMBER}: Paso a las 10\n"
)
AFTER_SAVED = BEFORE_SAVED.replace(NUMBER, "Rosa Mite") + (
    f"22/11/26, 10:00 - Rosa Mite: ¿Hay empanadas hoy?\n22/11/26, 10:05 - {BUSINESS}: Sí, de queso\n"
)


def conversations_of(pages: list[Page]) -> dict[str, list[CommentRecord]]:
    """Each conversation's id → its messages, over every page."""
    found: dict[str, list[CommentRecord]] = {}
    for record in records(pages):
        if isinstance(record, CommentRecord):
            found.setdefault(record.post_id, []).append(record)
    return found


def test_a_customer_saved_as_a_contact_between_two_exports_stays_one_conversation(tmp_path: Path) -> None:
    """The number's export is stored, then the contact's (the same chat grown): only its new messages
    are added, to the first conversation; the customer takes the name the phone now shows."""
    chats = tmp_path / "chats"
    write(chats, f"WhatsApp Chat with {NUMBER}.txt", BEFORE_SAVED)
    database = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        store = Store(database, get_scorer("vader"))
        channel = store.sync_channel(
            BrandConfig(name="La Cosecha", timezone="America/Mexico_City", language="es"),
            ChannelConfig(name="whatsapp", platform="whatsapp_export", account="+52 55 0000 0000"),
        )
        first = read(connector(tmp_path))
        assert sum(store.save_page(channel.id, page).new_comments for page in first) == 4
        write(chats, "WhatsApp Chat with Rosa Mite.txt", AFTER_SAVED)
        later = read(connector(tmp_path), store.cursor(channel.id))
        results = [store.save_page(channel.id, page) for page in later]
        assert sum(r.new_comments for r in results) == 2
        assert sum(r.new_posts for r in results) == 0
        with database.read() as connection:
            assert connection.execute(select(func.count()).select_from(Post.__table__)).scalar_one() == 1
            assert connection.execute(select(func.count()).select_from(Comment.__table__)).scalar_one() == 6
            authors = connection.execute(select(Post.__table__.c.author_name)).scalars().all()
        assert authors == ["Rosa Mite"]
    finally:
        database.dispose()
    [(old_id, old)] = conversations_of(first).items()
    [(new_id, new)] = conversations_of(later).items()
    assert new_id == old_id == chat_id(NUMBER)
    assert [m.platform_id for m in new[:4]] == [m.platform_id for m in old]
    assert [m.created_at for m in new[:4]] == [m.created_at for m in old]


def test_both_exports_in_one_scan_and_a_grown_contacts_export_after(tmp_path: Path) -> None:
    chats = tmp_path / "chats"
    write(chats, f"WhatsApp Chat with {NUMBER}.txt", BEFORE_SAVED)
    write(chats, "WhatsApp Chat with Rosa Mite.txt", AFTER_SAVED)
    first = read(connector(tmp_path))
    assert list(conversations_of(first)) == [chat_id(NUMBER)]
    assert last_conversation(first).author_name == "Rosa Mite"
    assert len({m.platform_id for m in conversations_of(first)[chat_id(NUMBER)]}) == 6
    # the contact's export, grown again, replaces the file it came in: still the number's chat
    write(chats, "WhatsApp Chat with Rosa Mite.txt", AFTER_SAVED + "23/11/26, 09:00 - Rosa Mite: Gracias\n")
    again = read(connector(tmp_path), first[-1].cursor)
    assert list(conversations_of(again)) == [chat_id(NUMBER)]
    assert last_conversation(again).comment_count == 7


def test_two_customers_whose_chats_open_alike_stay_apart(tmp_path: Path) -> None:
    """The same first two messages, a different third: not one chat. Beside it, a renamed chat merges."""
    chats = tmp_path / "chats"
    write(chats, f"WhatsApp Chat with {NUMBER}.txt", BEFORE_SAVED)
    write(chats, "WhatsApp Chat with Rosa Mite.txt", AFTER_SAVED)
    other = BEFORE_SAVED.replace(NUMBER, "Tomás Vera").replace("Gracias", "¿Y de maíz?")
    write(chats, "WhatsApp Chat with Tomás Vera.txt", other)
    by_chat = conversations_of(read(connector(tmp_path)))
    assert set(by_chat) == {chat_id(NUMBER), chat_id("Tomás Vera")}
    assert {m.author_name for m in by_chat[chat_id("Tomás Vera")]} == {"Tomás Vera", BUSINESS}


def test_a_renamed_group_chat_stays_apart(tmp_path: Path) -> None:
    """A group (two customers besides the business) keeps today's behaviour: told by its file's name."""
    chats = tmp_path / "chats"
    group = BEFORE_SAVED + "20/11/26, 08:50 - +593 98 765 4321: Yo también quiero\n"
    write(chats, f"WhatsApp Chat with {NUMBER}.txt", group)
    write(chats, "WhatsApp Chat with Pedidos.txt", group.replace(NUMBER, "Rosa Mite"))
    write(chats, "WhatsApp Chat with +593 97 000 1111.txt", BEFORE_SAVED.replace(NUMBER, "+593 97 000 1111"))
    write(chats, "WhatsApp Chat with Ana Paz.txt", AFTER_SAVED.replace("Rosa Mite", "Ana Paz"))
    by_chat = conversations_of(read(connector(tmp_path)))
    assert set(by_chat) == {chat_id(NUMBER), chat_id("Pedidos"), chat_id("+593 97 000 1111")}


def test_a_renamed_chat_keeps_the_anchors_move(tmp_path: Path) -> None:
    """With `anchor`, the contact's export moves by the number's export's days: old messages stay put."""
    chats = tmp_path / "chats"
    write(chats, f"WhatsApp Chat with {NUMBER}.txt", BEFORE_SAVED)
    first = read(connector(tmp_path, anchor="first-scan"))
    write(chats, "WhatsApp Chat with Rosa Mite.txt", AFTER_SAVED)
    later = read(connector(tmp_path, anchor="first-scan"), first[-1].cursor)
    [old] = conversations_of(first).values()
    [new] = conversations_of(later).values()
    assert [(m.platform_id, m.created_at) for m in new[:4]] == [(m.platform_id, m.created_at) for m in old]
    assert new[-1].created_at - old[-1].created_at == timedelta(days=2, hours=1, minutes=24)
