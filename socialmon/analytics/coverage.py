"""Where a brand's comments are in time: how many the window holds, the newest and the oldest waiting.

A report whose window holds no comments says so and where the data is (the newest comment's
day), and `socialmon pending` starts its window at the oldest comment still waiting, so that a
window is a filter the user asks for, never a default that hides an unanswered customer.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, false, func, select

from socialmon.analytics.scope import Scope
from socialmon.database import Database
from socialmon.tables import COMMENT


def _customer_comments(scope: Scope) -> list[object]:
    return [
        COMMENT.c.channel_id.in_(scope.channel_ids),
        COMMENT.c.is_business == false(),
        COMMENT.c.deleted == false(),
    ]


def comment_coverage(database: Database, scope: Scope) -> tuple[int, datetime | None]:
    """The customer comments written in the window, and the newest of the channels at any time."""
    if not scope.channel_ids:
        return 0, None
    created = COMMENT.c.created_at
    in_window = and_(created >= scope.since, created < scope.until)
    query = select(func.coalesce(func.sum(case((in_window, 1), else_=0)), 0), func.max(created)).where(
        *_customer_comments(scope)
    )
    with database.read() as connection:
        count, newest = connection.execute(query).one()
    return int(count or 0), _aware(newest)


def since_oldest_comment(database: Database, scope: Scope) -> Scope:
    """`scope` opened back to local midnight of its oldest customer comment's day, when that is
    earlier than its start: every comment still waiting is in it, whatever its age."""
    if not scope.channel_ids:
        return scope
    query = select(func.min(COMMENT.c.created_at)).where(*_customer_comments(scope))
    with database.read() as connection:
        oldest = _aware(connection.execute(query).scalar())
    if oldest is None or oldest >= scope.since:
        return scope
    zone = ZoneInfo(scope.brand.timezone)
    start = datetime.combine(oldest.astimezone(zone).date(), time(0), tzinfo=zone).astimezone(UTC)
    return replace(scope, since=start)


def _aware(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite's MAX() of a datetime column
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


__all__ = ["comment_coverage", "since_oldest_comment"]
