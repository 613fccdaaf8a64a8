"""The scan loop itself: pages are stored while the next ones are fetched, in order."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest

import socialmon.scan as scan_module
from socialmon.config import BrandConfig, ChannelConfig, ResolvedChannel
from socialmon.database import open_database
from socialmon.scan import PageWriter, run_scan
from socialmon.sentiment import Scorer, get_scorer
from socialmon.storage import PageResult, Store
from socialmon_connectors.base import ChannelContext, Connector, ConnectorSettings
from socialmon_connectors.records import CommentRecord, Page, PostRecord, ThreadFailure

WHEN = datetime(2026, 10, 1, 12, tzinfo=UTC)
PAGES = 4


def resolved(
    connector_class: type[Connector], name: str, platform: str, account: str = "x"
) -> ResolvedChannel:
    """One channel of the brand "Café Uno", read by `connector_class`."""
    brand = BrandConfig(name="Café Uno")
    channel = ChannelConfig(name=name, platform=platform, account=account)
    return ResolvedChannel(
        brand=brand,
        channel=channel,
        connector_class=connector_class,
        settings=ConnectorSettings(),
        context=ChannelContext(brand=brand.slug, channel=channel.name, account=account),
    )


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


@pytest.fixture(scope="module")
def vader() -> Scorer:
    """One VADER scorer for the module's stores (scoring changes nothing in it; its analyzer is
    one per process anyway, see socialmon.sentiment.vader)."""
    return get_scorer("vader")


def test_the_next_page_is_fetched_while_a_page_is_stored_and_pages_are_stored_in_order(
    database_url: str,
    vader: Scorer,
) -> None:
    CountingConnector.asked = [threading.Event() for _ in range(PAGES)]
    database = open_database(database_url)
    try:
        store = WatchingStore(database, vader)
        counting = resolved(CountingConnector, "counting", "counting")
        [outcome] = asyncio.run(run_scan([counting], store, concurrency=1))
        assert outcome.status == "ok" and outcome.pages == PAGES
        assert outcome.result.new_comments == PAGES
        assert store.second_asked_before_first_stored is True
        assert store.cursors == [{"page": n} for n in range(PAGES)]
        assert store.cursor(store.sync_channel(counting.brand, counting.channel).id) == {"page": PAGES - 1}
    finally:
        database.dispose()


class TwoPages(Connector):
    """Two pages, the first once every channel of the scan has started (all hold their locks at once)."""

    name = "two-pages"
    channels: ClassVar[int] = 0
    started: ClassVar[list[str]] = []
    everyone_started: ClassVar[asyncio.Event | None] = None

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        account = self.context.account
        if TwoPages.everyone_started is None:
            TwoPages.everyone_started = asyncio.Event()
        TwoPages.started.append(account)
        if len(TwoPages.started) == TwoPages.channels:
            TwoPages.everyone_started.set()
        # The timeout only keeps a scan whose channels cannot all start from hanging the test.
        await asyncio.wait_for(TwoPages.everyone_started.wait(), timeout=60)
        for number in range(2):
            yield Page(
                comments=[
                    CommentRecord(platform_id=f"{account}-c{number}", post_id="p", created_at=WHEN, text="ok")
                ],
                cursor={"page": number},
            )


def test_more_channels_at_once_than_the_database_pool_holds_all_finish(
    database_url: str, vader: Scorer
) -> None:
    """On PostgreSQL the channels' scan locks share one connection, so 40 at once need no 40 connections."""
    database = open_database(database_url)
    try:
        store = Store(database, vader)
        channels = [resolved(TwoPages, f"c{i}", "two-pages", account=f"a{i}") for i in range(40)]
        TwoPages.channels, TwoPages.started, TwoPages.everyone_started = 40, [], None
        outcomes = asyncio.run(run_scan(channels, store, concurrency=40))
        assert [outcome.status for outcome in outcomes] == ["ok"] * 40
        assert sum(outcome.result.new_comments for outcome in outcomes) == 80
        TwoPages.channels, TwoPages.started, TwoPages.everyone_started = 1, [], None
        again = asyncio.run(run_scan(channels[:1], store, concurrency=1))  # every lock was released
        assert again[0].status == "ok"
    finally:
        database.dispose()


