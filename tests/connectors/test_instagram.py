"""The `instagram` connector: media, comments, inline and paged replies, business replies by username."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import respx
from conformance import HttpCase, collect, conformance_suite, fixture, records

from socialmon_connectors import AuthError, ChannelContext, NotFound, PermissionDenied, PlatformError, RateLimited
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
