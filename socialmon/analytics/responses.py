"""First response times and the comments still waiting for one — paired in SQL.

Definitions (defaults; each is a `[reports]` option, printed at the foot of every report):

- A **customer comment** is a comment, reply or review not written by the business and
  not deleted on the platform, written in the window.
- Its **first response** is the earliest reply in the same channel that
  - answers it directly (its parent is the comment), or — with `reply_match = "thread"`,
    for platforms with one level of threading — replies to the same parent later than it
    (unless that parent is the business's own comment and `self_thread_replies = false`);
  - is written by the business (`reply_by = "business"`), or by anyone but the comment's
    author (`reply_by = "anyone"`).
  A reply to a reply further down a deep thread (Reddit, Mastodon) does not count.
- The **wait** is the time from the comment to that reply (never negative). Waits are
  reported for answered comments only: median, p90 (interpolated, as PostgreSQL's
  `percentile_cont`), mean; the **response rate** is answered / timed comments, and the
  **SLA share** is comments answered within the brand's `response_sla` / timed comments
  (so an unanswered comment counts against it), as Sprout Social and Agorapulse do.
- With `conversation_gap` set, a customer comment that follows another customer comment
  in the same thread within the gap, with no reply between, continues that conversation
  and is not timed on its own (Hootsuite's conversation model); otherwise every customer
  comment is timed.
- Replies that arrive after the window's end still count: the report is as of now.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime
from statistics import fmean
from typing import Any

from sqlalchemy import (
    Float,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.sql.elements import ColumnElement

from socialmon.analytics._sql import local_bucket, seconds_between
from socialmon.analytics.business_time import BusinessCalendar
from socialmon.analytics.results import (
    NeedsReply,
    PendingComment,
    ResponseGroup,
    ResponseTimes,
    WaitStats,
)
from socialmon.analytics.scope import Scope
from socialmon.database import Database
from socialmon.models import Channel, Comment

COMMENT = Comment.__table__
CHANNEL = Channel.__table__


def effective_label(table: Any) -> ColumnElement[Any]:
    """A person's correction wins over the scorer's label."""
    return func.coalesce(table.c.label_override, table.c.sentiment_label)


def _replies_to(reply: Any, comment: Any, scope: Scope) -> ColumnElement[bool]:
    if scope.rules.reply_by == "business":
        return reply.c.is_business == true()
    return or_(reply.c.is_business == true(), reply.c.author_id.is_distinct_from(comment.c.author_id))


def _first_replies(comment: Any, scope: Scope) -> tuple[ColumnElement[Any], ColumnElement[Any] | None]:
    """Correlated scalar subqueries: the first direct reply, and (thread rule) the first later sibling reply.

    Kept apart so each runs once per comment; callers combine them after materializing.
    """
    direct = COMMENT.alias("direct_reply")
    direct_at = (
        select(func.min(direct.c.created_at))
        .where(
            direct.c.channel_id == comment.c.channel_id,
            direct.c.parent_platform_id == comment.c.platform_id,
            _replies_to(direct, comment, scope),
        )
        .scalar_subquery()
    )
    if scope.rules.reply_match == "direct":
        return direct_at, None
    sibling = COMMENT.alias("thread_reply")
    conditions = [
        sibling.c.channel_id == comment.c.channel_id,
        sibling.c.parent_platform_id == comment.c.parent_platform_id,
        _replies_to(sibling, comment, scope),
        sibling.c.created_at > comment.c.created_at,
    ]
    if not scope.rules.self_thread_replies:
        parent = COMMENT.alias("thread_parent")
        conditions.append(
            not_(
                select(parent.c.id)
                .where(
                    parent.c.channel_id == comment.c.channel_id,
                    parent.c.platform_id == comment.c.parent_platform_id,
                    parent.c.is_business == true(),
                )
                .exists()
            )
        )
    return direct_at, select(func.min(sibling.c.created_at)).where(*conditions).scalar_subquery()


def _earliest(first: Any, second: Any) -> ColumnElement[Any]:
    return case(
        (first.is_(None), second),
        (second.is_(None), first),
        (second < first, second),
        else_=first,
    )


def _unanswered(comment: Any, scope: Scope) -> ColumnElement[bool]:
    direct_at, sibling_at = _first_replies(comment, scope)
    if sibling_at is None:
        return direct_at.is_(None)
    return and_(direct_at.is_(None), sibling_at.is_(None))


def customer_comments(scope: Scope, *, alias: str = "c") -> Any:
    table = COMMENT.alias(alias)
    return table, [
        table.c.channel_id.in_(scope.channel_ids),
        table.c.is_business == false(),
        table.c.deleted == false(),
        table.c.created_at >= scope.since,
        table.c.created_at < scope.until,
    ]


def _conversation_starts(scope: Scope, dialect: str) -> Any:
    """Customer comments that begin a conversation (see `conversation_gap`), as a subquery of ids."""
    gap_seconds = (scope.rules.conversation_gap or 0) * 60
    thread = COMMENT.alias("t")
    from datetime import timedelta

    key = func.coalesce(thread.c.parent_platform_id, thread.c.platform_id)
    ordered = (
        select(
            thread.c.id,
            thread.c.is_business,
            thread.c.created_at,
            func.lag(thread.c.created_at)
            .over(partition_by=(thread.c.channel_id, key), order_by=(thread.c.created_at, thread.c.id))
            .label("previous_at"),
            func.lag(thread.c.is_business)
            .over(partition_by=(thread.c.channel_id, key), order_by=(thread.c.created_at, thread.c.id))
            .label("previous_business"),
        )
        .where(
            thread.c.channel_id.in_(scope.channel_ids),
            thread.c.deleted == false(),
            thread.c.created_at >= scope.since - timedelta(seconds=gap_seconds),
            thread.c.created_at < scope.until,
        )
        .subquery("ordered")
    )
    gap = seconds_between(ordered.c.created_at, ordered.c.previous_at, dialect)
    return select(ordered.c.id).where(
        ordered.c.is_business == false(),
        or_(ordered.c.previous_at.is_(None), ordered.c.previous_business == true(), gap > gap_seconds),
    )


def first_responses(scope: Scope, dialect: str, *, timed_only: bool = True) -> Any:
    """One row per customer comment: its channel, time, local period, first reply time and wait.

    Two MATERIALIZED CTEs: the reply lookups run exactly once per comment (SQLite would
    otherwise repeat a correlated subquery everywhere its column is referenced).
    """
    comment, conditions = customer_comments(scope)
    direct_at, sibling_at = _first_replies(comment, scope)
    inner = select(
        comment.c.id,
        comment.c.channel_id,
        comment.c.created_at,
        local_bucket(
            comment.c.created_at, scope.brand.timezone, scope.period, dialect, scope.since, scope.until
        ).label("period"),
        direct_at.label("direct_at"),
        (sibling_at if sibling_at is not None else cast(literal(None), COMMENT.c.created_at.type)).label(
            "sibling_at"
        ),
    ).where(*conditions)
    if timed_only and scope.rules.conversation_gap:
        inner = inner.where(comment.c.id.in_(_conversation_starts(scope, dialect)))
    raw = inner.cte("reply_lookup").prefix_with("MATERIALIZED")
    first_at = _earliest(raw.c.direct_at, raw.c.sibling_at)
    paired = (
        select(raw.c.id, raw.c.channel_id, raw.c.created_at, raw.c.period, first_at.label("first_reply_at"))
        .cte("paired")
        .prefix_with("MATERIALIZED")
    )
    seconds = seconds_between(paired.c.first_reply_at, paired.c.created_at, dialect)
    never_negative = func.max(seconds, 0) if dialect == "sqlite" else func.greatest(seconds, 0)
    wait = case((paired.c.first_reply_at.is_(None), None), else_=never_negative)
    # Computed once per statement even when read three times (channel, period, overall groups).
    return select(paired, cast(wait, Float).label("wait")).cte("first_response").prefix_with("MATERIALIZED")


def _minutes(seconds: Any) -> float | None:
    return None if seconds is None else float(seconds) / 60


def _percentile_py(values: list[float], numerator: int, denominator: int) -> float | None:
    """Interpolated percentile of sorted `values`, exactly as PostgreSQL's `percentile_cont`."""
    if not values:
        return None
    position = (len(values) - 1) * numerator
    low, remainder = divmod(position, denominator)
    weight = remainder / denominator
    high = min(low + 1, len(values) - 1)
    return values[low] * (1 - weight) + values[high] * weight


