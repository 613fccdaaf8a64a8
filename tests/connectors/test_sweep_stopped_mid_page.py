"""A sweep stopped part way through a listing page keeps what it read of that page.

A channel-stopping error (YouTube's daily quota, a rate limit that lasts the day, `max_units`,
a network timeout) can come at any item of a listing page. The items read in full before it
(their records and their threads) are yielded as a page whose cursor makes the next scan pass
over exactly them, then the error is raised as before. Without that, a daily quota smaller
than one listing page's threads re-spends itself every day on the same items: the channel
never gets past them.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conformance import NOW, fixture, gather, no_sleep

from socialmon.config import BrandConfig, ChannelConfig, ResolvedChannel
from socialmon.database import open_database
from socialmon.scan import run_scan
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon_connectors import (
    ChannelContext,
    CommentRecord,
    Page,
    PlatformError,
    PostRecord,
    RateLimited,
    ThreadFailure,
)
from socialmon_connectors._paging import (
    ApiSettings,
    CursorPaging,
    Raw,
    SweepConnector,
    Window,
    paginate,
    time_at,
)
from socialmon_connectors.http import Api
from socialmon_connectors.records import RejectedRecord
from socialmon_connectors.youtube import YouTubeConnector, YouTubeSettings

# --- a small platform: items newest first (5 a page), each with two comments on two pages ----------

BASE = "https://shop.example/api"
LISTING_PAGE = 5
PAGING = CursorPaging(items=("items",), cursor=("next",), param="page")


def at(hour: float) -> datetime:
    return NOW - timedelta(hours=hour)


class ShopSettings(ApiSettings):
    base_url: str = BASE
    max_retries: int = 0


class ShopConnector(SweepConnector):
    name = "shop"
    platform = "Shop"
    Settings = ShopSettings
    uses_http = False  # a client of its own, which respx answers (the scan's shared one is aiohttp's)
    settings: ShopSettings

    def make_api(self, client: httpx.AsyncClient) -> Api:
        return self.new_api(client)

    async def listing(self, api: Api, window: Window) -> AsyncIterator[list[Raw]]:
        async for batch in paginate(api, "items", {}, PAGING):
            yield batch

    def item_time(self, raw: Raw) -> datetime:
        return time_at(raw, "time")

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        return [PostRecord(platform_id=raw["id"], text=raw["id"], created_at=self.item_time(raw))]

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        async for batch in paginate(api, "comments", {"item": raw["id"]}, PAGING):
            yield [
                CommentRecord(platform_id=c["id"], post_id=raw["id"], text=c["id"], created_at=NOW)
                for c in batch
            ]


class Shop:
    """The platform's state: its items (newest first, in the order it lists them) and a daily quota."""

    def __init__(self, items: list[tuple[str, datetime]], quota: int | None = None) -> None:
        self.items = list(items)
        self.quota = quota
        self.spent = 0
        self.threads_asked: list[str] = []
        self.failing: dict[str, httpx.Response] = {}  # item id -> the answer to its comments

    def new_day(self) -> None:
        self.spent = 0

    def _spend(self) -> httpx.Response | None:
        if self.quota is not None and self.spent >= self.quota:
            return httpx.Response(429, headers={"Retry-After": "86400"}, json={"error": "daily quota spent"})
        self.spent += 1
        return None

    def _listing(self, request: httpx.Request) -> httpx.Response:
        refused = self._spend()
        if refused is not None:
            return refused
        start = int(request.url.params.get("page", "0"))
        chosen = self.items[start : start + LISTING_PAGE]
        body: dict[str, Any] = {"items": [{"id": key, "time": when.isoformat()} for key, when in chosen]}
        if start + LISTING_PAGE < len(self.items):
            body["next"] = str(start + LISTING_PAGE)
        return httpx.Response(200, json=body)

    def _comments(self, request: httpx.Request) -> httpx.Response:
        refused = self._spend()
        if refused is not None:
            return refused
        key = request.url.params["item"]
        self.threads_asked.append(key)
        if key in self.failing:
            return self.failing[key]
        if request.url.params.get("page") == "2":
            return httpx.Response(200, json={"items": [{"id": f"{key}.c2"}]})
        return httpx.Response(200, json={"items": [{"id": f"{key}.c1"}], "next": "2"})

    def router(self) -> respx.MockRouter:
        router = respx.mock(base_url=BASE, assert_all_mocked=True, assert_all_called=False)
        router.get("/items").mock(side_effect=self._listing)
        router.get("/comments").mock(side_effect=self._comments)
        return router


