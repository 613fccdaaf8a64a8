"""The `whatsapp_export` connector: lines pasted in a message that are written exactly as the export
writes a message's start (the same app, locale and clock).

A customer copies a bit of another chat (on an iPhone, copying several messages gives the export's
own "[date, time] Name: text" lines; on Android, from another chat's export), quotes the business's
own earlier answer, or types an order's dates at the start of lines. Those lines are the text of the
message they are in, not messages of made-up senders, and the lines after them stay with it. Real
messages stay apart: a group's members, a message a bad connection delayed, the hour that the end
of daylight-saving time repeats, a chat restored out of order.

Every export here is written for these tests (invented names, numbers and texts), in the apps'
layouts. Invisible characters are escapes: U+200E (left-to-right mark, iOS), U+202F (narrow no-break
space) and U+00A0 (no-break space) around the 12-hour clock's "a. m."/"PM".
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from socialmon_connectors import ChannelContext, CommentRecord, Page, PostRecord
from socialmon_connectors.whatsapp import WhatsAppExportConnector, WhatsAppSettings, parse_export

LRM, NNBSP, NBSP = "\u200e", "\u202f", "\u00a0"
BUSINESS = "Panadería La Cosecha"
GYE = ZoneInfo("America/Guayaquil")
AM, PM = f"{NNBSP}a.{NBSP}m.", f"{NNBSP}p.{NBSP}m."  # Android, Spanish (Latin America), 12-hour clock


def parse(text: str, chat: str = "Rosa Mite", **options: Any) -> Any:
    options.setdefault("business_names", [BUSINESS])
    options.setdefault("zone", GYE)
    return parse_export(text, chat=chat, **options)


def said(chat: Any) -> list[tuple[str, str]]:
    return [(m.sender, m.text) for m in chat.messages]


# --- a 1:1 chat: its two people, and lines of other senders pasted in ------------------------------


def test_lines_of_another_android_chat_pasted_in_a_message_are_its_text_not_other_senders() -> None:
    """Rosa pastes, minutes after they were written, two lines of her street's group (exported from
    her Android phone, so written as this export writes its own), then asks on the next lines. The
    chat is 1:1 (named after her, the business answers in it): nobody else writes in it."""
    pasted = f"2/12/26, 6:31{PM} - Tío Lucho: el pan de ayer vino duro\n2/12/26, 6:33{PM} - Vero Mite: y sin queso 😡\n"
    text = (
        f"1/12/26, 9:02{AM} - Rosa Mite: Buenos días, ¿tienen pan de yuca hoy?\n"
        f"1/12/26, 9:20{AM} - {BUSINESS}: Sí, sale a las 10\n"
        f"2/12/26, 6:40{PM} - Rosa Mite: Miren lo que escriben en el grupo de la cuadra:\n"
        f"{pasted}"
        "a mí me pasó igual\n"
        "¿Me pueden explicar qué pasó?\n"
    )
    chat = parse(text)
    assert said(chat) == [
        ("Rosa Mite", "Buenos días, ¿tienen pan de yuca hoy?"),
        (BUSINESS, "Sí, sale a las 10"),
        (
            "Rosa Mite",
            f"Miren lo que escriben en el grupo de la cuadra:\n{pasted}a mí me pasó igual\n"
            "¿Me pueden explicar qué pasó?".replace(NNBSP, " ").replace(NBSP, " "),
        ),
    ]
    assert chat.customers() == {"rosa mite"}
    assert chat.messages[-1].created_at.astimezone(GYE).hour == 18  # her message's time, not a pasted one's
    assert chat.rejected == []


def test_a_chat_named_by_the_customers_number_tells_her_by_the_number() -> None:
    """A customer the phone has not saved: the export and her messages are named by her number
    (Android writes it with no-break spaces); lines of two others pasted in stay her text."""
    number = f"+593{NBSP}99{NBSP}123{NBSP}4567"
    text = (
        f"2/12/26, 10:02 - {number}: Les reenvío lo del grupo:\n"
        "2/12/26, 09:58 - Carla: ¿alguien sabe si La Cosecha abre el lunes?\n"
        "2/12/26, 09:59 - Pedro: creo que sí\n"
        f"2/12/26, 10:30 - {BUSINESS}: Sí, de 7 a 19\n"
    )
    chat = parse(text, chat="+593 99 123 4567")
    assert [sender for sender, _ in said(chat)] == ["+593 99 123 4567", BUSINESS]
    assert chat.messages[0].text.endswith("Pedro: creo que sí")


def test_an_iphone_copy_of_another_chat_in_an_ios_export_is_the_message_s_text(tmp_path: Path) -> None:
    """iOS, US English: copying several messages on an iPhone gives the export's own bracketed
    lines. Read from the .zip the app writes, the chat keeps one customer and her pasted lines,
    and the business's answer stays its own message."""
    pasted = (
        f"[11/30/26, 7:15:09{NNBSP}PM] Dave Ortiz: the cake for Sunday is from La Cosecha\n"
        f"[11/30/26, 7:15:51{NNBSP}PM] Dave Ortiz: they said it has no nuts\n"
        f"[11/30/26, 7:16:30{NNBSP}PM] Mia: ok great\n"
    )
    export = (
        f"[12/1/26, 8:00:00{NNBSP}AM] Rosa Mite: {LRM}Messages and calls are end-to-end encrypted. No one "
        "outside of this chat, not even WhatsApp, can read or listen to them.\n"
        f"[12/2/26, 6:40:12{NNBSP}PM] Rosa Mite: My brother says:\n{pasted}"
        "Is that right? My son is allergic\n"
        f"{LRM}[12/2/26, 6:41:03{NNBSP}PM] Rosa Mite: {LRM}image omitted\n"
        f"[12/2/26, 7:02:45{NNBSP}PM] {BUSINESS}: Yes, the chocolate cake has no nuts\n"
    )
    chats = tmp_path / "chats"
    chats.mkdir()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("_chat.txt", export)
    (chats / "WhatsApp Chat - Rosa Mite.zip").write_bytes(buffer.getvalue())
    pages = read(tmp_path, locale="en-US")
    messages = [r for page in pages for r in page.comments if isinstance(r, CommentRecord)]
    [conversation] = [r for page in pages for r in page.posts if isinstance(r, PostRecord)]
    assert [(m.author_name, m.is_business) for m in messages] == [
        ("Rosa Mite", False),
        ("Rosa Mite", False),  # the photo
        (BUSINESS, True),
    ]
    assert messages[0].text == (
        "My brother says:\n" + pasted.replace(NNBSP, " ") + "Is that right? My son is allergic"
    )
    assert conversation.comment_count == 3
    assert conversation.author_name == "Rosa Mite"


