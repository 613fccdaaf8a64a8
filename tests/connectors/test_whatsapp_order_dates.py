"""The `whatsapp_export` connector: dates a customer types one per line inside a message, each line
written like the export's own dated line without a sender ("5/12/26, 09:00 - recoger").

Android writes its system notices that way too ("Your security code with … changed", a group's
"Ana added Luis"): a notice is kept out of the messages, an order's lines are kept as the text of
the message they were typed in, in every locale and wherever the message is (in the middle of the
chat, or the last one, still waiting for an answer).

Every export here is written for these tests (invented names, numbers and texts), in the apps'
layouts. Invisible characters are escapes: U+200E (left-to-right mark, iOS), U+202F (narrow
no-break space) and U+00A0 (no-break space).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from socialmon_connectors.whatsapp import parse_export

LRM, NNBSP, NBSP = "\u200e", "\u202f", "\u00a0"
BUSINESS = "Panadería La Cosecha"
GYE = ZoneInfo("America/Guayaquil")


def parse(text: str, chat: str = "Rosa Mite", **options: Any) -> Any:
    options.setdefault("business_names", [BUSINESS])
    options.setdefault("zone", GYE)
    return parse_export(text, chat=chat, **options)


def said(chat: Any) -> list[tuple[str, str]]:
    return [(m.sender, m.text) for m in chat.messages]


def test_an_order_s_dates_in_the_middle_of_an_android_spanish_chat_are_the_message_s_text() -> None:
    dates = "5/12/26, 09:00 - recoger 20 panes\n6/12/26, 09:00 - recoger 30 panes\n"
    text = (
        "3/12/26, 10:02 - Rosa Mite: Hola, mi pedido de la semana:\n"
        f"{dates}"
        f"3/12/26, 10:10 - {BUSINESS}: Anotado, Rosa\n"
    )
    chat = parse(text)
    assert said(chat) == [
        ("Rosa Mite", f"Hola, mi pedido de la semana:\n{dates}".rstrip("\n")),
        (BUSINESS, "Anotado, Rosa"),
    ]
    assert chat.rejected == []


def test_an_order_s_dates_in_the_last_message_android_english_12_hour() -> None:
    """The chat's last message, still waiting: nothing after it says the dates are out of order."""
    dates = f"12/5/26, 9:00{NNBSP}AM - 20 loaves\n12/6/26, 9:00{NNBSP}AM - 30 loaves\n12/7/26, 9:00{NNBSP}AM - 20 loaves\n"
    text = f"12/3/26, 10:02{NNBSP}AM - Rosa Mite: Hi, I need bread on these days:\n{dates}"
    chat = parse(text, locale="en-US")
    assert said(chat) == [
        ("Rosa Mite", "Hi, I need bread on these days:\n" + dates.replace(NNBSP, " ").rstrip("\n"))
    ]


def test_one_date_line_dated_after_the_answer_to_it_brazilian_portuguese() -> None:
    """A lone line: a notice is written when it happens, between the messages around it; one dated
    after the next message was typed."""
    text = (
        "03/12/2026 10:02 - Rosa Mite: Bom dia! Quero um bolo\n"
        f"03/12/2026 10:05 - {BUSINESS}: Para quando?\n"
        "03/12/2026 10:07 - Rosa Mite: Retirada:\n"
        "08/12/2026 16:00 - loja do centro\n"
        f"03/12/2026 10:09 - {BUSINESS}: Combinado\n"
    )
    chat = parse(text, locale="pt-BR")
    assert said(chat)[-2:] == [
        ("Rosa Mite", "Retirada:\n08/12/2026 16:00 - loja do centro"),
        (BUSINESS, "Combinado"),
    ]


