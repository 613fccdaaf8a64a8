"""The `youtube` connector: uploads playlist, threads, missing replies, edits, quota, comments turned off."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conformance import HttpCase, collect, conformance_suite, fixture, gather, records

from socialmon_connectors import (
    AuthError,
    ChannelContext,
    ListingCutShort,
    NotFound,
    PlatformError,
    RateLimited,
)
from socialmon_connectors._google import parse_google_error
from socialmon_connectors._paging import FieldError, Window
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


# --- an uploads playlist out of publish order (13 videos over 3 pages of 5) --------------------------

UNORDERED = ("youtube_unordered_1.json", "youtube_unordered_2.json", "youtube_unordered_3.json")
LATE = {"cbVideo0007", "cbVideo0009"}  # a premiere and a scheduled video, listed among April's uploads
ALL_VIDEOS = {f"cbVideo{n:04d}" for n in range(1, 14)}


def playlist_page(number: int, hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Page `number` of the unordered uploads playlist, less the videos in `hidden` (not yet public)."""
    body = fixture(UNORDERED[number - 1])
    return {**body, "items": [i for i in body["items"] if i["contentDetails"]["videoId"] not in hidden]}


def a_thread(video_id: str) -> dict[str, Any]:
    """One top-level comment on `video_id`, in the commentThreads.list shape."""
    comment_id = f"Ugz{video_id}"
    snippet = {
        "videoId": video_id,
        "authorDisplayName": "@guest",
        "authorChannelId": {"value": "UCguest000000000000000"},
        "textDisplay": f"Lovely ({video_id})",
        "textOriginal": f"Lovely ({video_id})",
        "likeCount": 0,
        "publishedAt": "2024-05-31T20:00:00Z",
        "updatedAt": "2024-05-31T20:00:00Z",
    }
    return {
        "kind": "youtube#commentThreadListResponse",
        "pageInfo": {"totalResults": 1, "resultsPerPage": 100},
        "items": [
            {
                "kind": "youtube#commentThread",
                "id": comment_id,
                "snippet": {
                    "channelId": CHANNEL,
                    "videoId": video_id,
                    "totalReplyCount": 0,
                    "topLevelComment": {"kind": "youtube#comment", "id": comment_id, "snippet": snippet},
                },
            }
        ],
    }


