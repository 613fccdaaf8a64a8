"""The `youtube` connector against the shapes the YouTube Data API v3 really sends.

Checked against the v3 reference: commentThreads.list (a thread inlines only some of its
replies; the rest come from comments.list with `parentId`, paged by `nextPageToken`), the
comment resource (`textOriginal`, `textDisplay`, `authorChannelId.value`, `publishedAt`,
`updatedAt`), and the errors (403 `commentsDisabled`, 404 `videoNotFound`, 403
`quotaExceeded`, a daily quota reset at midnight Pacific time). Held-for-review and
likely-spam comments are not listed by commentThreads.list (moderationStatus defaults to
published), so nothing here stands for them. The bodies are written for these tests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import respx
from conformance import gather, records

from socialmon_connectors import ChannelContext, RateLimited
from socialmon_connectors.records import CommentRecord
from socialmon_connectors.youtube import YouTubeConnector, YouTubeSettings

BASE = "https://www.googleapis.com/youtube/v3"
CHANNEL = "UCpanaderiaLaEspiga00000"
FAN = "UCfan00000000000000000000"
Answer = Callable[[str, str | None], httpx.Response]


def connector() -> YouTubeConnector:
    settings = YouTubeSettings(api_key="AIzaSECRETshapes", retry_backoff=0, page_size=2)
    made = YouTubeConnector(settings, ChannelContext(brand="b", channel="yt", account=CHANNEL))
    made.now = lambda: datetime(2025, 3, 20, tzinfo=UTC)  # type: ignore[method-assign]
    return made


def comment(cid: str, author: str | None, text: str, *, parent: str | None = None, **snippet: Any) -> dict:
    body: dict[str, Any] = {
        "authorDisplayName": "@someone",
        "textDisplay": text,
        "textOriginal": text,
        "likeCount": 0,
        "publishedAt": "2025-03-15T10:00:00Z",
        "updatedAt": "2025-03-15T10:00:00Z",
        **snippet,
    }
    if author is not None:
        body["authorChannelId"] = {"value": author}
    if parent is not None:
        body["parentId"] = parent
    return {"kind": "youtube#comment", "etag": "e", "id": cid, "snippet": body}


def thread(video: str, top: dict[str, Any], total: int = 0, inlined: list[dict] | None = None) -> dict:
    made: dict[str, Any] = {
        "kind": "youtube#commentThread",
        "id": top["id"],
        "snippet": {
            "channelId": CHANNEL,
            "videoId": video,
            "topLevelComment": top,
            "canReply": True,
            "totalReplyCount": total,
            "isPublic": True,
        },
    }
    if inlined:
        made["replies"] = {"comments": inlined}
    return made


def google_error(status: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": "youtube.commentThread", "reason": reason}],
        }
    }


def threads_of(*items: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, json={"kind": "youtube#commentThreadListResponse", "items": list(items)})


def channel_router(videos: list[str], threads: Answer, replies: Answer | None = None) -> respx.MockRouter:
    """The channel whose uploads are `videos` (two a page), `threads(video, page token)` answering
    commentThreads.list and `replies(parent, page token)` comments.list."""
    router = respx.mock(base_url=BASE, assert_all_called=False, assert_all_mocked=True)
    uploads = {"items": [{"id": CHANNEL, "contentDetails": {"relatedPlaylists": {"uploads": "UUpanaderia"}}}]}
    router.get("/channels").respond(json=uploads)
    pages = [videos[i : i + 2] for i in range(0, len(videos), 2)]

    def playlist(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("pageToken") or 0)
        items = [
            {
                "id": f"PI{video}",
                "snippet": {"publishedAt": "2025-03-14T09:00:00Z", "title": video},
                "contentDetails": {"videoId": video, "videoPublishedAt": "2025-03-14T09:00:00Z"},
            }
            for video in pages[number]
        ]
        more = {"nextPageToken": str(number + 1)} if number + 1 < len(pages) else {}
        return httpx.Response(200, json={"items": items, **more})

    def details(request: httpx.Request) -> httpx.Response:
        ids = request.url.params["id"].split(",")
        return httpx.Response(200, json={"items": [{"id": v, "snippet": {"title": v}} for v in ids]})

    router.get("/playlistItems").mock(side_effect=playlist)
    router.get("/videos").mock(side_effect=details)
    router.get("/commentThreads").mock(
        side_effect=lambda request: threads(
            request.url.params["videoId"], request.url.params.get("pageToken")
        )
    )
    if replies is not None:
        router.get("/comments").mock(
            side_effect=lambda request: replies(
                request.url.params["parentId"], request.url.params.get("pageToken")
            )
        )
    return router


def comments_by_id(pages: list[Any]) -> dict[str, CommentRecord]:
    return {r.platform_id: r for r in records(pages) if isinstance(r, CommentRecord)}


def test_replies_past_the_five_inlined_are_paged_from_comments_list() -> None:
    everyone = [
        comment(f"Ugq.r{n}", CHANNEL if n == 6 else FAN, f"reply {n}", parent="Ugq") for n in range(8)
    ]
    asked: list[tuple[str, str | None]] = []

    def replies(parent: str, token: str | None) -> httpx.Response:
        asked.append((parent, token))
        if token is None:
            return httpx.Response(200, json={"items": everyone[:4], "nextPageToken": "more"})
        return httpx.Response(200, json={"items": everyone[4:]})

    question = comment("Ugq", FAN, "¿Tienen pan sin gluten?")
    with channel_router(["v1"], lambda v, t: threads_of(thread(v, question, 8, everyone[:5])), replies):
        pages, error = gather(connector(), None)
    assert error is None and asked == [("Ugq", None), ("Ugq", "more")]
    found = comments_by_id(pages)
    assert sorted(found) == ["Ugq", *(f"Ugq.r{n}" for n in range(8))]
    assert [cid for cid, c in found.items() if c.is_business] == ["Ugq.r6"]  # the channel's own answer
    assert {c.parent_id for cid, c in found.items() if cid != "Ugq"} == {"Ugq"}


def test_comments_turned_off_and_a_deleted_video_do_not_stop_the_channel() -> None:
    def threads(video: str, token: str | None) -> httpx.Response:
        if video == "off":
            return httpx.Response(
                403, json=google_error(403, "commentsDisabled", "The video has disabled comments.")
            )
        if video == "gone":
            return httpx.Response(
                404, json=google_error(404, "videoNotFound", "The video could not be found.")
            )
        return threads_of(thread(video, comment(f"Ug{video}", FAN, "Rico")))

    with channel_router(["v1", "off", "gone", "v4"], threads):
        pages, error = gather(connector(), None)
    assert error is None
    assert {"Ugv1", "Ugv4"} <= set(comments_by_id(pages))
    assert {"v1", "off", "gone", "v4"} <= {r.platform_id for r in records(pages)}  # every video stored
    assert not any(page.failed_threads for page in pages)  # neither is read again


def test_quota_exceeded_mid_scan_keeps_the_stored_pages_and_says_when_it_resets() -> None:
    def threads(video: str, token: str | None) -> httpx.Response:
        if video == "v3":
            message = 'The request cannot be completed because you have exceeded your <a href="/q">quota</a>.'
            return httpx.Response(403, json=google_error(403, "quotaExceeded", message))
        return threads_of(thread(video, comment(f"Ug{video}", FAN, "Rico")))

    with channel_router(["v1", "v2", "v3", "v4"], threads) as router:
        pages, error = gather(connector(), None)
        assert len(router.routes[3].calls) == 3  # the quota error is not retried
    assert isinstance(error, RateLimited)
    assert "midnight Pacific time" in str(error) and "<a" not in str(error)
    assert {"Ugv1", "Ugv2"} == set(comments_by_id(pages))  # the first page of videos, stored before
    assert pages[-1].cursor is not None


def test_text_original_over_text_display_edits_and_a_missing_author_channel() -> None:
    edited = comment(
        "Ugedit",
        FAN,
        "Great bread & <b>cheap</b>\nthanks",
        textDisplay="Great bread &amp; &lt;b&gt;cheap&lt;/b&gt;<br>thanks",
        updatedAt="2025-03-16T08:30:00Z",
    )
    no_channel = comment("Ugnochan", None, "who am I", authorDisplayName="")
    with channel_router(["v1"], lambda v, t: threads_of(thread(v, edited), thread(v, no_channel))) as router:
        pages, error = gather(connector(), None)
        sent = router.routes[3].calls.last.request.url.params
    assert error is None and sent["textFormat"] == "plainText"
    found = comments_by_id(pages)
    assert found["Ugedit"].text == "Great bread & <b>cheap</b>\nthanks"
    assert found["Ugedit"].created_at == datetime(2025, 3, 15, 10, tzinfo=UTC)
    assert found["Ugedit"].edited_at == datetime(2025, 3, 16, 8, 30, tzinfo=UTC)
    assert (found["Ugnochan"].author_id, found["Ugnochan"].is_business) == (None, False)
    assert found["Ugnochan"].text == "who am I"
