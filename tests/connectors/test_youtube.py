"""The `youtube` connector: uploads playlist, threads, missing replies, edits, quota, comments turned off."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conformance import HttpCase, collect, conformance_suite, fixture, records

from socialmon_connectors import AuthError, ChannelContext, NotFound, PlatformError, RateLimited
from socialmon_connectors.youtube import YouTubeConnector, YouTubeSettings, parse_thread, parse_video

BASE = "https://www.googleapis.com/youtube/v3"
CHANNEL = "UCcornerBistro000000000"
KEY = "AIzaSECRETkey123"


def google_error(status: int, reason: str, message: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message, "errors": [{"message": message, "reason": reason}]}}


class YouTubeCase(HttpCase):
    base_url = BASE
    errors = {  # noqa: RUF012
        "bad key": AuthError,
        "quota exhausted": RateLimited,
        "rate limited": RateLimited,
        "channel not found": NotFound,
        "other platform error": PlatformError,
    }

    def make(self, **options: Any) -> YouTubeConnector:
        settings = YouTubeSettings(api_key=KEY, **options)
        return YouTubeConnector(settings, ChannelContext(brand="b", channel="yt", account=CHANNEL))

    def routes(self, router: respx.MockRouter) -> None:
        router.get("/channels").respond(json=fixture("youtube_channels.json"))
        router.get("/playlistItems", params={"pageToken": "PL2"}).respond(
            json=fixture("youtube_playlist_2.json")
        )
        router.get("/playlistItems").respond(json=fixture("youtube_playlist_1.json"))
        router.get("/videos").respond(json=fixture("youtube_videos.json"))
        router.get("/commentThreads", params={"videoId": "noComments1"}).respond(
            403, json=google_error(403, "commentsDisabled", "The video has disabled comments.")
        )
        router.get("/commentThreads").respond(json=fixture("youtube_threads.json"))
        router.get("/comments", params={"parentId": "UgzAbc123xyz"}).respond(
            json=fixture("youtube_replies.json")
        )

    def repeating(self, tmp_path: Path) -> respx.MockRouter:
        router = respx.mock(base_url=BASE)
        router.get("/channels").respond(json=fixture("youtube_channels.json"))
        router.get("/playlistItems").respond(json=fixture("youtube_playlist_1.json"))  # always "PL2"
        router.get("/videos").respond(json=fixture("youtube_videos.json"))
        router.get("/commentThreads").respond(json={"items": []})
        return router

    def error_response(self, failure: str) -> httpx.Response:
        return {
            "bad key": httpx.Response(400, json=google_error(400, "keyInvalid", "API key not valid.")),
            "quota exhausted": httpx.Response(
                403, json=google_error(403, "quotaExceeded", "You have exceeded your quota.")
            ),
            "rate limited": httpx.Response(429, json=google_error(429, "rateLimitExceeded", "Slow down")),
            "channel not found": httpx.Response(404, json=google_error(404, "channelNotFound", "Not found")),
            "other platform error": httpx.Response(
                400, json=google_error(400, "invalidPageToken", "Bad token")
            ),
        }[failure]


CASE = YouTubeCase()
TestConformance = conformance_suite(CASE)


def test_parse_thread_detects_business_replies_edits_and_missing_replies() -> None:
    thread = fixture("youtube_threads.json")["items"][0]
    comments, incomplete = parse_thread(thread, CHANNEL)
    top, reply = comments
    assert incomplete  # 1 of 2 replies embedded
    assert (top.text, top.reply_count, top.is_business, top.edited_at) == (
        "Recipe please! 🙏",
        2,
        False,
        None,
    )
    assert (reply.parent_id, reply.is_business) == ("UgzAbc123xyz", True)
    assert reply.edited_at == datetime(2024, 5, 3, 13, 12, 30, tzinfo=UTC)


def test_parse_video_uses_statistics_and_nanosecond_times() -> None:
    raw = {
        **fixture("youtube_playlist_2.json")["items"][0],
        "video": fixture("youtube_videos.json")["items"][1],
    }
    video = parse_video(raw, CHANNEL)
    assert (video.platform_id, video.like_count, video.comment_count) == ("noComments1", 1, None)
    assert video.created_at == datetime(2024, 4, 1, 11, 0, 0, 123456, tzinfo=UTC)


def test_full_scan_with_the_key_in_a_header_and_comments_turned_off(tmp_path: Path) -> None:
    with CASE.healthy(tmp_path) as router:
        pages = collect(CASE.connector(tmp_path))
        for call in router.calls:
            assert call.request.headers["X-Goog-Api-Key"] == KEY and "key=" not in str(call.request.url)
    ids = {r.platform_id for r in records(pages)}
    assert ids == {
        "dQw4w9WgXcQ",
        "noComments1",  # stored, without comments
        "UgzAbc123xyz",
        "UgzAbc123xyz.9xYzReply01",
        "UgzAbc123xyz.9xYzReply02",  # fetched with comments.list
        "UgzSolo",
    }


def test_a_scan_budget_stops_cleanly_with_rate_limited(tmp_path: Path) -> None:
    connector = CASE.connector(tmp_path)
    connector.settings = connector.settings.model_copy(update={"max_units": 3})
    with CASE.healthy(tmp_path, strict=False), pytest.raises(RateLimited, match="budget of 3 quota units"):
        collect(connector)


def test_quota_exhausted_is_not_retried_and_says_when_it_resets(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE) as router:
        router.get("/channels").respond(403, json=google_error(403, "quotaExceeded", "exceeded your quota"))
        with pytest.raises(RateLimited, match="midnight Pacific time"):
            collect(CASE.connector(tmp_path))
        assert len(router.calls) == 1


def test_exactly_one_credential() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        YouTubeSettings()
    with pytest.raises(ValueError, match="exactly one"):
        YouTubeSettings(api_key="a", access_token="b")
    assert YouTubeSettings(access_token="b").api_key is None
