"""The `google_reviews` connector: reviews with ratings, owner replies as business replies, edits."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conformance import HttpCase, collect, conformance_suite, fixture, records

from socialmon_connectors import (
    AuthError,
    ChannelContext,
    NotFound,
    PermissionDenied,
    PlatformError,
    RateLimited,
)
from socialmon_connectors.google_reviews import (
    GoogleReviewsConnector,
    GoogleReviewsSettings,
    original_text,
    parse_review,
)

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
        "not a manager of the location": PermissionDenied,
        "other platform error": PlatformError,
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
            "not a manager of the location": httpx.Response(
                403, json=google_error(403, "PERMISSION_DENIED", "The caller does not have permission")
            ),
            "other platform error": httpx.Response(
                400, json=google_error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")
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
    # its time is its last change: storage keeps the first one it stored (tests/test_storage.py)
    assert reply.created_at_is_last_change and not review.created_at_is_last_change


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


# --- Google's machine translations --------------------------------------------------------------


def test_only_the_original_text_of_a_translated_review_and_reply_is_stored() -> None:
    first, second, third, fourth = fixture("google_reviews_translated.json")["reviews"]
    review, reply = parse_review(first)  # translation first, then "(Original)"
    assert review.text == "Comida muy buena y los meseros muy amables. ¡Volveremos!"
    assert reply.text == "¡Gracias, Joaquín! Hasta pronto."
    review, reply = parse_review(second)  # "(Original)" first, then the translation
    assert review.text == "Service très lent, plat froid."
    assert reply.text == "Nous sommes désolés, Hélène."  # the original unmarked, then the translation
    [review] = parse_review(third)
    assert review.text == "美味しいコーヒーでした"
    [review] = parse_review(fourth)  # not translated: "(Original)" inside a sentence is the reviewer's
    assert review.text == "The menu says (Original) recipe since 1998, and it shows."
    assert "Translated" not in " ".join(r.text for raw in (first, second, third) for r in parse_review(raw))


def test_original_text_leaves_untranslated_text_alone() -> None:
    assert original_text("") == ""
    assert original_text("Great coffee.\n\nSlow service.") == "Great coffee.\n\nSlow service."
    assert (
        original_text("(Translated by Google) only a translation")
        == "(Translated by Google) only a translation"
    )
    assert original_text("(Translated by Google)\nGood\n\n(Original)\nBueno\nmuy bueno") == "Bueno\nmuy bueno"


def test_translated_reviews_are_stored_in_their_original_language(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(PATH).respond(json=fixture("google_reviews_translated.json"))
        pages = collect(CASE.connector(tmp_path))
    texts = {r.platform_id: r.text for r in records(pages)}
    assert texts["AbTr1"] == "Comida muy buena y los meseros muy amables. ¡Volveremos!"
    assert texts["AbTr2/reply"] == "Nous sommes désolés, Hélène."
    assert not any("(Translated by Google)" in text for text in texts.values())


# --- a project whose Business Profile API access is not approved: quota 0 ---------------------------


def test_quota_zero_means_access_not_approved_and_is_not_retried(tmp_path: Path) -> None:
    connector = CASE.connector(tmp_path)
    assert connector.settings.max_retries == 4  # the default: a 429 would be retried
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(PATH).respond(429, json=fixture("google_error_quota_zero.json"))
        with pytest.raises(PermissionDenied) as raised:
            collect(connector)
        assert len(router.calls) == 1
    message = str(raised.value)
    assert "Cloud project's quota for this API is 0 requests" in message
    assert "Business Profile API access is not approved" in message
    assert "access request form" in message and "300 requests per minute" in message
    assert "resumes" not in message
    assert TOKEN not in message


def test_a_429_with_a_real_quota_is_still_a_rate_limit(tmp_path: Path) -> None:
    body = fixture("google_error_quota_zero.json")
    body["error"]["details"][0]["metadata"]["quota_limit_value"] = "300"
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(PATH).respond(429, json=body)
        with pytest.raises(RateLimited, match="resumes"):
            collect(CASE.connector(tmp_path))
        assert len(router.calls) == 5  # retried, then the channel stops until the next scan


def test_a_review_with_a_bad_time_is_rejected_naming_the_field(tmp_path: Path) -> None:
    body = fixture("google_reviews_translated.json")
    body["reviews"][1]["createTime"] = {"seconds": 1716037200}
    body["reviews"][2]["reviewReply"] = {"comment": "Thank you!"}
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(PATH).respond(json=body)
        pages = collect(CASE.connector(tmp_path))
    rejected = {r.location: r.reason for page in pages for r in page.rejected}
    assert rejected["Google review AbTr2"].startswith("field 'createTime': not a timestamp")
    assert rejected["Google review AbTr3, the owner's reply"] == (
        "missing field 'updateTime' (reviewReply.updateTime)"
    )
    # The review whose reply cannot be read is kept: only the reply is rejected.
    assert {r.platform_id for r in records(pages)} == {"AbTr1", "AbTr1/reply", "AbTr3", "AbTr4"}
