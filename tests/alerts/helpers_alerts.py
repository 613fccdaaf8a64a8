"""Building data for the rules: many comments at once, and running the rules at a fixed moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from analytics.seeding import Seed
from sqlalchemy import insert, select

from socialmon.alerts import evaluate_alerts
from socialmon.alerts.service import BrandEvaluation
from socialmon.config import BrandConfig, ReportOptions
from socialmon.database import Database
from socialmon.models import Alert, Comment

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # a Friday


def comments_at(
    database: Database, channel_id: int, moments: list[tuple[datetime, str]], prefix: str, **fields: Any
) -> None:
    """One customer comment per (moment, label), in one statement."""
    rows = [
        {
            "channel_id": channel_id,
            "platform_id": f"{prefix}{i}",
            "kind": "comment",
            "post_platform_id": "p1",
            "author_id": f"user-{prefix}{i}",
            "author_name": f"User {prefix}{i}",
            "is_business": False,
            "created_at": moment,
            "record_hash": "x",
            "text": f"comment {prefix}{i}",
            "sentiment_label": label,
            "first_seen_at": moment,
            "updated_at": moment,
            **fields,
        }
        for i, (moment, label) in enumerate(moments)
    ]
    with database.write() as connection:
        connection.execute(insert(Comment.__table__), rows)


def seed_comments(seed: Seed, channel_id: int, comments: list[tuple[str, str, dict[str, Any]]]) -> None:
    """Each (platform id, 'YYYY-MM-DD HH:MM', fields) written as `Seed.comment(channel_id, cid, when,
    **fields)` writes it (`Seed.comment_row`), all in one statement: a test of a hundred comments
    spent most of its time on a transaction per comment. The rows of one call must name the same
    columns."""
    rows = [seed.comment_row(channel_id, cid, when, **fields) for cid, when, fields in comments]
    with seed.database.write() as connection:
        connection.execute(insert(Comment.__table__), rows)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def ago(**delta: float) -> str:
    """A seed time `delta` before NOW."""
    return iso(NOW - timedelta(**delta))


def comment_id(seed: Seed, platform_id: str) -> int:
    with seed.database.read() as connection:
        table = Comment.__table__
        return connection.execute(table.select().where(table.c.platform_id == platform_id)).one().id


def spread(start: datetime, hours: float, count: int) -> list[datetime]:
    """`count` moments evenly spread over the `hours` after `start`."""
    step = timedelta(hours=hours) / count
    return [start + step * i for i in range(count)]


def run_rules(
    database: Database,
    brand: BrandConfig,
    now: datetime = NOW,
    windows: dict[str, timedelta] | None = None,
    reports: ReportOptions | None = None,
) -> BrandEvaluation:
    return evaluate_alerts(database, [brand], reports or ReportOptions(), windows or {}, now=now)[0]


def alerts(database: Database, rule: str | None = None) -> list[Any]:
    table = Alert.__table__
    query = select(table).order_by(table.c.id)
    if rule:
        query = query.where(table.c.rule == rule)
    with database.read() as connection:
        return list(connection.execute(query).mappings())


def members(alert: Any) -> list[int]:
    """The comments of a group alert (a wave, a burst): every id, in the order they joined."""
    return list(alert["facts"]["comment_ids"])


def quoted(alert: Any) -> dict[int, dict[str, Any]]:
    """The worst few comments a group alert quotes, by comment id."""
    return {comment["id"]: comment for comment in alert["facts"]["comments"]}
