"""Settings that decide how a WhatsApp export's messages are read, changed after a scan (QA walkthrough).

The scan warned "business_names is not set"; the user set it and scanned again: "0 new", still a 0 %
response rate, because the cursor said the export was read and nothing read it again until the
file itself changed. Now each file's cursor entry keeps what it was read with (`read_with`): when
`business_names`, the time zone or the day/month order differ, the file is read again from the
start and its stored messages are updated in place (same ids), or, where the new reading gives a
message another id (a date read the other way round), the old record is marked gone.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from helpers import run_in_process, write_config

from socialmon_connectors import ChannelContext, CommentRecord, Page
from socialmon_connectors import whatsapp as whatsapp_module
from socialmon_connectors.whatsapp import WhatsAppExportConnector, WhatsAppSettings

GYE = ZoneInfo("America/Guayaquil")
CHAT = "Chat de WhatsApp con Rosa Mite.txt"
BUSINESS = "Café Uno"


def line(moment: datetime, sender: str, text: str) -> str:
    """A message as Android writes it in Spanish with a 24-hour clock."""
    local = moment.astimezone(GYE)
    return f"{local:%d/%m/%y}, {local:%H:%M} - {sender}: {text}\n"


def recent_chat(folder: Path) -> None:
    """Rosa asks twice, the business answers 21 minutes later; hours ago Rosa wrote again (waiting)."""
    now = datetime.now(GYE).replace(second=0, microsecond=0)
    asked, waiting = now - timedelta(days=2), now - timedelta(hours=5)
    (folder / CHAT).write_text(
        line(asked, "Rosa Mite", "Hola, ¿tienen pan de yuca?")
        + line(asked + timedelta(minutes=1), "Rosa Mite", "Para hoy")
        + line(asked + timedelta(minutes=21), BUSINESS, "¡Sí, Rosa! Recién salido")
        + line(waiting, "Rosa Mite", "¿Me guardan dos?")
        + line(waiting + timedelta(minutes=2), "Rosa Mite", "Paso a las 6"),
        encoding="utf-8",
    )


def configure(folder: Path, business_names: str = "") -> Path:
    channels = (
        '[[brands.channels]]\nname = "whatsapp"\nplatform = "whatsapp_export"\n'
        f'path = "{CHAT}"\n{business_names}'
    )
    return write_config(folder, channels=channels)


def scan_runs(folder: Path) -> list[tuple[int, int, int, int]]:
    with sqlite3.connect(folder / "socialmon.db") as connection:
        return connection.execute(
            "SELECT pages, new_comments, updated_comments, new_posts FROM scan_run ORDER BY id"
        ).fetchall()


def stored_messages(folder: Path) -> list[tuple[str, str, int, int]]:
    with sqlite3.connect(folder / "socialmon.db") as connection:
        return connection.execute(
            "SELECT platform_id, author_name, is_business, deleted FROM comment ORDER BY created_at, id"
        ).fetchall()


def message_figures(config: Path) -> tuple[int, int]:
    """(turns, answered turns) of the brand's messages, as `report -f json` gives them."""
    result = run_in_process("report", "--config", str(config), "-f", "json")
    assert result.exit_code == 0, result.output
    [brand] = json.loads(result.stdout)["brands"]
    kinds = {group["key"]: group for group in brand["response_times"]["by_kind"]}
    return kinds["messages"]["comments"], kinds["messages"]["answered"]


