"""The normalized records every connector yields, and the page that carries them.

Records use the platform's own ids (as strings) to point at each other: a reply names
its parent comment and its post by platform id, so pages can arrive in any order.
All datetimes are timezone-aware and converted to UTC on validation.

Every record is checked against what both databases (SQLite and PostgreSQL) store, so that
no connector can hand the scan a record that fails its page (a `ValidationError` names the
field; connectors report it as a `RejectedRecord`):

- ids (platform_id, author_id, post_id, parent_id) of at most `MAX_ID_LENGTH` characters,
  without NUL characters or lone surrogates; anything else is rejected (an id cannot be
  shortened or altered without risking collisions);
- author names longer than `MAX_NAME_LENGTH` characters are cut to it (ending in "…");
- texts, author names and URLs lose NUL characters (PostgreSQL cannot store them) and have
  lone surrogates (a stray "\\ud800" escape) replaced by U+FFFD (neither database stores them);
- counts (likes, comments, shares, replies) between 0 and `MAX_COUNT`, the largest value of
  the INTEGER columns they are stored in on PostgreSQL; larger ones are rejected;
- datetimes from `EARLIEST` to before `LATEST` (UTC): well inside both databases' and
  Python's ranges, so that converting to any time zone or a report window around them
  cannot overflow; out-of-range ones are rejected.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

JSONValue = Any

MAX_ID_LENGTH = 200  # the id columns: VARCHAR(200)
MAX_NAME_LENGTH = 300  # author_name: VARCHAR(300)
MAX_COUNT = 2**31 - 1  # the count columns: INTEGER, 32-bit signed on PostgreSQL
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _to_utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


def _storable_time(value: datetime | None) -> datetime | None:
    """`value` in UTC, if it lies from `EARLIEST` to before `LATEST`."""
    if value is None:
        return None
    try:
        converted = value.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+05:00 is before year 1 in UTC
        raise ValueError(f"must be from {EARLIEST:%Y-%m-%d} to before {LATEST:%Y-%m-%d} (UTC)") from None
    if not EARLIEST <= converted < LATEST:
        raise ValueError(f"must be from {EARLIEST:%Y-%m-%d} to before {LATEST:%Y-%m-%d} (UTC)")
    return converted


def storable_text(value: str) -> str:
    """`value` without NUL characters and with lone surrogates replaced by U+FFFD."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = _SURROGATE.sub("\ufffd", value)
    return value


def _storable_text(value: str | None) -> str | None:
    return None if value is None else storable_text(value)


def _storable_id(value: str | None) -> str | None:
    if value is None:
        return None
    if storable_text(value) != value:
        raise ValueError("must not contain NUL characters or lone surrogates")
    return value


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)

    platform_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    author_id: str | None = Field(default=None, max_length=MAX_ID_LENGTH)
    author_name: str | None = None
    is_business: bool = False
    text: str = ""
    url: str | None = None
    created_at: AwareDatetime
    edited_at: AwareDatetime | None = None
    deleted: bool = False
    like_count: int | None = Field(default=None, ge=0, le=MAX_COUNT)

    _utc = field_validator("created_at", "edited_at")(_storable_time)
    _storable = field_validator("text", "url")(_storable_text)
    _ids_storable = field_validator("platform_id", "author_id")(_storable_id)

    @field_validator("platform_id", "author_id", mode="before")
    @classmethod
    def _ids_are_strings(cls, value: object) -> object:
        # Platforms hand out numeric ids that overflow JavaScript and SQL integers.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("author_name")
    @classmethod
    def _name_fits(cls, value: str | None) -> str | None:
        value = _storable_text(value)
        if value is not None and len(value) > MAX_NAME_LENGTH:
            value = value[: MAX_NAME_LENGTH - 1] + "…"
        return value


class PostRecord(_Record):
    """Something the business published: a post, a video, a photo, a location page.

    Or a private conversation (`kind="conversation"`: a Messenger or Instagram Direct thread, a
    WhatsApp chat), whose messages are `CommentRecord`s of kind "message" under it: its author is
    the customer, `is_business` False, `created_at` its last activity.
    """

    kind: Literal["post", "conversation"] = "post"
    comment_count: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    share_count: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    is_business: bool = True
    # Nobody can reply under it any more, as the platform says (Instagram's comments turned off, a
    # Reddit post locked or archived): its customers' comments never answered wait for no answer,
    # and still count in the sentiment figures and the response rate. Set on every listing of it,
    # so a thread opened again takes replies again.
    replies_closed: bool = False


