"""The `whatsapp_export` connector: earlier lines a sender pastes into a message, written exactly as
the export writes a message's start.

A customer quotes the business's own earlier answer with its "date, time - Name:" (Android) or
"[date, time] Name:" (iOS) prefix, copied from the chat or from her own phone (which names the
business as she saved it), or pastes an earlier bit of a group chat, where she, the business or
one other person wrote. Those lines are the text of the message they are pasted in: the business
did not answer again, nobody else wrote in the 1:1 chat, and the chat's last activity is the
message's time, not the pasted lines'. Real messages stay apart: the same text sent twice, a
message a linked device delivered late.

Every export here is written for these tests (invented names, numbers and texts), in the apps'
layouts. Invisible characters are escapes: U+200E (left-to-right mark, iOS), U+202F (narrow
no-break space) and U+00A0 (no-break space) around the 12-hour clock's "a. m."/"PM".
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from socialmon_connectors.whatsapp import conversation_record, parse_export

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


def plain(text: str) -> str:
    return text.replace(NNBSP, " ").replace(NBSP, " ").replace(LRM, "")


# --- the business's own earlier answer, quoted ------------------------------------------------------


def test_a_customer_quoting_the_business_s_answer_android_spanish_is_still_waiting() -> None:
    """Android, Spanish, 12-hour clock: Rosa copies the business's morning answer (from the export
    she has, so written exactly as this one) and complains under it. The business did not answer
    again at 9:10: her message holds the quote, and the chat waits for an answer."""
    quote = f"1/12/26, 9:10{AM} - {BUSINESS}: Sale hoy a las 3{PM}\n"
    text = (
        f"1/12/26, 9:02{AM} - Rosa Mite: ¿A qué hora llega mi pedido?\n"
        f"1/12/26, 9:10{AM} - {BUSINESS}: Sale hoy a las 3{PM}\n"
        f"1/12/26, 6:45{PM} - Rosa Mite: Ustedes me escribieron:\n"
        f"{quote}"
        "y todavía no llega nada\n"
    )
    chat = parse(text)
    assert said(chat) == [
        ("Rosa Mite", "¿A qué hora llega mi pedido?"),
        (BUSINESS, "Sale hoy a las 3 p. m."),
        ("Rosa Mite", plain(f"Ustedes me escribieron:\n{quote}y todavía no llega nada")),
    ]
    assert [m.is_business for m in chat.messages] == [False, True, False]
    last = conversation_record(chat)
    assert last.created_at == chat.messages[-1].created_at  # her complaint's time, 6:45 p. m.
    assert last.created_at.astimezone(GYE).hour == 18
    assert chat.rejected == []


def test_a_customer_quoting_two_answers_ios_english_keeps_one_message() -> None:
    """iOS, US English: copying two messages on an iPhone gives the export's own bracketed lines,
    seconds and all. Both are the business's earlier answers; the customer's question under them
    is hers."""
    quote = (
        f"[12/1/26, 9:10:04{NNBSP}AM] {BUSINESS}: Your order ships today\n"
        f"[12/1/26, 9:10:31{NNBSP}AM] {BUSINESS}: It arrives before 6 PM\n"
    )
    text = (
        f"[12/1/26, 9:02:40{NNBSP}AM] Rosa Mite: {LRM}Messages and calls are end-to-end encrypted. No one "
        "outside of this chat, not even WhatsApp, can read or listen to them.\n"
        f"[12/1/26, 9:02:40{NNBSP}AM] Rosa Mite: When does my order ship?\n"
        f"{quote}"
        f"[12/2/26, 10:15:12{NNBSP}AM] Rosa Mite: You told me\n{quote}It is the 2nd and nothing came\n"
    )
    chat = parse(text, locale="en-US")
    assert [sender for sender, _ in said(chat)] == ["Rosa Mite", BUSINESS, BUSINESS, "Rosa Mite"]
    assert chat.messages[-1].text == plain(f"You told me\n{quote}It is the 2nd and nothing came")
    assert chat.messages[-1].created_at.astimezone(GYE).day == 2


def test_a_quote_naming_the_business_as_the_customer_saved_it_is_her_text() -> None:
    """Brazilian Portuguese, Android, 24-hour clock: copied from her own phone, the business's
    answer carries the name she saved it under ("Cosecha padaria"), which writes nowhere else in
    the chat: a quote, not a third person in a 1:1 chat."""
    text = (
        "01/12/2026 09:02 - Rosa Mite: Bom dia, o pão de queijo sai que horas?\n"
        f"01/12/2026 09:10 - {BUSINESS}: Às 10h\n"
        "02/12/2026 11:20 - Rosa Mite: Ontem vocês disseram:\n"
        "01/12/2026 09:10 - Cosecha padaria: Às 10h\n"
        "Hoje já são 11h20 e nada\n"
    )
    chat = parse(text, locale="pt-BR")
    assert [sender for sender, _ in said(chat)] == ["Rosa Mite", BUSINESS, "Rosa Mite"]
    assert chat.customers() == {"rosa mite"}
    assert chat.messages[-1].text == (
        "Ontem vocês disseram:\n01/12/2026 09:10 - Cosecha padaria: Às 10h\nHoje já são 11h20 e nada"
    )


def test_a_quote_of_an_edited_answer_is_a_quote() -> None:
    """The quoted answer was edited: the export writes its mark after it, the quote has it not."""
    text = (
        "01/12/2026 09:02 - Rosa Mite: ¿Tienen pan de yuca?\n"
        f"01/12/2026 09:10 - {BUSINESS}: Sí, hasta las 12 <Se editó este mensaje.>\n"
        "01/12/2026 13:00 - Rosa Mite: Me dijeron\n"
        f"01/12/2026 09:10 - {BUSINESS}: Sí, hasta las 12\n"
        "y ya no hay\n"
    )
    assert [sender for sender, _ in said(parse(text))] == ["Rosa Mite", BUSINESS, "Rosa Mite"]


def test_the_same_text_sent_twice_stays_two_messages() -> None:
    """A reply sent twice in the same minute (a double tap, a resend) is two messages, not a quote."""
    text = (
        "01/12/2026 09:02 - Rosa Mite: ¿Abren el domingo?\n"
        f"01/12/2026 09:10 - {BUSINESS}: Sí, de 8 a 12\n"
        f"01/12/2026 09:10 - {BUSINESS}: Sí, de 8 a 12\n"
        "01/12/2026 09:10 - Rosa Mite: Gracias\n"
        f"01/12/2026 09:10 - {BUSINESS}: Sí, de 8 a 12\n"
    )
    assert len(parse(text).messages) == 5


def test_a_late_answer_of_the_business_that_repeats_no_earlier_line_stays_its_message() -> None:
    """Sent from a linked computer while the phone was offline, the business's answer comes after
    the customer's later message, at its own earlier time: a message, not a quote."""
    text = (
        "01/12/2026 09:02 - Rosa Mite: ¿Abren el domingo?\n"
        "01/12/2026 09:30 - Rosa Mite: ¿Hola?\n"
        f"01/12/2026 09:10 - {BUSINESS}: Sí, de 8 a 12\n"
    )
    assert [sender for sender, _ in said(parse(text))] == ["Rosa Mite", "Rosa Mite", BUSINESS]


