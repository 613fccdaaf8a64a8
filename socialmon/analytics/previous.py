"""The previous period: the headline figures over the window of the same length just before.

A report from 1 to 7 October (local days) compares with 24 to 30 September; a window that
ends now (30 days back, until this minute) with the same span just before its start. The
length is counted on the brand's wall clock, so a daylight-saving change in between moves
no boundary off local midnight. The figures are measured by the same rules and, like the
report's, as of now (a reply written after the previous window still ends a wait in it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from socialmon.analytics.responses import (
    PairedComment,
    effective_label,
    pair_first_replies,
    response_times,
    still_waiting,
)
from socialmon.analytics.results import BrandReport, HeadlineFigures, PreviousPeriod
from socialmon.analytics.scope import Scope
from socialmon.database import Database


def previous_window(since: datetime, until: datetime, zone: str) -> tuple[datetime, datetime]:
    """[since − length, since): `length` measured between the local wall-clock times."""
    tz = ZoneInfo(zone)
    start, end = _wall_clock(since, tz), _wall_clock(until, tz)
    earlier = start - (end - start)
    return earlier.replace(tzinfo=tz).astimezone(UTC), since.astimezone(UTC)


def _wall_clock(moment: datetime, tz: ZoneInfo) -> datetime:
    """`moment` as the naive local time it reads, but a day's first instant as its midnight.

    Where the clock jumps forward at midnight (Chile, the Azores) a day starts at 01:00: read as
    01:00, a window from that day, or ending the day before it, was an hour short or long, and
    the previous period started at 02:00 or at 23:00 instead of at midnight."""
    reading = moment.astimezone(tz)
    midnight = datetime.combine(reading.date(), time(0), tzinfo=tz)
    if midnight.astimezone(UTC) == moment.astimezone(UTC):
        return midnight.replace(tzinfo=None)
    return reading.replace(tzinfo=None)


def headline_figures(report: BrandReport) -> HeadlineFigures:
    """The figures a report leads with, from its computed sections (None where a view lacks one)."""
    statistic = report.rules.get("statistic", "median")
    response = business = rate = within = None
    times = report.response_times
    if times is not None:
        overall = times.overall
        response = overall.wall.median if statistic == "median" else overall.wall.mean
        if times.business_hours and overall.business is not None:
            business = overall.business.median if statistic == "median" else overall.business.mean
        rate, within = overall.response_rate, overall.sla_share()
    pending = report.needs_reply.total if report.needs_reply is not None else None
    comments = net = None
    if report.trend is not None:
        periods = report.trend.periods
        comments = sum(p.comments for p in periods)
        scored = sum(p.scored for p in periods)
        net = (
            (sum(p.positive for p in periods) - sum(p.negative for p in periods)) / scored if scored else None
        )
    return HeadlineFigures(response, business, rate, within, pending, comments, net)


def _sentiment_totals(database: Database, scope: Scope) -> tuple[int, float | None]:
    """Customer comments of the window and their net sentiment, as the trend counts them."""
    from socialmon.analytics.responses import customer_comments

    if not scope.channel_ids:
        return 0, None
    comment, conditions = customer_comments(scope)
    label = effective_label(comment)
    query = select(
        func.count(),
        func.count().filter(label == "positive"),
        func.count().filter(label == "neutral"),
        func.count().filter(label == "negative"),
    ).where(*conditions)
    with database.read() as connection:
        count, positive, neutral, negative = connection.execute(query).one()
    positive, neutral, negative = int(positive or 0), int(neutral or 0), int(negative or 0)
    scored = positive + neutral + negative
    return int(count or 0), ((positive - negative) / scored if scored else None)


def earlier_scope(scope: Scope) -> Scope:
    """`scope` over the window just before its own (`previous_window`)."""
    since, until = previous_window(scope.since, scope.until, scope.brand.timezone)
    return replace(scope, since=since, until=until)


def previous_period(
    database: Database, scope: Scope, report: BrandReport, paired: list[PairedComment] | None = None
) -> PreviousPeriod:
    """The headline figures of `report` measured over the window just before `scope`'s.

    `paired`: that window's comments paired with their first replies, if already read
    (`pair_first_replies` over `earlier_scope(scope)`)."""
    earlier = earlier_scope(scope)
    since, until = earlier.since, earlier.until
    response = business = rate = within = pending = comments = net = None
    if report.response_times is not None or report.needs_reply is not None:
        if paired is None:
            paired = pair_first_replies(database, earlier)
        if report.response_times is not None:
            times = response_times(database, earlier, paired)
            figures = headline_figures(
                BrandReport(
                    report.slug, report.name, report.timezone, report.language, since, until,
                    report.generated_at, report.period, report.channels, report.rules,
                    response_times=times,
                )
            )  # fmt: skip
            response, business = figures.response_minutes, figures.business_minutes
            rate, within = figures.response_rate, figures.within_sla_share
        if report.needs_reply is not None:
            pending = len(still_waiting(database, earlier, paired))  # as needs_reply counts them
    if report.trend is not None:
        comments, net = _sentiment_totals(database, earlier)
    return PreviousPeriod(
        since, until, HeadlineFigures(response, business, rate, within, pending, comments, net)
    )
