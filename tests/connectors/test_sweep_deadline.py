"""A sweep out of time stops itself between items, keeping what it read in full.

The scan gives each channel a deadline (`ChannelContext.deadline`) a margin before its
`channel_timeout`. The sweep checks it before each item it starts and before each new listing
page: past it, it yields the items read in full with a cursor naming them and raises
`Incomplete`, so the channel ends partial and the next scan resumes after them. Without it the
scan's cancellation at `channel_timeout` dropped what the listing page it stopped in had
finished: a listing page whose threads take longer than the limit (a big page on a slow network)
was read again from its first item on every scan, never past it.

The platform's slowness is a fake clock that each comments request moves on: nothing sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from conformance import gather
from sqlalchemy import select
from test_sweep_stopped_mid_page import Shop, ShopConnector, ShopSettings, at, everything, shop_connector

from socialmon.config import BrandConfig, ChannelConfig, ResolvedChannel
from socialmon.database import open_database
from socialmon.models import ScanRun
from socialmon.scan import ChannelOutcome, run_scan, soft_time_limit
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon_connectors import ChannelContext, CommentRecord, Incomplete, ThreadFailure
from socialmon_connectors.base import Deadline
from socialmon_connectors.http import Api
from socialmon_connectors.records import RejectedRecord

MINUTE = 60.0


class SlowShop(Shop):
    """The shop on a slow network: each comments request takes `per_request` seconds of `elapsed`."""

    def __init__(self, items: list[tuple[str, Any]], per_request: float) -> None:
        super().__init__(items)
        self.per_request = per_request
        self.elapsed = 0.0
        self.listings_asked = 0

    def clock(self) -> float:
        return self.elapsed

    def _listing(self, request: httpx.Request) -> httpx.Response:
        self.listings_asked += 1
        return super()._listing(request)

    def _comments(self, request: httpx.Request) -> httpx.Response:
        self.elapsed += self.per_request
        return super()._comments(request)


def keys(count: int) -> list[str]:
    return [f"i{n:02d}" for n in range(1, count + 1)]


def slow_shop(count: int) -> SlowShop:
    # Each item: its post and a thread of two comment pages, two minutes in all.
    return SlowShop([(key, at(n)) for n, key in enumerate(keys(count))], per_request=MINUTE)


def connector_until(shop: SlowShop, minutes: float, pending: tuple[ThreadFailure, ...] = ()) -> ShopConnector:
    """The shop's connector with a deadline `minutes` from the shop clock's present time."""
    made = shop_connector(pending)
    made.context = replace(made.context, deadline=Deadline(shop.elapsed + minutes * MINUTE, shop.clock))
    return made


def run(shop: SlowShop, connector: ShopConnector, cursor: dict[str, Any] | None) -> tuple[list[Any], Any]:
    with shop.router():
        return gather(connector, cursor)


def stored(pages: list[Any]) -> set[str]:
    return {record.platform_id for page in pages for record in [*page.posts, *page.comments]}


def test_a_sweep_out_of_time_yields_what_it_read_in_full_and_the_next_scan_reads_the_rest() -> None:
    shop = slow_shop(12)  # listing pages of 5: i01-i05, i06-i10, i11-i12
    pages, error = run(shop, connector_until(shop, 14), None)  # time for 7 items
    assert isinstance(error, Incomplete), error
    assert "time limit (channel_timeout)" in str(error) and "the next scan continues from here" in str(error)
    assert str(error).startswith("Shop: ")
    assert stored(pages) == everything(keys(7))
    assert shop.threads_asked == [key for key in keys(7) for _ in range(2)], "nothing of i08 was asked"
    cursor = pages[-1].cursor
    assert cursor is not None and set(cursor["run"]["read"]) == {"i06", "i07"}
    assert cursor["run"]["listed"] == 5  # the first listing page done, the second part way

    shop.threads_asked.clear()
    rest, error = run(shop, connector_until(shop, 60), cursor)
    assert error is None
    assert shop.threads_asked == [key for key in keys(12)[7:] for _ in range(2)], "i01-i07 are not read again"
    assert stored(pages) | stored(rest) == everything(keys(12))
    assert rest[-1].cursor is not None and "run" not in rest[-1].cursor


def test_time_up_at_the_end_of_a_listing_page_asks_for_no_further_page() -> None:
    shop = slow_shop(12)
    pages, error = run(shop, connector_until(shop, 10), None)  # exactly the first page's 5 items
    assert isinstance(error, Incomplete), error
    assert shop.listings_asked == 1
    assert stored(pages) == everything(keys(5))
    assert pages[-1].cursor is not None and pages[-1].cursor["run"]["listed"] == 5

    shop.threads_asked.clear()
    rest, error = run(shop, connector_until(shop, 60), pages[-1].cursor)
    assert error is None
    assert shop.threads_asked == [key for key in keys(12)[5:] for _ in range(2)]
    assert stored(pages) | stored(rest) == everything(keys(12))


def test_time_up_among_remembered_threads_leaves_the_others_and_still_reads_a_listed_item() -> None:
    shop = slow_shop(5)
    # Threads of older posts, no longer listed, that earlier scans could not read.
    remembered = tuple(
        ThreadFailure(key=key, item={"id": key, "time": at(100).isoformat()}, reason="an earlier failure")
        for key in ["old1", "old2"]
    )
    pages, error = run(shop, connector_until(shop, 2, remembered), None)  # time for one thread
    assert isinstance(error, Incomplete), error
    assert shop.threads_asked == ["old1", "old1", "i01", "i01"]
    assert [page.resolved_threads for page in pages] == [["old1"], []]  # old2 stays remembered
    assert stored(pages) == {"old1.c1", "old1.c2", *everything(["i01"])}
    assert pages[-1].cursor is not None and set(pages[-1].cursor["run"]["read"]) == {"i01"}


def test_a_deadline_passed_before_the_scan_began_still_reads_one_item_a_scan() -> None:
    # A listing page slower than the whole limit: each scan still gets one item further.
    shop = slow_shop(3)
    channel_cursor: dict[str, Any] | None = None
    read: list[list[str]] = []
    for _ in range(4):
        shop.threads_asked.clear()
        pages, error = run(shop, connector_until(shop, 0), channel_cursor)
        read.append(sorted(set(shop.threads_asked)))
        channel_cursor = pages[-1].cursor if pages else channel_cursor
        if error is None:
            break
        assert isinstance(error, Incomplete), error
    assert read == [["i01"], ["i02"], ["i03"], []]
    assert channel_cursor is not None and "run" not in channel_cursor


def test_a_sweep_without_a_deadline_reads_everything() -> None:
    shop = slow_shop(7)
    pages, error = run(shop, shop_connector(), None)  # outside a scan, or no channel_timeout
    assert error is None and stored(pages) == everything(keys(7))


# --- through the scan, on a SQLite file: partial, what was read stored, the next scan goes on --------

LIMIT = 3600.0  # the channel_timeout given to the scan, in seconds


class SlowShopConnector(ShopConnector):
    """The shop's connector, its deadline (the scan's) on the scan's clock plus the shop's slowness."""

    name = "slowshop"
    shop: ClassVar[SlowShop]

    def __init__(self, settings: ShopSettings, context: ChannelContext) -> None:
        deadline = context.deadline
        if deadline is not None:
            real = deadline.clock
            context = replace(context, deadline=replace(deadline, clock=lambda: real() + self.shop.elapsed))
        super().__init__(settings, context)


class StuckShopConnector(ShopConnector):
    """The shop's connector, stuck for good in the comments request of `stuck_in`."""

    name = "stuckshop"
    stuck_in: ClassVar[str] = "i07"

    async def thread(
        self, api: Api, raw: dict[str, Any], rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        if raw["id"] == self.stuck_in:
            await asyncio.Event().wait()  # a request that never answers, past every retry and deadline
        async for comments in super().thread(api, raw, rejected):
            yield comments


def scan(store: Store, connector_class: type[ShopConnector], channel_timeout: float) -> ChannelOutcome:
    brand = BrandConfig(name="Tienda")
    channel = ChannelConfig(name="shop", platform=connector_class.name, account="x")
    resolved = ResolvedChannel(
        brand=brand,
        channel=channel,
        connector_class=connector_class,
        settings=ShopSettings(),
        context=ChannelContext(brand=brand.slug, channel=channel.name, account="x"),
    )
    [outcome] = asyncio.run(run_scan([resolved], store, concurrency=1, channel_timeout=channel_timeout))
    return outcome


def last_run(store: Store) -> Any:
    table = ScanRun.__table__  # type: ignore[attr-defined]
    with store.database.read() as connection:
        return connection.execute(select(table).order_by(table.c.id.desc())).first()


@pytest.fixture
def store(tmp_path: Path) -> Any:
    made = Store(open_database(f"sqlite:///{tmp_path / 'socialmon.db'}"), get_scorer("vader"))
    yield made
    made.database.dispose()


def test_a_channel_out_of_time_ends_partial_with_what_it_read_stored_and_the_next_scan_reads_the_rest(
    store: Store,
) -> None:
    # Each item (two comments requests) takes a third of the time before the deadline: a scan reads 3,
    # the third ending at the deadline (one still reading its thread past `item_time_limit` would stop).
    shop = SlowShop([(key, at(n)) for n, key in enumerate(keys(5))], soft_time_limit(LIMIT) / 6)
    SlowShopConnector.shop = shop
    with shop.router():
        first = scan(store, SlowShopConnector, LIMIT)
    assert first.status == "partial", first.error
    assert "Shop: stopped at the channel's time limit (channel_timeout)" in (first.error or "")
    assert first.result.new_posts == 3 and first.result.new_comments == 6
    assert shop.threads_asked == [key for key in keys(3) for _ in range(2)]
    recorded = last_run(store)
    assert recorded.status == "partial" and "time limit (channel_timeout)" in recorded.error
    assert recorded.new_posts == 3

    shop.elapsed = 0.0  # a new scan, a new deadline
    shop.threads_asked.clear()
    with shop.router():
        second = scan(store, SlowShopConnector, LIMIT)
    assert second.status == "ok", second.error
    assert shop.threads_asked == ["i04", "i04", "i05", "i05"], "what the first scan read is not read again"
    assert second.result.new_posts == 2 and second.result.new_comments == 4
    assert last_run(store).status == "ok"


def test_a_channel_stuck_in_one_request_is_still_cut_off_at_its_channel_timeout(store: Store) -> None:
    shop = Shop([(key, at(n)) for n, key in enumerate(keys(8))])
    with shop.router():
        outcome = scan(store, StuckShopConnector, 0.2)  # seconds: the hard limit is real time
    assert outcome.status == "failed"
    assert "channel_timeout" in (outcome.error or "") and "time limit" not in (outcome.error or "")
    assert outcome.result.new_posts == 5  # the first listing page, yielded before it got stuck
    assert last_run(store).status == "failed"


# --- every sweep connector: scans with time for a few requests each get through, losing nothing ------


class RequestMeter:
    """A channel's clock on which each request takes one unit of time."""

    def __init__(self) -> None:
        self.requests = 0

    def count(self, exchange: Any) -> None:  # a fault that changes no answer
        self.requests += 1

    def clock(self) -> float:
        return self.requests


SWEEP_CASES = ["youtube", "google_reviews", "facebook", "instagram", "reddit", "mastodon", "bluesky"]


@pytest.mark.parametrize("requests_a_scan", [1, 2])
@pytest.mark.parametrize("platform", SWEEP_CASES)
def test_scans_with_time_for_a_few_requests_each_get_through_every_connector_losing_nothing(
    platform: str, requests_a_scan: int, tmp_path: Path
) -> None:
    from importlib import import_module

    from conformance import FaultRouter, by_key, http_run, in_context, shared_client

    case = import_module(f"test_{platform}").CASE
    healthy = http_run(case, tmp_path, strict=True)
    assert healthy.error is None, healthy.error
    cursor: dict[str, Any] | None = None
    pending: dict[str, ThreadFailure] = {}
    found: dict[Any, Any] = {}
    scans = 0
    while scans < 3 * len(healthy.trace):
        scans += 1
        meter = RequestMeter()
        connector = in_context(case.connector(tmp_path), tuple(pending.values()), shared_client())
        connector.context = replace(connector.context, deadline=Deadline(requests_a_scan, meter.clock))
        with FaultRouter(case.healthy(tmp_path, strict=False), meter.count):
            pages, error = gather(connector, cursor)
        assert error is None or isinstance(error, Incomplete), error
        for page in pages:
            found.update(by_key([page]))
            for key in page.resolved_threads:
                pending.pop(key, None)
            pending.update({failure.key: failure for failure in page.failed_threads})
            cursor = page.cursor if page.cursor is not None else cursor
        if error is None:
            break
        assert pages, f"scan {scans} stopped for time without storing anything: it would never get through"
    assert error is None, f"still out of time after {scans} scans"
    assert scans > 1, "no scan ran out of time: the check would pass vacuously"
    assert set(found) == set(by_key(healthy.pages)), f"after {scans} scans"
    assert not pending
