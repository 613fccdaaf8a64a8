"""The `google_reviews` connector: a Google Business Profile location's reviews and the owner's replies.

Request (My Business API v4, OAuth scope `business.manage`, token in `Authorization: Bearer`):

    GET accounts/{account}/locations/{location}/reviews?orderBy=updateTime desc&pageSize=50

Each review becomes a `CommentRecord(kind="review")` with its star rating; the owner's
reply (`reviewReply`) becomes a business reply whose parent is the review, timed by the
reply's `updateTime` (Google keeps no separate creation time for replies, so an edited reply
comes with a later time: it is sent with `created_at_is_last_change`, and storage keeps the time
first seen as the reply's, the later one as its edit). A reply the owner removes just goes
missing from its review (whose record then says `reply_count` 0), and Google says nothing else
about it: every listed review without `reviewReply` names its reply `{review}/reply` among its
page's `gone_comments`, so a stored reply is marked deleted (the reports then count the review as
waiting for an answer again, as Google shows it) and a review never answered gets no reply row; a
reply written again is shown again, and answers the review from the time first stored. A reply
that cannot be read is rejected alone: its review, the customer's words, is kept, and its stored
reply is not taken for gone. A review whose `updateTime` is later than its `createTime` was
edited. Reviews are listed by update time, so an edited review comes back into the window; every
scan also re-reads the last `recent_days` days of reviews to pick up new replies (and removed ones).

Google machine-translates reviews (and owners' replies) written in another language than the
reader's, and the API hands both texts in one `comment`: "(Translated by Google) …
(Original) …", or the original first and the translation after "(Translated by Google)".
Only the original is stored, so language detection and sentiment read what the reviewer wrote.

A Cloud project whose Business Profile API access Google has not approved has a quota of 0
requests per minute: Google answers HTTP 429 `RESOURCE_EXHAUSTED` as for a burst, but with
`quota_limit_value` "0". That is not retried: the channel stops with `PermissionDenied`
saying to request access. A token without the `business.manage` scope, a Google account that
does not manage the location (HTTP 403 `PERMISSION_DENIED`), and an API not enabled in the
Cloud project (`SERVICE_DISABLED`) also stop it with `PermissionDenied`, saying what to grant or
enable.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from contextlib import aclosing
from datetime import datetime
from typing import Any

import httpx
from pydantic import Field, SecretStr

from socialmon_connectors._google import QUOTA_ZERO, google_errors, parse_google_error
from socialmon_connectors._paging import (
    ApiSettings,
    FieldError,
    PageTokenPaging,
    Raw,
    SweepConnector,
    Window,
    build,
    paginate,
    time_at,
)
from socialmon_connectors.http import Action, Api, Rule
from socialmon_connectors.records import CommentRecord, Page, PostRecord, RejectedRecord

BASE_URL = "https://mybusiness.googleapis.com/v4"
AUTH_HINT = (
    "renew the OAuth access token (scope https://www.googleapis.com/auth/business.manage, for a Google "
    "account that manages the location) and put it in the environment variable this channel's "
    "access_token names"
)
NOT_APPROVED_HINT = (
    "the Google Cloud project's Business Profile API access is not approved (Google gives such a project "
    "a quota of 0 requests per minute, and waiting does not change it): request access with Google's "
    "Business Profile API access request form (linked from "
    "https://developers.google.com/my-business/content/prereqs), wait for Google's approval, then check "
    "the quota in the Cloud console (APIs & Services → the My Business API → Quotas): it shows 300 "
    "requests per minute once access is approved (a quota increase request does not help meanwhile)"
)
SCOPE_HINT = (
    "the OAuth token was granted without the scope https://www.googleapis.com/auth/business.manage: "
    "authorise again with that scope and put the new token in the environment variable this channel's "
    "access_token names"
)
NOT_MANAGER_HINT = (
    "the Google account that authorised the token may not read this location: it must be an owner or "
    "manager of the location in Business Profile; check the channel's account_id and location_id, then "
    "renew the token with that account (scope https://www.googleapis.com/auth/business.manage)"
)
ERRORS = google_errors(
    AUTH_HINT,
    scope_hint=SCOPE_HINT,
    denied_hint=NOT_MANAGER_HINT,
    **{QUOTA_ZERO: Rule(Action.DENIED, NOT_APPROVED_HINT)},
)
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


_TRANSLATED = re.compile(r"^[ \t]*\(Translated by Google\)[ \t]*", re.MULTILINE)
_ORIGINAL = re.compile(r"^[ \t]*\(Original\)[ \t]*", re.MULTILINE)


def original_text(text: str) -> str:
    """The text its author wrote, without the machine translation Google puts in the same field.

    Google writes "(Translated by Google) <translation>\n\n(Original)\n<original>", or the
    original first: "(Original)\n<original>\n\n(Translated by Google)\n<translation>", or
    "<original>\n\n(Translated by Google)\n<translation>". A text without the
    "(Translated by Google)" line is returned as it is, as is one with no original in it.
    """
    translated = _TRANSLATED.search(text)
    if translated is None:
        return text
    original = _ORIGINAL.search(text)
    if original is not None and original.start() > translated.start():
        return text[original.end() :].strip()  # translation, then the original to the end
    if original is not None:
        return text[original.end() : translated.start()].strip()  # original, then the translation
    head = text[: translated.start()].strip()
    return head or text  # an unmarked original first; a translation alone is all there is


def review_id(raw: Raw) -> str:
    """The review's id (`reviewId`, else the last part of its `name`); a `FieldError` when it has neither."""
    found = listed_review_id(raw)
    if found is None:
        raise FieldError("missing field 'reviewId' (and 'name', which ends with it)")
    return found


