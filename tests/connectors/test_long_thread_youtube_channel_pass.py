"""YouTube: the channel-wide pass still runs on every scan while a long video takes its turns.

A video with more comments than one scan can read (`ThreadTimeUp`, `LONG_THREAD`) is read last,
after the rest of the channel, and stops for the channel's time on every scan until it is through.
The channel-wide pass (`commentThreads?allThreadsRelatedToChannelId=…`: comments on videos older
than `recent_days`) ran only after that turn, which always ended the channel at its time limit: no
new comment on an older video was read until the long video was done (reviewer's find). It is part
of "the rest of the channel" and runs before the long video's turn.

Shapes of the YouTube Data API v3 (commentThreads list: `items` of `youtube#commentThread`,
`nextPageToken`); time is fake (each answer moves the scan's event loop clock), as in
tests/test_channel_timeout_long_item.py, whose fake channel this one extends with an old video.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from conformance import gather
from test_channel_timeout_long_item import (
    BIG_VIDEO,
    NOW,
    YT_CHANNEL,
    YT_LIMIT,
    FakeTime,
    FakeYouTube,
    TimedYouTube,
    channel,
    pending_keys,
    scan,
    stored_comments,
    yt_time,
)
from test_youtube_channel_threads import OLD_CURSOR, RECENT, Channel, mark
from test_youtube_channel_threads import connector as youtube_connector

from socialmon.database import open_database
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon_connectors import Incomplete, ThreadFailure
from socialmon_connectors._paging import LONG_THREAD
from socialmon_connectors.youtube import CHANNEL_THREADS, YouTubeSettings

OLD_VIDEO = "oldTutorial"  # published 60 days ago: outside the sweep's 14-day look-back window
LONG_PAGES = 200  # the long video's commentThreads pages, 20 s each: about seven scans' worth


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    made = Store(open_database(f"sqlite:///{tmp_path / 'socialmon.db'}"), get_scorer("vader"))
    yield made
    made.database.dispose()


class ChannelWithAnOldVideo(FakeYouTube):
    """The fake channel, with an old video and the channel-wide listing of its new threads."""

    def __init__(self, clock: FakeTime) -> None:
        super().__init__(clock)
        self.videos = [*self.videos, OLD_VIDEO]
        self.channel_threads: list[dict[str, Any]] = []  # the old video's new threads, newest first
        self.pass_asked = 0

    def playlist(self, request: httpx.Request) -> httpx.Response:
        answer = super().playlist(request)
        body = answer.json()
        [old] = [item for item in body["items"] if item["contentDetails"]["videoId"] == OLD_VIDEO]
        old["snippet"]["publishedAt"] = old["contentDetails"]["videoPublishedAt"] = yt_time(60 * 24)
        return httpx.Response(200, json=body)

    def new_question(self, comment_id: str) -> str:
        """A new thread on the old video, 10 minutes old, at the top of the channel-wide listing."""
        thread = self.thread(OLD_VIDEO, comment_id)
        thread["snippet"]["topLevelComment"]["snippet"]["publishedAt"] = yt_time(1 / 6)
        thread["snippet"]["topLevelComment"]["snippet"]["updatedAt"] = yt_time(1 / 6)
        self.channel_threads.insert(0, thread)
        return comment_id

    def comment_ids(self, vid: str) -> set[str]:
        pages = LONG_PAGES if vid == BIG_VIDEO else 1
        return {f"Ugz{vid}p{n:03d}t{k}" for n in range(pages) for k in range(2)}

    def threads(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        if "allThreadsRelatedToChannelId" in params:
            assert params["allThreadsRelatedToChannelId"] == YT_CHANNEL
            self.pass_asked += 1
            body = {"kind": "youtube#commentThreadListResponse", "items": self.channel_threads}
            return httpx.Response(200, json=body)
        vid, token = params["videoId"], params.get("pageToken")
        number = int(token[1:]) if token else 0
        answer = super().threads(request)
        if vid != BIG_VIDEO:
            return answer
        body = answer.json()
        body.pop("nextPageToken", None)
        if number + 1 < LONG_PAGES:
            body["nextPageToken"] = f"p{number + 1}"
        return httpx.Response(200, json=body)


def test_new_comments_on_older_videos_are_read_on_every_scan_while_a_long_video_takes_its_turns(
    store: Store,
) -> None:
    clock = FakeTime()
    youtube = ChannelWithAnOldVideo(clock)
    resolved = channel(TimedYouTube, YouTubeSettings(api_key="AIzaFAKEkey", max_retries=0), YT_CHANNEL)
    for _ in range(2):  # the channel's first scans: the long video starts its turns, every video is read
        with youtube.router():
            outcome = scan(store, resolved, clock, YT_LIMIT)
        assert outcome.status == "partial", outcome.error
    assert pending_keys(store) == {BIG_VIDEO}

    for number in range(3, 6):
        question = youtube.new_question(f"UgzOldQuestion{number}")
        read_before = len(stored_comments(store) & youtube.comment_ids(BIG_VIDEO))
        passes_before = youtube.pass_asked
        with youtube.router():
            outcome = scan(store, resolved, clock, YT_LIMIT)
        assert outcome.status == "partial", outcome.error
        assert youtube.pass_asked == passes_before + 1, f"scan {number}: the channel-wide pass ran"
        assert question in stored_comments(store), f"scan {number}: the old video's new question is read"
        # The long video still had its turn, after the pass, and is still going.
        assert len(stored_comments(store) & youtube.comment_ids(BIG_VIDEO)) > read_before
        assert pending_keys(store) == {BIG_VIDEO}


def test_the_pass_s_page_cap_does_not_cost_the_long_video_its_turn() -> None:
    """The pass ends the channel partial at its page cap (`channel_threads_pages`); the long video
    still has its turn in that scan, after the pass, and the cap is what the channel ends with."""
    long_video = ThreadFailure(
        key=RECENT,
        item={"id": f"UExp{RECENT}", "contentDetails": {"videoId": RECENT}, LONG_THREAD: 1},
        reason="YouTube video: stopped part way through its thread at the channel's time limit",
    )
    cursor = {**OLD_CURSOR, CHANNEL_THREADS: {"watermark": mark(5)}}
    fake = Channel()
    with fake.router():
        pages, error = gather(youtube_connector(pending=(long_video,), channel_threads_pages=1), cursor)
    assert isinstance(error, Incomplete) and "channel_threads_pages" in str(error)
    assert fake.asked.index("channel CT1") < fake.asked.index(f"video {RECENT}"), "the pass first"
    assert "replies UgxRecentQ" in fake.asked
    assert [key for page in pages for key in page.resolved_threads] == [RECENT], "read to its end"
    final = pages[-1].cursor
    assert final is not None and final[CHANNEL_THREADS] == {"watermark": mark(2)}, "the cap moved the line"


# --- a question asked on the long video itself while it takes its turns ------------------------

_CLOCK: dict[str, Any] = {}


class _MovingYouTube(TimedYouTube):
    """The connector's wall clock is `_CLOCK["now"]` (days pass between scans)."""

    now = staticmethod(lambda: _CLOCK["now"])


