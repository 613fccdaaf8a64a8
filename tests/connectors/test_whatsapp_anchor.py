"""`anchor` for WhatsApp exports (issue 17, part B, point 4): the quick start's sample chat stays
recent. The whole export moves by whole days so its last day lands on the anchor day, chosen on the
first scan and kept in the cursor; off by default."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from socialmon_connectors import ChannelContext, Page
from socialmon_connectors.whatsapp import WhatsAppExportConnector, WhatsAppSettings, anchor_day

GYE = ZoneInfo("America/Guayaquil")
CHAT = (
    "20/11/26, 8:02 a. m. - Rosa: Hola\n"
    "20/11/26, 8:41 a. m. - La Cosecha: ¡Buenos días!\n"
    "01/12/26, 7:48 p. m. - Rosa: ¿Hacen tortas?\n"
)


def connector(folder: Path, **options: Any) -> WhatsAppExportConnector:
    return WhatsAppExportConnector(
        WhatsAppSettings(
            path="Chat de WhatsApp con Rosa.txt",
            business_names=["La Cosecha"],
            timezone="America/Guayaquil",
            **options,
        ),
        ChannelContext(brand="cosecha", channel="whatsapp", account="La Cosecha", base_dir=folder),
    )


def read(source: WhatsAppExportConnector, cursor: dict[str, Any] | None = None) -> list[Page]:
    async def collect() -> list[Page]:
        return [page async for page in source.pages(cursor)]

    return asyncio.run(collect())


def local(pages: list[Page]) -> list[datetime]:
    return [c.created_at.astimezone(GYE) for page in pages for c in page.comments]


def test_off_by_default_the_real_times(tmp_path: Path) -> None:
    (tmp_path / "Chat de WhatsApp con Rosa.txt").write_text(CHAT, encoding="utf-8")
    times = local(read(connector(tmp_path)))
    assert times[-1].replace(tzinfo=None) == datetime(2026, 12, 1, 19, 48)


def test_first_scan_moves_the_last_day_to_today_and_the_cursor_keeps_the_move(tmp_path: Path) -> None:
    export = tmp_path / "Chat de WhatsApp con Rosa.txt"
    export.write_text(CHAT, encoding="utf-8")
    pages = read(connector(tmp_path, anchor="first-scan"))
    times = local(pages)
    today = datetime.now(GYE).date()
    assert times[-1].date() == today and (times[-1].hour, times[-1].minute) == (19, 48)
    assert times[0].date() == today - timedelta(days=11)  # the days between stay
    cursor = pages[-1].cursor
    assert cursor is not None
    [kept] = cursor["files"].values()
    # The chat exported again later, grown by a day: the old messages keep their times (no churn).
    export.write_text(CHAT + "02/12/26, 9:00 a. m. - La Cosecha: ¡Claro que sí!\n", encoding="utf-8")
    again = read(
        connector(tmp_path, anchor="first-scan"),
        {"files": {k: {**kept, "digest": "old"} for k in cursor["files"]}},
    )
    grown = local(again)
    assert grown[:3] == times and grown[3].date() == today + timedelta(days=1)


def test_a_weekday_a_date_and_days_before(tmp_path: Path) -> None:
    (tmp_path / "Chat de WhatsApp con Rosa.txt").write_text(CHAT, encoding="utf-8")
    fixed = local(read(connector(tmp_path, anchor="2026-11-21-5d")))
    assert fixed[-1].date() == date(2026, 11, 16)
    saturday = local(read(connector(tmp_path, anchor="saturday")))[-1].date()
    assert saturday.weekday() == 5 and 0 <= (datetime.now(GYE).date() - saturday).days < 7
    assert anchor_day("saturday-5d", date(2026, 11, 23)) == date(2026, 11, 16)
    with pytest.raises(ValidationError):
        WhatsAppSettings(path="x.txt", anchor="someday")
