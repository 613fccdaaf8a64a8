"""The `youtube` connector's channel-wide pass: comments on videos older than the look-back window.

The uploads sweep re-reads only the videos of the last `recent_days`; a question on a video two
months old is found by listing the channel's comment threads (`allThreadsRelatedToChannelId`)
down to what the previous scan saw. Fixtures are built here in the API's shapes (commentThreads,
comments, playlistItems and videos list responses).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from conformance import collect, fixture, gather, no_sleep

from socialmon_connectors import ChannelContext, Incomplete, RateLimited, ThreadFailure
from socialmon_connectors.records import CommentRecord, Page
from socialmon_connectors.youtube import CHANNEL_THREADS, YouTubeConnector, YouTubeSettings

BASE = "https://www.googleapis.com/youtube/v3"
CHANNEL = "UCcornerBistro000000000"
CUSTOMER = "UCcustomer0000000000000"
NOW = datetime(2024, 6, 1, tzinfo=UTC)
#: what a version without the channel-wide pass saved after its last finished scan
OLD_CURSOR = {"watermark": "2024-05-28T09:00:00+00:00"}

RECENT = "cbRecent001"  # published 4 days ago: inside the sweep's 14-day window
TUTORIAL = "cbTutorial1"  # 2.5 months old
PRODUCT = "cbProduct01"  # 5 months old


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def ago(days: float) -> str:
    return iso(NOW - timedelta(days=days))


def mark(days: float) -> str:
    """A watermark as the connector saves it: `days` before NOW."""
    return (NOW - timedelta(days=days)).isoformat()


# --- the API's shapes ------------------------------------------------------------------------------


def a_comment(
    comment_id: str, video: str, when: str, text: str, *, by: str = CUSTOMER, parent: str = ""
) -> Any:
    snippet: dict[str, Any] = {
        "channelId": CHANNEL,
        "videoId": video,
        "textDisplay": text,
        "textOriginal": text,
        "authorDisplayName": "@cornerbistro" if by == CHANNEL else "@customer",
        "authorChannelId": {"value": by},
        "canRate": True,
        "viewerRating": "none",
        "likeCount": 0,
        "publishedAt": when,
        "updatedAt": when,
    }
    if parent:
        snippet["parentId"] = parent
    return {"kind": "youtube#comment", "etag": "e", "id": comment_id, "snippet": snippet}


def a_thread(
    thread_id: str,
    video: str | None,
    when: str,
    text: str,
    replies: tuple[Any, ...] = (),
    total: int | None = None,
) -> Any:
    top = a_comment(thread_id, video or "", when, text)
    snippet: dict[str, Any] = {
        "channelId": CHANNEL,
        "topLevelComment": top,
        "canReply": True,
        "totalReplyCount": len(replies) if total is None else total,
        "isPublic": True,
    }
    if video is None:  # a comment on the channel itself: no videoId anywhere
        del top["snippet"]["videoId"]
    else:
        snippet["videoId"] = video
    thread: dict[str, Any] = {
        "kind": "youtube#commentThread",
        "etag": "e",
        "id": thread_id,
        "snippet": snippet,
    }
    if replies:
        thread["replies"] = {"comments": list(replies)}
    return thread


def replies_of(thread_id: str, video: str, count: int, *, start: float) -> list[Any]:
    """`count` replies, the last one the business's, an hour apart from `start` days ago."""
    return [
        a_comment(
            f"{thread_id}.r{n}",
            video,
            ago(start - n / 24),
            "Gracias por preguntar" if n == count else f"Yo también ({n})",
            by=CHANNEL if n == count else CUSTOMER,
            parent=thread_id,
        )
        for n in range(1, count + 1)
    ]


def thread_page(items: list[Any], next_token: str | None = None) -> Any:
    body: dict[str, Any] = {
        "kind": "youtube#commentThreadListResponse",
        "etag": "e",
        "pageInfo": {"totalResults": len(items), "resultsPerPage": 100},
        "items": items,
    }
    if next_token:
        body["nextPageToken"] = next_token
    return body


def comment_page(items: list[Any]) -> Any:
    return {"kind": "youtube#commentListResponse", "pageInfo": {"totalResults": len(items)}, "items": items}


