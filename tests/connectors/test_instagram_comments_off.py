"""The `instagram` connector and media whose comments the account turned off.

Graph's IG Media has `is_comment_enabled` ("indicates if comments are enabled or disabled";
https://developers.facebook.com/docs/instagram-api/reference/ig-media). Asking such a media for
its comments is pointless, and Graph's refusal (100/33, "does not exist, cannot be loaded due to
missing permissions, or does not support this operation") used to leave its thread to read again
on every scan, the channel partial each time. Now the media is stored and its comments are not
asked for; a media remembered from an earlier refusal is let go once Graph says its comments are
off. A refusal on media whose comments are on, a rate limit or a server error are read as before.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx
from conformance import NOW, collect, gather, no_sleep, records

from socialmon_connectors import ChannelContext, RateLimited, ThreadFailure
from socialmon_connectors.instagram import InstagramConnector, InstagramSettings

BASE = "https://graph.facebook.com/v25.0"
ACCOUNT = "17841400000007311"
CLOSED = "17900000000007301"  # comments turned off by the account
OPEN = "17900000000007302"  # comments on
OLDER = "17900000000007303"  # listed without the field (an answer that leaves it out)


def media(media_id: str, caption: str, day: int, **fields: Any) -> dict[str, Any]:
    made: dict[str, Any] = {
        "id": media_id,
        "caption": caption,
        "timestamp": f"2024-05-{day:02d}T08:00:00+0000",
        "permalink": f"https://www.instagram.com/p/C7{media_id[-4:]}x/",
        "comments_count": 2,
        "like_count": 40,
        "media_type": "IMAGE",
        "media_product_type": "FEED",
        "username": "vinos.del.valle",
    }
    made.update(fields)
    return made


LISTING = {
    "data": [
        media(CLOSED, "Cosecha 2024: comentarios cerrados", 30, comments_count=5, is_comment_enabled=False),
        media(OPEN, "Cata del sábado", 29, is_comment_enabled=True),
        media(OLDER, "Nuestra bodega", 28),
    ],
    "paging": {"cursors": {"before": "QVFIa", "after": "QVFIb"}},
}

COMMENTS = {
    "data": [
        {
            "id": "17850000000007401",
            "text": "¿A qué hora empieza la cata?",
            "timestamp": "2024-05-29T10:00:00+0000",
            "username": "marta.g",
            "like_count": 0,
            "hidden": False,
            "from": {"id": "9900000000007401", "username": "marta.g"},
        }
    ],
    "paging": {"cursors": {"before": "QVFDa", "after": "QVFDb"}},
}


def refused(object_id: str) -> dict[str, Any]:
    """Graph's answer for an edge it will not serve (its real envelope, code 100 subcode 33)."""
    return {
        "error": {
            "message": f"Unsupported get request. Object with ID '{object_id}' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this operation. Please read the Graph "
            "API documentation at https://developers.facebook.com/docs/graph-api",
            "type": "GraphMethodException",
            "code": 100,
            "error_subcode": 33,
            "fbtrace_id": "AbCdEfGh7301",
        }
    }


def media_itself(found: dict[str, Any]) -> Any:
    """GET /{media-id}?fields=…: Graph answers the fields asked for (and the id), no more."""

    def answer(request: httpx.Request) -> httpx.Response:
        asked = request.url.params.get("fields", "id").split(",")
        return httpx.Response(200, json={key: found[key] for key in ["id", *asked] if key in found})

    return answer


def connector(pending: tuple[ThreadFailure, ...] = ()) -> InstagramConnector:
    settings = InstagramSettings(access_token="IGQVtoken7301", username="vinos.del.valle", max_retries=1)
    context = ChannelContext(brand="b", channel="ig", account=ACCOUNT, pending_threads=pending)
    made = InstagramConnector(settings, context)
    made.sleep = no_sleep  # type: ignore[method-assign]
    made.now = lambda: NOW  # type: ignore[method-assign]
    return made


def test_media_with_comments_turned_off_is_stored_without_asking_for_its_comments() -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True, assert_all_called=False) as router:
        listing = router.get(f"/{ACCOUNT}/media").respond(json=LISTING)
        closed = router.get(f"/{CLOSED}/comments").respond(400, json=refused(CLOSED))
        opened = router.get(f"/{OPEN}/comments").respond(json=COMMENTS)
        older = router.get(f"/{OLDER}/comments").respond(json={"data": []})
        pages = collect(connector())
        assert "is_comment_enabled" in listing.calls[0].request.url.params["fields"].split(",")
        assert closed.call_count == 0  # not asked: Graph would refuse it on every scan
        assert (opened.call_count, older.call_count) == (1, 1)  # without the field: comments on
    assert not [failure for page in pages for failure in page.failed_threads]
    by_id = {record.platform_id: record for record in records(pages)}
    assert by_id[CLOSED].text == "Cosecha 2024: comentarios cerrados"  # the post itself is kept
    assert by_id[CLOSED].comment_count == 5
    assert {OPEN, OLDER, "17850000000007401"} <= set(by_id)


