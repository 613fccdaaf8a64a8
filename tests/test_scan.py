"""The scan loop itself: pages are stored while the next ones are fetched, in order."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from socialmon.config import BrandConfig, ChannelConfig, ResolvedChannel
from socialmon.database import open_database
from socialmon.scan import run_scan
from socialmon.sentiment import get_scorer
from socialmon.storage import PageResult, Store
from socialmon_connectors.base import ChannelContext, Connector, ConnectorSettings
from socialmon_connectors.records import CommentRecord, Page, PostRecord

WHEN = datetime(2026, 10, 1, 12, tzinfo=UTC)
PAGES = 4


class CountingConnector(Connector):
    """Yields PAGES pages; notes when each one is asked for."""

    name = "counting"
    asked: ClassVar[list[threading.Event]] = []

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        for number in range(PAGES):
            self.asked[number].set()
            yield Page(
                posts=[PostRecord(platform_id=f"p{number}", created_at=WHEN, text="post")],
                comments=[
                    CommentRecord(platform_id=f"c{number}", post_id=f"p{number}", created_at=WHEN, text="ok")
                ],
                cursor={"page": number},
            )


class WatchingStore(Store):
    """Stores as usual; notes whether the second page had been asked for before the first was stored."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.second_asked_before_first_stored: bool | None = None
        self.cursors: list[Any] = []

    def save_pages(self, pages: Sequence[tuple[int, Page]]) -> list[PageResult]:
        if any(page.cursor == {"page": 0} for _, page in pages):
            # A scan that waited for the first page to be stored before asking for the second
            # would never set the event: the timeout only keeps such a scan from hanging.
            self.second_asked_before_first_stored = CountingConnector.asked[1].wait(timeout=10)
        results = super().save_pages(pages)
        self.cursors.extend(page.cursor for _, page in pages)
        return results


def test_the_next_page_is_fetched_while_a_page_is_stored_and_pages_are_stored_in_order(
    database_url: str,
) -> None:
    CountingConnector.asked = [threading.Event() for _ in range(PAGES)]
    database = open_database(database_url)
    try:
        store = WatchingStore(database, get_scorer("vader"))
        brand = BrandConfig(name="Café Uno")
        channel = ChannelConfig(name="counting", platform="counting", account="x")
        resolved = ResolvedChannel(
            brand=brand,
            channel=channel,
            connector_class=CountingConnector,
            settings=ConnectorSettings(),
            context=ChannelContext(brand=brand.slug, channel=channel.name, account="x"),
        )
        [outcome] = asyncio.run(run_scan([resolved], store, concurrency=1))
        assert outcome.status == "ok" and outcome.pages == PAGES
        assert outcome.result.new_comments == PAGES
        assert store.second_asked_before_first_stored is True
        assert store.cursors == [{"page": n} for n in range(PAGES)]
        assert store.cursor(store.sync_channel(brand, channel).id) == {"page": PAGES - 1}
    finally:
        database.dispose()
