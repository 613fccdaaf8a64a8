"""The `google_reviews` connector: a Google Business Profile location's reviews and the owner's replies.

Request (My Business API v4, OAuth scope `business.manage`, token in `Authorization: Bearer`):

    GET accounts/{account}/locations/{location}/reviews?orderBy=updateTime desc&pageSize=50

Each review becomes a `CommentRecord(kind="review")` with its star rating; the owner's
reply (`reviewReply`) becomes a business reply whose parent is the review, timed by the
reply's `updateTime` (Google keeps no separate creation time for replies). A review whose
`updateTime` is later than its `createTime` was edited. Reviews are listed by update time,
so an edited review comes back into the window; every scan also re-reads the last
`recent_days` days of reviews to pick up new replies.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import httpx
from pydantic import Field, SecretStr

from socialmon_connectors._google import google_errors, parse_google_error
from socialmon_connectors._paging import (
    ApiSettings,
    PageTokenPaging,
    Raw,
    SweepConnector,
    Window,
    build,
    paginate,
    parse_time,
)
from socialmon_connectors.http import Api
from socialmon_connectors.records import CommentRecord, PostRecord, RejectedRecord

BASE_URL = "https://mybusiness.googleapis.com/v4"
AUTH_HINT = (
    "renew the OAuth access token (scope https://www.googleapis.com/auth/business.manage, for a Google "
    "account that manages the location) and put it in the environment variable this channel's "
    "access_token names"
)
ERRORS = google_errors(AUTH_HINT)
STARS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5}


class GoogleReviewsSettings(ApiSettings):
    account_id: str = Field(description="the Business Profile account: 'accounts/123…' or '123…'")
    location_id: str = Field(
        default="", description="the location: 'locations/456…' or '456…'; defaults to the channel's account"
    )
    access_token: SecretStr = Field(description='an OAuth access token, written as "${ENV_VAR}"')
    base_url: str = BASE_URL
    page_size: int = Field(default=50, ge=1, le=50, description="reviews per request")


# --- parsing: raw review JSON → records (pure) ---------------------------------------------


def review_id(raw: Raw) -> str:
    return str(raw.get("reviewId") or str(raw["name"]).rsplit("/", 1)[-1])


def parse_review(raw: Raw) -> list[CommentRecord]:
    """The review, and the owner's reply to it when there is one."""
    rid = review_id(raw)
    reviewer = raw.get("reviewer") or {}
    created = parse_time(raw["createTime"])
    updated = parse_time(raw["updateTime"]) if raw.get("updateTime") else None
    review = CommentRecord(
        kind="review",
        platform_id=rid,
        author_name=None if reviewer.get("isAnonymous") else reviewer.get("displayName"),
        text=raw.get("comment") or "",
        rating=STARS.get(str(raw.get("starRating"))),
        created_at=created,
        edited_at=updated if updated and updated > created else None,
        reply_count=1 if raw.get("reviewReply") else 0,
    )
    reply = raw.get("reviewReply")
    if not isinstance(reply, dict):
        return [review]
    return [
        review,
        CommentRecord(
            platform_id=f"{rid}/reply",
            parent_id=rid,
            is_business=True,
            text=reply.get("comment") or "",
            created_at=parse_time(reply["updateTime"]),
        ),
    ]


class GoogleReviewsConnector(SweepConnector):
    name = "google_reviews"
    platform = "Google Business Profile"
    Settings = GoogleReviewsSettings
    summary = "a Google Business Profile location's reviews, ratings and owner replies"

    settings: GoogleReviewsSettings
    paging = PageTokenPaging("reviews")

    @property
    def reviews_path(self) -> str:
        account = self.settings.account_id.removeprefix("accounts/")
        location = (self.settings.location_id or self.context.account).removeprefix("locations/")
        return f"accounts/{account}/locations/{location}/reviews"

    def make_api(self, client: httpx.AsyncClient) -> Api:
        return self.new_api(
            client, errors=ERRORS, parse_error=parse_google_error, token=self.settings.access_token
        )

    async def listing(self, api: Api, window: Window) -> AsyncIterator[list[Raw]]:
        params = {"pageSize": self.settings.page_size, "orderBy": "updateTime desc"}
        async for batch in paginate(api, self.reviews_path, params, self.paging, item_id=review_id):
            yield batch

    def item_time(self, raw: Raw) -> datetime:
        return parse_time(raw.get("updateTime") or raw["createTime"])

    def item_label(self, raw: Raw) -> str:
        return f"Google review {raw.get('reviewId') or raw.get('name') or '?'}"

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        records = build(rejected, self.item_label(raw), lambda: parse_review(raw))
        return list(records or [])


__all__ = ["GoogleReviewsConnector", "GoogleReviewsSettings", "parse_review"]