def remembered(item: dict[str, Any]) -> ThreadFailure:
    """A thread an earlier scan could not read, as the storage hands it back."""
    reason = f"Instagram: could not read the comments of media {item['id']}, though it is there"
    return ThreadFailure(key=item["id"], item=item, reason=reason)


def test_a_remembered_media_whose_comments_are_off_is_let_go_not_read_every_scan() -> None:
    # Remembered by a scan before the listing said whether comments are on: its item has no field.
    before = {key: value for key, value in LISTING["data"][0].items() if key != "is_comment_enabled"}
    with respx.mock(base_url=BASE, assert_all_mocked=True, assert_all_called=True) as router:
        router.get(f"/{CLOSED}/comments").respond(400, json=refused(CLOSED))
        router.get(f"/{CLOSED}").mock(side_effect=media_itself(LISTING["data"][0]))
        router.get(f"/{ACCOUNT}/media").respond(json={"data": [], "paging": {}})
        pages = collect(connector((remembered(before),)))
    assert pages[0].resolved_threads == [CLOSED]
    assert not [failure for page in pages for failure in page.failed_threads]


def test_a_refusal_on_media_whose_comments_are_on_is_still_read_again_next_scan() -> None:
    item = LISTING["data"][1]
    with respx.mock(base_url=BASE, assert_all_mocked=True, assert_all_called=True) as router:
        router.get(f"/{OPEN}/comments").respond(400, json=refused(OPEN))
        router.get(f"/{OPEN}").mock(side_effect=media_itself(item))
        router.get(f"/{ACCOUNT}/media").respond(json={"data": [], "paging": {}})
        pages = collect(connector((remembered(item),)))
    failures = [failure for page in pages for failure in page.failed_threads]
    assert [failure.key for failure in failures] == [OPEN]
    assert "instagram_manage_comments" in failures[0].reason  # the token may be what refuses
    assert not pages[0].resolved_threads


def test_a_remembered_media_deleted_since_is_let_go() -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True, assert_all_called=True) as router:
        router.get(f"/{OPEN}/comments").respond(400, json=refused(OPEN))
        router.get(f"/{OPEN}").respond(400, json=refused(OPEN))
        router.get(f"/{ACCOUNT}/media").respond(json={"data": [], "paging": {}})
        pages = collect(connector((remembered(LISTING["data"][1]),)))
    assert pages[0].resolved_threads == [OPEN]
    assert not [failure for page in pages for failure in page.failed_threads]


def test_a_server_error_on_comments_still_leaves_the_thread_for_the_next_scan() -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True, assert_all_called=False) as router:
        router.get(f"/{ACCOUNT}/media").respond(json=LISTING)
        router.get(f"/{OPEN}/comments").respond(
            500,
            json={
                "error": {"message": "An unknown error has occurred.", "type": "OAuthException", "code": 1}
            },
        )
        router.get(f"/{OLDER}/comments").respond(json={"data": []})
        media_asked = [
            router.get(f"/{media_id}").respond(json={"id": media_id}) for media_id in (OPEN, OLDER)
        ]
        pages = collect(connector())
        assert not any(route.called for route in media_asked)  # a transient error asks nothing more
    failures = [failure for page in pages for failure in page.failed_threads]
    assert [failure.key for failure in failures] == [OPEN]
    assert {CLOSED, OPEN, OLDER} <= {record.platform_id for record in records(pages)}


def test_a_rate_limit_on_comments_still_stops_the_channel_keeping_what_was_read() -> None:
    limited = {"error": {"message": "Application request limit reached", "type": "OAuthException", "code": 4}}
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{ACCOUNT}/media").respond(json=LISTING)
        router.get(f"/{OPEN}/comments").respond(400, json=limited)
        pages, error = gather(connector(), None)
    assert isinstance(error, RateLimited)
    # The media read in full before the limit (comments off: nothing to read) is kept with its cursor.
    assert CLOSED in {record.platform_id for record in records(pages)}
    assert json.dumps(pages[-1].cursor)  # a cursor to resume from