BIG_PAGES = 5
BIG_PAGE = 500  # comments: scored in a worker process (see socialmon.scoring.INLINE_BELOW)


class BigPages(Connector):
    """BIG_PAGES pages of BIG_PAGE comments each."""

    name = "big-pages"

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        for number in range(BIG_PAGES):
            yield Page(
                comments=[
                    CommentRecord(
                        platform_id=f"c{number}-{i}", post_id="p", created_at=WHEN, text="great coffee"
                    )
                    for i in range(BIG_PAGE)
                ],
                cursor={"page": number},
            )


class FailingOnceStore(Store):
    """Fails the first transaction of several pages; notes how many pages each transaction held."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.transactions: list[list[Any]] = []
        self.failed = False

    def write_pages(self, pages: Sequence[tuple[Any, Any]]) -> list[PageResult]:
        self.transactions.append([prepared.cursor for prepared, _ in pages])
        if len(pages) > 1 and not self.failed:
            self.failed = True
            raise RuntimeError("disk full, once")
        return super().write_pages(pages)


def test_big_pages_of_a_channel_are_written_together_and_one_by_one_when_that_fails(
    database_url: str,
    vader: Scorer,
) -> None:
    database = open_database(database_url)
    try:
        store = FailingOnceStore(database, vader)
        big = resolved(BigPages, "big", "big-pages")
        [outcome] = asyncio.run(run_scan([big], store, concurrency=1, scoring_workers=1))
        assert outcome.status == "ok" and outcome.pages == BIG_PAGES
        assert outcome.result.new_comments == BIG_PAGES * BIG_PAGE
        cursors = [{"page": n} for n in range(BIG_PAGES)]
        # All five in one transaction, which failed; then each page in its own, in order.
        assert store.transactions == [cursors, *([cursor] for cursor in cursors)]
        assert store.cursor(store.sync_channel(big.brand, big.channel).id) == {"page": BIG_PAGES - 1}
        with database.read() as connection:
            assert (
                connection.exec_driver_sql("select count(*) from comment").scalar_one()
                == BIG_PAGES * BIG_PAGE
            )
    finally:
        database.dispose()


class CountingStore(Store):
    """Stores as usual; notes how many pages each transaction of small pages held."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.transactions: list[int] = []

    def save_pages(self, pages: Sequence[tuple[int, Page]]) -> list[PageResult]:
        self.transactions.append(len(pages))
        return super().save_pages(pages)


def one_page(account: str) -> Page:
    return Page(
        comments=[CommentRecord(platform_id=f"{account}-c", post_id="p", created_at=WHEN, text="ok")],
        cursor={"page": 0},
    )


def test_pages_handed_over_while_a_write_lingers_share_its_transaction(
    database_url: str, vader: Scorer
) -> None:
    """Two channels' pages, the second handed over after the writer started on the first: one
    transaction (written as they came, each page had its own)."""
    database = open_database(database_url)
    try:
        store = CountingStore(database, vader)
        first = store.sync_channel(
            BrandConfig(name="Café Uno"), ChannelConfig(name="a", platform="x", account="a")
        )
        second = store.sync_channel(
            BrandConfig(name="Café Uno"), ChannelConfig(name="b", platform="x", account="b")
        )

        async def hand_over() -> list[PageResult]:
            writer = PageWriter(store, asyncio.Lock(), linger=3600)
            saving_first = writer.enqueue(first.id, one_page("a"))
            for _ in range(5):  # the writer's task starts, and lingers
                await asyncio.sleep(0)
            saving_second = writer.enqueue(second.id, one_page("b"))
            writer.hurry(saving_second)  # a channel now waits for its page: the write goes at once
            async with asyncio.timeout(60):  # only keeps a writer that ignores `hurry` from hanging
                return list(await asyncio.gather(saving_first, saving_second))

        results = asyncio.run(hand_over())
        assert [result.new_comments for result in results] == [1, 1]
        assert store.transactions == [2]
        assert store.cursor(first.id) == {"page": 0} and store.cursor(second.id) == {"page": 0}
    finally:
        database.dispose()


