"""Dialect helpers: the few things SQLite and PostgreSQL spell differently.

- seconds between two stored datetimes, and a stored datetime as integer epoch microseconds;
- the local calendar bucket (day, week from Monday, month) of a UTC datetime in a time
  zone. PostgreSQL converts natively (`AT TIME ZONE`); SQLite has no time zone database,
  so the UTC offsets in force over the report's window are looked up in Python
  (zoneinfo) and applied with a CASE over the DST transitions — correct across changes;
- a percentile by linear interpolation (like PostgreSQL's `percentile_cont`) from
  window functions, which both dialects have.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Float, Integer, case, cast, func, literal, literal_column
from sqlalchemy.sql.elements import ColumnElement

Period = Literal["day", "week", "month"]


def seconds_between(later: Any, earlier: Any, dialect: str) -> ColumnElement[Any]:
    """Whole seconds from `earlier` to `later` (both stored datetimes)."""
    if dialect == "postgresql":
        return cast(func.extract("epoch", later - earlier), Float)
    return cast(func.strftime("%s", later), Integer) - cast(func.strftime("%s", earlier), Integer)


def epoch_micros_of(column: Any, dialect: str) -> ColumnElement[int]:
    """A stored UTC datetime as integer microseconds since the epoch (NULL stays NULL).

    Computed by the database so that tens of thousands of rows need no datetime parsing in
    Python. SQLite stores 'YYYY-MM-DD HH:MM:SS.ffffff': whole seconds from strftime, the
    microseconds from the text. PostgreSQL's epoch is exact (numeric) from version 14, and
    rounding to the microsecond keeps older versions' double precision exact too.
    """
    if dialect == "postgresql":
        return cast(func.round(func.extract("epoch", column) * 1_000_000), BigInteger)
    return cast(func.strftime("%s", column), Integer) * 1_000_000 + cast(func.substr(column, 21, 6), Integer)


def utc_offsets(zone: str, start: datetime, end: datetime) -> list[tuple[datetime | None, int]]:
    """[(from_instant, offset_seconds)…]: the zone's UTC offset over [start, end], first entry from None."""
    tz = ZoneInfo(zone)

    def offset(moment: datetime) -> int:
        delta = moment.astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta else 0

    result: list[tuple[datetime | None, int]] = [(None, offset(start))]
    step = timedelta(hours=6)  # no zone changes its offset twice within six hours
    moment = start
    while moment < end:
        following = min(moment + step, end)
        if offset(following) != offset(moment):
            low, high = moment, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if offset(middle) == offset(low):
                    low = middle
                else:
                    high = middle
            result.append((high.replace(microsecond=0), offset(high)))
        moment = following
    return result


def local_bucket(
    column: Any, zone: str, period: Period, dialect: str, start: datetime, end: datetime
) -> ColumnElement[str]:
    """The first local date ('YYYY-MM-DD') of the day/week/month that holds each UTC `column` value."""
    if dialect == "postgresql":
        local = func.timezone(zone, column)
        return func.to_char(func.date_trunc(period, local), "YYYY-MM-DD")

    def bucket(offset: int) -> ColumnElement[str]:
        shift = literal_column(f"'{offset:+d} seconds'")
        if period == "day":
            return func.date(column, shift)
        if period == "week":
            return func.date(column, shift, literal_column("'weekday 0'"), literal_column("'-6 days'"))
        return func.strftime("%Y-%m-01", column, shift)

    offsets = utc_offsets(zone, start - timedelta(days=1), end + timedelta(days=1))
    if len(offsets) == 1:
        return bucket(offsets[0][1])
    whens = [
        (column < instant, bucket(offset_before)) for (_, offset_before), (instant, _) in _pairs(offsets)
    ]
    return case(*whens, else_=bucket(offsets[-1][1]))


def _pairs(offsets: list[tuple[datetime | None, int]]) -> list[tuple[tuple[datetime | None, int], Any]]:
    return [(offsets[i], offsets[i + 1]) for i in range(len(offsets) - 1)]


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


__all__ = ["Period", "epoch_micros_of", "literal", "local_bucket", "seconds_between", "utc_offsets"]
