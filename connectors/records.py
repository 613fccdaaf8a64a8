"""The normalized records every connector yields, and the page that carries them.

Records use the platform's own ids (as strings) to point at each other: a reply names
its parent comment and its post by platform id, so pages can arrive in any order.
All datetimes are timezone-aware and converted to UTC on validation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

JSONValue = Any


def _to_utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)

    platform_id: str = Field(min_length=1)
    author_id: str | None = None
    author_name: str | None = None
    is_business: bool = False
    text: str = ""
    url: str | None = None
    created_at: AwareDatetime
    edited_at: AwareDatetime | None = None
    deleted: bool = False
    like_count: int | None = Field(default=None, ge=0)

    _utc = field_validator("created_at", "edited_at")(_to_utc)

    @field_validator("platform_id", "author_id", mode="before")
    @classmethod
    def _ids_are_strings(cls, value: object) -> object:
        # Platforms hand out numeric ids that overflow JavaScript and SQL integers.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class PostRecord(_Record):
    """Something the business published: a post, a video, a photo, a location page."""

    comment_count: int | None = Field(default=None, ge=0)
    share_count: int | None = Field(default=None, ge=0)
    is_business: bool = True


class CommentRecord(_Record):
    """A customer comment, a business reply, or a review."""

    kind: Literal["comment", "review"] = "comment"
    post_id: str | None = None  # None for reviews of a place rather than a post
    parent_id: str | None = None  # the comment this one answers, if any
    reply_count: int | None = Field(default=None, ge=0)
    rating: float | None = Field(default=None, ge=0, le=5)

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
    """

    posts: list[PostRecord] = Field(default_factory=list)
    comments: list[CommentRecord] = Field(default_factory=list)
    rejected: list[RejectedRecord] = Field(default_factory=list)
    cursor: dict[str, JSONValue] | None = None
    # Threads that could not be read in full (remembered, read again next scan), and the keys of
    # remembered ones that were read now or are gone: stored in the same transaction as the page.
    failed_threads: list[ThreadFailure] = Field(default_factory=list)
    resolved_threads: list[str] = Field(default_factory=list)
    progress: Progress | None = None
    # When the channel's access token expires, where the platform says (stored on the channel;
    # the connector-trouble alert warns before it).
    token_expires_at: AwareDatetime | None = None

    _utc = field_validator("token_expires_at")(_to_utc)


__all__ = ["CommentRecord", "Page", "PostRecord", "Progress", "RejectedRecord", "ThreadFailure"]
