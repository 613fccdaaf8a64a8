"""The database's tables as SQLAlchemy Core tables: what the commands read and write.

`socialmon.models` defines the schema (SQLModel classes; the migrations' autogenerate follows
them). Importing it builds every model class and loads SQLAlchemy's ORM and sqlmodel: about
0.15-0.3 s of a command's start (`import sqlalchemy.orm` ~80 ms, `import sqlmodel` ~140 ms,
the model classes ~60 ms, measured with -X importtime), most of a re-scan that adds nothing.
The commands only run Core statements, so they use these tables instead: the same names,
columns, types, nullability, keys, indexes, constraints and Python-side defaults.
tests/test_tables.py checks every table against the models' (and the DDL both compile to),
so the two cannot drift; a new database is created from this metadata (`Database.upgrade`).
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Alias,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Interval,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.operators import OperatorType
from sqlalchemy.types import TypeDecorator, TypeEngine

from socialmon.clock import utcnow


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored in UTC and read back aware in UTC: sqlmodel's `UTCDateTime`, which
    the models' datetime columns use, without importing sqlmodel."""

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def __repr__(self) -> str:
        return "UTCDateTime()"

    def coerce_compared_value(self, op: OperatorType | None, value: Any) -> TypeEngine[Any]:
        if isinstance(value, timedelta):
            return Interval()
        return self

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("a stored time must be timezone-aware (socialmon stores UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # Databases without time zones (SQLite) store UTC without an offset.
        return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)


metadata = MetaData()


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def _required(name: str, type_: Any, *args: Any, **kwargs: Any) -> Column[Any]:
    return Column(name, type_, *args, nullable=False, **kwargs)


def _optional(name: str, type_: Any, *args: Any, **kwargs: Any) -> Column[Any]:
    return Column(name, type_, *args, nullable=True, **kwargs)


BRAND = Table(
    "brand",
    metadata,
    _id(),
    _required("slug", String(100), unique=True),
    _required("name", String(200)),
    _required("timezone", String(64), default="UTC"),
    _required("language", String(8), default="en"),
    _required("response_sla_minutes", Float, default=24 * 60),
)

CHANNEL = Table(
    "channel",
    metadata,
    _id(),
    _required("brand_id", Integer, ForeignKey("brand.id"), index=True),
    _required("name", String(100)),
    _required("platform", String(50)),
    _required("account", String(300), default=""),
    _optional("cursor", JSON),
    _optional("last_scan_at", UTCDateTime()),
    _optional("last_status", String(20)),
    _optional("last_error", Text),
    _optional("token_expires_at", UTCDateTime()),
    UniqueConstraint("brand_id", "name", name="uq_channel_brand_name"),
)

POST = Table(
    "post",
    metadata,
    _id(),
    _required("channel_id", Integer, ForeignKey("channel.id")),
    _required("platform_id", String(200)),
    _required("kind", String(20), default="post", server_default="post"),
    _optional("author_id", String(200)),
    _optional("author_name", String(300)),
    _required("is_business", Boolean, default=True),
    _required("text", Text),
    _optional("url", Text),
    _required("created_at", UTCDateTime()),
    _optional("edited_at", UTCDateTime()),
    _required("deleted", Boolean, default=False),
    _optional("like_count", Integer),
    _optional("comment_count", Integer),
    _optional("share_count", Integer),
    _required("replies_closed", Boolean, default=False, server_default=false()),
    _required("record_hash", String(40)),
    _required("first_seen_at", UTCDateTime(), default=utcnow),
    _required("updated_at", UTCDateTime(), default=utcnow),
    UniqueConstraint("channel_id", "platform_id", name="uq_post_channel_platform_id"),
    Index("ix_post_channel_created", "channel_id", "created_at"),
)

COMMENT = Table(
    "comment",
    metadata,
    _id(),
    _required("channel_id", Integer, ForeignKey("channel.id")),
    _required("platform_id", String(200)),
    _required("kind", String(20), default="comment"),
    _optional("post_platform_id", String(200)),
    _optional("parent_platform_id", String(200)),
    _optional("author_id", String(200)),
    _optional("author_name", String(300)),
    _required("is_business", Boolean, default=False),
    _required("text", Text),
    _optional("url", Text),
    _required("created_at", UTCDateTime()),
    _optional("edited_at", UTCDateTime()),
    _required("deleted", Boolean, default=False),
    _optional("like_count", Integer),
    _optional("reply_count", Integer),
    _optional("rating", Float),
    _required("record_hash", String(40)),
    _optional("language", String(8)),
    _optional("sentiment_compound", Float),
    _optional("sentiment_label", String(10)),
    _optional("sentiment_scorer", String(50)),
    _optional("sentiment_version", String(50)),
    _optional("sentiment_mixed", Boolean),
    _optional("label_override", String(10)),
    _optional("label_override_at", UTCDateTime()),
    _required("first_seen_at", UTCDateTime(), default=utcnow),
    _required("updated_at", UTCDateTime(), default=utcnow),
    _required("is_acknowledgement", Boolean, default=False, server_default=false()),
    UniqueConstraint("channel_id", "platform_id", name="uq_comment_channel_platform_id"),
    Index("ix_comment_created_at", "created_at"),
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
        "is_acknowledgement",
    ),
    Index(
        "ix_comment_post_reactions",
        "channel_id",
        "post_platform_id",
        "deleted",
        "is_business",
        "sentiment_label",
        "label_override",
        "rating",
    ),
    Index("ix_comment_reply_lookup", "channel_id", "parent_platform_id", "is_business", "created_at"),
    Index("ix_comment_updated_at", "updated_at"),  # the alert rules: what was written since a run
)

