"""The `google_reviews` connector: reviews with ratings, owner replies as business replies, edits."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import respx
from conformance import HttpCase, collect, conformance_suite, fixture, records

from socialmon_connectors import AuthError, ChannelContext, NotFound, PlatformError, RateLimited
from socialmon_connectors.google_reviews import GoogleReviewsConnector, GoogleReviewsSettings, parse_review

BASE = "https://mybusiness.googleapis.com/v4"
PATH = "/accounts/123/locations/456/reviews"
TOKEN = "ya29.SECRETtoken123"


def google_error(status: int, code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message, "status": code}}


class GoogleReviewsCase(HttpCase):
    base_url = BASE
    errors = {  # noqa: RUF012
        "expired token": AuthError,
        "rate limited": RateLimited,
        "location not found": NotFound,
        "not approved": PlatformError,
    }

    def make(self) -> GoogleReviewsConnector:
        settings = GoogleReviewsSettings(account_id="accounts/123", access_token=TOKEN)
        return GoogleReviewsConnector(
            settings, ChannelContext(brand="b", channel="g", account="locations/456")
        )

    def routes(self, router: respx.MockRouter) -> None:
        router.get(PATH, params={"pageToken": "PAGE2"}).respond(json=fixture("google_reviews_2.json"))
        router.get(PATH, params={"orderBy": "updateTime desc"}).respond(json=fixture("google_reviews_1.json"))

    def repeating(self, tmp_path: Path) -> respx.MockRouter:
        router = respx.mock(base_url=BASE)
        again = {**fixture("google_reviews_2.json"), "nextPageToken": "SAME"}
        router.get(PATH).respond(json=again)
        return router

    def error_response(self, failure: str) -> httpx.Response:
        return {
            "expired token": httpx.Response(
                401,
                json=google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."),
            ),
            "rate limited": httpx.Response(
                429, json=google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded")
            ),
            "location not found": httpx.Response(
                404, json=google_error(404, "NOT_FOUND", "Requested entity was not found.")
            ),
            "not approved": httpx.Response(
                403, json=google_error(403, "PERMISSION_DENIED", "The caller does not have permission")
            ),
        }[failure]


CASE = GoogleReviewsCase()
TestConformance = conformance_suite(CASE)


def test_a_review_with_an_owner_reply() -> None:
    review, reply = parse_review(fixture("google_reviews_1.json")["reviews"][0])
    assert (review.kind, review.rating, review.text, review.author_name) == (
        "review",
        5,
        "¡Excelente pan de yuca! 😍",
        "Camila Ñúñez",
    )
    assert review.created_at == datetime(2024, 5, 3, 12, 0, 0, 123456, tzinfo=UTC)
    assert review.edited_at == datetime(2024, 5, 4, 8, tzinfo=UTC)
    assert (reply.kind, reply.parent_id, reply.is_business, reply.platform_id) == (
        "comment",
        "AbFvOqm1",
        True,
        "AbFvOqm1/reply",
    )
    assert reply.created_at == datetime(2024, 5, 4, 9, 30, 0, 500000, tzinfo=UTC)


def test_an_anonymous_review_without_text_or_reply() -> None:
    [review] = parse_review(fixture("google_reviews_1.json")["reviews"][1])
    assert (review.author_name, review.text, review.rating, review.edited_at, review.reply_count) == (
        None,
        "",
        2,
        None,
        0,
    )


def test_reviews_are_listed_by_update_time_with_the_token_in_a_header(tmp_path: Path) -> None:
    with CASE.healthy(tmp_path) as router:
        pages = collect(CASE.connector(tmp_path))
        assert all(c.request.headers["Authorization"] == f"Bearer {TOKEN}" for c in router.calls)
    assert [r.platform_id for r in records(pages)] == ["AbFvOqm1", "AbFvOqm1/reply", "AbFvOqm2", "AbFvOqm3"]
    assert pages[-1].cursor == {"watermark": "2024-05-04T08:00:00+00:00"}
