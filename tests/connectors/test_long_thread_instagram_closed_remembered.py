"""Instagram: a remembered media found with its comments turned off is stored `replies_closed`.

A media whose comments Graph refused (100/33) is remembered and asked for again on later scans;
refused again, the media itself is asked for, and when it says `is_comment_enabled: false` its
thread is let go. The answer was not stored: a media no longer in the listing's look-back window
(where `item()` stores the flag) kept `replies_closed` unset, so its unanswered comments were
still listed as waiting, though nobody can reply under it. Now the media as Graph describes it
is stored, with `replies_closed`, as a listed one is.

Graph's IG Media fields (`is_comment_enabled`, `comments_count`, `timestamp`…) and its error envelope;
the bodies are written for these tests.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import respx

from socialmon_connectors import ChannelContext, Page, ThreadFailure
from socialmon_connectors.instagram import MEDIA_FIELDS, InstagramConnector, InstagramSettings
from socialmon_connectors.records import PostRecord

GRAPH = "https://graph.facebook.com/v25.0"
ACCOUNT = "17841400000009901"
MEDIA = "17900000000009911"

MEDIA_NOW = {
    "id": MEDIA,
    "caption": "Menú de invierno",
    "timestamp": "2025-01-10T12:00:00+0000",
    "permalink": "https://www.instagram.com/p/C2abcDEF9/",
    "comments_count": 14,
    "like_count": 88,
    "media_type": "CAROUSEL_ALBUM",
    "media_product_type": "FEED",
    "username": "bistro.norte",
}


def refused() -> dict[str, Any]:
    return {
        "error": {
            "message": f"Unsupported get request. Object with ID '{MEDIA}' does not exist, cannot be loaded "
            "due to missing permissions, or does not support this operation. Please read the Graph API "
            "documentation at https://developers.facebook.com/docs/graph-api",
            "type": "GraphMethodException",
            "code": 100,
            "error_subcode": 33,
            "fbtrace_id": "AqZ9901xYz",
        }
    }


def media_itself(found: dict[str, Any]) -> Any:
    """GET /{media-id}?fields=…: the fields asked for (and the id), no more."""

    def answer(request: httpx.Request) -> httpx.Response:
        asked = request.url.params.get("fields", "id").split(",")
        return httpx.Response(200, json={key: found[key] for key in ["id", *asked] if key in found})

    return answer


def scan_with_remembered(answer: Any) -> list[Page]:
    """A scan whose only work is a media remembered with its comments on: Graph refuses its comments
    again, answers the media itself with `answer`, and no longer lists it (older than the window)."""
    remembered = ThreadFailure(
        key=MEDIA,
        item={**MEDIA_NOW, "is_comment_enabled": True},
        reason=f"Instagram: could not read the comments of media {MEDIA}, though it is there",
    )
    connector = InstagramConnector(
        InstagramSettings(access_token="IGQVtoken9901", username="bistro.norte", max_retries=0),
        ChannelContext(brand="b", channel="ig", account=ACCOUNT, pending_threads=(remembered,)),
    )

    async def every_page() -> list[Page]:
        return [page async for page in connector.pages(None)]

    with respx.mock(base_url=GRAPH, assert_all_mocked=True, assert_all_called=True) as router:
        router.get(f"/{MEDIA}/comments").respond(400, json=refused())
        router.get(f"/{MEDIA}").mock(side_effect=answer)
        router.get(f"/{ACCOUNT}/media").respond(json={"data": [], "paging": {}})
        return asyncio.run(every_page())


def test_a_remembered_media_now_closed_is_stored_with_replies_closed() -> None:
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.params["fields"])
        return media_itself({**MEDIA_NOW, "is_comment_enabled": False, "comments_count": 15})(request)

    pages = scan_with_remembered(answer)
    posts = [post for page in pages for post in page.posts]
    assert [(post.platform_id, post.replies_closed) for post in posts] == [(MEDIA, True)]
    assert asked == [MEDIA_FIELDS], "asked for what the listing asks for"
    [post] = posts
    assert isinstance(post, PostRecord) and post.text == "Menú de invierno" and post.comment_count == 15
    assert pages[0].resolved_threads == [MEDIA], "its thread is let go, as before"
    assert not [failure for page in pages for failure in page.failed_threads]


def test_a_remembered_media_whose_comments_are_on_is_not_stored_closed_and_is_read_again() -> None:
    pages = scan_with_remembered(media_itself({**MEDIA_NOW, "is_comment_enabled": True}))
    assert not [post for page in pages for post in page.posts if post.replies_closed]
    assert [failure.key for page in pages for failure in page.failed_threads] == [MEDIA]


def test_a_remembered_media_whose_answer_has_no_time_is_still_let_go() -> None:
    closed = {key: value for key, value in MEDIA_NOW.items() if key != "timestamp"}
    pages = scan_with_remembered(media_itself({**closed, "is_comment_enabled": False}))
    assert pages[0].resolved_threads == [MEDIA] and not [p for page in pages for p in page.posts]
    assert not [failure for page in pages for failure in page.failed_threads]