class CommentRecord(_Record):
    """A customer comment, a business reply, a review, or a private message.

    A message (`kind="message"`) belongs to the conversation whose id is its `post_id`, has no
    `parent_id`, and is the business's own when `is_business` is set.
    """

    kind: Literal["comment", "review", "message"] = "comment"
    # None for reviews of a place rather than a post
    post_id: str | None = Field(default=None, max_length=MAX_ID_LENGTH)
    # the comment this one answers, if any
    parent_id: str | None = Field(default=None, max_length=MAX_ID_LENGTH)
    reply_count: int | None = Field(default=None, ge=0, le=MAX_COUNT)
    rating: float | None = Field(default=None, ge=0, le=5)
    # The platform gives only the time of the last change, not of the creation (Google's owner
    # reply: `updateTime`). Once stored, the record keeps its first time as `created_at` and a
    # later one becomes its `edited_at`; not stored itself.
    created_at_is_last_change: bool = False

    _refs_storable = field_validator("post_id", "parent_id")(_storable_id)

    @field_validator("post_id", "parent_id", mode="before")
    @classmethod
    def _refs_are_strings(cls, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value or None


class RejectedRecord(BaseModel):
    """A source record that could not be turned into a record: reported, skipped, never fatal."""

    location: str  # e.g. "export.csv line 17"
    reason: str


class ThreadFailure(BaseModel):
    """A listed item (a post, a video) whose thread could not be read, or read only in part.

    The item itself is stored; the framework remembers `item` (the raw listed item, as the
    connector's `thread()` takes it) and reads the thread again on later scans until it
    succeeds or the platform says it is gone. While any is pending the channel ends `partial`.
    """

    key: str = Field(min_length=1)  # the item's platform id, unique within the channel
    item: dict[str, JSONValue]  # what `thread()` needs to read it again
    reason: str  # why it could not be read, for the user (no secrets)


class Progress(BaseModel):
    """How far the connector is, in units it chooses (bytes, pages); total may be unknown."""

    done: int
    total: int | None = None
    unit: str = "records"


class Page(BaseModel):
    """One batch of records and the cursor to resume after it.

    The scan stores the records and the cursor in one transaction, so a scan killed
    at any point resumes after the last stored page.

    `gone_comments` names comments of this channel (platform ids) that the platform no longer
    shows, for a platform that drops a removed comment silently instead of saying it is deleted
    (Google leaves out a review's `reviewReply` once the owner deletes it). Those stored and not
    yet deleted are marked deleted in the page's transaction, keeping what they said as any
    deletion does; an id never stored is not inserted, an id the page also carries as a record
    is left to that record, and an id no record could have (empty, too long, a NUL) is ignored.
    A comment marked so that comes back in a later page is stored undeleted.
    """

    posts: list[PostRecord] = Field(default_factory=list)
    comments: list[CommentRecord] = Field(default_factory=list)
    rejected: list[RejectedRecord] = Field(default_factory=list)
    cursor: dict[str, JSONValue] | None = None
    # Threads that could not be read in full (remembered, read again next scan), and the keys of
    # remembered ones that were read now or are gone: stored in the same transaction as the page.
    failed_threads: list[ThreadFailure] = Field(default_factory=list)
    resolved_threads: list[str] = Field(default_factory=list)
    # Stored comments the platform no longer shows, marked deleted (see above).
    gone_comments: list[str] = Field(default_factory=list)
    progress: Progress | None = None
    # When the channel's access token expires, where the platform says (stored on the channel;
    # the connector-trouble alert warns before it).
    token_expires_at: AwareDatetime | None = None

    _utc = field_validator("token_expires_at")(_to_utc)


__all__ = [
    "EARLIEST",
    "LATEST",
    "MAX_COUNT",
    "MAX_ID_LENGTH",
    "MAX_NAME_LENGTH",
    "CommentRecord",
    "Page",
    "PostRecord",
    "Progress",
    "RejectedRecord",
    "ThreadFailure",
    "storable_text",
]