def test_a_quote_of_the_business_s_own_earlier_answer_is_text_not_a_new_reply() -> None:
    """iOS, Spanish, 24-hour clock: Rosa quotes what the business told her a week before. Its lines
    name the business, so only their time tells: a week older than her message, and the chat goes
    on in order after them. They are no answer from the business to her."""
    quoted = (
        f"[25/11/26, 10:30:12] {BUSINESS}: Sí, con dos días de anticipación\n"
        f"[25/11/26, 10:31:40] {BUSINESS}: El precio es de $35\n"
    )
    text = (
        "[25/11/26, 10:00:05] Rosa Mite: ¿Hacen tortas para 20 personas?\n"
        f"{quoted}"
        "[2/12/26, 18:40:00] Rosa Mite: Ustedes me dijeron:\n"
        f"{quoted}"
        "y hoy me cobraron $40\n"
        f"[2/12/26, 19:05:31] {BUSINESS}: Disculpe, lo revisamos\n"
    )
    chat = parse(text)
    assert said(chat) == [
        ("Rosa Mite", "¿Hacen tortas para 20 personas?"),
        (BUSINESS, "Sí, con dos días de anticipación"),
        (BUSINESS, "El precio es de $35"),
        ("Rosa Mite", f"Ustedes me dijeron:\n{quoted}y hoy me cobraron $40"),
        (BUSINESS, "Disculpe, lo revisamos"),
    ]


# --- lines without a sender: an order's dates ------------------------------------------------------