def shop_connector(pending: tuple[ThreadFailure, ...] = ()) -> ShopConnector:
    made = ShopConnector(
        ShopSettings(), ChannelContext(brand="b", channel="shop", account="x", pending_threads=pending)
    )
    made.sleep = no_sleep  # type: ignore[method-assign]
    made.now = lambda: NOW  # type: ignore[method-assign]
    return made


class Channel:
    """What storage keeps between scans: the last stored cursor, the pending threads, the records."""

    def __init__(self) -> None:
        self.cursor: dict[str, Any] | None = None
        self.pending: dict[str, ThreadFailure] = {}
        self.stored: set[str] = set()

    def scan(self, shop: Shop) -> tuple[list[Page], BaseException | None]:
        with shop.router():
            pages, error = gather(shop_connector(tuple(self.pending.values())), self.cursor)
        for page in pages:
            self.stored |= {r.platform_id for r in [*page.posts, *page.comments]}
            for key in page.resolved_threads:
                self.pending.pop(key, None)
            self.pending.update({failure.key: failure for failure in page.failed_threads})
            self.cursor = page.cursor
        return pages, error

    @property
    def finished(self) -> bool:
        return self.cursor is not None and "run" not in self.cursor


def everything(keys: list[str]) -> set[str]:
    return {*keys, *(f"{key}.c1" for key in keys), *(f"{key}.c2" for key in keys)}


def test_a_daily_quota_smaller_than_a_listing_pages_threads_still_gets_through_day_by_day() -> None:
    keys = [f"i{n:02d}" for n in range(1, 13)]  # 3 listing pages; each thread costs 2 requests
    shop = Shop([(key, at(n)) for n, key in enumerate(keys)], quota=9)
    channel = Channel()
    days = 0
    while not channel.finished and days < 8:
        days += 1
        shop.new_day()
        _, error = channel.scan(shop)
        assert error is None or isinstance(error, RateLimited), error
    assert channel.finished, f"after {days} days the channel is still stuck at {channel.cursor}"
    assert days == 4  # each day's quota reads new items: nothing is bought twice but the item it stopped in
    assert channel.stored == everything(keys)
    # Every thread is read in full once (2 requests); only i08, which day 2 stopped in after its first
    # page of comments, is asked once more. Days 1 and 3 stopped before asking anything of i05 and i11.
    asked = Counter(shop.threads_asked)
    assert set(asked) == set(keys)
    assert {key: count for key, count in asked.items() if count != 2} == {"i08": 3}


def test_the_page_of_what_was_read_comes_before_the_error_and_never_passes_the_item_it_stopped_in() -> None:
    keys = [f"i{n}" for n in range(1, 6)]
    shop = Shop([(key, at(n)) for n, key in enumerate(keys)], quota=1 + 2 + 2 + 2 + 1)  # stops inside i4
    channel = Channel()
    pages, error = channel.scan(shop)
    assert isinstance(error, RateLimited), error
    assert "access returns in about 24 h" in str(error)
    [page] = pages
    # Only the items read in full: not i4, whose thread was read in part (its first comment).
    assert {post.platform_id for post in page.posts} == {"i1", "i2", "i3"}
    assert {c.platform_id for c in page.comments} == everything(["i1", "i2", "i3"]) - {*keys}
    assert page.cursor is not None and set(page.cursor["run"]["read"]) == {"i1", "i2", "i3"}

    shop.new_day()
    shop.threads_asked.clear()
    _, error = channel.scan(shop)
    assert error is None
    assert shop.threads_asked == ["i4", "i4", "i5", "i5"], "i4's thread, stopped half way, is read again"
    assert channel.finished and channel.stored == everything(keys)


