"""The `instagram` connector: media, comments, inline and paged replies, business replies by username."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conformance import NOW, HttpCase, collect, conformance_suite, fixture, no_sleep, records

from socialmon_connectors import (
    AuthError,
    ChannelContext,
    NotFound,
    PermissionDenied,
    PlatformError,
    RateLimited,
    ThreadFailure,
)
from socialmon_connectors.instagram import InstagramConnector, InstagramSettings, parse_comment, parse_media

BASE = "https://graph.facebook.com/v25.0"
ACCOUNT = "17841400000000000"
MEDIA = "17912345678901234"
TOKEN = "IGQVsecretTOKEN123"


def graph_error(code: int, message: str, subcode: int | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": "OAuthException", "code": code, "error_subcode": subcode}}


class InstagramCase(HttpCase):
    base_url = BASE
    errors = {  # noqa: RUF012
        "expired token": AuthError,
        "rate limited": RateLimited,
        "account does not exist": NotFound,
        "missing permission": PermissionDenied,
        "other platform error": PlatformError,
    }

    def make(self) -> InstagramConnector:
        settings = InstagramSettings(access_token=TOKEN)
        return InstagramConnector(settings, ChannelContext(brand="b", channel="ig", account=ACCOUNT))

    def routes(self, router: respx.MockRouter) -> None:
        router.get(f"/{ACCOUNT}", params={"fields": "id,username"}).respond(
            json={"id": ACCOUNT, "username": "cornerbistro"}
        )
        router.get(f"/{ACCOUNT}/media").respond(json=fixture("instagram_media.json"))
        router.get(f"/{MEDIA}/comments").respond(json=fixture("instagram_comments.json"))
        router.get("/17912345678900000/comments").respond(json={"data": []})  # comments_count 2, none visible
        router.get("/17870913679156914/replies", params={"after": "R2"}).respond(
            json=fixture("instagram_replies_more.json")
        )

    def error_response(self, failure: str) -> httpx.Response:
        return {
            "expired token": httpx.Response(400, json=graph_error(190, f"Malformed access token {TOKEN}")),
            "rate limited": httpx.Response(429, json=graph_error(80002, "Too many calls")),
            "account does not exist": httpx.Response(400, json=graph_error(100, "does not exist", 33)),
            "missing permission": httpx.Response(403, json=graph_error(10, "Permission denied")),
            "other platform error": httpx.Response(400, json=graph_error(100, "Invalid parameter")),
        }[failure]


CASE = InstagramCase()
TestConformance = conformance_suite(CASE)


def test_parse_media_and_comments() -> None:
    media = parse_media(fixture("instagram_media.json")["data"][0], ACCOUNT, "cornerbistro")
    assert (media.text, media.like_count, media.comment_count, media.author_name) == (
        "Fresh pastries every morning ☕",
        58,
        3,
        "cornerbistro",
    )
    raw = fixture("instagram_comments.json")["data"][0]
    question = parse_comment(raw, MEDIA, ACCOUNT, "cornerbistro")
    reply = parse_comment(raw["replies"]["data"][0], MEDIA, ACCOUNT, "cornerbistro")
    assert (question.is_business, question.author_name, question.parent_id) == (False, "sam_eats", None)
    assert (reply.is_business, reply.parent_id) == (True, "17870913679156914")  # username, any case


def test_replies_inline_and_paged_and_the_username_looked_up(tmp_path: Path) -> None:
    with CASE.healthy(tmp_path) as router:
        pages = collect(CASE.connector(tmp_path))
        assert all("access_token" not in str(c.request.url) for c in router.calls)
    by_id = {r.platform_id: r for r in records(pages)}
    assert by_id["17873440459149999"].parent_id == "17870913679156914"  # filled in from the thread
    assert by_id["17873440459149999"].is_business is False
    assert by_id["17873440459141021"].is_business is True
    assert {"17912345678900000", MEDIA} <= set(by_id)


MEDIA_2 = "17912345678900000"  # the second media item of instagram_media.json


def connector_with(pending: tuple[ThreadFailure, ...] = ()) -> InstagramConnector:
    context = ChannelContext(brand="b", channel="ig", account=ACCOUNT, pending_threads=pending)
    made = InstagramConnector(InstagramSettings(access_token=TOKEN), context)
    made.sleep = no_sleep  # type: ignore[method-assign]
    made.now = lambda: NOW  # type: ignore[method-assign]
    return made


def test_media_keep_their_caption_whatever_their_type() -> None:
    kinds = fixture("instagram_media_kinds.json")["data"][:3]
    parsed = [parse_media(raw, ACCOUNT, "cornerbistro") for raw in kinds]
    assert [raw["media_type"] for raw in kinds] == ["IMAGE", "VIDEO", "CAROUSEL_ALBUM"]
    assert [m.text for m in parsed] == [raw["caption"] for raw in kinds]
    assert [m.url for m in parsed] == [raw["permalink"] for raw in kinds]
    assert all(m.is_business and m.author_id == ACCOUNT for m in parsed)
    no_caption = {k: v for k, v in kinds[0].items() if k != "caption"}  # a photo posted without one
    assert parse_media(no_caption, ACCOUNT, "cornerbistro").text == ""


def test_missing_fields_are_rejected_naming_field_and_item_and_the_rest_kept(tmp_path: Path) -> None:
    media = fixture("instagram_media_kinds.json")
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{ACCOUNT}", params={"fields": "id,username"}).respond(
            json={"id": ACCOUNT, "username": "cornerbistro"}
        )
        router.get(f"/{ACCOUNT}/media").respond(json=media)
        router.get("/17920000000000301/comments").respond(json=fixture("instagram_comments_gaps.json"))
        router.get(path__regex=r"/comments$").respond(json={"data": []})
        pages = collect(connector_with())
    rejected = {r.location: r.reason for p in pages for r in p.rejected}
    assert set(rejected) == {
        "Instagram media 17920000000000304",
        "Instagram comment 17890000000000402 on media 17920000000000301",
        "Instagram comment (no id) on media 17920000000000301",
    }
    assert "timestamp" in rejected["Instagram media 17920000000000304"]
    assert "timestamp" in rejected["Instagram comment 17890000000000402 on media 17920000000000301"]
    assert "'id'" in rejected["Instagram comment (no id) on media 17920000000000301"]
    by_id = {r.platform_id: r for r in records(pages)}
    assert {"17920000000000301", "17920000000000302", "17920000000000303"} <= set(by_id)
    assert by_id["17920000000000303"].text == "Swipe for the whole spring menu ➡️"  # the carousel's caption
    # A comment without `from` is kept: its author is its `username`, and it is not the business's.
    no_from = by_id["17890000000000401"]
    assert (no_from.author_id, no_from.author_name, no_from.is_business) == (None, "ana.b", False)
    # The comment after the id-less one keeps its replies (the id-less one's cannot be paged).
    reply = by_id["17890000000000414"]
    assert (reply.parent_id, reply.is_business) == ("17890000000000404", True)
    assert "17890000000000413" not in by_id


def test_a_failed_thread_is_remembered_and_read_first_by_the_next_scan(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        router.get(f"/{ACCOUNT}", params={"fields": "id,username"}).respond(
            json={"id": ACCOUNT, "username": "cornerbistro"}
        )
        router.get(f"/{ACCOUNT}/media").respond(json=fixture("instagram_media.json"))
        router.get(f"/{MEDIA}/comments").respond(json=fixture("instagram_comments.json"))
        router.get("/17870913679156914/replies", params={"after": "R2"}).respond(
            json=fixture("instagram_replies_more.json")
        )
        failing = router.get(f"/{MEDIA_2}/comments").respond(
            400, json=graph_error(100, "Unsupported get request. Invalid parameter")
        )
        pages = collect(connector_with())
        assert failing.call_count == 1
    failures = [f for p in pages for f in p.failed_threads]
    assert [f.key for f in failures] == [MEDIA_2]
    assert "100" in failures[0].reason and "Invalid parameter" in failures[0].reason
    assert failures[0].item["id"] == MEDIA_2
    page = next(p for p in pages if p.failed_threads)
    assert {r.platform_id for r in [*page.posts, *page.comments]} == {
        MEDIA,
        MEDIA_2,
        "17870913679156914",
        "17873440459141021",
        "17873440459149999",
    }

    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        router.get(f"/{ACCOUNT}", params={"fields": "id,username"}).respond(
            json={"id": ACCOUNT, "username": "cornerbistro"}
        )
        thread = router.get(f"/{MEDIA_2}/comments").respond(json=fixture("instagram_comments_retry.json"))
        router.get(f"/{ACCOUNT}/media").respond(json={"data": [], "paging": {}})
        again = collect(connector_with(tuple(failures)), pages[-1].cursor)
        assert [c.request.url.path for c in router.calls][1] == f"/v25.0/{MEDIA_2}/comments"
        assert thread.call_count == 1
    assert again[0].resolved_threads == [MEDIA_2] and again[0].failed_threads == []
    assert {c.platform_id for c in again[0].comments} == {"17888123400001234", "17888123400005678"}
    assert all(c.post_id == MEDIA_2 for c in again[0].comments)


def test_a_comment_deleted_while_its_replies_are_paged_loses_only_its_own_replies(
    caplog: pytest.LogCaptureFixture,
) -> None:
    later = {
        "data": [
            {
                "id": "17881000000000504",
                "text": "Reservé para el sábado",
                "timestamp": "2024-05-02T09:00:00+0000",
                "username": "jo.r",
                "like_count": 0,
                "hidden": False,
                "from": {"id": "9876543210100004", "username": "jo.r"},
            }
        ],
        "paging": {"cursors": {"before": "QVFC3", "after": "QVFC4"}},
    }
    gone = graph_error(
        100,
        "Unsupported get request. Object with ID '17881000000000501' does not exist, cannot be loaded due to "
        "missing permissions, or does not support this operation.",
        33,
    )
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        router.get(f"/{ACCOUNT}", params={"fields": "id,username"}).respond(
            json={"id": ACCOUNT, "username": "cornerbistro"}
        )
        router.get(f"/{ACCOUNT}/media").respond(json=fixture("instagram_media.json"))
        router.get(f"/{MEDIA}/comments", params={"after": "QVFC2"}).respond(json=later)
        router.get(f"/{MEDIA}/comments").respond(json=fixture("instagram_comments_parent_deleted.json"))
        router.get(f"/{MEDIA_2}/comments").respond(json={"data": []})
        router.get("/17881000000000501/replies").respond(400, json=gone)
        pages = collect(connector_with())
    ids = {r.platform_id for r in records(pages)}
    assert {
        "17881000000000501",  # the deleted comment and the reply read with it stay as read
        "17881000000000511",
        "17881000000000502",  # the media's other comments and replies are read on
        "17881000000000512",
        "17881000000000503",
        "17881000000000504",
    } <= ids
    assert not [f for p in pages for f in p.failed_threads]  # nothing left to read again: it is gone
    assert any("17881000000000501" in m and "replies" in m for m in caplog.messages)
