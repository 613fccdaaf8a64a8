"""The database tables. All datetimes are stored in UTC and read back timezone-aware; reports convert to the brand's zone.

This is the schema's definition (the migrations' autogenerate compares with it). The commands
read and write the same tables through `socialmon.tables`, their SQLAlchemy Core description,
without loading SQLModel and the ORM; tests/test_tables.py keeps the two identical.

Posts and comments point at each other by the platform's ids within a channel
(`post_platform_id`, `parent_platform_id`) rather than by row ids, so that records can
be stored in whatever order a platform pages them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from socialmon.clock import utcnow


class Brand(SQLModel, table=True):
    __tablename__ = "brand"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True, max_length=100)
    name: str = Field(max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    language: str = Field(default="en", max_length=8)
    response_sla_minutes: float = 24 * 60


class Channel(SQLModel, table=True):
    __tablename__ = "channel"
    __table_args__ = (UniqueConstraint("brand_id", "name", name="uq_channel_brand_name"),)

    id: int | None = Field(default=None, primary_key=True)
    brand_id: int = Field(foreign_key="brand.id", index=True)
    name: str = Field(max_length=100)
    platform: str = Field(max_length=50)
    account: str = Field(default="", max_length=300)
    cursor: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    last_scan_at: datetime | None = None
    last_status: str | None = Field(default=None, max_length=20)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    # When the platform says the channel's access token stops working (0004); None when it does not say.
    token_expires_at: datetime | None = None


class Post(SQLModel, table=True):
    __tablename__ = "post"
    __table_args__ = (
        UniqueConstraint("channel_id", "platform_id", name="uq_post_channel_platform_id"),
        Index("ix_post_channel_created", "channel_id", "created_at"),  # reports: posts of a period
    )

    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(foreign_key="channel.id")
    platform_id: str = Field(max_length=200)
    # "post", or "conversation": a private thread whose comments are its messages (0007)
    kind: str = Field(default="post", max_length=20, sa_column_kwargs={"server_default": "post"})
    author_id: str | None = Field(default=None, max_length=200)
    author_name: str | None = Field(default=None, max_length=300)
    is_business: bool = True
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    url: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime
    edited_at: datetime | None = None
    deleted: bool = False
    like_count: int | None = None
    comment_count: int | None = None
    share_count: int | None = None
    # Nobody can reply under it any more (0015): Instagram media with comments turned off, a Reddit
    # post locked (to an app that is no moderator) or archived. Its comments never answered wait no
    # more; they still count in the sentiment figures and the response rate.
    replies_closed: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    record_hash: str = Field(max_length=40)
    first_seen_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Comment(SQLModel, table=True):
    """A customer comment, a business reply, a review or a private message (`kind`), with its sentiment."""

    __tablename__ = "comment"
    __table_args__ = (
        UniqueConstraint("channel_id", "platform_id", name="uq_comment_channel_platform_id"),
        Index("ix_comment_created_at", "created_at"),
        # Reports: a channel's comments in a period and a post's reactions, each covering every
        # column the report reads of them (0005).
        Index(
            "ix_comment_report_window",
            "channel_id",
            "created_at",
            "is_business",
            "deleted",
            "platform_id",
            "parent_platform_id",
            "sentiment_label",
            "label_override",
            "rating",
            "sentiment_compound",
            "is_acknowledgement",  # (0016)
        ),
        Index(
            "ix_comment_post_reactions",
            "channel_id",
            "post_platform_id",
            "deleted",
            "is_business",
            "sentiment_label",
            "label_override",
            "rating",  # (0010)
        ),
        # The first reply to a comment (0003).
        Index("ix_comment_reply_lookup", "channel_id", "parent_platform_id", "is_business", "created_at"),
        Index("ix_comment_updated_at", "updated_at"),  # alert rules: the comments written since a run (0012)
    )

    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(foreign_key="channel.id")
    platform_id: str = Field(max_length=200)
    kind: str = Field(default="comment", max_length=20)
    post_platform_id: str | None = Field(default=None, max_length=200)
    parent_platform_id: str | None = Field(default=None, max_length=200)
    author_id: str | None = Field(default=None, max_length=200)
    author_name: str | None = Field(default=None, max_length=300)
    is_business: bool = False
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    url: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime
    edited_at: datetime | None = None
    deleted: bool = False
    like_count: int | None = None
    reply_count: int | None = None
    rating: float | None = None
    record_hash: str = Field(max_length=40)
    language: str | None = Field(default=None, max_length=8)
    sentiment_compound: float | None = None
    sentiment_label: str | None = Field(default=None, max_length=10)
    sentiment_scorer: str | None = Field(default=None, max_length=50)
    sentiment_version: str | None = Field(default=None, max_length=50)
    # The text mixes substantial praise and complaint (labelled neutral for it); NULL before 0009.
    sentiment_mixed: bool | None = None
    # A person's correction of the label; every report and alert prefers it to the scorer's.
    label_override: str | None = Field(default=None, max_length=10)
    label_override_at: datetime | None = None
    first_seen_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # The whole text is a thanks or a closing ("Perfecto, gracias!", "👍": `socialmon.acknowledgement`),
    # set as the comment is written (0016): a customer's waits for no answer and is left out of the
    # response rate; it still counts in the sentiment figures.
    is_acknowledgement: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class ScanRun(SQLModel, table=True):
    """One channel's part of one `socialmon scan`."""

    __tablename__ = "scan_run"

    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(foreign_key="channel.id", index=True)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    status: str = Field(default="running", max_length=20)  # running, ok, partial, failed, busy, interrupted
    pages: int = 0
    new_posts: int = 0
    new_comments: int = 0
    updated_posts: int = 0
    updated_comments: int = 0
    rejected: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text))