@pytest.mark.parametrize(
    ("listing_now", "read_again"),
    [
        # i1 deleted: every item below it moves up a place, i4 among the positions read before.
        ([("i2", at(2)), ("i3", at(3)), ("i4", at(2.5)), ("i5", at(5))], {"i4", "i5"}),
        # i1 deleted, i2 edited (a new time, at the top), a new item: i2 changed, so it is read again.
        (
            [("i2", at(0.5)), ("new", at(0.75)), ("i3", at(3)), ("i4", at(2.5)), ("i5", at(5))],
            {"i2", "new", "i4", "i5"},
        ),
    ],
    ids=["an item read before deleted", "deleted, edited and new items"],
)
def test_the_resume_holds_when_the_listing_changed_between_the_scans(
    listing_now: list[tuple[str, datetime]], read_again: set[str]
) -> None:
    # Out of publish order, like a YouTube playlist: i4 is newer than i3, listed below it.
    shop = Shop(
        [("i1", at(1)), ("i2", at(2)), ("i3", at(3)), ("i4", at(2.5)), ("i5", at(5))],
        quota=1 + 3 * 2,  # reads i1, i2, i3, then stops at i4
    )
    channel = Channel()
    _, error = channel.scan(shop)
    assert isinstance(error, RateLimited)
    assert channel.stored >= everything(["i1", "i2", "i3"])
    shop.items = listing_now
    shop.quota = None
    shop.threads_asked.clear()
    _, error = channel.scan(shop)
    assert error is None
    assert set(shop.threads_asked) == read_again, "i3 is passed over; i4, never read, is read"
    assert channel.finished and channel.stored >= everything([key for key, _ in listing_now])


def test_a_second_stop_in_the_same_page_keeps_the_items_of_the_first() -> None:
    keys = [f"i{n:02d}" for n in range(1, 11)]  # 2 listing pages
    shop = Shop([(key, at(n)) for n, key in enumerate(keys)], quota=1 + 5 * 2 + 1 + 2 + 1)  # in i07
    channel = Channel()
    assert isinstance(channel.scan(shop)[1], RateLimited)
    shop.new_day()
    shop.quota = 1 + 1 + 2 + 1  # page 1 passed over, i07 read, stops in i08
    shop.threads_asked.clear()
    assert isinstance(channel.scan(shop)[1], RateLimited)
    assert shop.threads_asked == ["i07", "i07", "i08"]
    shop.new_day()
    shop.quota = None
    shop.threads_asked.clear()
    assert channel.scan(shop)[1] is None
    assert shop.threads_asked == ["i08", "i08", "i09", "i09", "i10", "i10"], "i06 and i07 are not read again"
    assert channel.finished and channel.stored == everything(keys)


def test_failed_and_remembered_threads_of_the_stopped_page_are_kept() -> None:
    keys = [f"i{n}" for n in range(1, 6)]
    # The remembered i3, the listing, i1, i2 (fails), i3 again; then the quota stops it in i4.
    shop = Shop([(key, at(n)) for n, key in enumerate(keys)], quota=2 + 1 + 2 + 1 + 2)
    shop.failing["i2"] = httpx.Response(400, json={"error": "comments unavailable"})
    channel = Channel()
    channel.pending["i3"] = ThreadFailure(key="i3", item={"id": "i3", "time": at(2).isoformat()}, reason="x")
    pages, error = channel.scan(shop)
    assert isinstance(error, RateLimited)
    assert len(pages) == 2 and pages[0].resolved_threads == ["i3"]  # remembered first, then the stopped page
    assert [f.key for f in pages[-1].failed_threads] == ["i2"]
    assert set(channel.pending) == {"i2"}  # i2 remembered, i3 resolved: both in what was yielded
    del shop.failing["i2"]
    shop.new_day()
    shop.quota = None
    shop.threads_asked.clear()
    pages, error = channel.scan(shop)
    assert error is None
    assert shop.threads_asked == ["i2", "i2", "i4", "i4", "i5", "i5"]  # i2 as a remembered thread, once
    assert pages[0].resolved_threads == ["i2"] and not channel.pending
    assert channel.finished and channel.stored == everything(keys)


def test_an_unreadable_read_items_entry_in_a_cursor_is_read_again() -> None:
    window = Window.open(
        {"watermark": None, "run": {"listed": 0, "read": {"a": "not a time", "b": 7, "c": NOW.isoformat()}}},
        NOW,
        14,
    )
    assert window.read_items == {"c": NOW}
    assert (
        window.read_before("c", NOW)
        and not window.read_before("c", at(1))
        and not window.read_before("a", NOW)
    )
    window = Window.open({"watermark": None, "run": {"listed": 0, "read": ["c"]}}, NOW, 14)
    assert window.read_items == {}


# --- the same through YouTube: quota, max_units and a timeout part way through a playlist page -------

YT = "https://www.googleapis.com/youtube/v3"
KEY = "AIzaSECRETkey123"
CHANNEL_ID = "UCcornerBistro000000000"
UNORDERED = ("youtube_unordered_1.json", "youtube_unordered_2.json", "youtube_unordered_3.json")
ALL_VIDEOS = [f"cbVideo{n:04d}" for n in range(1, 14)]  # in playlist order, 5 a page