def test_a_date_line_typed_with_a_colon_after_the_answer_to_it_is_no_third_person() -> None:
    """ "5/12/26, 09:00 - entrega: …" reads like a message of "entrega"; dated after the business's
    answer to the message it is in, and written by nobody else, it was typed there."""
    text = (
        "3/12/26, 10:02 - Rosa Mite: Hola, el pedido:\n"
        "5/12/26, 09:00 - entrega: Av. Amazonas N34-12\n"
        f"3/12/26, 10:10 - {BUSINESS}: Anotado\n"
    )
    assert said(parse(text)) == [
        ("Rosa Mite", "Hola, el pedido:\n5/12/26, 09:00 - entrega: Av. Amazonas N34-12"),
        (BUSINESS, "Anotado"),
    ]


def test_dates_earlier_than_the_message_are_its_text_in_a_group() -> None:
    """In a group, the last orders' dates, earlier than the message they are typed in."""
    text = (
        "1/12/26, 09:00 - Ana Paz creó el grupo “Pedidos oficina”\n"
        "1/12/26, 09:00 - Ana Paz te añadió\n"
        "3/12/26, 10:02 - Ana Paz: Los pedidos que faltaron:\n"
        "28/11/26, 08:00 - 12 empanadas\n"
        "29/11/26, 08:00 - 6 panes\n"
        f"3/12/26, 10:30 - {BUSINESS}: Ya los revisamos\n"
        "3/12/26, 10:31 - Luis Vera: Gracias\n"
    )
    chat = parse(text, chat="Pedidos oficina")
    assert said(chat) == [
        ("Ana Paz", "Los pedidos que faltaron:\n28/11/26, 08:00 - 12 empanadas\n29/11/26, 08:00 - 6 panes"),
        (BUSINESS, "Ya los revisamos"),
        ("Luis Vera", "Gracias"),
    ]


def test_notices_between_messages_of_a_1_1_chat_stay_notices() -> None:
    """Android's notices of a 1:1 chat, in each language, between its messages: not text."""
    text = (
        "3/12/26, 10:02 - Rosa Mite: Hola\n"
        "3/12/26, 10:03 - Tu código de seguridad con Rosa Mite cambió. Toca para obtener más información.\n"
        f"3/12/26, 10:05 - {BUSINESS}: Hola Rosa\n"
        "3/12/26, 11:00 - Rosa Mite changed their phone number to a new number. Tap to message or add the new number.\n"
        "3/12/26, 11:02 - Rosa Mite: ¿Tienen pan?\n"
        "3/12/26, 11:03 - Esta empresa usa un servicio seguro de Meta para administrar este chat. Toca para obtener más información.\n"
        "3/12/26, 11:04 - Rosa Mite: ¿Hola?\n"
        "3/12/26, 11:05 - Rosa Mite ativou as mensagens temporárias. As novas mensagens vão desaparecer desta conversa 7 dias após o envio.\n"
        "3/12/26, 11:06 - Rosa Mite: ok\n"
        "3/12/26, 11:07 - Bloqueaste a este contacto.\n"
    )
    assert said(parse(text)) == [
        ("Rosa Mite", "Hola"),
        (BUSINESS, "Hola Rosa"),
        ("Rosa Mite", "¿Tienen pan?"),
        ("Rosa Mite", "¿Hola?"),
        ("Rosa Mite", "ok"),
    ]


def test_a_group_s_notices_in_a_row_stay_notices() -> None:
    text = (
        "1/12/26, 09:00 - Ana Paz: Bienvenidos\n"
        "1/12/26, 09:01 - Ana Paz añadió a Luis Vera\n"
        "1/12/26, 09:01 - Ana Paz añadió a Marta Ruiz\n"
        "1/12/26, 09:02 - Luis Vera salió del grupo\n"
        "1/12/26, 09:03 - Ana Paz cambió el ícono de este grupo\n"
        f"1/12/26, 09:04 - {BUSINESS}: Hola a todos\n"
    )
    chat = parse(text, chat="Pedidos oficina")
    assert said(chat) == [("Ana Paz", "Bienvenidos"), (BUSINESS, "Hola a todos")]


