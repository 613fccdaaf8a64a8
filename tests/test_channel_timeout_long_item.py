"""One item whose thread alone takes longer than `[scan] channel_timeout` no longer blocks its channel.

A YouTube video with thousands of comment pages, a Reddit post with hundreds of "load more" stubs,
any platform's long thread: the scan used to cancel the channel inside that item at
`channel_timeout`, every scan, before the listing page it was on was stored. Nothing after it
was ever read, and the item itself was read again from its first page each time.

Now a thread still being read near the end of the channel's time (`Deadline.item_at`) stops between
two of its pages: what it read is stored, the thread is remembered (`pending_thread`) with where to
go on where the platform allows it (YouTube's page token, Reddit's unread comment ids), the channel
ends partial naming the item, and the next scans read the rest of the channel first and that
thread last.

Time is fake: each answer of the fake platforms moves a clock that is added to the scan's event loop
clock, so `channel_timeout` (its soft deadline and its hard cut-off alike) passes without waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from reddit_things import listing, more, permalink, t1, t3
from sqlalchemy import select

from socialmon.config import BrandConfig, ChannelConfig, ResolvedChannel
from socialmon.database import open_database
from socialmon.models import Comment, PendingThread, Post
from socialmon.scan import ChannelOutcome, run_scan
from socialmon.sentiment import Scorer, get_scorer
from socialmon.storage import Store
from socialmon_connectors import ChannelContext, CommentRecord, Page, PostRecord
from socialmon_connectors._paging import (
    LONG_THREAD,
    ApiSettings,
    CursorPaging,
    Raw,
    SweepConnector,
    Window,
    paginate,
)
from socialmon_connectors.base import Deadline, ThreadTimeUp
from socialmon_connectors.http import Api
from socialmon_connectors.records import RejectedRecord
from socialmon_connectors.reddit import RedditConnector, RedditSettings
from socialmon_connectors.youtube import YouTubeConnector, YouTubeSettings

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


async def no_sleep(seconds: float) -> None:
    """Retries and rate-limit pauses do not wait (none are expected)."""


class FakeTime:
    """Seconds the fake platforms' answers take, added to the scan's event loop clock."""

    def __init__(self) -> None:
        self.elapsed = 0.0

    def takes(
        self, seconds: float, respond: Callable[[httpx.Request], httpx.Response]
    ) -> Callable[[httpx.Request], Any]:
        """A respx side effect answering with `respond` after `seconds` of fake time."""

        async def answer(request: httpx.Request) -> httpx.Response:
            self.elapsed += seconds
            # The loop turns while "the network" answers: the channel's cut-off, if it is due, lands here.
            await asyncio.sleep(0)
            return respond(request)

        return answer


def scan(store: Store, resolved: ResolvedChannel, clock: FakeTime, channel_timeout: float) -> ChannelOutcome:
    async def on_fake_time() -> list[ChannelOutcome]:
        loop = asyncio.get_running_loop()
        real = loop.time
        loop.time = lambda: real() + clock.elapsed  # type: ignore[method-assign]
        return await run_scan([resolved], store, concurrency=1, channel_timeout=channel_timeout)

    [outcome] = asyncio.run(on_fake_time())
    return outcome


def channel(connector_class: type[SweepConnector], settings: ApiSettings, account: str) -> ResolvedChannel:
    brand = BrandConfig(name="Tienda")
    config = ChannelConfig(name="main", platform=connector_class.name, account=account)
    return ResolvedChannel(
        brand=brand,
        channel=config,
        connector_class=connector_class,
        settings=settings,
        context=ChannelContext(brand=brand.slug, channel=config.name, account=account),
    )


@pytest.fixture(scope="module")
def vader() -> Scorer:
    """One VADER scorer for the module's stores (scoring changes nothing in it; its analyzer is
    one per process anyway, see socialmon.sentiment.vader)."""
    return get_scorer("vader")


@pytest.fixture
def store(tmp_path: Path, vader: Scorer) -> Iterator[Store]:
    made = Store(open_database(f"sqlite:///{tmp_path / 'socialmon.db'}"), vader)
    yield made
    made.database.dispose()


def stored_posts(store: Store) -> set[str]:
    with store.database.read() as connection:
        return set(connection.execute(select(Post.__table__.c.platform_id)).scalars())  # type: ignore[attr-defined]


def stored_comments(store: Store) -> set[str]:
    with store.database.read() as connection:
        return set(connection.execute(select(Comment.__table__.c.platform_id)).scalars())  # type: ignore[attr-defined]


def pending_keys(store: Store) -> set[str]:
    with store.database.read() as connection:
        return set(connection.execute(select(PendingThread.__table__.c.item_key)).scalars())  # type: ignore[attr-defined]


# --- YouTube: one video's commentThreads, page after page ---------------------------------------------

YT_CHANNEL = "UCtiendaDemo00000000000"
BIG_VIDEO = "bigVideo001"
SMALL_VIDEOS = ["smallVid001", "smallVid002"]
BIG_PAGES = 60  # commentThreads pages of the big video, 2 threads each
YT_LIMIT = 600.0  # channel_timeout: 10 min; the big video's comments take 20 min


class TimedYouTube(YouTubeConnector):
    uses_http = False  # a client of its own, which respx answers (the scan's shared one is aiohttp's)
    sleep = staticmethod(no_sleep)
    now = staticmethod(lambda: NOW)


def yt_time(hours_ago: float) -> str:
    return (NOW - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeYouTube:
    """The Data API v3 for one channel of three videos, the newest with `BIG_PAGES` pages of comments."""

    def __init__(self, clock: FakeTime) -> None:
        self.clock = clock
        self.videos = [BIG_VIDEO, *SMALL_VIDEOS]  # newest first
        self.pages_asked: list[tuple[str, str | None]] = []  # (video, pageToken) of each commentThreads

    def playlist(self, request: httpx.Request) -> httpx.Response:
        items = [
            {
                "kind": "youtube#playlistItem",
                "id": f"UExi{vid}",
                "snippet": {"publishedAt": yt_time(n + 1), "title": f"Video {vid}", "channelTitle": "Tienda"},
                "contentDetails": {"videoId": vid, "videoPublishedAt": yt_time(n + 1)},
            }
            for n, vid in enumerate(self.videos)
        ]
        return httpx.Response(200, json={"kind": "youtube#playlistItemListResponse", "items": items})

    def video_details(self, request: httpx.Request) -> httpx.Response:
        items = [
            {
                "kind": "youtube#video",
                "id": vid,
                "snippet": {"title": f"Video {vid}", "description": "", "channelTitle": "Tienda"},
                "statistics": {"likeCount": "3", "commentCount": "120"},
            }
            for vid in request.url.params["id"].split(",")
        ]
        return httpx.Response(200, json={"kind": "youtube#videoListResponse", "items": items})

    @staticmethod
    def thread(vid: str, comment_id: str) -> dict[str, Any]:
        snippet = {
            "videoId": vid,
            "authorDisplayName": "@cliente",
            "authorChannelId": {"value": "UCcliente0000000000000"},
            "textDisplay": f"¿Tienen envío? ({comment_id})",
            "textOriginal": f"¿Tienen envío? ({comment_id})",
            "likeCount": 0,
            "publishedAt": yt_time(0.5),
            "updatedAt": yt_time(0.5),
        }
        return {
            "kind": "youtube#commentThread",
            "id": comment_id,
            "snippet": {
                "channelId": YT_CHANNEL,
                "videoId": vid,
                "totalReplyCount": 0,
                "topLevelComment": {"kind": "youtube#comment", "id": comment_id, "snippet": snippet},
            },
        }

    def comment_ids(self, vid: str) -> set[str]:
        pages = BIG_PAGES if vid == BIG_VIDEO else 1
        return {f"Ugz{vid}p{n:03d}t{k}" for n in range(pages) for k in range(2)}

    def threads(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        if "allThreadsRelatedToChannelId" in params:  # the channel-wide pass: nothing new there
            return httpx.Response(200, json={"kind": "youtube#commentThreadListResponse", "items": []})
        vid, token = params["videoId"], params.get("pageToken")
        self.pages_asked.append((vid, token))
        number = int(token[1:]) if token else 0
        body: dict[str, Any] = {
            "kind": "youtube#commentThreadListResponse",
            "pageInfo": {"totalResults": 2, "resultsPerPage": 2},
            "items": [self.thread(vid, f"Ugz{vid}p{number:03d}t{k}") for k in range(2)],
        }
        if vid == BIG_VIDEO and number + 1 < BIG_PAGES:
            body["nextPageToken"] = f"p{number + 1}"
        return httpx.Response(200, json=body)

    def threads_time(self, request: httpx.Request) -> float:
        return 20.0 if request.url.params.get("videoId") == BIG_VIDEO else 1.0

    def router(self) -> respx.MockRouter:
        router = respx.mock(base_url="https://www.googleapis.com/youtube/v3", assert_all_called=False)
        uploads = {
            "kind": "youtube#channelListResponse",
            "items": [{"id": YT_CHANNEL, "contentDetails": {"relatedPlaylists": {"uploads": "UUtienda"}}}],
        }
        router.get("/channels").mock(
            side_effect=self.clock.takes(1, lambda _: httpx.Response(200, json=uploads))
        )
        router.get("/playlistItems").mock(side_effect=self.clock.takes(1, self.playlist))
        router.get("/videos").mock(side_effect=self.clock.takes(1, self.video_details))

        async def threads(request: httpx.Request) -> httpx.Response:
            return await self.clock.takes(self.threads_time(request), self.threads)(request)

        router.get("/commentThreads").mock(side_effect=threads)
        return router


def test_a_youtube_video_whose_comments_take_longer_than_the_channel_timeout_no_longer_blocks_it(
    store: Store,
) -> None:
    clock = FakeTime()
    youtube = FakeYouTube(clock)
    resolved = channel(TimedYouTube, YouTubeSettings(api_key="AIzaFAKEkey", max_retries=0), YT_CHANNEL)
    with youtube.router():
        first = scan(store, resolved, clock, YT_LIMIT)
    # Stopped inside the big video: what it read is kept, and the reason names the video.
    assert first.status == "partial", first.error
    assert BIG_VIDEO in (first.error or "") and "channel_timeout" in (first.error or "")
    assert BIG_VIDEO in stored_posts(store)
    read_first = stored_comments(store)
    assert len(read_first) >= 40, "the pages read before the time ran out are stored"
    assert pending_keys(store) == {BIG_VIDEO}

    with youtube.router():
        second = scan(store, resolved, clock, YT_LIMIT)
    # The other videos are read first; the big one goes on from the page it stopped on.
    assert second.status == "partial", second.error
    assert {BIG_VIDEO, *SMALL_VIDEOS} <= stored_posts(store)
    assert all(youtube.comment_ids(vid) <= stored_comments(store) for vid in SMALL_VIDEOS)
    assert len(stored_comments(store) & youtube.comment_ids(BIG_VIDEO)) > len(read_first)

    for _ in range(3):
        if not pending_keys(store):
            break
        with youtube.router():
            last = scan(store, resolved, clock, YT_LIMIT)
    assert last.status == "ok", last.error
    assert youtube.comment_ids(BIG_VIDEO) <= stored_comments(store)
    assert pending_keys(store) == set()
    big_pages = [token for vid, token in youtube.pages_asked if vid == BIG_VIDEO]
    assert big_pages.count(None) == 1, "the big video's comments were never started over from the top"
    assert len(big_pages) <= BIG_PAGES + 3, "each page read about once (the one it stopped on again)"


# --- Reddit: one post's tree, "load more" after "load more" -------------------------------------------

SUBREDDIT = "r/tiendademo"
BIG_POST = "1bigpst"
SMALL_POSTS = ["1small1", "1small2"]
MORE_IDS = 800  # comments behind one top-level "load more" stub: 40 morechildren calls of 20
REDDIT_LIMIT = 300.0  # channel_timeout: 5 min; the big post's "load more" calls take 400 s


class TimedReddit(RedditConnector):
    uses_http = False
    sleep = staticmethod(no_sleep)
    now = staticmethod(lambda: NOW)


class FakeReddit:
    """Public Reddit JSON for a subreddit of three posts; the newest has 10 comments and 800 behind a stub."""

    def __init__(self, clock: FakeTime) -> None:
        self.clock = clock
        self.top = [f"kt{n:03d}" for n in range(10)]
        self.more = [f"km{n:04d}" for n in range(MORE_IDS)]
        self.first_trees: list[str] = []
        self.more_calls = 0

    def post(self, post_id: str, hours_ago: float, comments: int) -> dict[str, Any]:
        return t3(
            post_id,
            subreddit="tiendademo",
            title=f"Post {post_id}",
            selftext="",
            author="tiendademo",
            created_utc=(NOW - timedelta(hours=hours_ago)).timestamp(),
            num_comments=comments,
            score=5,
            permalink=permalink("tiendademo", post_id, "post"),
        )

    def posts(self) -> list[dict[str, Any]]:
        return [
            self.post(BIG_POST, 1, len(self.top) + MORE_IDS),
            *(self.post(pid, 2 + n, 1) for n, pid in enumerate(SMALL_POSTS)),
        ]

    @staticmethod
    def t1(cid: str, post_id: str) -> dict[str, Any]:
        written = (NOW - timedelta(minutes=30)).timestamp()
        return t1(cid, "cliente", f"¿Hay stock? ({cid})", post=post_id, created_utc=written, depth=0, score=1)

    def comment_ids(self, post_id: str) -> set[str]:
        return {*self.top, *self.more} if post_id == BIG_POST else {f"k{post_id}"}

    def tree(self, request: httpx.Request) -> httpx.Response:
        post_id = request.url.path.split("/")[2].removesuffix(".json")
        self.first_trees.append(post_id)
        [post] = [p for p in self.posts() if p["data"]["id"] == post_id]
        if post_id != BIG_POST:
            return httpx.Response(200, json=[listing(post), listing(self.t1(f"k{post_id}", post_id))])
        things = [self.t1(cid, BIG_POST) for cid in self.top] + [more(self.more, f"t3_{BIG_POST}")]
        return httpx.Response(200, json=[listing(post), listing(*things)])

    def morechildren(self, request: httpx.Request) -> httpx.Response:
        self.more_calls += 1
        asked = request.url.params["children"].split(",")
        things = [self.t1(cid, BIG_POST) for cid in asked[:20]]  # Reddit answers about 20 a call
        return httpx.Response(200, json={"json": {"errors": [], "data": {"things": things}}})

    def router(self) -> respx.MockRouter:
        router = respx.mock(base_url="https://www.reddit.com", assert_all_called=False)
        router.get("/r/tiendademo/new.json").mock(
            side_effect=self.clock.takes(1, lambda _: httpx.Response(200, json=listing(*self.posts())))
        )
        router.get(path__regex=r"^/comments/\w+\.json$").mock(side_effect=self.clock.takes(1, self.tree))
        router.get("/api/morechildren.json").mock(side_effect=self.clock.takes(10, self.morechildren))
        return router


def test_a_reddit_post_whose_load_more_calls_take_longer_than_the_channel_timeout_no_longer_blocks_it(
    store: Store,
) -> None:
    clock = FakeTime()
    reddit = FakeReddit(clock)
    resolved = channel(TimedReddit, RedditSettings(username="tiendademo", max_retries=0), SUBREDDIT)
    with reddit.router():
        first = scan(store, resolved, clock, REDDIT_LIMIT)
    assert first.status == "partial", first.error
    assert BIG_POST in (first.error or "") and "channel_timeout" in (first.error or "")
    read_first = stored_comments(store)
    assert set(reddit.top) <= read_first and len(read_first) > 200
    assert pending_keys(store) == {BIG_POST}

    with reddit.router():
        second = scan(store, resolved, clock, REDDIT_LIMIT)
    assert second.status == "ok", second.error
    assert {BIG_POST, *SMALL_POSTS} <= stored_posts(store)
    assert all(reddit.comment_ids(pid) <= stored_comments(store) for pid in [BIG_POST, *SMALL_POSTS])
    assert reddit.first_trees.count(BIG_POST) == 1, "the second scan went on from the unread ids"
    assert reddit.more_calls == MORE_IDS // 20
    assert pending_keys(store) == set()


# --- any sweep connector without a way to go on inside a thread ---------------------------------------

FORUM = "https://forum.example/api"
PAGING = CursorPaging(items=("items",), cursor=("next",), param="page")
LONG_TOPIC = "topic-long"
SHORT_TOPICS = ["topic-a", "topic-b"]
REPLY_PAGES = 40  # the long topic's reply pages, 10 s each: 400 s
FORUM_LIMIT = 300.0


class ForumSettings(ApiSettings):
    base_url: str = FORUM
    max_retries: int = 0


class ForumConnector(SweepConnector):
    """A small forum: topics newest first, each with pages of replies; no way to go on inside a topic."""

    name = "forum"
    platform = "Forum"
    Settings = ForumSettings
    uses_http = False
    sleep = staticmethod(no_sleep)
    now = staticmethod(lambda: NOW)
    settings: ForumSettings

    def make_api(self, client: httpx.AsyncClient) -> Api:
        return self.new_api(client)

    async def listing(self, api: Api, window: Window) -> AsyncIterator[list[Raw]]:
        async for batch in paginate(api, "topics", {}, PAGING):
            yield batch

    def item_time(self, raw: Raw) -> datetime:
        return datetime.fromisoformat(raw["time"])

    def item_label(self, raw: Raw) -> str:
        return f"Forum topic {raw['id']}"

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        return [PostRecord(platform_id=raw["id"], text=f"Topic {raw['id']}", created_at=self.item_time(raw))]

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        async for batch in paginate(api, f"topics/{raw['id']}/replies", {}, PAGING):
            yield [
                CommentRecord(platform_id=reply["id"], post_id=raw["id"], text="¿precio?", created_at=NOW)
                for reply in batch
            ]


class FakeForum:
    def __init__(self, clock: FakeTime) -> None:
        self.clock = clock
        self.replies_asked: list[tuple[str, str | None]] = []
        self.listed = [LONG_TOPIC, *SHORT_TOPICS]  # newest first
        self.longs = {LONG_TOPIC}  # the topics with REPLY_PAGES pages of replies, 10 s each

    def topics(self, request: httpx.Request) -> httpx.Response:
        items = [
            {"id": topic, "time": (NOW - timedelta(hours=n + 1)).isoformat()}
            for n, topic in enumerate(self.listed)
        ]
        return httpx.Response(200, json={"items": items})

    def replies(self, request: httpx.Request) -> httpx.Response:
        topic, page = request.url.path.split("/")[-2], request.url.params.get("page")
        self.replies_asked.append((topic, page))
        number = int(page) if page else 0
        body: dict[str, Any] = {"items": [{"id": f"{topic}-r{number:03d}"}]}
        if topic in self.longs and number + 1 < REPLY_PAGES:
            body["next"] = str(number + 1)
        return httpx.Response(200, json=body)

    def router(self) -> respx.MockRouter:
        router = respx.mock(base_url=FORUM, assert_all_called=False)
        router.get("/topics").mock(side_effect=self.clock.takes(1, self.topics))

        async def replies(request: httpx.Request) -> httpx.Response:
            seconds = 10.0 if request.url.path.split("/")[-2] in self.longs else 1.0
            return await self.clock.takes(seconds, self.replies)(request)

        router.get(path__regex=r"/topics/[\w-]+/replies$").mock(side_effect=replies)
        return router


def test_a_long_thread_a_platform_cannot_resume_is_read_last_and_the_rest_of_the_channel_goes_on(
    store: Store,
) -> None:
    clock = FakeTime()
    forum = FakeForum(clock)
    resolved = channel(ForumConnector, ForumSettings(), "demo")
    with forum.router():
        first = scan(store, resolved, clock, FORUM_LIMIT)
    assert first.status == "partial", first.error
    assert f"Forum topic {LONG_TOPIC}" in (first.error or "") and "channel_timeout" in (first.error or "")
    assert LONG_TOPIC in stored_posts(store) and len(stored_comments(store)) >= 20  # what it read
    assert pending_keys(store) == {LONG_TOPIC}

    for _ in range(2):
        forum.replies_asked.clear()
        with forum.router():
            again = scan(store, resolved, clock, FORUM_LIMIT)
        # The short topics are read every scan, before the long one, which is read again from its start.
        assert again.status == "partial", again.error
        assert {LONG_TOPIC, *SHORT_TOPICS} <= stored_posts(store)
        assert {f"{topic}-r000" for topic in SHORT_TOPICS} <= stored_comments(store)
        topics_read = [topic for topic, _ in forum.replies_asked]
        assert topics_read.index(LONG_TOPIC) > max(topics_read.index(topic) for topic in SHORT_TOPICS)
        assert f"Forum topic {LONG_TOPIC}" in (again.error or "")
        assert pending_keys(store) == {LONG_TOPIC}


def test_long_threads_take_turns(store: Store) -> None:
    """Two long topics no platform call can go on inside: each scan reads one, in turn, after the
    rest of the channel; the first no longer starves the second (reviewer's find)."""
    clock = FakeTime()
    forum = FakeForum(clock)
    forum.listed = [LONG_TOPIC, "topic-a", "topic-long2", "topic-b"]
    forum.longs = {LONG_TOPIC, "topic-long2"}
    resolved = channel(ForumConnector, ForumSettings(), "demo")
    long_read = []
    for _ in range(5):
        forum.replies_asked.clear()
        with forum.router():
            outcome = scan(store, resolved, clock, FORUM_LIMIT)
        assert outcome.status == "partial", outcome.error
        long_read.append(sorted({topic for topic, _ in forum.replies_asked} & forum.longs))
    assert pending_keys(store) == forum.longs
    assert long_read[2:] == [[LONG_TOPIC], ["topic-long2"], [LONG_TOPIC]], long_read


class FailingForum(FakeForum):
    """The long topic's replies answer 500 once `failing` is set."""

    failing = False

    def replies(self, request: httpx.Request) -> httpx.Response:
        if self.failing and request.url.path.split("/")[-2] in self.longs:
            return httpx.Response(500, json={"error": "internal"})
        return super().replies(request)


def test_a_long_thread_that_fails_keeps_its_turn_after_the_rest_of_the_channel(store: Store) -> None:
    """A platform error on a long thread's turn leaves it remembered as long: the next scan still
    reads the rest of the channel first (it was read first, before the listing: reviewer's find)."""
    clock = FakeTime()
    forum = FailingForum(clock)
    resolved = channel(ForumConnector, ForumSettings(), "demo")
    with forum.router():
        scan(store, resolved, clock, FORUM_LIMIT)
    forum.failing = True
    with forum.router():
        failed = scan(store, resolved, clock, FORUM_LIMIT)
    assert failed.status == "partial" and pending_keys(store) == {LONG_TOPIC}
    with store.database.read() as connection:
        [item] = connection.execute(select(PendingThread.__table__.c.item)).scalars()  # type: ignore[attr-defined]
    assert item.get(LONG_THREAD)
    forum.failing = False
    forum.replies_asked.clear()
    with forum.router():
        scan(store, resolved, clock, FORUM_LIMIT)
    topics_read = [topic for topic, _ in forum.replies_asked]
    assert topics_read.index(LONG_TOPIC) > max(topics_read.index(topic) for topic in SHORT_TOPICS)


def test_without_a_channel_timeout_a_long_thread_is_read_whole(store: Store) -> None:
    clock = FakeTime()
    forum = FakeForum(clock)
    resolved = channel(ForumConnector, ForumSettings(), "demo")
    with forum.router():
        [outcome] = asyncio.run(run_scan([resolved], store, concurrency=1, channel_timeout=None))
    assert outcome.status == "ok", outcome.error
    assert len(stored_comments(store)) == REPLY_PAGES + len(SHORT_TOPICS)


class StubbornForum(ForumConnector):
    """A connector whose thread ignores `ThreadTimeUp` and yields on: nothing it yields is lost."""

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        async for comments in super().thread(api, raw, rejected):
            try:
                yield comments
            except ThreadTimeUp:
                continue


def test_a_thread_that_ignores_the_stop_is_read_whole_and_not_left_pending() -> None:
    connector = StubbornForum(
        ForumSettings(),
        ChannelContext(
            brand="tienda",
            channel="main",
            account="demo",
            deadline=Deadline(at=100.0, clock=lambda: 1.0, item_at=0.0),  # inside an item: past its time
        ),
    )

    async def every_page() -> list[Page]:
        return [page async for page in connector.pages(None)]

    forum = FakeForum(FakeTime())
    with forum.router():
        pages = asyncio.run(every_page())
    comments = {comment.platform_id for page in pages for comment in page.comments}
    assert comments == {f"{LONG_TOPIC}-r{n:03d}" for n in range(REPLY_PAGES)} | {
        f"{topic}-r000" for topic in SHORT_TOPICS
    }
    assert not [failure for page in pages for failure in page.failed_threads]