def youtube(**options: Any) -> YouTubeConnector:
    made = YouTubeConnector(
        YouTubeSettings(api_key=KEY, **options), ChannelContext(brand="b", channel="yt", account=CHANNEL_ID)
    )
    made.sleep = no_sleep  # type: ignore[method-assign]
    made.now = lambda: NOW  # type: ignore[method-assign]
    return made


def one_thread(video: str) -> dict[str, Any]:
    snippet = {
        "videoId": video,
        "authorDisplayName": "@guest",
        "authorChannelId": {"value": "UCguest000000000000000"},
        "textOriginal": f"Rico ({video})",
        "publishedAt": "2024-05-31T20:00:00Z",
        "updatedAt": "2024-05-31T20:00:00Z",
    }
    comment = {"kind": "youtube#comment", "id": f"Ugz{video}", "snippet": snippet}
    thread = {
        "kind": "youtube#commentThread",
        "id": f"Ugz{video}",
        "snippet": {"videoId": video, "totalReplyCount": 0, "topLevelComment": comment},
    }
    return {"kind": "youtube#commentThreadListResponse", "items": [thread]}


def quota_exceeded() -> httpx.Response:
    message = "The request cannot be completed because you have exceeded your quota."
    return httpx.Response(
        403,
        json={
            "error": {
                "code": 403,
                "message": message,
                "errors": [{"reason": "quotaExceeded", "message": message}],
            }
        },
    )


def playlist_router(stop_at: str | None, how: str) -> tuple[respx.MockRouter, list[str]]:
    """The unordered uploads playlist; from video `stop_at`'s comments on, every request fails `how`."""
    asked: list[str] = []
    failing = False
    router = respx.mock(base_url=YT, assert_all_mocked=True, assert_all_called=False)

    def fail_from_here(request: httpx.Request) -> httpx.Response | None:
        nonlocal failing
        failing = failing or (stop_at is not None and request.url.params.get("videoId") == stop_at)
        if not failing:
            return None
        if how == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        return quota_exceeded()

    def answer(body: Any) -> Any:
        def respond(request: httpx.Request) -> httpx.Response:
            return fail_from_here(request) or httpx.Response(200, json=body(request))

        return respond

    def playlist(request: httpx.Request) -> Any:
        return fixture(UNORDERED[{None: 0, "UNORD2": 1, "UNORD3": 2}[request.url.params.get("pageToken")]])

    def threads(request: httpx.Request) -> Any:
        asked.append(request.url.params["videoId"])
        return one_thread(request.url.params["videoId"])

    router.get("/channels").mock(side_effect=answer(lambda _: fixture("youtube_channels.json")))
    router.get("/playlistItems").mock(side_effect=answer(playlist))
    router.get("/videos").mock(side_effect=answer(lambda _: fixture("youtube_unordered_videos.json")))
    router.get("/commentThreads").mock(side_effect=answer(threads))
    return router, asked


@pytest.mark.parametrize(
    ("how", "options", "error_class", "says"),
    [
        ("quotaExceeded", {}, RateLimited, "midnight Pacific time"),
        ("timeout", {}, PlatformError, "timed out"),
        ("max_units", {"max_units": 12}, RateLimited, "budget of 12 quota units"),
    ],
)
def test_a_youtube_scan_stopped_inside_a_playlist_page_keeps_the_videos_read_before(
    how: str, options: dict[str, Any], error_class: type[Exception], says: str
) -> None:
    # channels, playlist page 1, videos, 5 threads, playlist page 2, videos, 2 threads: 12 requests;
    # the 13th is cbVideo0008's comments, the third video of page 2.
    router, asked = playlist_router(None if how == "max_units" else "cbVideo0008", how)
    with router:
        pages, error = gather(youtube(**options), None)
    assert isinstance(error, error_class), error
    assert says in str(error)
    stored = {r.platform_id for page in pages for r in [*page.posts, *page.comments]}
    assert {"cbVideo0006", "cbVideo0007", "UgzcbVideo0006", "UgzcbVideo0007"} <= stored
    assert "UgzcbVideo0008" not in stored
    assert asked == ALL_VIDEOS[:7]  # the comments asked for and answered

    router, asked = playlist_router(None, "")
    with router:
        rest, error = gather(youtube(), pages[-1].cursor)
    assert error is None
    assert asked == ALL_VIDEOS[7:], "the next scan reads the videos from the one it stopped in, and no other"
    stored |= {r.platform_id for page in rest for r in [*page.posts, *page.comments]}
    assert stored == {*ALL_VIDEOS, *(f"Ugz{video}" for video in ALL_VIDEOS)}
    assert rest[-1].cursor is not None and "run" not in rest[-1].cursor