# --- an earlier bit of a group chat, pasted -------------------------------------------------------


def test_a_bit_of_a_group_with_one_other_member_and_the_customer_android_spanish() -> None:
    """Rosa pastes what she and her uncle wrote in the family group yesterday: one line of his (the
    only one of his in the chat), one of hers. Neither is a message of this chat."""
    pasted = f"1/12/26, 9:00{AM} - Tío Lucho: el pan de ayer vino duro\n1/12/26, 9:01{AM} - Rosa Mite: a mí también\n"
    text = (
        f"1/12/26, 8:30{AM} - Rosa Mite: Buenos días\n"
        f"1/12/26, 8:45{AM} - {BUSINESS}: Buenos días, Rosa\n"
        f"2/12/26, 6:40{PM} - Rosa Mite: Miren lo que hablamos en el grupo:\n{pasted}"
        f"2/12/26, 7:00{PM} - {BUSINESS}: Lo sentimos, Rosa; le reponemos el pan\n"
    )
    chat = parse(text)
    assert said(chat) == [
        ("Rosa Mite", "Buenos días"),
        (BUSINESS, "Buenos días, Rosa"),
        ("Rosa Mite", plain(f"Miren lo que hablamos en el grupo:\n{pasted}".rstrip("\n"))),
        (BUSINESS, "Lo sentimos, Rosa; le reponemos el pan"),
    ]
    assert chat.customers() == {"rosa mite"}
    times = [m.created_at for m in chat.messages]
    assert times == sorted(times)


def test_a_bit_of_a_group_where_the_business_also_wrote_ios_english() -> None:
    """iOS, English: the neighbourhood group, where the bakery answered too. Its line there is no
    answer here: the customer's question after the paste is still waiting."""
    pasted = (
        f"[11/30/26, 7:15:09{NNBSP}PM] Dave Ortiz: is La Cosecha open on Sunday?\n"
        f"[11/30/26, 7:20:41{NNBSP}PM] {BUSINESS}: Yes, 8 to 12\n"
    )
    text = (
        f"[11/29/26, 9:00:00{NNBSP}AM] Rosa Mite: Hi, do you deliver?\n"
        f"[11/29/26, 9:05:00{NNBSP}AM] {BUSINESS}: Yes, within 5 km\n"
        f"[12/1/26, 8:02:33{NNBSP}AM] Rosa Mite: From the street group:\n{pasted}"
        "Is that also for Christmas Sunday?\n"
    )
    chat = parse(text, locale="en-US")
    assert [sender for sender, _ in said(chat)] == ["Rosa Mite", BUSINESS, "Rosa Mite"]
    assert chat.messages[-1].text == plain(
        f"From the street group:\n{pasted}Is that also for Christmas Sunday?"
    )
    assert not chat.messages[-1].is_business


