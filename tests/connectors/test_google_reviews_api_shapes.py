"""The `google_reviews` connector against the shapes the Business Profile API (v4) really sends.

Checked against the v4 reference (accounts.locations.reviews: Review, Reviewer, StarRating,
ReviewReply; ListReviewsResponse with averageRating, totalReviewCount, nextPageToken) and
Google's error envelope (`status`, `details` with `google.rpc.ErrorInfo`). The bodies below
are written for these tests; ids and texts are invented.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conformance import collect, gather, records
from sqlalchemy import select

from socialmon.config import BrandConfig, ChannelConfig
from socialmon.database import open_database
from socialmon.models import Comment
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon_connectors import ChannelContext, PermissionDenied, RateLimited
from socialmon_connectors.google_reviews import GoogleReviewsConnector, GoogleReviewsSettings, parse_review

BASE = "https://mybusiness.googleapis.com/v4"
PATH = "/accounts/777/locations/888/reviews"
TOKEN = "ya29.SECRETshapes"


def connector(**options: Any) -> GoogleReviewsConnector:
    settings = GoogleReviewsSettings(account_id="777", access_token=TOKEN, retry_backoff=0, **options)
    made = GoogleReviewsConnector(settings, ChannelContext(brand="b", channel="g", account="locations/888"))
    made.now = lambda: datetime(2025, 3, 20, tzinfo=UTC)  # type: ignore[method-assign]
    return made


def review(rid: str, stars: str = "FIVE", **fields: Any) -> dict[str, Any]:
    """A Review as reviews.list lists it (only the fields given beyond the usual ones)."""
    return {
        "name": f"accounts/777/locations/888/reviews/{rid}",
        "reviewId": rid,
        "reviewer": {
            "displayName": "Lucía P.",
            "profilePhotoUrl": "https://lh3.example/p",
            "isAnonymous": False,
        },
        "starRating": stars,
        "createTime": "2025-03-10T14:05:11.402Z",
        "updateTime": "2025-03-10T14:05:11.402Z",
        **fields,
    }


def listed(*reviews: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"reviews": list(reviews), "averageRating": 4.2, "totalReviewCount": 57, **extra}


# --- reviews as the API lists them ----------------------------------------------------------------


def test_every_star_rating_enum_and_unspecified() -> None:
    ratings = {
        stars: parse_review(review("r", stars))[0].rating
        for stars in ("ONE", "TWO", "THREE", "FOUR", "FIVE", "STAR_RATING_UNSPECIFIED")
    }
    assert ratings == {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5, "STAR_RATING_UNSPECIFIED": None}
    [no_rating] = parse_review({key: value for key, value in review("r").items() if key != "starRating"})
    assert no_rating.rating is None


def test_stars_only_anonymous_and_nameless_reviewers() -> None:
    [stars_only] = parse_review(review("s", "FOUR"))  # no "comment" key at all
    [anonymous] = parse_review(review("a", reviewer={"displayName": "A Google User", "isAnonymous": True}))
    [nameless] = parse_review(review("n", reviewer={"isAnonymous": False}))
    [no_reviewer] = parse_review({key: value for key, value in review("x").items() if key != "reviewer"})
    assert (stars_only.text, stars_only.rating, stars_only.reply_count) == ("", 4, 0)
    assert [r.author_name for r in (anonymous, nameless, no_reviewer)] == [None, None, None]
    assert not any(r.is_business for r in (stars_only, anonymous, nameless, no_reviewer))


def test_pages_follow_next_page_token_and_the_location_totals_are_ignored(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        second = router.get(PATH, params={"pageToken": "tok-2"}).respond(json=listed(review("r3", "TWO")))
        first = router.get(PATH).respond(json=listed(review("r1"), review("r2"), nextPageToken="tok-2"))
        pages = collect(connector())
        assert first.calls.last.request.url.params["orderBy"] == "updateTime desc"
        assert second.calls.last.request.url.params["pageSize"] == "50"
    assert [r.platform_id for r in records(pages)] == ["r1", "r2", "r3"]


def test_a_location_without_reviews_is_an_empty_object(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(PATH).respond(json={})  # Google leaves out every empty field, "reviews" included
        pages = collect(connector())
    assert records(pages) == [] and not any(page.rejected for page in pages)


# --- a review that cannot be read is rejected alone -------------------------------------------------


def test_a_review_without_any_id_is_rejected_and_the_others_are_kept() -> None:
    nameless = {key: value for key, value in review("gone").items() if key not in ("reviewId", "name")}
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(PATH).respond(json=listed(nameless, review("kept")))
        pages, error = gather(connector(), None)
    assert error is None
    assert [r.platform_id for r in records(pages)] == ["kept"]
    [rejected] = [r for page in pages for r in page.rejected]
    assert "reviewId" in rejected.reason and "name" in rejected.reason


def test_an_owner_reply_that_cannot_be_read_keeps_its_review() -> None:
    broken = review("r9", "ONE", comment="Nos cobraron dos veces", reviewReply={"comment": "Lo revisamos"})
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(PATH).respond(json=listed(broken))
        pages = collect(connector())
    [stored] = records(pages)
    assert (stored.platform_id, stored.text, stored.rating) == ("r9", "Nos cobraron dos veces", 1)
    [rejected] = [r for page in pages for r in page.rejected]
    assert rejected.location == "Google review r9, the owner's reply"
    assert rejected.reason == "missing field 'updateTime' (reviewReply.updateTime)"


# --- an edited review replaces the stored one -----------------------------------------------------------


def stored_comments(store: Store) -> dict[str, dict[str, Any]]:
    with store.database.read() as connection:
        rows = connection.execute(select(Comment.__table__)).mappings().all()
    return {row["platform_id"]: dict(row) for row in rows}


def test_a_customer_editing_a_review_replaces_its_text_and_rating(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'socialmon.db'}")
    store = Store(database, get_scorer("vader"))
    channel = store.sync_channel(
        BrandConfig(name="Panadería", timezone="UTC", language="es"),
        ChannelConfig(name="g", platform="google_reviews", account="locations/888"),
    )
    first = review("r1", "ONE", comment="Terrible, everything was cold")
    edited = {
        **first,
        "starRating": "FOUR",
        "comment": "They called me and fixed it, good service",
        "updateTime": "2025-03-12T09:00:00Z",
    }
    cursor = None
    try:
        for body in (listed(first), listed(edited)):
            with respx.mock(base_url=BASE, assert_all_called=True) as router:
                router.get(PATH).respond(json=body)
                pages = collect(connector(), cursor)
            for page in pages:
                store.save_page(channel.id, page)
            cursor = pages[-1].cursor
        comments = stored_comments(store)
    finally:
        database.dispose()
    assert list(comments) == ["r1"]  # one review, not a second one
    assert (comments["r1"]["text"], comments["r1"]["rating"]) == (
        "They called me and fixed it, good service",
        4,
    )
    assert comments["r1"]["edited_at"].replace(tzinfo=UTC) == datetime(2025, 3, 12, 9, tzinfo=UTC)
    assert comments["r1"]["sentiment_label"] == "positive"  # scored again


# --- Google's error bodies, with their details --------------------------------------------------------


def test_a_429_resource_exhausted_with_details_is_retried_then_a_rate_limit() -> None:
    body = {
        "error": {
            "code": 429,
            "message": "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute' of service "
            "'mybusiness.googleapis.com' for consumer 'project_number:4242'.",
            "status": "RESOURCE_EXHAUSTED",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "RATE_LIMIT_EXCEEDED",
                    "domain": "googleapis.com",
                    "metadata": {"quota_limit_value": "300", "service": "mybusiness.googleapis.com"},
                },
                {
                    "@type": "type.googleapis.com/google.rpc.Help",
                    "links": [
                        {"description": "Request a higher quota limit.", "url": "https://cloud.example/q"}
                    ],
                },
            ],
        }
    }
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(PATH).mock(side_effect=[httpx.Response(429, json=body), httpx.Response(429, json=body)])
        with pytest.raises(RateLimited, match="Requests per minute") as raised:
            collect(connector(max_retries=1))
        assert len(router.calls) == 2
    assert TOKEN not in str(raised.value)


def test_a_403_permission_denied_with_details_says_the_account_must_manage_the_location() -> None:
    body = {
        "error": {
            "code": 403,
            "message": "The caller does not have permission",
            "status": "PERMISSION_DENIED",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "IAM_PERMISSION_DENIED",
                    "domain": "mybusiness.googleapis.com",
                    "metadata": {"permission": "mybusiness.locations.reviews.list"},
                }
            ],
        }
    }
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(PATH).respond(403, json=body)
        with pytest.raises(PermissionDenied, match="owner or manager of the location"):
            collect(connector())
        assert len(router.calls) == 1  # not retried


# --- an owner's reply that is removed --------------------------------------------------------------------


def test_each_listed_review_without_a_reply_names_its_reply_as_gone() -> None:
    answered = review(
        "r1", "FIVE", reviewReply={"comment": "¡Gracias!", "updateTime": "2025-03-11T08:00:00Z"}
    )
    unreadable = review("r2", "ONE", reviewReply={"comment": "Lo revisamos"})  # no updateTime: rejected
    nameless = {key: value for key, value in review("x").items() if key not in ("reviewId", "name")}
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        second = listed(review("r4", "THREE", reviewReply=None))
        router.get(PATH, params={"pageToken": "tok-2"}).respond(json=second)
        router.get(PATH).respond(
            json=listed(answered, unreadable, review("r3", "TWO"), nameless, nextPageToken="tok-2")
        )
        pages = collect(connector())
    # A reply that could not be read is not gone (its review says there is one), nor is anything of a
    # review that could not be read; each page names the replies of its own reviews.
    assert [page.gone_comments for page in pages] == [["r3/reply"], ["r4/reply"], []]
    assert [r.platform_id for r in records(pages)] == ["r1", "r1/reply", "r2", "r3", "r4"]


def test_a_reply_the_owner_removes_is_marked_deleted_and_shown_again_when_written_again(
    tmp_path: Path,
) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'socialmon.db'}")
    store = Store(database, get_scorer("vader"))
    channel = store.sync_channel(
        BrandConfig(name="Panadería", timezone="UTC", language="es"),
        ChannelConfig(name="g", platform="google_reviews", account="locations/888"),
    )
    reply = {"comment": "Gracias por venir, Lucía", "updateTime": "2025-03-10T18:00:00Z"}
    answered = review("r1", "FIVE", comment="El pan de yuca, riquísimo", reviewReply=reply)
    unanswered = {key: value for key, value in answered.items() if key != "reviewReply"}
    never = review("r2", "FOUR", comment="Buen café")  # never answered
    cursor = None
    comments: list[dict[str, dict[str, Any]]] = []
    results = []
    try:
        for body in (listed(answered, never), listed(unanswered, never), listed(answered, never)):
            with respx.mock(base_url=BASE, assert_all_called=True) as router:
                router.get(PATH).respond(json=body)
                pages = collect(connector(), cursor)
            results.append([store.save_page(channel.id, page) for page in pages])
            cursor = pages[-1].cursor
            comments.append(stored_comments(store))
    finally:
        database.dispose()
    first, removed, back = comments
    assert sorted(first) == ["r1", "r1/reply", "r2"]  # no reply row made up for r2
    assert sorted(removed) == sorted(back) == ["r1", "r1/reply", "r2"]
    assert removed["r1/reply"]["deleted"] is True
    assert removed["r1/reply"]["text"] == "Gracias por venir, Lucía"  # kept, as any deletion keeps it
    # The review itself is as it was, but for its reply count.
    review_columns = ("text", "rating", "deleted", "created_at", "edited_at", "sentiment_label")
    assert {k: removed["r1"][k] for k in review_columns} == {k: first["r1"][k] for k in review_columns}
    assert (first["r1"]["reply_count"], removed["r1"]["reply_count"]) == (1, 0)
    # The scan counts: the review (its reply count) and its reply each once, nothing new.
    updated = [sum(result.updated_comments for result in scan) for scan in results]
    new = [sum(result.new_comments for result in scan) for scan in results]
    assert (new, updated) == ([3, 0, 0], [0, 2, 2])
    assert back["r1/reply"]["deleted"] is False
    assert back["r1/reply"]["created_at"] == first["r1/reply"]["created_at"]