def waiting_texts(config: Path) -> list[str]:
    result = run_in_process("pending", "--config", str(config), "-f", "json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["brands"][0]["needs_reply"]["items"]
    return [item["text"] for item in items if item.get("kind") == "message"]


@pytest.mark.slow
def test_setting_business_names_after_a_scan_reads_the_export_again_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    recent_chat(tmp_path)
    config = configure(tmp_path)
    with caplog.at_level(logging.WARNING, logger="socialmon.whatsapp"):
        first = run_in_process("scan", "--config", str(config))
    assert first.exit_code == 0, first.output
    assert "business_names is not set" in caplog.text
    caplog.clear()
    before = stored_messages(tmp_path)
    assert len(before) == 5 and not any(is_business for _, _, is_business, _ in before)
    assert message_figures(config) == (1, 0)  # one long turn, never answered: 0 %
    assert waiting_texts(config) == ["Hola, ¿tienen pan de yuca?"]

    configure(tmp_path, f'business_names = ["{BUSINESS}"]\n')
    with caplog.at_level(logging.WARNING, logger="socialmon.whatsapp"):
        second = run_in_process("scan", "--config", str(config))
    assert second.exit_code == 0, second.output
    assert caplog.messages == []
    after = stored_messages(tmp_path)
    # The same records, updated in place: same ids, nothing added, the business's reply its own.
    assert [row[0] for row in after] == [row[0] for row in before]
    assert [(name, is_business) for _, name, is_business, _ in after] == [
        ("Rosa Mite", 0),
        ("Rosa Mite", 0),
        (BUSINESS, 1),
        ("Rosa Mite", 0),
        ("Rosa Mite", 0),
    ]
    assert scan_runs(tmp_path)[-1][1:] == (0, 1, 0)  # nothing new, the business's reply updated
    assert message_figures(config) == (2, 1)  # the first turn answered, the second waiting
    assert waiting_texts(config) == ["¿Me guardan dos?"]

    third = run_in_process("scan", "--config", str(config))
    assert third.exit_code == 0, third.output
    assert scan_runs(tmp_path)[-1] == (0, 0, 0, 0)  # nothing read again: no page at all
    assert stored_messages(tmp_path) == after


# --- the connector, without the CLI ---------------------------------------------------------------

FIXED = (
    "03/04/26, 09:15 - Rosa Mite: Hola, ¿tienen pan de yuca?\n"
    "03/04/26, 09:16 - Rosa Mite: Para hoy\n"
    "03/04/26, 09:36 - Café Uno: ¡Sí, Rosa! Recién salido\n"
    "05/04/26, 18:00 - Rosa Mite: ¿Me guardan dos?\n"
)


def connector(folder: Path, **options: Any) -> WhatsAppExportConnector:
    options.setdefault("timezone", "America/Guayaquil")
    return WhatsAppExportConnector(
        WhatsAppSettings(path=CHAT, **options),
        ChannelContext(brand="cafe", channel="whatsapp", account="", base_dir=folder),
    )


def read(source: WhatsAppExportConnector, cursor: dict[str, Any] | None = None) -> list[Page]:
    async def collect() -> list[Page]:
        return [page async for page in source.pages(cursor)]

    return asyncio.run(collect())


def messages(pages: list[Page]) -> list[CommentRecord]:
    return [comment for page in pages for comment in page.comments]


def test_a_cursor_written_before_read_with_existed_reads_the_file_again_once(tmp_path: Path) -> None:
    """A cursor of the version before: it cannot say which business_names its messages were read with,
    and its users are the ones who met the bug; read once more, then never again."""
    (tmp_path / CHAT).write_text(FIXED, encoding="utf-8")
    pages = read(connector(tmp_path, business_names=[BUSINESS]))
    cursor = pages[-1].cursor
    assert cursor is not None
    old = {
        "files": {
            key: {k: v for k, v in entry.items() if k != "read_with"}
            for key, entry in cursor["files"].items()
        }
    }
    again = read(connector(tmp_path, business_names=[BUSINESS]), old)
    assert [m.platform_id for m in messages(again)] == [m.platform_id for m in messages(pages)]
    assert again[-1].gone_comments == []  # what it was read with is unknown: nothing taken for gone
    assert read(connector(tmp_path, business_names=[BUSINESS]), again[-1].cursor) == []


def test_the_same_settings_written_otherwise_read_nothing_again(tmp_path: Path) -> None:
    (tmp_path / CHAT).write_text(FIXED, encoding="utf-8")
    cursor = read(connector(tmp_path, business_names=[BUSINESS, "Café Uno Centro"], locale="es"))[-1].cursor
    # the names in another order, or one twice; another Spanish-speaking locale: the same reading
    same = connector(tmp_path, business_names=["Café Uno Centro", BUSINESS, BUSINESS], locale="es-EC")
    assert read(same, cursor) == []


def test_a_new_time_zone_moves_the_stored_messages_in_place(tmp_path: Path) -> None:
    (tmp_path / CHAT).write_text(FIXED, encoding="utf-8")
    first_pages = read(connector(tmp_path, business_names=[BUSINESS]))
    first = messages(first_pages)
    later_pages = read(
        connector(tmp_path, business_names=[BUSINESS], timezone="America/Mexico_City"),
        first_pages[-1].cursor,
    )
    later = messages(later_pages)
    assert [m.platform_id for m in later] == [m.platform_id for m in first]  # the same ids
    assert [m.created_at - f.created_at for m, f in zip(later, first, strict=True)] == [
        timedelta(hours=1)
    ] * 4
    assert later_pages[-1].gone_comments == []


def test_a_day_month_order_forced_later_marks_the_misread_messages_gone(tmp_path: Path) -> None:
    """03/04 read day-first (3 April) and then, forced, month-first (4 March): other dates, other ids.
    The messages stored under the old ids would count twice; they are marked gone (deleted), the
    chat's messages stored again under the new ones."""
    (tmp_path / CHAT).write_text(FIXED, encoding="utf-8")
    first_pages = read(connector(tmp_path, business_names=[BUSINESS]))
    first = messages(first_pages)
    assert first[0].created_at.month == 4
    pages = read(connector(tmp_path, business_names=[BUSINESS], date_order="mdy"), first_pages[-1].cursor)
    later = messages(pages)
    assert [m.created_at.month for m in later] == [3, 3, 3, 5]
    gone = [comment for page in pages for comment in page.gone_comments]
    assert sorted(gone) == sorted(m.platform_id for m in first)
    assert not {m.platform_id for m in later} & set(gone)
    assert read(connector(tmp_path, business_names=[BUSINESS], date_order="mdy"), pages[-1].cursor) == []


def test_a_reread_stopped_part_way_resumes_without_starting_over(tmp_path: Path) -> None:
    (tmp_path / CHAT).write_text(FIXED, encoding="utf-8")
    cursor = read(connector(tmp_path, page_size=2))[-1].cursor
    pages = read(connector(tmp_path, page_size=2, business_names=[BUSINESS]), cursor)
    everything = [r.platform_id for page in pages for r in [*page.posts, *page.comments]]
    assert len(everything) == 5
    rest = read(connector(tmp_path, page_size=2, business_names=[BUSINESS]), pages[0].cursor)
    assert [r.platform_id for page in rest for r in [*page.posts, *page.comments]] == everything[2:]


def test_an_unchanged_reading_parses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / CHAT).write_text(FIXED, encoding="utf-8")
    cursor = read(connector(tmp_path, business_names=[BUSINESS]))[-1].cursor
    parsed: list[str] = []
    real = whatsapp_module.parse_export

    def counting(*args: Any, **kwargs: Any) -> Any:
        parsed.append(kwargs["chat"])
        return real(*args, **kwargs)

    monkeypatch.setattr(whatsapp_module, "parse_export", counting)
    assert read(connector(tmp_path, business_names=[BUSINESS]), cursor) == []
    assert parsed == []