def test_a_single_line_of_a_group_pasted_alone_brazilian_portuguese() -> None:
    """One line of another person, an hour old, pasted alone at the end of a message: it is no
    message of a third person in a 1:1 chat."""
    text = (
        "02/12/2026 10:00 - Rosa Mite: Olá!\n"
        f"02/12/2026 10:05 - {BUSINESS}: Olá, Rosa\n"
        "02/12/2026 11:10 - Rosa Mite: Minha vizinha mandou no grupo:\n"
        "02/12/2026 10:02 - Carla Souza: o bolo de fubá de vocês acabou?\n"
        f"02/12/2026 11:15 - {BUSINESS}: Ainda temos\n"
    )
    chat = parse(text, locale="pt-BR")
    assert said(chat) == [
        ("Rosa Mite", "Olá!"),
        (BUSINESS, "Olá, Rosa"),
        (
            "Rosa Mite",
            "Minha vizinha mandou no grupo:\n02/12/2026 10:02 - Carla Souza: o bolo de fubá de vocês acabou?",
        ),
        (BUSINESS, "Ainda temos"),
    ]


def test_a_third_person_s_line_in_order_in_a_1_1_chat_stays_a_message() -> None:
    """A line of someone else at its own time, after the messages before it, cannot be told from a
    message (a chat named after the customer that is really a small group): kept as written."""
    text = (
        "02/12/2026 10:00 - Rosa Mite: Necesito 3 tortas\n"
        f"02/12/2026 10:05 - {BUSINESS}: Con gusto\n"
        "02/12/2026 10:06 - Jorge (asistente): Yo paso a las 9\n"
    )
    assert [sender for sender, _ in said(parse(text))] == ["Rosa Mite", BUSINESS, "Jorge (asistente)"]


def test_a_bit_of_a_group_opening_on_its_notice_android_english() -> None:
    """Copied from the group's export, the bit opens on the group's notice (no sender), then one
    line of the new member and one of the customer: all of it her message's text, and the notice,
    from another chat and earlier than her message, does not make this chat a group."""
    pasted = (
        f"11/30/26, 7:00{NNBSP}PM - Dave Ortiz added Mia Chen\n"
        f"11/30/26, 7:02{NNBSP}PM - Mia Chen: does La Cosecha bake gluten-free?\n"
        f"11/30/26, 7:03{NNBSP}PM - Rosa Mite: no idea, I'll ask\n"
    )
    text = (
        f"11/29/26, 9:00{NNBSP}AM - Rosa Mite: Hi!\n"
        f"11/29/26, 9:05{NNBSP}AM - {BUSINESS}: Hello Rosa\n"
        f"12/1/26, 8:02{NNBSP}AM - Rosa Mite: My neighbour asks:\n{pasted}"
        f"12/1/26, 8:30{NNBSP}AM - {BUSINESS}: Yes, on Fridays\n"
    )
    chat = parse(text, locale="en-US")
    assert said(chat) == [
        ("Rosa Mite", "Hi!"),
        (BUSINESS, "Hello Rosa"),
        ("Rosa Mite", plain(f"My neighbour asks:\n{pasted}".rstrip("\n"))),
        (BUSINESS, "Yes, on Fridays"),
    ]


def test_a_bit_of_a_group_where_one_member_writes_twice_ios_spanish() -> None:
    """iOS, Spanish: her uncle, she, her uncle again. His two lines are both in the paste, so he
    writes nowhere else in the chat: all of it is her message's text."""
    pasted = (
        "[1/12/26, 9:00:12] Tío Lucho: ¿pidieron el pan?\n"
        "[1/12/26, 9:01:40] Rosa Mite: sí, a La Cosecha\n"
        "[1/12/26, 9:02:05] Tío Lucho: no ha llegado\n"
    )
    text = (
        "[1/12/26, 8:00:00] Rosa Mite: Buenos días, pedí 20 panes\n"
        f"[1/12/26, 8:04:00] {BUSINESS}: Recibido\n"
        f"[1/12/26, 11:30:00] Rosa Mite: Mi tío pregunta en el grupo:\n{pasted}"
        "¿ya salió?\n"
    )
    chat = parse(text)
    assert [sender for sender, _ in said(chat)] == ["Rosa Mite", BUSINESS, "Rosa Mite"]
    assert chat.messages[-1].text == f"Mi tío pregunta en el grupo:\n{pasted}¿ya salió?"