def listed_review_id(raw: Raw) -> str | None:
    """The review's id, or None: a review without one is rejected by `item()`, not a failed listing."""
    found = raw.get("reviewId") or str(raw.get("name") or "").rsplit("/", 1)[-1]
    return str(found) if found else None


def parse_the_review(raw: Raw) -> CommentRecord:
    """The review alone: its stars, its original text, and whether the owner has replied."""
    reviewer = raw.get("reviewer") or {}
    created = time_at(raw, "createTime")
    updated = time_at(raw, "updateTime") if raw.get("updateTime") else None
    return CommentRecord(
        kind="review",
        platform_id=review_id(raw),
        author_name=None if reviewer.get("isAnonymous") else reviewer.get("displayName"),
        text=original_text(raw.get("comment") or ""),
        rating=STARS.get(str(raw.get("starRating"))),
        created_at=created,
        edited_at=updated if updated and updated > created else None,
        # 0 only when Google leaves the reply out: its stored reply is then gone (`removed_replies`).
        reply_count=0 if raw.get("reviewReply") is None else 1,
    )


def parse_reply(raw: Raw) -> CommentRecord | None:
    """The owner's reply to the review (`reviewReply`), if there is one."""
    reply = raw.get("reviewReply")
    if not isinstance(reply, dict):
        return None
    rid = review_id(raw)
    return CommentRecord(
        platform_id=f"{rid}/reply",
        parent_id=rid,
        is_business=True,
        text=original_text(reply.get("comment") or ""),
        created_at=time_at(raw, "reviewReply", "updateTime"),
        # An edited reply comes back with a later `updateTime`: storage keeps the first one
        # as the reply's time, so the edit does not move the answer (response times).
        created_at_is_last_change=True,
    )


def parse_review(raw: Raw) -> list[CommentRecord]:
    """The review, and the owner's reply to it when there is one."""
    reply = parse_reply(raw)
    return [parse_the_review(raw), *([reply] if reply is not None else [])]


def removed_replies(records: Iterable[PostRecord | CommentRecord]) -> list[str]:
    """The ids of the owner's replies to the reviews among `records` that have none (`reply_count` 0):
    one stored for such a review was removed by the owner."""
    return [
        f"{record.platform_id}/reply"
        for record in records
        if isinstance(record, CommentRecord) and record.kind == "review" and record.reply_count == 0
    ]


class GoogleReviewsConnector(SweepConnector):
    name = "google_reviews"
    platform = "Google Business Profile"
    Settings = GoogleReviewsSettings
    summary = "a Google Business Profile location's reviews, ratings and owner replies"
    needs_account = True
    account_setting = "location_id"

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
        async for batch in paginate(api, self.reviews_path, params, self.paging, item_id=listed_review_id):
            yield batch

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        # Each page's own reviews say which of their replies are gone: Google sends nothing else.
        async with aclosing(super().pages(cursor)) as pages:
            async for page in pages:
                page.gone_comments.extend(removed_replies(page.comments))
                yield page

    def item_time(self, raw: Raw) -> datetime:
        return time_at(raw, "updateTime" if raw.get("updateTime") else "createTime")

    def item_label(self, raw: Raw) -> str:
        return f"Google review {raw.get('reviewId') or raw.get('name') or '?'}"

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        # Apart: a reply that cannot be read must not take its review (the customer's words) with it.
        label = self.item_label(raw)
        review = build(rejected, label, lambda: parse_the_review(raw))
        if review is None:
            return []
        reply = build(rejected, f"{label}, the owner's reply", lambda: parse_reply(raw))
        return [review] if reply is None else [review, reply]


__all__ = [
    "GoogleReviewsConnector",
    "GoogleReviewsSettings",
    "original_text",
    "parse_review",
    "removed_replies",
]