def test_an_order_line_after_a_notice_is_not_lost() -> None:
    """A date line typed under a notice (a paste of the group's bit with its notice): the notice's
    line and the dates are the message's text; nothing is dropped with the notice."""
    text = (
        "3/12/26, 10:02 - Rosa Mite: Lo del grupo:\n"
        "1/12/26, 09:00 - Ana Paz añadió a Rosa Mite\n"
        "1/12/26, 09:05 - pedido para el 5 de diciembre\n"
        "con entrega en casa\n"
        f"3/12/26, 10:10 - {BUSINESS}: Anotado\n"
    )
    chat = parse(text)
    assert said(chat) == [
        (
            "Rosa Mite",
            "Lo del grupo:\n1/12/26, 09:00 - Ana Paz añadió a Rosa Mite\n"
            "1/12/26, 09:05 - pedido para el 5 de diciembre\ncon entrega en casa",
        ),
        (BUSINESS, "Anotado"),
    ]


def test_an_ios_export_s_order_lines_written_like_its_own_without_a_sender() -> None:
    """iOS: "[5/12/26, 9:00:00] recoger" names no sender: the message's text too."""
    text = (
        "[3/12/26, 10:02:11] Rosa Mite: Para la semana:\n"
        "[5/12/26, 9:00:00] recoger\n"
        "[6/12/26, 9:00:00] entregar\n"
        f"[3/12/26, 10:05:40] {BUSINESS}: Anotado\n"
    )
    assert said(parse(text)) == [
        ("Rosa Mite", "Para la semana:\n[5/12/26, 9:00:00] recoger\n[6/12/26, 9:00:00] entregar"),
        (BUSINESS, "Anotado"),
    ]


def test_a_typed_date_written_day_first_does_not_turn_a_month_first_file() -> None:
    """US English, every message's date ambiguous (12/3 is 3 December): the customer types "13/12"
    day-first at the start of two lines. The file stays month-first, its messages in December."""
    text = (
        f"12/3/26, 10:02{NNBSP}AM - Rosa Mite: Pick-up days, as we say at home:\n"
        f"13/12/26, 9:00{NNBSP}AM - 20 loaves\n"
        f"14/12/26, 9:00{NNBSP}AM - 30 loaves\n"
        f"12/3/26, 10:10{NNBSP}AM - {BUSINESS}: Noted\n"
    )
    chat = parse(text, locale="en-US")
    assert chat.date_order == "mdy"
    assert [
        (m.created_at.astimezone(GYE).month, m.created_at.astimezone(GYE).day) for m in chat.messages
    ] == [
        (12, 3),
        (12, 3),
    ]
    assert chat.messages[0].text.endswith("14/12/26, 9:00 AM - 30 loaves")
    assert chat.rejected == []


def test_lines_pasted_under_an_ios_notice_are_not_lost_with_it() -> None:
    """iOS: a bit of a group pasted with its (marked) notice first: the notice and the lines under
    it are the customer's message's text, nothing dropped with the notice."""
    text = (
        "[3/12/26, 10:02:00] Rosa Mite: Lo del grupo:\n"
        f"[1/12/26, 9:00:00] Pedidos oficina: {LRM}Ana Paz añadió a Rosa Mite\n"
        "[1/12/26, 9:01:00] Ana Paz: bienvenida\n"
        "[1/12/26, 9:02:00] Luis Vera: hola Rosa\n"
        f"[3/12/26, 10:10:00] {BUSINESS}: ¡Qué lindo!\n"
    )
    chat = parse(text)
    assert said(chat) == [
        (
            "Rosa Mite",
            "Lo del grupo:\n[1/12/26, 9:00:00] Pedidos oficina: Ana Paz añadió a Rosa Mite\n"
            "[1/12/26, 9:01:00] Ana Paz: bienvenida\n[1/12/26, 9:02:00] Luis Vera: hola Rosa",
        ),
        (BUSINESS, "¡Qué lindo!"),
    ]