VIDEOS = {RECENT: 4, TUTORIAL: 73, PRODUCT: 143}  # id: days since it was published


def playlist() -> Any:
    return {
        "kind": "youtube#playlistItemListResponse",
        "pageInfo": {"totalResults": len(VIDEOS), "resultsPerPage": 50},
        "items": [
            {
                "kind": "youtube#playlistItem",
                "id": f"UExp{vid}",
                "snippet": {
                    "publishedAt": ago(days),
                    "title": f"Video {vid}",
                    "channelTitle": "Corner Bistro",
                },
                "contentDetails": {"videoId": vid, "videoPublishedAt": ago(days)},
            }
            for vid, days in VIDEOS.items()
        ],
    }


def videos() -> Any:
    return {
        "kind": "youtube#videoListResponse",
        "items": [
            {
                "kind": "youtube#video",
                "id": vid,
                "snippet": {"publishedAt": ago(days), "title": f"Video {vid}", "description": ""},
                "statistics": {"viewCount": "10", "likeCount": "1", "commentCount": "3"},
            }
            for vid, days in VIDEOS.items()
        ],
    }


# The recent video's thread: 6 replies, 5 embedded (the sweep reads the 6th with comments.list).
RECENT_REPLIES = replies_of("UgxRecentQ", RECENT, 6, start=2.5)
RECENT_THREAD = a_thread(
    "UgxRecentQ", RECENT, ago(3), "¿Hay versión sin gluten?", tuple(RECENT_REPLIES[:5]), total=6
)
# An evergreen tutorial's new question, answered by the business (the reply embedded).
HOWTO = a_thread(
    "UgxHowTo", TUTORIAL, ago(2), "¿Sirve con harina de maíz?",
    (a_comment("UgxHowTo.b1", TUTORIAL, ago(1.9), "Sí, con la misma cantidad", by=CHANNEL, parent="UgxHowTo"),),
)  # fmt: skip
OPEN_QUESTION = a_thread("UgxOpen", PRODUCT, ago(8), "¿Hacen envíos a Latacunga?")
ABOUT_CHANNEL = a_thread("UgxChannel", None, ago(9), "Great channel")  # the old channel "Discussion" tab
LONG_REPLIES = replies_of("UgxLong", TUTORIAL, 7, start=50)
LONG = a_thread("UgxLong", TUTORIAL, ago(52), "No me salió, ¿qué hice mal?", tuple(LONG_REPLIES[:5]), total=7)
MARCH_REPLIES = replies_of("UgxMarch", PRODUCT, 6, start=77)
MARCH = a_thread("UgxMarch", PRODUCT, ago(78), "¿Cuánto dura la batería?", tuple(MARCH_REPLIES[:5]), total=6)
WINTER = a_thread("UgxWinter", PRODUCT, ago(133), "Primer comentario")  # older than the 90-day catch-up
NEWER = a_thread("UgxNewer", TUTORIAL, iso(NOW + timedelta(hours=10)), "¿Y con avena?")

CHANNEL_PAGES = {  # the channel-wide listing, by page token
    None: [RECENT_THREAD, HOWTO, OPEN_QUESTION, ABOUT_CHANNEL],
    "CT2": [LONG, MARCH],
    "CT3": [WINTER],  # wholly older than the pass's window: the last page read
}
NEXT = {None: "CT2", "CT2": "CT3", "CT3": "CT4"}