class _DatedChannel(ChannelWithAnOldVideo):
    """Its videos can be given publish times, and questions added to the channel-wide listing."""

    def __init__(self, clock: FakeTime) -> None:
        super().__init__(clock)
        self.times: dict[str, Any] = {}

    def playlist(self, request: httpx.Request) -> httpx.Response:
        body = super().playlist(request).json()
        for item in body["items"]:
            vid = item["contentDetails"]["videoId"]
            if vid in self.times:
                published = self.times[vid].strftime("%Y-%m-%dT%H:%M:%SZ")
                item["snippet"]["publishedAt"] = item["contentDetails"]["videoPublishedAt"] = published
        body["items"].sort(key=lambda item: item["contentDetails"]["videoPublishedAt"], reverse=True)
        return httpx.Response(200, json=body)

    def question(self, vid: str, cid: str, when: Any) -> None:
        thread = self.thread(vid, cid)
        for field in ("publishedAt", "updatedAt"):
            thread["snippet"]["topLevelComment"]["snippet"][field] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.channel_threads.insert(0, thread)
        self.channel_threads.sort(
            key=lambda thread: thread["snippet"]["topLevelComment"]["snippet"]["publishedAt"], reverse=True
        )


def test_a_question_on_the_long_video_itself_is_read_though_the_video_leaves_the_window(
    tmp_path: Path,
) -> None:
    """The sweep lists the long video but leaves its thread to its turn, which goes on from an older
    page: a question asked on it meanwhile is the channel-wide pass's to read. A first version left
    it out of the pass too (as a video the sweep had read), and once the video left the window the
    question was never read (reviewer's find)."""
    _CLOCK["now"] = NOW
    store = Store(open_database(f"sqlite:///{tmp_path / 'db.db'}"), get_scorer("vader"))
    clock = FakeTime()
    youtube = _DatedChannel(clock)
    resolved = channel(_MovingYouTube, YouTubeSettings(api_key="AIzaFAKEkey", max_retries=0), YT_CHANNEL)

    def one() -> None:
        with youtube.router():
            scan(store, resolved, clock, YT_LIMIT)

    try:
        one()
        one()
        youtube.question(BIG_VIDEO, "UgzQuestionOnBig", NOW - timedelta(minutes=10))
        one()
        _CLOCK["now"] = NOW + timedelta(hours=2)
        youtube.question(OLD_VIDEO, "UgzQuestionOnOld", _CLOCK["now"] - timedelta(minutes=10))
        one()
        _CLOCK["now"] = NOW + timedelta(days=15)  # the long video is out of the window now
        youtube.videos = ["newVideo0001", *youtube.videos]
        youtube.times["newVideo0001"] = _CLOCK["now"] - timedelta(hours=1)
        for _ in range(15):
            one()
            if not pending_keys(store):
                break
        assert not pending_keys(store)
        stored = stored_comments(store)
        assert "UgzQuestionOnOld" in stored and "UgzQuestionOnBig" in stored
    finally:
        store.database.dispose()