class PendingThread(SQLModel, table=True):
    """A listed item whose thread a scan could not read in full: read again on each scan until it is (0006).

    Written in the same transaction as the page that found it, and deleted in the one that
    reads it, or learns it is gone; while a channel has any, its scans end `partial`.
    """

    __tablename__ = "pending_thread"
    __table_args__ = (UniqueConstraint("channel_id", "item_key", name="uq_pending_thread_channel_item"),)

    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(foreign_key="channel.id")
    item_key: str = Field(max_length=200)  # the listed item's platform id
    item: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))  # what the connector reads it from
    reason: str = Field(sa_column=Column(Text, nullable=False))
    attempts: int = 1
    first_failed_at: datetime = Field(default_factory=utcnow)
    last_failed_at: datetime = Field(default_factory=utcnow)


class Alert(SQLModel, table=True):
    """One finding of an alert rule; the dedup key makes a second finding of the same thing a no-op."""

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_brand_open", "brand_id", "resolved_at", "acknowledged_at"),)

    id: int | None = Field(default=None, primary_key=True)
    brand_id: int = Field(foreign_key="brand.id", index=True)
    channel_id: int | None = Field(default=None, foreign_key="channel.id")
    rule: str = Field(max_length=50)
    dedup_key: str = Field(unique=True, max_length=300)
    severity: str = Field(default="warning", max_length=20)
    title: str = Field(sa_column=Column(Text, nullable=False))
    detail: str | None = Field(default=None, sa_column=Column(Text))
    subject_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    # What the rule saw (observed value, baseline, comment text, link…), so a message can be
    # worded in the brand's language when it is sent (0004).
    facts: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class AlertDelivery(SQLModel, table=True):
    """An alert's delivery to one destination (e-mail, a webhook): claimed, then sent or failed.

    A process claims rows (`claimed_by`, `claimed_at`) in one statement before delivering, so two
    overlapping `alerts send` runs never deliver the same alert to the same place; a claim older
    than the lease is taken over (its process died).
    """

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("alert_id", "destination", name="uq_alert_delivery_destination"),)

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    destination: str = Field(max_length=320)  # "email:" and a mailbox of up to 254 characters
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    attempts: int = 0
    last_attempt_at: datetime | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text))


class ReportDelivery(SQLModel, table=True):
    """A report sent by e-mail (`socialmon report --email`): one row per brand, view and window.

    The window is its first and last local day, so cron running the same report twice that day
    finds the row and sends nothing (`--force` sends again). The row is written before sending
    (`sent_at` empty) and removed if sending fails; a second run at the same moment finds it.
    """

    __tablename__ = "report_delivery"
    __table_args__ = (
        UniqueConstraint("brand", "view", "first_day", "last_day", name="uq_report_delivery_window"),
    )

    id: int | None = Field(default=None, primary_key=True)
    brand: str = Field(max_length=100)
    view: str = Field(max_length=20)
    first_day: date
    last_day: date
    recipients: str = Field(sa_column=Column(Text, nullable=False))
    claimed_at: datetime
    sent_at: datetime | None = None


class WatchExamined(SQLModel, table=True):
    """A comment's text the watch-list rule examined with a brand's terms (0011).

    `terms` is a digest of the terms (and of the matcher's version); `text_length` and
    `updated_at` are the comment's row as it was read. A later run skips the comment while all
    three are the same: its text was matched then, and what matched is in an alert. Written in
    the transaction that stores the alerts the examination raised; rows older than the rule's
    lookback are deleted.
    """

    __tablename__ = "watch_examined"
    __table_args__ = (UniqueConstraint("brand_id", "comment_id", name="uq_watch_examined_brand_comment"),)

    id: int | None = Field(default=None, primary_key=True)
    brand_id: int = Field(foreign_key="brand.id")
    comment_id: int
    terms: str = Field(max_length=64)
    text_length: int
    updated_at: datetime
    examined_at: datetime


class AlertProgress(SQLModel, table=True):
    """How far the comment rules have judged a brand (0012), so that a later run reads what may have
    changed: `rules` is a digest of the settings they judged with, `judged_at` the moment they
    judged, `changed_since` a moment before which every comment written had been read,
    `read_in_full_at` the last time a run read the whole reach, `skipped` the channels they left
    out (half-imported), `pending` the waiting rule's comments to judge again. Written in the
    transaction that stores the alerts of the run.
    """

    __tablename__ = "alert_progress"

    brand_id: int = Field(foreign_key="brand.id", primary_key=True)
    rules: str = Field(max_length=64)
    judged_at: datetime
    changed_since: datetime
    read_in_full_at: datetime
    skipped: list[int] = Field(sa_column=Column(JSON, nullable=False))
    pending: list[int] = Field(sa_column=Column(JSON, nullable=False))


metadata = SQLModel.metadata