# --- through the scan: the page before the error is stored with its cursor ---------------------------


def scan_shop(store: Store) -> Any:
    brand = BrandConfig(name="Tienda")
    channel = ChannelConfig(name="shop", platform="shop", account="x")
    resolved = ResolvedChannel(
        brand=brand,
        channel=channel,
        connector_class=ShopConnector,
        settings=ShopSettings(),
        context=ChannelContext(brand=brand.slug, channel=channel.name, account="x"),
    )
    [outcome] = asyncio.run(run_scan([resolved], store, concurrency=1))
    return outcome


def test_the_scan_stores_the_stopped_page_and_fails_the_channel_with_the_platforms_message(
    tmp_path: Path,
) -> None:
    keys = [f"i{n}" for n in range(1, 6)]
    shop = Shop([(key, at(n)) for n, key in enumerate(keys)], quota=1 + 2 * 2)  # i1, i2, then stops in i3
    store = Store(open_database(f"sqlite:///{tmp_path / 'socialmon.db'}"), get_scorer("vader"))
    with shop.router():
        first = scan_shop(store)
    assert first.status == "failed"
    assert "RateLimited" in (first.error or "") and "access returns in about 24 h" in (first.error or "")
    assert first.result.new_posts == 2 and first.result.new_comments == 4
    row = store.sync_channel(
        BrandConfig(name="Tienda"), ChannelConfig(name="shop", platform="shop", account="x")
    )
    cursor = store.cursor(row.id)
    assert cursor is not None and set(cursor["run"]["read"]) == {"i1", "i2"}

    shop.new_day()
    shop.quota = None
    shop.threads_asked.clear()
    with shop.router():
        second = scan_shop(store)
    assert second.status == "ok", second.error
    assert shop.threads_asked == ["i3", "i3", "i4", "i4", "i5", "i5"]
    assert first.result.new_posts + second.result.new_posts == 5
    assert first.result.new_comments + second.result.new_comments == 10


# --- every sweep connector: a stop at any request loses nothing once the next scan has run ------------

SWEEP_CASES = ["youtube", "google_reviews", "facebook", "instagram", "reddit", "mastodon", "bluesky"]


def out_of_quota_from(request_number: int) -> Any:
    """A fault: from the request numbered `request_number` on, every answer is a rate limit for the day."""
    seen = 0

    def fault(exchange: Any) -> httpx.Response | None:
        nonlocal seen
        seen += 1
        if seen < request_number:
            return None
        return httpx.Response(429, headers={"Retry-After": "86400"}, json={"error": {"message": "quota"}})

    return fault


@pytest.mark.parametrize("platform", SWEEP_CASES)
def test_a_stop_at_any_request_then_a_scan_from_its_cursor_loses_nothing(
    platform: str, tmp_path: Path
) -> None:
    from importlib import import_module

    from conformance import ConnectorError, by_key, http_run

    case = import_module(f"test_{platform}").CASE
    healthy = http_run(case, tmp_path, strict=True)
    assert healthy.error is None, healthy.error
    expected = set(by_key(healthy.pages))
    problems = []
    stops_after_a_page = 0
    for number in range(2, len(healthy.trace) + 1):
        stopped = http_run(case, tmp_path, out_of_quota_from(number))
        if stopped.error is None:
            continue  # the connector took the refused request for one thread's failure
        assert isinstance(stopped.error, ConnectorError), stopped.error
        stops_after_a_page += bool(stopped.pages)
        cursor = stopped.pages[-1].cursor if stopped.pages else None
        pending = tuple(f for page in stopped.pages for f in page.failed_threads)
        rest = http_run(case, tmp_path, cursor=cursor, pending=pending)
        assert rest.error is None, rest.error
        lost = expected - set(by_key(stopped.pages)) - set(by_key(rest.pages))
        if lost:
            problems.append(f"stopped at request {number}: lost {sorted(k[1] for k in lost)[:4]}")
    assert not problems, problems
    assert stops_after_a_page, "no stop came after a yielded page: the check would pass vacuously"