def _wait_stats(values: list[float], sla_seconds: float) -> WaitStats:
    """Mean, median, p90 (minutes) and the count within the SLA, from one sort of a group's waits."""
    ordered = sorted(values)
    return WaitStats(
        mean=_minutes(fmean(ordered)) if ordered else None,
        median=_minutes(_percentile_py(ordered, 1, 2)),
        p90=_minutes(_percentile_py(ordered, 9, 10)),
        within_sla=bisect_right(ordered, sla_seconds),
    )


class _Waits:
    """One group's timed comments and the waits of its answered ones (wall clock and business time)."""

    __slots__ = ("business", "comments", "wall")

    def __init__(self) -> None:
        self.comments = 0
        self.wall: list[float] = []
        self.business: list[float] = []


def _collect_waits(
    database: Database, scope: Scope, dialect: str, calendar: BusinessCalendar | None
) -> dict[tuple[str, Any], _Waits]:
    """Every timed comment's wait, grouped overall, per channel and per period — one pairing pass.

    The pairing (and the wall-clock wait, in whole seconds on SQLite) is SQL, run once per
    report; the order statistics are one sort per group, and the business clock is Python.
    """
    paired = first_responses(scope, dialect)
    columns = [paired.c.channel_id, paired.c.period, paired.c.wait]
    if calendar is not None:
        columns += [paired.c.created_at, paired.c.first_reply_at]
    groups: dict[tuple[str, Any], _Waits] = {}

    def group(key: tuple[str, Any]) -> _Waits:
        found = groups.get(key)
        if found is None:
            found = groups[key] = _Waits()
        return found

    overall = group(("all", None))
    with database.read() as connection:
        for row in connection.execute(select(*columns)):
            targets = (overall, group(("channel", row[0])), group(("period", row[1])))
            wait = row[2]
            business = None
            if wait is not None and calendar is not None:
                business = calendar.business_seconds(row[3], row[4])
            for target in targets:
                target.comments += 1
                if wait is not None:
                    target.wall.append(wait)
                    if business is not None:
                        target.business.append(business)
    return groups