# --- a customer saved as a contact between two exports (a renamed chat) -------------------------------

NUMBER = "+593 99 123 4567"
BEFORE_SAVED = (
    f"20/11/26, 08:02 - {NUMBER}: Hola, ¿tienen pan de yuca?\n"
    f"20/11/26, 08:40 - {BUSINESS}: Sí, recién salido\n"
    f"20/11/26, 08:41 - {NUMBER}: Gracias\n"
)
AFTER_SAVED = BEFORE_SAVED.replace(NUMBER, "Rosa Mite") + f"22/11/26, 10:05 - {BUSINESS}: ¡Gracias, Rosa!\n"


def renamed_folder(folder: Path) -> None:
    (folder / f"WhatsApp Chat with {NUMBER}.txt").write_text(BEFORE_SAVED, encoding="utf-8")
    (folder / "WhatsApp Chat with Rosa Mite.txt").write_text(AFTER_SAVED, encoding="utf-8")


def folder_connector(folder: Path, **options: Any) -> WhatsAppExportConnector:
    options.setdefault("timezone", "America/Guayaquil")
    return WhatsAppExportConnector(
        WhatsAppSettings(path=".", **options),
        ChannelContext(brand="cafe", channel="whatsapp", account="", base_dir=folder),
    )


def live(pages_read: list[list[Page]]) -> dict[str, str]:
    """What the store would hold after each scan's pages: id → conversation, gone ones left out."""
    held: dict[str, str] = {}
    for pages in pages_read:
        for page in pages:
            for gone in page.gone_comments:
                held.pop(gone, None)
            held.update({comment.platform_id: comment.post_id for comment in page.comments})
    return held


def test_a_renamed_chat_read_again_for_new_settings_keeps_its_ids(tmp_path: Path) -> None:
    renamed_folder(tmp_path)
    first = read(folder_connector(tmp_path, business_names=[BUSINESS]))
    assert len(set(live([first]).values())) == 1  # the contact's export is the number's chat
    again = read(folder_connector(tmp_path, business_names=[BUSINESS, "Café Uno Centro"]), first[-1].cursor)
    assert live([again]) == live([first])  # the same ids, in the same conversation
    assert [gone for page in again for gone in page.gone_comments] == []


def test_business_names_set_later_merges_a_renamed_chat_and_marks_its_copies_gone(tmp_path: Path) -> None:
    """Without business_names each export has two "customers": a group, told by its file's name, so
    the number's and the contact's exports were two conversations holding the same messages. Set,
    the contact's export is known as the number's chat: its messages under the contact's name are
    marked gone, so that nothing counts twice."""
    renamed_folder(tmp_path)
    first = read(folder_connector(tmp_path))
    assert len(set(live([first]).values())) == 2 and len(live([first])) == 7
    again = read(folder_connector(tmp_path, business_names=[BUSINESS]), first[-1].cursor)
    held = live([first, again])
    assert len(held) == 4 and len(set(held.values())) == 1
    assert read(folder_connector(tmp_path, business_names=[BUSINESS]), again[-1].cursor) == []