def test_a_channel_that_reads_faster_than_it_writes_never_waits_for_the_linger(
    database_url: str, monkeypatch: pytest.MonkeyPatch, vader: Scorer
) -> None:
    """With an hour's linger, a channel whose pages come at once (an export) is stored all the
    same: it asks for its pages when it has read MAX_PAGES_IN_FLIGHT ahead and when it ends."""
    monkeypatch.setattr(scan_module, "WRITE_LINGER", 3600.0)
    CountingConnector.asked = [threading.Event() for _ in range(PAGES)]
    database = open_database(database_url)
    try:
        store = CountingStore(database, vader)
        counting = resolved(CountingConnector, "counting", "counting")

        async def scan() -> list[Any]:
            async with asyncio.timeout(60):  # only keeps a scan that waits out the linger from hanging
                return await run_scan([counting], store, concurrency=1)

        [outcome] = asyncio.run(scan())
        assert outcome.status == "ok" and outcome.pages == PAGES
        assert sum(store.transactions) == PAGES
        assert store.cursor(store.sync_channel(counting.brand, counting.channel).id) == {"page": PAGES - 1}
    finally:
        database.dispose()


def test_a_page_waited_for_beyond_the_first_transaction_does_not_wait_for_the_linger(
    database_url: str,
    vader: Scorer,
) -> None:
    """More pages waiting than one transaction holds, a channel waiting for the last: the
    transaction after the first does not linger either."""
    database = open_database(database_url)
    try:
        store = CountingStore(database, vader)
        channel = store.sync_channel(
            BrandConfig(name="Café Uno"), ChannelConfig(name="a", platform="x", account="a")
        )
        count = scan_module.MAX_PAGES_PER_TRANSACTION + 1

        async def hand_over() -> PageResult:
            writer = PageWriter(store, asyncio.Lock(), linger=3600)
            pages = [
                Page(
                    comments=[CommentRecord(platform_id=f"c{n}", post_id="p", created_at=WHEN, text="ok")],
                    cursor={"page": n},
                )
                for n in range(count)
            ]
            savings = [writer.enqueue(channel.id, page) for page in pages]
            writer.hurry(savings[-1])
            async with asyncio.timeout(60):  # only keeps a writer that lingers from hanging
                return await savings[-1]

        assert asyncio.run(hand_over()).new_comments == 1
        assert store.transactions == [scan_module.MAX_PAGES_PER_TRANSACTION, 1]
        assert store.cursor(channel.id) == {"page": count - 1}
    finally:
        database.dispose()


class OnePage(Connector):
    """One page of one comment, whatever threads it is asked to read again."""

    name = "one-page"

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        yield one_page(self.context.account)


def test_a_channel_whose_remembered_thread_cannot_be_read_fails_alone_with_its_run_recorded(
    database_url: str,
    vader: Scorer,
) -> None:
    database = open_database(database_url)
    try:
        store = Store(database, vader)
        good, bad = resolved(OnePage, "good", "one-page", "a1"), resolved(OnePage, "bad", "one-page", "a2")
        bad_id = store.sync_channel(bad.brand, bad.channel).id
        remembered = ThreadFailure(key="p1", item={"id": "p1"}, reason="HTTP 500")
        store.save_page(bad_id, Page(failed_threads=[remembered], cursor={"page": 0}))
        with database.write() as connection:  # what no connector can turn back into a thread
            connection.exec_driver_sql("update pending_thread set item = '[1]'")
        outcomes = asyncio.run(run_scan([good, bad], store, concurrency=2))
        assert [(outcome.label, outcome.status) for outcome in outcomes] == [
            (good.label, "ok"),
            (bad.label, "failed"),
        ]
        assert outcomes[1].error and outcomes[1].error.startswith("unexpected ValidationError")
        with database.read() as connection:
            runs = connection.exec_driver_sql(
                "select channel.name, scan_run.status from scan_run join channel on channel.id = "
                "scan_run.channel_id where scan_run.finished_at is not null order by channel.name"
            ).all()
        assert [tuple(run) for run in runs] == [("bad", "failed"), ("good", "ok")]
    finally:
        database.dispose()