class Channel:
    """The channel's answers; `failing` answers some requests (by a key naming them) instead."""

    def __init__(self, *, newer: bool = False, failing: dict[str, httpx.Response] | None = None) -> None:
        self.newer = newer
        self.failing = failing or {}
        self.asked: list[str] = []  # each request, named briefly, in order

    def router(self) -> respx.MockRouter:
        router = respx.mock(base_url=BASE, assert_all_called=False, assert_all_mocked=True)
        router.get("/channels").respond(json=fixture("youtube_channels.json"))
        router.get("/playlistItems").respond(json=playlist())
        router.get("/videos").respond(json=videos())
        router.get("/commentThreads").mock(side_effect=self.threads)
        router.get("/comments").mock(side_effect=self.comments)
        return router

    def answer(self, name: str, body: Any) -> httpx.Response:
        self.asked.append(name)
        return self.failing.get(name) or httpx.Response(200, json=body)

    def threads(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        if "videoId" in params:
            video = params["videoId"]
            on_it = [
                t for page in CHANNEL_PAGES.values() for t in page if t["snippet"].get("videoId") == video
            ]
            return self.answer(f"video {video}", thread_page(on_it))
        if "id" in params:
            found = [t for page in CHANNEL_PAGES.values() for t in page if t["id"] == params["id"]]
            return self.answer(f"thread {params['id']}", thread_page(found))
        assert params["allThreadsRelatedToChannelId"] == CHANNEL
        assert (params["order"], params["maxResults"], params["part"]) == ("time", "100", "snippet,replies")
        token = params.get("pageToken")
        items = (
            CHANNEL_PAGES[token] if token != "CT4" else [a_thread("UgxAncient", PRODUCT, ago(400), "Hola")]
        )
        if token is None and self.newer:
            items = [NEWER, *items]
        return self.answer(f"channel {token or 'CT1'}", thread_page(items, NEXT.get(token)))

    def comments(self, request: httpx.Request) -> httpx.Response:
        parent = request.url.params["parentId"]
        replies = {"UgxRecentQ": RECENT_REPLIES, "UgxLong": LONG_REPLIES, "UgxMarch": MARCH_REPLIES}[parent]
        return self.answer(f"replies {parent}", comment_page(replies))


def connector(
    now: datetime = NOW, pending: tuple[ThreadFailure, ...] = (), **options: Any
) -> YouTubeConnector:
    made = YouTubeConnector(
        YouTubeSettings(api_key="AIzaKEY", **options),
        ChannelContext(brand="b", channel="yt", account=CHANNEL, pending_threads=pending),
    )
    made.sleep = no_sleep  # type: ignore[method-assign]
    made.now = lambda: now  # type: ignore[method-assign]
    return made


def comments(pages: list[Page]) -> dict[str, CommentRecord]:
    return {c.platform_id: c for page in pages for c in page.comments}


def channel_requests(asked: list[str]) -> list[str]:
    """The requests of the channel-wide pass (after the sweep's)."""
    return asked[asked.index("channel CT1") :] if "channel CT1" in asked else []


QUOTA = httpx.Response(
    403,
    json={
        "error": {
            "code": 403,
            "message": "The request cannot be completed because you have exceeded your quota.",
            "errors": [{"domain": "youtube.quota", "reason": "quotaExceeded", "message": "exceeded"}],
        }
    },
)


# --- the first scan after an upgrade: a comment on an old video is stored --------------------------


def test_a_question_on_an_old_video_is_stored_with_its_replies_and_the_business_answer() -> None:
    channel = Channel()
    with channel.router():
        pages = collect(connector(), OLD_CURSOR)
    found = comments(pages)
    howto, answer = found["UgxHowTo"], found["UgxHowTo.b1"]
    assert (howto.post_id, howto.is_business, howto.text) == (TUTORIAL, False, "¿Sirve con harina de maíz?")
    assert (answer.parent_id, answer.is_business) == ("UgxHowTo", True), "the business's reply is recognised"
    assert found["UgxOpen"].post_id == PRODUCT and not found["UgxOpen"].is_business
    # 7 replies, 5 embedded: the rest read with comments.list, as the per-video path does
    assert {f"UgxLong.r{n}" for n in range(1, 8)} <= set(found)
    assert found["UgxLong.r7"].is_business and found["UgxLong.r7"].parent_id == "UgxLong"
    assert "UgxMarch.r6" in found  # 78 days old: inside the 90-day catch-up
    assert "UgxWinter" not in found, "older than the catch-up: the first scan after an upgrade stops there"
    assert "UgxChannel" not in found and not any(page.rejected for page in pages), "no video: passed over"
    # no post record for the old videos: the comments name them by id (stored by earlier scans)
    assert {p.platform_id for page in pages for p in page.posts} == {RECENT}
    assert channel.asked[:2] == [f"video {RECENT}", "replies UgxRecentQ"], "the sweep reads the recent video"
    assert channel_requests(channel.asked) == [
        "channel CT1",
        "channel CT2",
        "replies UgxLong",
        "replies UgxMarch",
        "channel CT3",
    ]
    assert "channel CT4" not in channel.asked, "a whole page older than the window ends the listing"
    cursor = pages[-1].cursor
    assert cursor is not None and "run" not in cursor and "run" not in cursor[CHANNEL_THREADS]


def test_a_thread_on_a_video_the_sweep_read_is_not_read_twice() -> None:
    channel = Channel()
    with channel.router():
        pages = collect(connector(), OLD_CURSOR)
    assert channel.asked.count(f"video {RECENT}") == 1
    assert channel.asked.count("replies UgxRecentQ") == 1, "its replies are asked for by the sweep only"
    swept_then_passed = [c.platform_id for page in pages for c in page.comments if c.post_id == RECENT]
    assert sorted(swept_then_passed) == sorted(["UgxRecentQ", *(f"UgxRecentQ.r{n}" for n in range(1, 7))])


def test_a_second_scan_reads_only_the_threads_newer_than_the_first_scan_s_window() -> None:
    with Channel().router():
        first = collect(connector(), OLD_CURSOR)
    later = Channel(newer=True)
    with later.router():
        second = collect(connector(NOW + timedelta(days=1)), first[-1].cursor)
    found = comments(second)
    assert "UgxNewer" in found and found["UgxNewer"].post_id == TUTORIAL
    # The overlap (the look-back window, 14 days) re-reads the recent threads; of the older ones,
    # only those with replies beyond the embedded ones (one may be newer than the line).
    assert channel_requests(later.asked) == [
        "channel CT1",
        "channel CT2",
        "replies UgxLong",
        "replies UgxMarch",
    ]
    assert "UgxOpen" not in found and "UgxLong.r6" in found
    assert "UgxHowTo.b1" in found


def test_the_first_scan_of_a_channel_reads_every_video_and_only_starts_the_pass() -> None:
    channel = Channel()
    with channel.router():
        pages = collect(connector())
    assert not channel_requests(channel.asked), "every video's threads were just read one by one"
    assert {f"video {vid}" for vid in VIDEOS} <= set(channel.asked)
    assert channel.asked.count("replies UgxRecentQ") == channel.asked.count("replies UgxLong") == 1
    cursor = pages[-1].cursor
    assert cursor is not None and cursor[CHANNEL_THREADS] == {"watermark": NOW.isoformat()}
    later = Channel()
    with later.router():
        second = collect(connector(NOW + timedelta(days=1)), cursor)
    assert channel_requests(later.asked)[:1] == ["channel CT1"], "the next scan runs the pass"
    assert channel_requests(later.asked) == ["channel CT1"], "no thread newer than the first scan's start"
    assert not {"UgxHowTo", "UgxLong"} & set(comments(second)), "read by the first scan's sweep"
    assert second[-1].cursor is not None and second[-1].cursor[CHANNEL_THREADS] == {"watermark": mark(0)}


# --- a stop part way -----------------------------------------------------------------------------


CATCH_UP_LINE = {"watermark": (NOW - timedelta(days=90)).isoformat()}  # the first pass after an upgrade


def test_quota_exhausted_part_way_keeps_the_threads_read_in_full_and_reads_the_rest_next_scan() -> None:
    channel = Channel(failing={"replies UgxMarch": QUOTA})
    with channel.router():
        first, error = gather(connector(), OLD_CURSOR)
    assert isinstance(error, RateLimited), error
    found = comments(first)
    assert {"UgxHowTo", "UgxHowTo.b1", "UgxLong", "UgxLong.r7"} <= set(found), "read in full: kept"
    assert "UgxMarch" not in found, "the thread it stopped in is not stored in part"
    cursor = first[-1].cursor
    assert cursor is not None and cursor[CHANNEL_THREADS] == CATCH_UP_LINE, "the line does not move"

    again = Channel()
    with again.router():
        second = collect(connector(NOW + timedelta(hours=1)), cursor)
    assert "UgxMarch.r6" in comments(second), "listed again from the newest, down to the same line"
    assert "UgxLong.r7" in comments(second), "read again: the upsert absorbs it"
    final = second[-1].cursor
    assert final is not None and final[CHANNEL_THREADS] == {"watermark": mark(2)}, "the newest thread seen"


def test_max_units_counts_the_sweep_and_the_pass_together() -> None:
    channel = Channel()
    with channel.router():
        pages, error = gather(connector(max_units=7), OLD_CURSOR)
    # channels, playlistItems, videos, the recent video's threads and its replies: 5 units; the
    # pass's two listing pages: 7; UgxLong's replies would be the 8th.
    assert isinstance(error, RateLimited) and "budget of 7 quota units" in str(error)
    assert channel.asked == [f"video {RECENT}", "replies UgxRecentQ", "channel CT1", "channel CT2"]
    assert "UgxHowTo.b1" in comments(pages) and "UgxLong" not in comments(pages)
    cursor = pages[-1].cursor
    assert cursor is not None and cursor[CHANNEL_THREADS] == CATCH_UP_LINE


def test_the_pass_reads_at_most_channel_threads_pages_and_the_next_scan_starts_from_what_is_new() -> None:
    channel = Channel()
    with channel.router():
        first, error = gather(connector(channel_threads_pages=1), OLD_CURSOR)
    assert isinstance(error, Incomplete) and "read 1 pages of the channel's comment threads" in str(error)
    assert "down to 2024-05-23 00:00 UTC; older threads were not read" in str(error), "ABOUT_CHANNEL's time"
    assert channel_requests(channel.asked) == ["channel CT1"]
    assert "UgxHowTo" in comments(first)
    assert first[-1].cursor is not None and first[-1].cursor[CHANNEL_THREADS] == {"watermark": mark(2)}
    again = Channel(newer=True)
    with again.router():
        second = collect(connector(NOW + timedelta(days=1), channel_threads_pages=5), first[-1].cursor)
    assert "UgxNewer" in comments(second) and "UgxOpen" not in comments(second)
    assert channel_requests(again.asked)[:2] == ["channel CT1", "channel CT2"], "down to the new line"
    assert second[-1].cursor is not None and second[-1].cursor[CHANNEL_THREADS] == {
        "watermark": (NOW + timedelta(hours=10)).isoformat()
    }


def test_the_pass_turned_off_asks_for_nothing() -> None:
    channel = Channel()
    with channel.router():
        pages = collect(connector(channel_threads_pages=0), OLD_CURSOR)
    assert not channel_requests(channel.asked)
    assert pages[-1].cursor == {"watermark": pages[-1].cursor["watermark"]}  # type: ignore[index]


# --- a thread whose replies fail: remembered and read again by its id -----------------------------


def test_a_thread_whose_replies_fail_is_remembered_and_read_again_by_its_id() -> None:
    failure = httpx.Response(
        400,
        json={
            "error": {
                "code": 400,
                "message": "The server could not process the request.",
                "errors": [{"reason": "processingFailure", "message": "could not process"}],
            }
        },
    )
    channel = Channel(failing={"replies UgxLong": failure})
    with channel.router():
        first = collect(connector(), OLD_CURSOR)
    [remembered] = [f for page in first for f in page.failed_threads]
    assert remembered.key == "UgxLong" and "processingFailure" in remembered.reason
    assert "UgxLong" not in comments(first) and "UgxMarch.r6" in comments(first), "the pass went on"

    again = Channel()
    with again.router():
        second = collect(connector(pending=(remembered,)), first[-1].cursor)
    assert again.asked[:2] == ["thread UgxLong", "replies UgxLong"], "read first, by its id"
    assert second[0].resolved_threads == ["UgxLong"]
    assert {f"UgxLong.r{n}" for n in range(1, 8)} <= set(comments(second))
    assert not any(page.failed_threads for page in second)


@pytest.mark.parametrize("gone", [[], None])
def test_a_remembered_thread_deleted_since_is_resolved(gone: list[Any] | None) -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get("/channels").respond(json=fixture("youtube_channels.json"))
        if gone is None:
            router.get("/commentThreads", params={"id": "UgxLong"}).respond(
                404,
                json={
                    "error": {"code": 404, "message": "gone", "errors": [{"reason": "commentThreadNotFound"}]}
                },
            )
        else:
            router.get("/commentThreads", params={"id": "UgxLong"}).respond(json=thread_page(gone))
        router.get("/playlistItems").respond(json={"kind": "youtube#playlistItemListResponse", "items": []})
        router.get("/commentThreads").respond(json=thread_page([]))
        item = {"socialmon_channel_thread": "UgxLong", "videoId": TUTORIAL}
        remembered = ThreadFailure(key="UgxLong", item=item, reason="an earlier scan's failure")
        pages = collect(connector(pending=(remembered,)), OLD_CURSOR)
    assert pages[0].resolved_threads == ["UgxLong"] and not pages[0].failed_threads


# --- stored for real: the old video's open question is waiting, the answered ones are not ------


def test_stored_in_sqlite_the_old_videos_open_question_waits_and_the_answered_ones_do_not(
    tmp_path: Any,
) -> None:
    from socialmon.analytics.responses import needs_reply
    from socialmon.analytics.scope import make_scope
    from socialmon.config import BrandConfig, ChannelConfig, ReportOptions
    from socialmon.database import open_database
    from socialmon.sentiment import get_scorer
    from socialmon.storage import Store

    with Channel().router():
        pages = collect(connector(), OLD_CURSOR)
    database = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        store = Store(database, get_scorer("vader"))
        brand = BrandConfig(name="Corner Bistro", timezone="UTC", language="es")
        channel = store.sync_channel(brand, ChannelConfig(name="yt", platform="youtube", account=CHANNEL))
        for page in pages:
            store.save_page(channel.id, page)
        scope = make_scope(database, brand, ReportOptions(), since=NOW - timedelta(days=120), now=NOW)
        waiting = {item.platform_id for item in needs_reply(database, scope, limit=None).items}
    finally:
        database.dispose()
    assert "UgxOpen" in waiting, "the question on the 5-month-old video is listed as waiting"
    assert not {"UgxHowTo", "UgxLong", "UgxMarch"} & waiting, "answered by the business: not waiting"


# --- a busy channel: every scan lists from the newest, at most channel_threads_pages pages ---------


class BusyChannel(Channel):
    """A channel with many comments on an old video: `threads` (newest first), 100 a page by offset.

    `asked` names only the channel-wide listing's pages ("channel 0", "channel 100", …).
    """

    def __init__(self, threads: list[Any]) -> None:
        super().__init__()
        self.threads_listed = threads

    def threads(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        if "videoId" in params:  # the sweep's recent video: nothing on it here
            return httpx.Response(200, json=thread_page([]))
        assert params["allThreadsRelatedToChannelId"] == CHANNEL and params["order"] == "time"
        offset = int(params.get("pageToken") or 0)
        following = offset + 100 if offset + 100 < len(self.threads_listed) else None
        self.asked.append(f"channel {offset}")
        items = self.threads_listed[offset : offset + 100]
        return httpx.Response(200, json=thread_page(items, str(following) if following else None))


def busy_threads(now: datetime, count: int, every: timedelta, *, fresh_reply_every: int = 0) -> list[Any]:
    """`count` questions on the 5-month-old video, one each `every` back from `now`, newest first.

    `fresh_reply_every`: each such thread older than 14 days has a customer's reply from 2 hours
    ago embedded (an old question someone just added to).
    """
    made = []
    for n in range(count):
        when = now - n * every
        replies: tuple[Any, ...] = ()
        if fresh_reply_every and n % fresh_reply_every == 0 and now - when > timedelta(days=14):
            reply_time = iso(now - timedelta(hours=2))
            replies = (a_comment(f"UgxBusy{n}.r1", PRODUCT, reply_time, "Yo también", parent=f"UgxBusy{n}"),)
        made.append(a_thread(f"UgxBusy{n}", PRODUCT, iso(when), f"Pregunta {n}", replies))
    return made


def test_a_busy_channel_behind_its_line_ends_partial_once_and_then_reads_only_what_is_new() -> None:
    # 500 questions in the last 83 hours; the last completed pass was 5 days ago; 2 pages a scan.
    backlog = busy_threads(NOW, 500, timedelta(minutes=10))
    cursor: dict[str, Any] | None = {**OLD_CURSOR, CHANNEL_THREADS: {"watermark": mark(5)}}
    channel = BusyChannel(backlog)
    with channel.router():
        pages, error = gather(connector(channel_threads_pages=2), cursor)
    found = comments(pages)
    assert {"UgxBusy0", "UgxBusy199"} <= set(found) and "UgxBusy200" not in found
    assert channel.asked == ["channel 0", "channel 100"], "from the top, 2 pages, no more"
    assert isinstance(error, Incomplete), error
    oldest_read = iso(NOW - 199 * timedelta(minutes=10)).replace("T", " ")[:16]  # UgxBusy199's question
    assert f"down to {oldest_read} UTC" in str(error), error
    assert "older threads were not read (raise channel_threads_pages to read more)" in str(error)
    cursor = pages[-1].cursor
    assert cursor is not None and cursor[CHANNEL_THREADS] == {"watermark": NOW.isoformat()}, "moved on"

    # Half an hour later: a new question on the old video; the pass reads down to the new line only.
    late_question = a_thread("UgxLate", PRODUCT, iso(NOW + timedelta(minutes=20)), "¿Sigue disponible?")
    channel = BusyChannel([late_question, *backlog])
    with channel.router():
        pages = collect(
            connector(NOW + timedelta(minutes=30), channel_threads_pages=2), cursor
        )  # not partial
    found = comments(pages)
    assert found["UgxLate"].post_id == PRODUCT and found["UgxLate"].text == "¿Sigue disponible?"
    assert "UgxBusy7" not in found, "older than the line: read by the first scan"
    assert channel.asked == ["channel 0", "channel 100"], "down to the first page wholly older than the line"
    final = pages[-1].cursor
    assert final is not None and final[CHANNEL_THREADS] == {
        "watermark": (NOW + timedelta(minutes=20)).isoformat()
    }


def test_the_first_scan_after_an_upgrade_on_a_busy_channel_does_not_stall() -> None:
    # 30 questions a day on older videos: the 90-day catch-up is more than 20 pages.
    cursor: dict[str, Any] | None = OLD_CURSOR
    errors = []
    for day in range(3):
        now = NOW + timedelta(days=day)
        channel = BusyChannel(busy_threads(now, 30 * 120, timedelta(days=1 / 30)))
        with channel.router():
            pages, error = gather(connector(now), cursor)
        errors.append(error)
        if day:
            assert channel.asked == ["channel 0", "channel 100"], f"day {day}: down to the last scan's line"
            read = {c for c in comments(pages) if c.startswith("UgxBusy")}
            assert read == {f"UgxBusy{n}" for n in range(32)}, "a day's 30 questions and the hour's slack"
        cursor = pages[-1].cursor
    assert isinstance(errors[0], Incomplete) and errors[1:] == [None, None]


def test_an_old_question_with_a_new_reply_on_a_page_read_is_read() -> None:
    # Page 1: a fresh question, then a 20-day-old question whose customer follow-up came 2 hours
    # ago (embedded), one with a reply beyond the embedded ones, then older threads.
    fresh = a_thread("UgxFresh", PRODUCT, iso(NOW - timedelta(minutes=30)), "¿Abren el domingo?")
    follow_up = a_comment(
        "UgxOldQ.r2",
        PRODUCT,
        iso(NOW - timedelta(hours=2)),
        "¿Y en azul? ¿Cuánto cuesta el envío?",
        parent="UgxOldQ",
    )
    answered = a_comment("UgxOldQ.b1", PRODUCT, ago(19.9), "Sí", by=CHANNEL, parent="UgxOldQ")
    old_question = a_thread("UgxOldQ", PRODUCT, ago(20), "¿Tienen talla M?", (answered, follow_up))
    many = replies_of("UgxMany", PRODUCT, 6, start=30)  # the 6th, not embedded, may be newer
    old_many = a_thread("UgxMany", PRODUCT, ago(30.5), "¿Lo venden en tienda?", tuple(many[:5]), total=6)
    quiet = [a_thread(f"UgxOld{n}", PRODUCT, ago(21 + n), "Lindo") for n in range(3)]

    class WithReplies(BusyChannel):
        def comments(self, request: httpx.Request) -> httpx.Response:
            assert request.url.params["parentId"] == "UgxMany"
            self.asked.append("replies UgxMany")
            return httpx.Response(200, json=comment_page(many))

    channel = WithReplies([fresh, old_question, old_many, *quiet])
    with channel.router():
        pages = collect(connector(), {**OLD_CURSOR, CHANNEL_THREADS: {"watermark": mark(1)}})
    found = comments(pages)
    assert {"UgxFresh", "UgxOldQ", "UgxOldQ.b1", "UgxOldQ.r2", "UgxMany.r6"} <= set(found)
    assert found["UgxOldQ.r2"].parent_id == "UgxOldQ" and found["UgxOldQ.r2"].post_id == PRODUCT
    assert not {"UgxOld0", "UgxOld1", "UgxOld2"} & set(found), "nothing new in them: passed over"
    assert channel.asked == ["channel 0", "replies UgxMany"]


def test_a_busy_channel_scanned_hourly_reads_only_what_is_new_and_is_not_partial() -> None:
    # 9 questions an hour for 30 days (65 pages), some old ones with a reply from 2 hours ago:
    # the last pass an hour ago; the line is 2 hours ago, the second page is wholly older.
    listing = busy_threads(NOW, 9 * 24 * 30, timedelta(minutes=60 / 9), fresh_reply_every=50)
    channel = BusyChannel(listing)
    cursor = {**OLD_CURSOR, CHANNEL_THREADS: {"watermark": (NOW - timedelta(hours=1)).isoformat()}}
    with channel.router():
        pages = collect(connector(), cursor)  # no Incomplete: the line is reached
    assert channel.asked == ["channel 0", "channel 100"], "2 units, not the last 14 days' 31 pages"
    read = {c for c in comments(pages) if c.startswith("UgxBusy")}
    assert read == {f"UgxBusy{n}" for n in range(18)}, "the questions newer than the line, each once"
    final = pages[-1].cursor
    assert final is not None and final[CHANNEL_THREADS] == {"watermark": NOW.isoformat()}


def test_the_pass_stops_at_the_first_page_wholly_older_than_the_line_by_the_question_s_time() -> None:
    # The listing is ordered by the question's time: a reply from 2 hours ago on a question from
    # 20 days ago does not make its page newer than the line.
    listing = busy_threads(NOW, 300, timedelta(days=0.1), fresh_reply_every=1)
    channel = BusyChannel(listing)
    cursor = {**OLD_CURSOR, CHANNEL_THREADS: {"watermark": mark(5)}}
    with channel.router():
        pages = collect(connector(), cursor)
    # page 1 holds the line (questions from now to 9.9 days ago); page 2 is wholly older than it
    assert channel.asked == ["channel 0", "channel 100"], "not on to the end of the listing"
    read = {c for c in comments(pages) if c.startswith("UgxBusy") and "." not in c}
    newer = set(range(51))  # questions newer than the line (5 days and 1 hour ago)
    replied = set(range(141, 200))  # on page 2, older than 14 days: a reply from 2 hours ago
    assert read == {f"UgxBusy{n}" for n in newer | replied}, "page 2 is the last, its new replies read"


def test_the_page_cap_is_said_in_spanish(cli_in_spanish: None) -> None:
    from socialmon.cli._config_words import said_error

    with BusyChannel(busy_threads(NOW, 300, timedelta(minutes=1))).router():
        _, error = gather(
            connector(channel_threads_pages=2), {**OLD_CURSOR, CHANNEL_THREADS: {"watermark": mark(5)}}
        )
    assert isinstance(error, Incomplete)
    said = said_error(f"Incomplete: {error}")
    assert said.startswith(
        "Incomplete: YouTube: leyó 2 páginas de hilos de comentarios del canal, hasta el 2024-05-31 20:41 UTC;"
        " los hilos más antiguos no se leyeron (aumente channel_threads_pages para leer más)"
    ), said