SCAN_RUN = Table(
    "scan_run",
    metadata,
    _id(),
    _required("channel_id", Integer, ForeignKey("channel.id"), index=True),
    _required("started_at", UTCDateTime(), default=utcnow),
    _optional("finished_at", UTCDateTime()),
    _required("status", String(20), default="running"),
    _required("pages", Integer, default=0),
    _required("new_posts", Integer, default=0),
    _required("new_comments", Integer, default=0),
    _required("updated_posts", Integer, default=0),
    _required("updated_comments", Integer, default=0),
    _required("rejected", Integer, default=0),
    _optional("error", Text),
)

PENDING_THREAD = Table(
    "pending_thread",
    metadata,
    _id(),
    _required("channel_id", Integer, ForeignKey("channel.id")),
    _required("item_key", String(200)),
    _required("item", JSON),
    _required("reason", Text),
    _required("attempts", Integer, default=1),
    _required("first_failed_at", UTCDateTime(), default=utcnow),
    _required("last_failed_at", UTCDateTime(), default=utcnow),
    UniqueConstraint("channel_id", "item_key", name="uq_pending_thread_channel_item"),
)

ALERT = Table(
    "alert",
    metadata,
    _id(),
    _required("brand_id", Integer, ForeignKey("brand.id"), index=True),
    _optional("channel_id", Integer, ForeignKey("channel.id")),
    _required("rule", String(50)),
    _required("dedup_key", String(300), unique=True),
    _required("severity", String(20), default="warning"),
    _required("title", Text),
    _optional("detail", Text),
    _optional("subject_id", Integer),
    _required("created_at", UTCDateTime(), default=utcnow),
    _optional("sent_at", UTCDateTime()),
    _optional("acknowledged_at", UTCDateTime()),
    _optional("resolved_at", UTCDateTime()),
    _optional("facts", JSON),
    Index("ix_alert_brand_open", "brand_id", "resolved_at", "acknowledged_at"),
)

# A delivery's destination is a webhook's name or `email:` and a recipient's mailbox, which may be
# 254 characters (RFC 5321 4.5.3.1.3): 320 holds both, the name's limit in the config is this one.
DESTINATION_LENGTH = 320

ALERT_DELIVERY = Table(
    "alert_delivery",
    metadata,
    _id(),
    _required("alert_id", Integer, ForeignKey("alert.id"), index=True),
    _required("destination", String(DESTINATION_LENGTH)),
    _optional("claimed_by", String(64)),
    _optional("claimed_at", UTCDateTime()),
    _optional("sent_at", UTCDateTime()),
    _required("attempts", Integer, default=0),
    _optional("last_attempt_at", UTCDateTime()),
    _optional("last_error", Text),
    UniqueConstraint("alert_id", "destination", name="uq_alert_delivery_destination"),
)

REPORT_DELIVERY = Table(
    "report_delivery",
    metadata,
    _id(),
    _required("brand", String(100)),
    _required("view", String(20)),
    _required("first_day", Date),
    _required("last_day", Date),
    _required("recipients", Text),
    _required("claimed_at", UTCDateTime()),
    _optional("sent_at", UTCDateTime()),
    UniqueConstraint("brand", "view", "first_day", "last_day", name="uq_report_delivery_window"),
)

# The texts the watch-list rule examined (matched, or ruled out by the database) with a brand's
# terms: a later run skips a comment whose row still has the length and update time it had then
# (`alerts.rules`). Written with the alerts the examination raised, in the same transaction.
WATCH_EXAMINED = Table(
    "watch_examined",
    metadata,
    _id(),
    _required("brand_id", Integer, ForeignKey("brand.id")),
    _required("comment_id", Integer),
    _required("terms", String(64)),
    _required("text_length", Integer),
    _required("updated_at", UTCDateTime()),
    _required("examined_at", UTCDateTime()),
    UniqueConstraint("brand_id", "comment_id", name="uq_watch_examined_brand_comment"),
)

# How far the comment rules have judged a brand (`alerts.rules`, 0012): when, with which settings
# (a digest), the channels they skipped, and the comments they left to judge again. A later run
# with the same settings reads those, the comments written since, and the ones time brought in.
# Written with the alerts of the run, in the same transaction.
ALERT_PROGRESS = Table(
    "alert_progress",
    metadata,
    Column("brand_id", Integer, ForeignKey("brand.id"), primary_key=True),
    _required("rules", String(64)),
    _required("judged_at", UTCDateTime()),
    _required("changed_since", UTCDateTime()),
    _required("read_in_full_at", UTCDateTime()),
    _required("skipped", JSON),
    _required("pending", JSON),
)


@functools.cache
def comment_as(name: str) -> Alias:
    """The comment table under another name in a query (`FROM comment AS name`), one object per name.

    SQLAlchemy builds an alias's columns the first time they are read, one proxy per column of the
    table: 0.56 ms for `comment`'s 29, and a report or an alerts run made 10-25 of them (7,600 in
    the quick test suite, 6 s of its profile, the profiler's overhead included). An alias changes
    no more than the table does, so statements share it; its columns are built here, before any
    thread can read them (a PostgreSQL report pairs the previous period on a second thread).
    Shared, two readings of one name in one statement are one table: a subquery nested in a query
    on the same name would correlate with it instead of reading the table again, so each reading
    that must stay apart takes its own name."""
    alias = COMMENT.alias(name)
    alias.c  # noqa: B018 (built now, see above)
    return alias
