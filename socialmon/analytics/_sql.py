"""Dialect helpers: the few things SQLite and PostgreSQL spell differently.

- seconds between two stored datetimes, and a stored datetime as integer epoch microseconds;
- the local calendar bucket (day, week from Monday, month) of a UTC datetime in a time
  zone. SQLite has no time zone database, so the UTC offsets in force over the report's
  window are looked up in Python (zoneinfo) and applied with a CASE over the DST
  transitions — correct across changes; PostgreSQL takes the same integer path by day and
  by week (its own conversion costs five times as much per row) and converts natively
  (`AT TIME ZONE`) by month;
- a percentile by linear interpolation (like PostgreSQL's `percentile_cont`) from
  window functions, which both dialects have.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Float, Integer, case, cast, func, literal, literal_column
from sqlalchemy.sql.elements import ColumnElement

Period = Literal["day", "week", "month"]


def seconds_between(later: Any, earlier: Any, dialect: str) -> ColumnElement[Any]:
    """Whole seconds from `earlier` to `later` (both stored datetimes)."""
    if dialect == "postgresql":
        return cast(func.extract("epoch", later - earlier), Float)
    return _sqlite_seconds(later) - _sqlite_seconds(earlier)


def _sqlite_whole_second(column: Any) -> ColumnElement[str]:
    """A time SQLite stores as text, without its fraction ('YYYY-MM-DD HH:MM:SS'), for its date
    functions: they round the fraction to the millisecond, so '…:12.999600' read as second 13 (and
    `epoch_micros_of`, adding the stored microseconds to it, gave a time one second late)."""
    return func.substr(column, 1, 19)


def _sqlite_seconds(column: Any) -> ColumnElement[int]:
    """Whole seconds since the epoch of a time SQLite stores as text: unixepoch (SQLite 3.38+), else
    strftime('%s'), the same seconds formatted as text and read back, several times slower per row."""
    whole = _sqlite_whole_second(column)
    if sqlite3.sqlite_version_info >= (3, 38):
        return func.unixepoch(whole, type_=Integer)
    return cast(func.strftime("%s", whole), Integer)


def epoch_micros_of(column: Any, dialect: str) -> ColumnElement[int]:
    """A stored UTC datetime as integer microseconds since the epoch (NULL stays NULL).

    Computed by the database so that tens of thousands of rows need no datetime parsing in
    Python. SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff': whole seconds from the date functions,
    the microseconds from the text. PostgreSQL: whole seconds (see `_postgresql_seconds`) and the
    microseconds of the minute's seconds field, both in double precision and exact — extract()'s
    numeric epoch took three times as long (167k rows: 33 ms against 11 ms).
    """
    if dialect == "postgresql":
        micros = cast(func.date_part("microseconds", column), BigInteger) % 1_000_000
        return _postgresql_seconds(column) * 1_000_000 + micros
    return _sqlite_seconds(column) * 1_000_000 + cast(func.substr(column, 21, 6), Integer)


def _postgresql_seconds(column: Any) -> ColumnElement[int]:
    """Whole seconds since the epoch of a PostgreSQL timestamp, as SQLite's unixepoch counts them.

    date_part's double precision is exact to well under a microsecond until 2106, and a stored
    time is a whole number of microseconds, so the floor is the exact second.
    """
    return cast(func.floor(func.date_part("epoch", column)), BigInteger)


# No zone changes its UTC offset twice within this step, so a change and its reverse never fall
# between two looked-up points. The closest two changes in the tz database are 4.0 days apart
# (Africa/Freetown, 1939: a previous period reaches back to 1740), 6.9 days from 1970 on
# (America/Cambridge_Bay in 2000, Asia/Gaza in 2040): tests/analytics/test_utc_offsets.py checks
# every zone the machine has.
OFFSET_STEP = timedelta(days=2)


@lru_cache(maxsize=32)
def utc_offsets(zone: str, start: datetime, end: datetime) -> tuple[tuple[datetime | None, int], ...]:
    """((from_instant, offset_seconds)…): the zone's UTC offset over [start, end], first entry from None.

    Cached: a report buckets its window three times (pairing, trend). The offset is looked up every
    `OFFSET_STEP` and each change found is narrowed to the second: 1970–2199 in New York took
    0.54 s looked up every six hours, 0.08 s every two days (a report over those dates: 2.6 → 1.8 s)."""
    tz = ZoneInfo(zone)

    def offset(moment: datetime) -> int:
        delta = moment.astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta else 0

    current = offset(start)
    result: list[tuple[datetime | None, int]] = [(None, current)]
    moment = start
    while moment < end:
        following = end if end - moment <= OFFSET_STEP else moment + OFFSET_STEP  # never past datetime.max
        after = offset(following)  # each point's offset is looked up once: half the time of twice
        if after != current:
            low, high = moment, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if offset(middle) == current:
                    low = middle
                else:
                    high = middle
            result.append((high.replace(microsecond=0), offset(high)))
            current = after
        moment = following
    return tuple(result)


# Seconds from 0001-01-01 to 1970-01-01: added to epoch seconds, SQLite's integer division of them
# by a day is a floor, and the quotient is a proleptic day number (date.toordinal() - 1; day 0 a Monday).
_SECONDS_BEFORE_1970 = 62_135_596_800


def local_bucket(
    column: Any, zone: str, period: Period, dialect: str, start: datetime, end: datetime
) -> ColumnElement[Any]:
    """The day/week/month that holds each UTC `column` value in local time; `bucket_start` names it.

    By month both give the first local date ('YYYY-MM-DD'). By day and by week both give the
    first local day's number instead (see `_SECONDS_BEFORE_1970`), counted in whole seconds with
    the UTC offsets in force: SQLite's date() with modifiers parses and formats every row,
    several times the cost of the query's other work on it, and PostgreSQL's to_char(date_trunc(
    AT TIME ZONE)) took 75 ms against 14 ms over 167k rows.
    """
    if dialect == "postgresql" and period == "month":
        local = func.timezone(zone, column)
        return func.to_char(func.date_trunc(period, local), "YYYY-MM-DD")
    offsets = utc_offsets(zone, start - timedelta(days=1), end + timedelta(days=1))

    def in_force(value: Callable[[int], ColumnElement[Any]]) -> ColumnElement[Any]:
        """`value` of the UTC offset in force at each row's time."""
        if len(offsets) == 1:
            return value(offsets[0][1])
        whens = [(column < instant, value(before)) for (_, before), (instant, _) in _pairs(offsets)]
        return case(*whens, else_=value(offsets[-1][1]))

    if period == "month":
        return in_force(
            lambda offset: func.strftime(
                "%Y-%m-01", _sqlite_whole_second(column), literal_column(f"'{offset:+d} seconds'")
            )
        )
    seconds = _postgresql_seconds(column) if dialect == "postgresql" else _sqlite_seconds(column)
    local_seconds = seconds + in_force(literal) + _SECONDS_BEFORE_1970
    return local_seconds // 86_400 if period == "day" else local_seconds // (7 * 86_400) * 7


def bucket_start(value: str | int) -> str:
    """The first local date ('YYYY-MM-DD') of a bucket as `local_bucket` gives it."""
    return value if isinstance(value, str) else date.fromordinal(value + 1).isoformat()


def _pairs(offsets: tuple[tuple[datetime | None, int], ...]) -> list[tuple[tuple[datetime | None, int], Any]]:
    return [(offsets[i], offsets[i + 1]) for i in range(len(offsets) - 1)]


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


__all__ = [
    "Period",
    "bucket_start",
    "epoch_micros_of",
    "literal",
    "local_bucket",
    "seconds_between",
    "utc_offsets",
]