def unordered_router(
    hidden: frozenset[str] = frozenset(), failing: dict[str, httpx.Response] | None = None
) -> respx.MockRouter:
    """The channel with the unordered playlist; `failing` answers some videos' commentThreads instead."""
    router = respx.mock(base_url=BASE, assert_all_called=False, assert_all_mocked=True)
    router.get("/channels").respond(json=fixture("youtube_channels.json"))

    def playlist(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("pageToken")
        return httpx.Response(200, json=playlist_page({None: 1, "UNORD2": 2, "UNORD3": 3}[token], hidden))

    def threads(request: httpx.Request) -> httpx.Response:
        if "allThreadsRelatedToChannelId" in request.url.params:  # a later scan's channel-wide pass
            return httpx.Response(200, json={"kind": "youtube#commentThreadListResponse", "items": []})
        video = request.url.params["videoId"]
        if failing and video in failing:
            return failing[video]
        return httpx.Response(200, json=a_thread(video))

    router.get("/playlistItems").mock(side_effect=playlist)
    router.get("/videos").respond(json=fixture("youtube_unordered_videos.json"))
    router.get("/commentThreads").mock(side_effect=threads)
    return router


def video_ids(pages: list[Any]) -> set[str]:
    return {post.platform_id for page in pages for post in page.posts}


def test_videos_listed_out_of_publish_order_are_all_stored_across_two_scans(tmp_path: Path) -> None:
    first_connector = CASE.connector(tmp_path)
    first_connector.now = lambda: datetime(2024, 5, 30, 18, tzinfo=UTC)  # type: ignore[method-assign]
    with unordered_router(hidden=frozenset(LATE)):  # the premiere and the scheduled video: not public yet
        first = collect(first_connector)
    assert video_ids(first) == ALL_VIDEOS - LATE
    # By the next scan both went public, and the playlist lists them on page 2, below page 1's
    # oldest video (9 May, older than the look-back window): the scan must not stop at it.
    with unordered_router() as router:
        second = collect(CASE.connector(tmp_path), first[-1].cursor)
        assert router.routes[1].call_count == 3, (
            "the playlist is read down to a page wholly out of the window"
        )
    assert video_ids(second) >= LATE
    assert video_ids(first) | video_ids(second) == ALL_VIDEOS
    assert all(not page.rejected for page in first + second)


def test_a_scan_killed_after_the_first_playlist_page_resumes_without_losing_late_videos(
    tmp_path: Path,
) -> None:
    with unordered_router():
        whole = collect(CASE.connector(tmp_path))
    assert video_ids(whole) == ALL_VIDEOS
    killed = whole[:1]  # stored: page 1 and its cursor; then the scan was killed
    assert video_ids(killed) == {f"cbVideo{n:04d}" for n in range(1, 6)}
    with unordered_router():
        resumed = collect(CASE.connector(tmp_path), killed[-1].cursor)
    assert video_ids(killed) | video_ids(resumed) == ALL_VIDEOS
    assert not video_ids(killed) & video_ids(resumed), "page 1's videos are passed over on resuming"
    comments = {c.post_id for page in killed + resumed for c in page.comments}
    assert comments == ALL_VIDEOS


# --- one video whose comments cannot be read ------------------------------------------------------


def test_one_videos_comments_failing_is_remembered_and_read_first_next_scan(tmp_path: Path) -> None:
    failing = {
        "cbVideo0003": httpx.Response(
            403,
            json=google_error(
                403, "forbidden", "Insufficient permissions to read this video's comment threads."
            ),
        ),
        "cbVideo0006": httpx.Response(
            400, json=google_error(400, "processingFailure", "The server could not process the request.")
        ),
        "cbVideo0008": httpx.Response(
            403, json=google_error(403, "commentsDisabled", "Comments are turned off for this video.")
        ),
    }
    with unordered_router(failing=failing) as router:
        first = collect(CASE.connector(tmp_path))
        assert router.routes[3].call_count == 13  # one failed thread does not stop the channel
    assert video_ids(first) == ALL_VIDEOS  # every video stored, the failed ones included
    commented = {c.post_id for page in first for c in page.comments}
    assert commented == ALL_VIDEOS - {"cbVideo0003", "cbVideo0006", "cbVideo0008"}
    failures = {f.key: f for page in first for f in page.failed_threads}
    assert set(failures) == {"cbVideo0003", "cbVideo0006"}  # keyed by video id; commentsDisabled is a skip
    assert "forbidden" in failures["cbVideo0003"].reason and "HTTP 403" in failures["cbVideo0003"].reason
    assert "processingFailure" in failures["cbVideo0006"].reason
    assert failures["cbVideo0003"].item == {
        "id": "VVVjb3JuZXJ0003",
        "contentDetails": {"videoId": "cbVideo0003"},
    }
    assert KEY not in repr(failures)

    connector = YouTubeConnector(
        YouTubeSettings(api_key=KEY),
        ChannelContext(brand="b", channel="yt", account=CHANNEL, pending_threads=tuple(failures.values())),
    )
    connector.sleep = CASE.connector(tmp_path).sleep  # type: ignore[method-assign]
    connector.now = lambda: datetime(2024, 6, 1, tzinfo=UTC)  # type: ignore[method-assign]
    with unordered_router() as router:
        second = collect(connector, first[-1].cursor)
        asked = [call.request.url.params.get("videoId") for call in router.calls[1:3]]
    assert asked == ["cbVideo0003", "cbVideo0006"], "the remembered threads are read first"
    assert [page.resolved_threads for page in second[:2]] == [["cbVideo0003"], ["cbVideo0006"]]
    assert [c.post_id for c in second[0].comments] == ["cbVideo0003"]
    assert not any(page.failed_threads for page in second)


# --- malformed items: rejected with their reason, never a crash --------------------------------------


def test_a_playlist_item_without_content_details_is_rejected_and_the_rest_goes_on(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get("/channels").respond(json=fixture("youtube_channels.json"))
        router.get("/playlistItems").respond(json=fixture("youtube_playlist_malformed.json"))
        videos = router.get("/videos").respond(json={"kind": "youtube#videoListResponse", "items": []})
        router.get("/commentThreads", params={"videoId": "cbGood00001"}).respond(
            json=fixture("youtube_threads_malformed.json")
        )
        router.get("/commentThreads").respond(json={"kind": "youtube#commentThreadListResponse"})
        pages = collect(CASE.connector(tmp_path))
        assert videos.calls.last.request.url.params["id"] == "cbGood00001,cbNoTime001,cbGood00002"
        threads_read = [
            c.request.url.params.get("videoId")
            for c in router.calls
            if "commentThreads" in str(c.request.url)
        ]
    assert threads_read == ["cbGood00001", "cbGood00002"]
    assert video_ids(pages) == {"cbGood00001", "cbGood00002"}
    rejected = {r.location: r.reason for page in pages for r in page.rejected}
    assert rejected["YouTube playlist item VVVjbNoDetails (no contentDetails.videoId)"] == (
        "missing field 'contentDetails'"
    )
    assert "snippet" in rejected["YouTube video cbNoTime001"]
    assert rejected["YouTube thread UgzNoTop on video cbGood00001"] == (
        "missing field 'topLevelComment' (snippet.topLevelComment)"
    )
    assert rejected["YouTube reply UgzBadReply.NoTime in thread UgzBadReply"] == (
        "missing field 'publishedAt' (snippet.publishedAt)"
    )
    assert not any("unexpected" in reason for reason in rejected.values())
    comments = {c.platform_id: c for page in pages for c in page.comments}
    assert set(comments) == {"UgzBadReply", "UgzBadReply.Ok01", "UgzFine"}
    assert comments["UgzFine"].author_id is None  # authorChannelId not an object: no author id, still stored


def test_parsers_name_the_missing_field() -> None:
    with pytest.raises(FieldError, match="missing field 'contentDetails'"):
        parse_video({"id": "VVVjbX", "snippet": {"publishedAt": "2024-05-01T00:00:00Z"}}, CHANNEL)
    with pytest.raises(FieldError, match="field 'contentDetails' is a str"):
        parse_video({"contentDetails": "cbGood00001"}, CHANNEL)
    with pytest.raises(FieldError, match=r"'topLevelComment' \(snippet\.topLevelComment\)"):
        parse_thread({"id": "Ugz", "snippet": {"videoId": "v"}}, CHANNEL)
    with pytest.raises(FieldError, match="missing field 'snippet'"):
        parse_thread({"id": "Ugz"}, CHANNEL)
    connector = CASE.make()
    assert connector.item_key({"id": "VVVjbX"}) is None
    assert connector.item_key({"contentDetails": {"videoId": "cbGood00001"}, "id": "VVVjbX"}) == "cbGood00001"
    assert connector.item_key({"contentDetails": None}) is None


# --- Google's messages without HTML ----------------------------------------------------------------


def test_the_quota_message_is_shown_without_its_html_link(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE) as router:
        router.get("/channels").respond(403, json=fixture("youtube_error_quota_html.json"))
        with pytest.raises(RateLimited) as raised:
            collect(CASE.connector(tmp_path))
    message = str(raised.value)
    assert "because you have exceeded your quota." in message
    assert "<" not in message and "href" not in message


def test_parse_google_error_strips_tags_and_keeps_their_text() -> None:
    body = fixture("youtube_error_quota_html.json")
    problem = parse_google_error(403, body)
    assert (problem.code, problem.message) == (
        "quotaExceeded",
        "The request cannot be completed because you have exceeded your quota.",
    )
    tagged = {"error": {"code": 400, "message": "Bad <b>value</b> &amp; <i>more</i>", "errors": "not a list"}}
    assert parse_google_error(400, tagged).message == "Bad value & more"


def test_a_videos_or_channels_answer_of_the_wrong_shape_is_a_platform_error(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get("/channels").respond(json=fixture("youtube_channels.json"))
        router.get("/playlistItems").respond(json=fixture("youtube_unordered_3.json"))
        router.get("/videos").respond(json={"items": {"id": "cbVideo0011"}})
        with pytest.raises(PlatformError, match="videos answered HTTP 200 with an object"):
            collect(CASE.connector(tmp_path))
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get("/channels").respond(json=[])
        with pytest.raises(PlatformError, match="channels answered HTTP 200 with a list"):
            collect(CASE.connector(tmp_path))
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:  # Google leaves out an empty list
        router.get("/channels").respond(json={"kind": "youtube#channelListResponse", "pageInfo": {}})
        with pytest.raises(NotFound, match="not found"):
            collect(CASE.connector(tmp_path))


# --- a channel without public uploads: YouTube answers playlistNotFound for its uploads playlist ------


def test_a_channel_without_public_uploads_is_read_empty_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get("/channels").respond(json=fixture("youtube_channels.json"))
        router.get("/playlistItems").respond(404, json=fixture("youtube_error_playlist_not_found.json"))
        with caplog.at_level("WARNING", logger="socialmon.http"):
            pages = collect(CASE.connector(tmp_path))
        assert len(router.calls) == 2  # channels, then one playlistItems: nothing retried
    assert records(pages) == [] and not any(page.rejected for page in pages)
    assert pages[-1].cursor is not None and "run" not in pages[-1].cursor  # read to its end
    [warning] = [r.getMessage() for r in caplog.records if "no public uploads" in r.getMessage()]
    assert CHANNEL in warning and "UUcornerBistro000000000" in warning


def test_a_playlist_not_found_for_a_channel_not_found_is_still_not_found(tmp_path: Path) -> None:
    connector = CASE.connector(tmp_path)
    connector.uploads = "UUcornerBistro000000000"  # named, but never confirmed by channels.list

    async def listed() -> list[list[dict[str, Any]]]:
        async with connector.client() as client:
            window = Window.open(None, connector.now(), connector.settings.recent_days)
            return [batch async for batch in connector.listing(connector.make_api(client), window)]

    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get("/playlistItems").respond(404, json=fixture("youtube_error_playlist_not_found.json"))
        with pytest.raises(NotFound, match=f"YouTube channel {CHANNEL}: .*playlistNotFound") as raised:
            asyncio.run(listed())
    assert "check the channel's account id" in str(raised.value)
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:  # channels.list finds nothing
        router.get("/channels").respond(json={"kind": "youtube#channelListResponse", "pageInfo": {}})
        with pytest.raises(NotFound, match="not found"):
            collect(CASE.connector(tmp_path))


def test_an_uploads_playlist_gone_after_its_first_page_is_a_listing_cut_short(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get("/channels").respond(json=fixture("youtube_channels.json"))
        router.get("/playlistItems", params={"pageToken": "PL2"}).respond(
            404, json=fixture("youtube_error_playlist_not_found.json")
        )
        router.get("/playlistItems").respond(json=fixture("youtube_playlist_1.json"))
        router.get("/videos").respond(json=fixture("youtube_videos.json"))
        router.get("/commentThreads").respond(json={"kind": "youtube#commentThreadListResponse", "items": []})
        pages, error = gather(CASE.connector(tmp_path), None)
    assert isinstance(error, ListingCutShort), error
    assert "uploads playlist UUcornerBistro000000000 was not found after 1 page(s)" in str(error)
    assert "dQw4w9WgXcQ" in {r.platform_id for r in records(pages)}  # the first page is kept


# --- videos made private or deleted --------------------------------------------------------------


def withdrawn_router(listing: dict[str, Any], videos: list[dict[str, Any]]) -> respx.MockRouter:
    router = respx.mock(base_url=BASE, assert_all_called=False)
    router.get("/channels").respond(json=fixture("youtube_channels.json"))
    router.get("/playlistItems").respond(json=listing)
    router.get("/videos").respond(json={"kind": "youtube#videoListResponse", "items": videos})
    router.get("/commentThreads", params={"videoId": "cbPublic001"}).respond(json={"items": []})
    router.get("/commentThreads").respond(  # what YouTube answers for a video that is not public
        403, json=google_error(403, "forbidden", "The video identified by the videoId parameter is private.")
    )
    return router


def test_a_video_made_private_or_deleted_keeps_its_stored_words_and_is_marked_deleted(tmp_path: Path) -> None:
    """YouTube leaves "Private video" / "Deleted video" in the playlist, which `videos.list` omits."""
    from sqlalchemy import select

    from socialmon.config import BrandConfig, ChannelConfig
    from socialmon.database import open_database
    from socialmon.models import Post
    from socialmon.sentiment import get_scorer
    from socialmon.storage import Store

    placeholders = fixture("youtube_playlist_withdrawn.json")
    public = {
        **placeholders,
        "items": [
            {
                **item,
                "snippet": {**item["snippet"], "title": f"Receta {n}", "description": "Con yuca"},
                "contentDetails": {
                    **item["contentDetails"],
                    "videoPublishedAt": item["snippet"]["publishedAt"],
                },
            }
            for n, item in enumerate(placeholders["items"])
        ],
    }
    resources = [
        {"kind": "youtube#video", "id": item["contentDetails"]["videoId"], "snippet": item["snippet"],
         "statistics": {"likeCount": "3", "commentCount": "0"}}
        for item in public["items"]
    ]  # fmt: skip
    database = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        store = Store(database, get_scorer("vader"))
        channel = store.sync_channel(
            BrandConfig(name="Corner Bistro", timezone="UTC", language="es"),
            ChannelConfig(name="yt", platform="youtube", account=CHANNEL),
        )
        for listing, videos in ((public, resources), (placeholders, resources[:1])):
            with withdrawn_router(listing, videos) as router:
                pages = collect(CASE.connector(tmp_path))
                threads = [
                    c.request.url.params.get("videoId") for c in router.calls if "commentThreads" in str(c)
                ]
            for page in pages:
                store.save_page(channel.id, page)
        assert threads == ["cbPublic001"]  # no 403 asked for, so no failed thread: the channel is ok
        assert not any(page.failed_threads for page in pages)
        table = Post.__table__.c
        with database.read() as connection:
            stored = {
                row.platform_id: (row.text, row.deleted)
                for row in connection.execute(select(table.platform_id, table.text, table.deleted))
            }
    finally:
        database.dispose()
    assert stored == {
        "cbPublic001": ("Receta 0\n\nCon yuca", False),
        "cbPrivate01": ("Receta 1\n\nCon yuca", True),
        "cbDeleted01": ("Receta 2\n\nCon yuca", True),
    }
