"""The `whatsapp_export` parser's less common paths: a line whose time or date is no time or date,
and the edge of the tolerance that tells a message from a line pasted in the one before it.

`parse_export` first checks that every line that starts like a message starts one (no line pasted
in a message), and only reads the chat line by line when that check fails: the exports here sit on
both sides of that check. Every export is written for these tests (invented names and texts), in
the apps' layouts: Android "2/12/26, 10:02 - Name: text", iOS "[2/12/26, 10:02:05] Name: text".
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from socialmon_connectors.whatsapp import parse_export

BUSINESS = "Panadería La Cosecha"
GYE = ZoneInfo("America/Guayaquil")


def parse(text: str) -> Any:
    return parse_export(text, chat="Rosa Mite", zone=GYE, business_names=[BUSINESS])


def said(chat: Any) -> list[tuple[str, str, str]]:
    return [(m.sender, m.text, m.created_at.astimezone(GYE).strftime("%H:%M:%S")) for m in chat.messages]


def test_a_line_whose_minute_is_past_59_is_named_and_the_others_are_read() -> None:
    text = (
        "2/12/26, 10:02 - Rosa Mite: ¿Tienen pan de yuca?\n"
        "2/12/26, 10:75 - Rosa Mite: ¿y de queso?\n"
        f"2/12/26, 10:06 - {BUSINESS}: Sí, de los dos\n"
    )
    chat = parse(text)
    assert said(chat) == [
        ("Rosa Mite", "¿Tienen pan de yuca?", "10:02:00"),
        (BUSINESS, "Sí, de los dos", "10:06:00"),
    ]
    assert chat.rejected == [(2, "10:75 is not a time: minute must be in 0..59")]
    assert chat.headers == 3


def test_an_ios_line_whose_second_is_past_59_is_named_and_the_others_keep_their_seconds() -> None:
    text = (
        "[2/12/26, 10:02:05] Rosa Mite: ¿Tienen pan de yuca?\n"
        "[2/12/26, 10:03:75] Rosa Mite: ¿y de queso?\n"
        f"[2/12/26, 10:06:41] {BUSINESS}: Sí, de los dos\n"
    )
    chat = parse(text)
    assert said(chat) == [
        ("Rosa Mite", "¿Tienen pan de yuca?", "10:02:05"),
        (BUSINESS, "Sí, de los dos", "10:06:41"),
    ]
    assert chat.rejected == [(2, "10:03 is not a time: second must be in 0..59")]


def test_a_line_whose_date_is_no_date_is_named_and_the_others_are_read() -> None:
    text = (
        "2/12/26, 10:02 - Rosa Mite: ¿Tienen pan de yuca?\n"
        "31/02/26, 10:05 - Rosa Mite: ¿y de queso?\n"
        f"2/12/26, 10:06 - {BUSINESS}: Sí, de los dos\n"
    )
    chat = parse(text)
    assert [text for _, text, _ in said(chat)] == ["¿Tienen pan de yuca?", "Sí, de los dos"]
    assert chat.rejected == [
        (2, "31/02/26 10h is not a date and time (read dmy): day is out of range for month")
    ]


def test_a_message_two_hours_older_than_the_one_before_stays_a_message() -> None:
    text = (
        "2/12/26, 12:00 - Rosa Mite: ¿Llegó mi pedido?\n"
        "2/12/26, 10:00 - Rosa Mite: Lo pedí por la mañana\n"
        f"2/12/26, 12:05 - {BUSINESS}: Sale a las 13:00\n"
    )
    assert said(parse(text)) == [
        ("Rosa Mite", "¿Llegó mi pedido?", "12:00:00"),
        ("Rosa Mite", "Lo pedí por la mañana", "10:00:00"),
        (BUSINESS, "Sale a las 13:00", "12:05:00"),
    ]