def test_an_order_s_dates_at_the_start_of_lines_stay_the_customer_s_text() -> None:
    """Android, 24-hour clock: the customer writes her order one date per line, as the export writes
    a system notice ("date, time - text"). Later than the business's answer that follows, they are
    her text, not notices to skip (her order was lost), and the answer stays a message."""
    dates = "5/12/26, 09:00 - recoger 2 tortas\n6/12/26, 09:00 - recoger 40 empanadas\n"
    text = (
        "3/12/26, 10:00 - Los mensajes y las llamadas están cifrados de extremo a extremo. Nadie fuera de "
        "este chat, ni siquiera WhatsApp, puede leerlos ni escucharlos. Toca para obtener más información.\n"
        f"3/12/26, 10:02 - Rosa Mite: Mi pedido de la semana:\n{dates}"
        f"3/12/26, 10:05 - {BUSINESS}: Anotado, gracias\n"
    )
    assert said(parse(text)) == [
        ("Rosa Mite", f"Mi pedido de la semana:\n{dates.rstrip()}"),
        (BUSINESS, "Anotado, gracias"),
    ]


def test_a_line_without_a_sender_with_lines_under_it_is_text_even_in_the_last_message() -> None:
    """A system notice is one line: a "date, time - text" line with lines under it is something a
    customer wrote, here in the chat's last message (the one waiting for an answer)."""
    text = (
        "3/12/26, 10:02 - Rosa Mite: Hola, para el viernes:\n"
        "5/12/26, 09:00 - entrega en la Av. Amazonas N34-12\n"
        "tocar el timbre dos veces\n"
    )
    assert said(parse(text)) == [
        (
            "Rosa Mite",
            "Hola, para el viernes:\n5/12/26, 09:00 - entrega en la Av. Amazonas N34-12\ntocar el timbre dos veces",
        )
    ]


# --- a group chat: its members write, and older lines pasted in -----------------------------------


GROUP = (
    '1/12/26, 09:00 - Ana Paz creó el grupo "Pedidos Navidad"\n'
    "1/12/26, 09:01 - Ana Paz: Hola, aquí coordinamos el pedido de la oficina\n"
    f"1/12/26, 09:05 - {BUSINESS}: Con gusto\n"
    "2/12/26, 11:00 - Luis Vera: Miren lo que pedimos el año pasado:\n"
    "20/12/25, 16:10 - Ana Paz: 3 roscas grandes\n"
    "20/12/25, 16:11 - Luis Vera: y 40 empanadas\n"
    "2/12/26, 11:02 - Ana Paz: ¿Lo repetimos?\n"
    "2/12/26, 11:03 - Marta Cruz: Sí\n"
)


def test_older_lines_pasted_in_a_group_chat_are_text_and_its_members_messages_stay() -> None:
    """In a group anyone may write, so the lines' time tells: last year's order, pasted in Luis's
    message, is his text; every member's own message stays one."""
    chat = parse(GROUP, chat="Pedidos Navidad")
    assert said(chat) == [
        ("Ana Paz", "Hola, aquí coordinamos el pedido de la oficina"),
        (BUSINESS, "Con gusto"),
        (
            "Luis Vera",
            "Miren lo que pedimos el año pasado:\n20/12/25, 16:10 - Ana Paz: 3 roscas grandes\n"
            "20/12/25, 16:11 - Luis Vera: y 40 empanadas",
        ),
        ("Ana Paz", "¿Lo repetimos?"),
        ("Marta Cruz", "Sí"),
    ]


def test_an_ios_group_whose_notices_carry_its_name_keeps_every_member_s_messages() -> None:
    """iOS writes a group's notices under the group's name, marked with U+200E: a group named like
    the export ("Rosa Mite" here, a family group named after the birthday girl) is no 1:1 chat for
    that, and a member who writes once, on two lines, is a member."""
    text = (
        f"[1/12/26, 9:00:00] Rosa Mite: {LRM}Los mensajes y las llamadas están cifrados de extremo a "
        "extremo. Solo las personas en este chat pueden leerlos, escucharlos o compartirlos.\n"
        f"{LRM}[1/12/26, 9:00:05] Rosa Mite: {LRM}Ana Paz creó este grupo\n"
        "[1/12/26, 9:01:10] Ana Paz: Pedimos la torta de Rosa aquí\n"
        f"[1/12/26, 9:05:44] {BUSINESS}: Con gusto, ¿de qué sabor?\n"
        "[1/12/26, 9:07:02] Luis Vera: Chocolate\n"
        "y que diga Feliz cumpleaños\n"
    )
    assert [sender for sender, _ in said(parse(text))] == ["Ana Paz", BUSINESS, "Luis Vera"]


# --- real messages stay apart ---------------------------------------------------------------------


