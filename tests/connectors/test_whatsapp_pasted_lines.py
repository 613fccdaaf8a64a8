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


# --- lines without a sender: an order's dates ------------------------------------------------------


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


# --- a message's time never makes it text (reviewer's finds) ---------------------------------------


def test_a_message_hours_out_of_order_stays_a_message() -> None:
    """Sent from a linked device while the phone was offline, or from a phone whose clock is wrong:
    a real message may come hours "older" than the one before it. Folded into that one, the
    customer would never show as waiting; her question stays hers."""
    text = (
        "2/12/26, 12:00 - Rosa Mite: ¿Llegó mi pedido?\n"
        f"2/12/26, 12:05 - {BUSINESS}: Sale a las 13:00\n"
        "2/12/26, 9:30 - Rosa Mite: ¿Y la factura?\n"
        f"2/12/26, 12:40 - {BUSINESS}: Va con el pedido\n"
        "2/12/26, 10:10 - Rosa Mite: Gracias\n"
    )
    assert said(parse(text)) == [
        ("Rosa Mite", "¿Llegó mi pedido?"),
        (BUSINESS, "Sale a las 13:00"),
        ("Rosa Mite", "¿Y la factura?"),
        (BUSINESS, "Va con el pedido"),
        ("Rosa Mite", "Gracias"),
    ]


def test_a_group_named_after_the_customer_keeps_a_member_who_writes_once() -> None:
    """An Android group named "Rosa Mite" (her shop, her and her husband): its notice says it is a
    group, so Luis's two messages, his only ones, are his, not lines pasted in the shop's."""
    text = (
        "1/12/26, 09:00 - Rosa Mite añadió a Luis Vera\n"
        "2/12/26, 10:02 - Rosa Mite: Necesito 3 tortas para el sábado\n"
        f"2/12/26, 10:05 - {BUSINESS}: Con gusto\n"
        "2/12/26, 10:06 - Luis Vera: Yo paso a recogerlas\n"
        "2/12/26, 10:07 - Luis Vera: A las 9\n"
    )
    assert [sender for sender, _ in said(parse(text))] == ["Rosa Mite", BUSINESS, "Luis Vera", "Luis Vera"]


def test_an_ios_group_named_after_the_customer_keeps_a_member_who_writes_once() -> None:
    """iOS writes the group's notice under the group's name, marked: "Rosa Mite" the group is no
    1:1 chat with Rosa Mite, and Luis's two messages, his only ones, are his (reviewer's find)."""
    text = (
        f"[1/12/26, 9:00:05] Rosa Mite: {LRM}Rosa Mite añadió a Luis Vera\n"
        "[2/12/26, 10:02:00] Rosa Mite: Necesito 3 tortas para el sábado\n"
        f"[2/12/26, 10:05:00] {BUSINESS}: Con gusto\n"
        "[2/12/26, 10:06:00] Luis Vera: Yo paso a recogerlas\n"
        "[2/12/26, 10:07:00] Luis Vera: A las 9\n"
    )
    assert [sender for sender, _ in said(parse(text))] == ["Rosa Mite", BUSINESS, "Luis Vera", "Luis Vera"]


def test_a_pasted_line_with_a_notice_s_word_does_not_make_a_1_1_chat_a_group() -> None:
    """ "Su pedido salió del centro" has a group notice's verb, not its shape ("Luis salió"): the
    chat stays 1:1, and the bit of another chat pasted after it stays Rosa's text (reviewer's find)."""
    text = (
        "2/12/26, 10:00 - Rosa Mite: ¿Dónde está mi pedido?\n"
        "2/12/26, 10:01 - Su pedido salió del centro de distribución\n"
        "2/12/26, 10:02 - Rosa Mite: Y mi hermana me escribió:\n"
        "1/12/26, 08:00 - Juan Pérez: ya lo pedí\n"
        "1/12/26, 08:01 - Marta Ruiz: ok\n"
        f"2/12/26, 10:05 - {BUSINESS}: Llega hoy\n"
    )
    assert [sender for sender, _ in said(parse(text))] == ["Rosa Mite", "Rosa Mite", BUSINESS]
