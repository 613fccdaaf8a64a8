"""The tables as reports read them: SQLAlchemy Core tables, without SQLModel's ORM classes.

`socialmon.models` defines the schema (and the migrations follow it); importing it builds
every model class and loads SQLAlchemy's ORM, about a quarter of a second that a report
spends on nothing else. The reports only select, so they describe the columns they read
here, with the same names and types; tests/analytics/test_tables.py checks them against
the models.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Float, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored in UTC and read back aware, as `sqlmodel`'s UTCDateTime that the
    models' datetime columns use."""

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("a report compares stored times with aware datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)


metadata = MetaData()


def _table(name: str, *columns: Column[Any]) -> Table:
    return Table(name, metadata, Column("id", Integer, primary_key=True), *columns)


BRAND = _table("brand", Column("slug", String(100)), Column("name", String(200)))
CHANNEL = _table(
    "channel",
    Column("brand_id", Integer),
    Column("name", String(100)),
    Column("platform", String(50)),
    Column("last_status", String(20)),
)
PENDING_THREAD = _table("pending_thread", Column("channel_id", Integer))
POST = _table(
    "post",
    Column("channel_id", Integer),
    Column("platform_id", String(200)),
    Column("kind", String(20)),
    Column("author_name", String(300)),
    Column("text", Text),
    Column("url", Text),
    Column("created_at", UTCDateTime()),
    Column("deleted", Boolean),
    Column("like_count", Integer),
    Column("share_count", Integer),
)
COMMENT = _table(
    "comment",
    Column("channel_id", Integer),
    Column("platform_id", String(200)),
    Column("kind", String(20)),
    Column("post_platform_id", String(200)),
    Column("parent_platform_id", String(200)),
    Column("author_id", String(200)),
    Column("author_name", String(300)),
    Column("is_business", Boolean),
    Column("text", Text),
    Column("url", Text),
    Column("created_at", UTCDateTime()),
    Column("deleted", Boolean),
    Column("rating", Float),
    Column("sentiment_compound", Float),
    Column("sentiment_label", String(10)),
    Column("sentiment_mixed", Boolean),
    Column("label_override", String(10)),
)