def response_times(database: Database, scope: Scope) -> ResponseTimes:
    dialect = database.dialect
    sla_seconds = scope.brand.response_sla * 60
    calendar = (
        BusinessCalendar(scope.brand.business_hours, scope.brand.timezone)
        if scope.brand.business_hours and scope.brand.business_hours.ranges() and scope.channel_ids
        else None
    )
    groups = _collect_waits(database, scope, dialect, calendar) if scope.channel_ids else {}
    empty = _Waits()

    def group(kind: str, value: Any, label: str) -> ResponseGroup:
        waits = groups.get((kind, value), empty)
        return ResponseGroup(
            key=label,
            comments=waits.comments,
            answered=len(waits.wall),
            wall=_wait_stats(waits.wall, sla_seconds),
            business=_wait_stats(waits.business, sla_seconds) if calendar else None,
        )

    return ResponseTimes(
        sla_minutes=scope.brand.response_sla,
        overall=group("all", None, "all"),
        by_channel=[group("channel", c.id, c.name) for c in scope.channels],
        by_period=[group("period", d.isoformat(), d.isoformat()) for d in scope.period_starts()],
        business_hours=calendar is not None,
    )


def needs_reply(
    database: Database, scope: Scope, *, limit: int | None = 50, negative_first: bool = False
) -> NeedsReply:
    """Customer comments with no response yet, oldest first (negative ones first when asked)."""
    if not scope.channel_ids:
        return NeedsReply(total=0, negative=0, over_sla=0, items=[])
    comment, conditions = customer_comments(scope)
    label = effective_label(comment)
    unanswered = and_(*conditions, _unanswered(comment, scope))
    sla_edge = scope.now.timestamp() - scope.brand.response_sla * 60
    sla_limit = datetime.fromtimestamp(sla_edge, UTC)
    totals = select(
        func.count(),
        func.sum(case((label == "negative", 1), else_=0)),
        func.sum(case((comment.c.created_at <= sla_limit, 1), else_=0)),
    ).where(unanswered)
    order = [comment.c.created_at, comment.c.id]
    if negative_first:
        order.insert(0, case((label == "negative", 0), else_=1))
    # Separate from the totals on purpose: ordered by time with a LIMIT, SQLite walks the
    # created_at index and stops after `limit` unanswered comments instead of pairing them all.
    query = (
        select(
            CHANNEL.c.name,
            comment.c.platform_id,
            func.coalesce(comment.c.author_name, comment.c.author_id),
            comment.c.created_at,
            label,
            comment.c.sentiment_compound,
            comment.c.text,
            comment.c.url,
        )
        .join(CHANNEL, CHANNEL.c.id == comment.c.channel_id)
        .where(unanswered)
        .order_by(*order)
    )
    if limit is not None:
        query = query.limit(limit)
    with database.read() as connection:
        total, negative, over_sla = connection.execute(totals).one()
        items = [
            PendingComment(
                channel=channel,
                platform_id=platform_id,
                author=author,
                created_at=created_at,
                age_minutes=max((scope.now - created_at).total_seconds() / 60, 0.0),
                label=label_value,
                compound=compound,
                text=text,
                url=url,
                over_sla=created_at <= sla_limit,
            )
            for channel, platform_id, author, created_at, label_value, compound, text, url in connection.execute(
                query
            )
        ]
    return NeedsReply(
        total=int(total or 0), negative=int(negative or 0), over_sla=int(over_sla or 0), items=items
    )


def period_key(day: date) -> str:
    return day.isoformat()
