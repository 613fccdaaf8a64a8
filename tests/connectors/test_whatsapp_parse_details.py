"""The `whatsapp_export` parser's faster paths read an export exactly as before: line numbers over
multi-line messages (a message's first line is found after the line break before it), texts with
and without the apps' invisible characters, ids of several messages of a sender in one minute, and
the garbage collector paused only while a parse runs.

Every export here is written for these tests (invented names and texts). The apps' invisible
characters are escapes: U+200E (left-to-right mark), U+202F (narrow no-break space), U+00A0
(no-break space), U+FEFF (byte order mark).
"""

from __future__ import annotations

import gc
import hashlib
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from socialmon_connectors import whatsapp
from socialmon_connectors.whatsapp import parse_export

LRM, NNBSP, NBSP, BOM = "\u200e", "\u202f", "\u00a0", "\ufeff"
BUSINESS = "Panadería La Cosecha"
MX = ZoneInfo("America/Mexico_City")


def parse(text: str, **options: Any) -> Any:
    options.setdefault("business_names", [BUSINESS])
    options.setdefault("zone", MX)
    return parse_export(text, chat="Rosa Mite", **options)


def android(clock: str, line: str) -> str:
    """An Android line at `clock` ("9:15 a"), written as the Spanish app writes it."""
    time, half = clock.split()
    return f"12/11/26, {time}{NNBSP}{half}.{NBSP}m. - {line}"


def lines_and_texts(chat: Any) -> list[tuple[int, str, str]]:
    return [(m.line, m.sender, m.text) for m in chat.messages]


@pytest.mark.parametrize("ending", ["\n", "", "\n\n\n"])
@pytest.mark.parametrize("line_break", ["\n", "\r\n"])
def test_line_numbers_over_multi_line_messages_blank_lines_and_any_ending(
    line_break: str, ending: str
) -> None:
    """Each message's line is its first line's number, counted over the lines of the messages before
    it (continuation lines, blank lines), whatever ends the file."""
    lines = [
        android("9:15 a", "Rosa Mite: hola"),
        "quiero pedir pan",
        "",
        "para mañana",
        android("9:16 a", f"{BUSINESS}: Claro"),
        "",
        android("9:17 a", "Rosa Mite: gracias"),
    ]
    chat = parse(line_break.join(lines) + ending.replace("\n", line_break))
    assert lines_and_texts(chat) == [
        (1, "Rosa Mite", "hola\nquiero pedir pan\n\npara mañana"),
        (5, BUSINESS, "Claro"),
        (7, "Rosa Mite", "gracias"),
    ]
    assert chat.rejected == []


def test_text_before_the_first_message_and_a_byte_order_mark() -> None:
    """Lines above the first message are said with their last line's number; a byte order mark
    before the first message's date is no text."""
    text = (
        "una nota\n\n"
        + android("9:15 a", "Rosa Mite: hola")
        + "\n"
        + BOM
        + android("9:16 a", f"{BUSINESS}: Buenos días")
        + "\n"
    )
    chat = parse(text)
    assert lines_and_texts(chat) == [(3, "Rosa Mite", "hola"), (4, BUSINESS, "Buenos días")]
    assert chat.rejected == [
        (1, "text before the first message (up to line 2) belongs to no message: not read")
    ]
    opened = parse(BOM + android("9:15 a", "Rosa Mite: hola") + "\n")
    assert lines_and_texts(opened) == [(1, "Rosa Mite", "hola")]
    assert opened.rejected == []


def test_a_line_pasted_inside_a_message_keeps_the_numbers_of_the_lines_after_it() -> None:
    """A line written like a message's start that is text of the one above it (a notice's words
    without a sender, with lines under it) is read with it; the next message keeps its own line."""
    text = (
        "[12/11/26, 9:15:02] Rosa Mite: mi pedido:\n"
        "[13/11/26, 9:00:00] recoger en tienda\n"
        "sin azúcar\n"
        f"[12/11/26, 9:20:40] {BUSINESS}: Anotado\n"
        "[12/11/26, 9:21:00] Rosa Mite: gracias"
    )
    chat = parse(text)
    assert lines_and_texts(chat) == [
        (1, "Rosa Mite", "mi pedido:\n[13/11/26, 9:00:00] recoger en tienda\nsin azúcar"),
        (4, BUSINESS, "Anotado"),
        (5, "Rosa Mite", "gracias"),
    ]