def test_messages_of_the_hour_daylight_saving_time_repeats_stay_messages() -> None:
    """Android, US English, New York: on 1 November 2026 the clock goes from 1:59 AM back to 1:00.
    Messages written in the repeated hour are 45 minutes "older" than the ones before: messages."""
    text = (
        f"11/1/26, 1:40{NNBSP}AM - Rosa Mite: Are you open on Sunday?\n"
        f"11/1/26, 1:55{NNBSP}AM - Rosa Mite: I need 2 loaves\n"
        f"11/1/26, 1:10{NNBSP}AM - Rosa Mite: Sourdough please\n"
        f"11/1/26, 1:20{NNBSP}AM - {BUSINESS}: Yes, from 8\n"
    )
    chat = parse(text, zone=ZoneInfo("America/New_York"), locale="en-US")
    assert [m.text for m in chat.messages] == [
        "Are you open on Sunday?",
        "I need 2 loaves",
        "Sourdough please",
        "Yes, from 8",
    ]
    times = [m.created_at for m in chat.messages]
    assert times == sorted(times)


def test_a_message_a_bad_connection_delayed_stays_a_message() -> None:
    text = (
        "2/12/26, 10:02 - Rosa Mite: ¿Tienen torta de naranja?\n"
        f"2/12/26, 10:05 - {BUSINESS}: Sí\n"
        "2/12/26, 10:04 - Rosa Mite: ¿Y de chocolate?\n"
        f"2/12/26, 10:06 - {BUSINESS}: También\n"
    )
    assert [sender for sender, _ in said(parse(text))] == ["Rosa Mite", BUSINESS, "Rosa Mite", BUSINESS]


def test_a_third_person_who_writes_in_two_places_of_a_chat_named_after_the_customer_stays() -> None:
    """A group given a customer's name ("Rosa Mite": the business, Rosa and her assistant): the
    assistant writes in two places of the chat, so is one of its people, not a pasted line."""
    text = (
        "2/12/26, 10:02 - Rosa Mite: Necesito 3 tortas para el sábado\n"
        "2/12/26, 10:03 - Jorge (asistente): Yo paso a recogerlas\n"
        "2/12/26, 10:04 - Jorge (asistente): A las 9\n"
        f"2/12/26, 10:10 - {BUSINESS}: Perfecto\n"
        "2/12/26, 10:12 - Jorge (asistente): Gracias\n"
    )
    assert [sender for sender, _ in said(parse(text))] == [
        "Rosa Mite",
        "Jorge (asistente)",
        "Jorge (asistente)",
        BUSINESS,
        "Jorge (asistente)",
    ]


def test_a_chat_whose_business_names_match_no_sender_keeps_every_sender() -> None:
    """With `business_names` wrong, who the business is is unknown: its replies must not be taken for
    lines pasted in the customer's messages (the scan's warning names the senders to set)."""
    text = (
        "2/12/26, 10:02 - Rosa Mite: ¿Tienen pan de yuca?\n"
        "2/12/26, 10:03 - La Cosecha Matriz: Sí\n"
        "2/12/26, 10:03 - La Cosecha Matriz: Recién salido\n"
    )
    assert [sender for sender, _ in said(parse(text))] == [
        "Rosa Mite",
        "La Cosecha Matriz",
        "La Cosecha Matriz",
    ]


def test_a_long_stretch_of_older_messages_is_the_chat_s_own_not_a_paste() -> None:
    """A chat restored from a backup can hold a whole stretch out of order: more older lines in a
    row than a paste holds stay messages."""
    newer = f"5/12/26, 10:00 - Rosa Mite: Hola de nuevo\n5/12/26, 10:05 - {BUSINESS}: Hola Rosa\n"
    older = "".join(
        f"1/11/26, 09:{n:02} - {'Rosa Mite' if n % 2 else BUSINESS}: mensaje {n}\n" for n in range(30)
    )
    chat = parse(newer + older)
    assert len(chat.messages) == 32
    assert chat.messages[-1].text == "mensaje 29"


# --- the connector ----------------------------------------------------------------------------------


def read(folder: Path, **settings: Any) -> list[Page]:
    source = WhatsAppExportConnector(
        WhatsAppSettings(path="chats", business_names=[BUSINESS], timezone="America/Guayaquil", **settings),
        ChannelContext(brand="cosecha", channel="whatsapp", account="+593 4 000 0000", base_dir=folder),
    )

    async def collect() -> list[Page]:
        return [page async for page in source.pages(None)]

    return asyncio.run(collect())