def test_a_line_of_another_clock_is_text_and_a_line_that_is_no_date_is_said_with_its_number() -> None:
    """A line written with another clock than the file's is text of the message above it; a
    message's start that is no date (31 February) is said with its line's number, not stored."""
    text = (
        android("9:15 a", "Rosa Mite: hola")
        + "\nsigue\n"
        + "31/02/26, 9:16 - Rosa Mite: ¿abren?\n"
        + android("9:17 a", f"{BUSINESS}: Sí")
        + "\n"
    )
    chat = parse(text, date_order="dmy")
    assert [(m.line, m.text) for m in chat.messages] == [
        (1, "hola\nsigue\n31/02/26, 9:16 - Rosa Mite: ¿abren?"),
        (4, "Sí"),
    ]
    one_clock = "\n".join(
        [
            "31/02/26, 09:15 - Rosa Mite: hola",
            "sigue",
            "12/11/26, 09:16 - Rosa Mite: ¿abren?",
        ]
    )
    chat = parse(one_clock, date_order="dmy")
    assert [(m.line, m.text) for m in chat.messages] == [(3, "¿abren?")]
    assert chat.rejected == [
        (1, "31/02/26 09h is not a date and time (read dmy): day is out of range for month")
    ]


@pytest.mark.parametrize(
    ("said", "text"),
    [
        ("hola, buenos días", "hola, buenos días"),  # not ASCII, printable
        ("hello", "hello"),  # ASCII
        ("  con espacios  ", "con espacios"),
        (f"pan{NBSP}de{NNBSP}masa madre", "pan de masa madre"),  # no-break spaces read as spaces
        (f"hola{LRM} amiga", "hola amiga"),  # a direction mark inside a text is dropped
        ("hola\tamiga", "hola\tamiga"),  # not printable, no mark either
        # On Android the app's own lines name no sender: a mark at a text's start is the sender's
        # (test_whatsapp_qa_dec.py: on iOS, U+200E there marks a line of the app's, skipped).
        (f"{LRM}hola", "hola"),
    ],
)
def test_texts_with_and_without_invisible_characters(said: str, text: str | None) -> None:
    chat = parse(
        android("9:15 a", f"{BUSINESS}: hola") + "\n" + android("9:16 a", f"Rosa Mite: {said}") + "\n"
    )
    assert [m.text for m in chat.messages] == ["hola"] + ([] if text is None else [text])


def test_marked_lines_on_ios_stay_media_notices_and_deletions() -> None:
    """iOS marks its own lines with U+200E: a media line is a message with no text, a marked notice
    is skipped, a deletion is a deleted message."""
    text = (
        f"[12/11/26, 9:15:02] Rosa Mite: {LRM}imagen omitida\n"
        f"[12/11/26, 9:15:30] Rosa Mite: {LRM}Los mensajes y las llamadas están cifrados de extremo a extremo.\n"
        f"[12/11/26, 9:16:00] Rosa Mite: {LRM}Se eliminó este mensaje.\n"
        f"[12/11/26, 9:17:00] {BUSINESS}: Pedido.pdf • 1 página {LRM}documento omitido\n"
        f"[12/11/26, 9:18:00] Rosa Mite: Se eliminó este mensaje\n"
    )
    chat = parse(text)
    assert [(m.sender, m.text, m.deleted) for m in chat.messages] == [
        ("Rosa Mite", "", False),
        ("Rosa Mite", "", True),
        (BUSINESS, "", False),
        ("Rosa Mite", "", True),
    ]


def test_ids_of_a_senders_messages_in_one_minute() -> None:
    """A message's id is a digest of the chat, its minute, its sender and its place among that
    sender's messages of the minute, as before: the n-th message of Rosa at 9:15 is number n-1."""
    text = "\n".join(
        [
            android("9:15 a", "Rosa Mite: uno"),
            android("9:15 a", f"{BUSINESS}: dos"),
            android("9:15 a", "Rosa Mite: tres"),
            android("9:16 a", "Rosa Mite: cuatro"),
        ]
    )
    chat = parse(text)

    def expected(minute: str, sender: str, n: int) -> str:
        digest = hashlib.sha1(f"rosa mite\x1f2026-11-12T09:{minute}\x1f{sender}\x1f{n}".encode()).hexdigest()
        return "wa-" + digest[:24]

    assert [m.platform_id for m in chat.messages] == [
        expected("15", "rosa mite", 0),
        expected("15", "panadería la cosecha", 0),
        expected("15", "rosa mite", 1),
        expected("16", "rosa mite", 0),
    ]


def test_the_collector_runs_again_after_a_parse_and_stays_off_when_it_was() -> None:
    text = android("9:15 a", "Rosa Mite: hola") + "\n"
    was_enabled = gc.isenabled()
    try:
        gc.enable()
        parse(text)
        assert gc.isenabled()
        gc.disable()
        parse(text)
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()


def test_the_collector_runs_again_after_a_parse_that_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str) -> None:
        assert not gc.isenabled()  # paused while the export is read
        raise RuntimeError("broken")

    monkeypatch.setattr(whatsapp, "_header_pattern", broken)
    was_enabled = gc.isenabled()
    try:
        gc.enable()
        with pytest.raises(RuntimeError):
            parse("hola\n")
        assert gc.isenabled()
    finally:
        if not was_enabled:
            gc.disable()
