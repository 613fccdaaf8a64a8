"""The dialect spellings in socialmon/analytics/_sql.py: local buckets and epoch microseconds."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from postgres_schemas import SchemaPool
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, literal, select

from socialmon.analytics._sql import bucket_start, epoch_micros_of, local_bucket, utc_offsets
from socialmon.analytics.business_time import epoch_micros
from socialmon.analytics.scope import period_start
from socialmon.tables import UTCDateTime

TIMES = Table("times", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime()))
START, END = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
# Clocks changed at 02:00 (New York), at midnight (Santiago), by half an hour (Lord Howe), and a
# whole day skipped (Apia, 2011: not in the window, so only its ordinary offset).
ZONES = ["America/New_York", "America/Santiago", "Australia/Lord_Howe", "Pacific/Apia", "Asia/Kolkata"]


def _moments() -> list[datetime]:
    """Around every clock change and every local midnight of the zones, and at random."""
    moments = [START + timedelta(hours=7 * k, minutes=13 * k, microseconds=k) for k in range(1200)]
    for name in ZONES:
        for instant, _ in utc_offsets(name, START, END)[1:]:
            moments += [instant + timedelta(seconds=s) for s in (-3601, -1, -0.25, 0, 0.25, 1, 3600)]
        zone = ZoneInfo(name)
        for k in range(0, 365, 5):
            local = datetime.combine(date(2025, 1, 1) + timedelta(days=k), datetime.min.time(), tzinfo=zone)
            # -0.0004 s and -1 µs: in the last half millisecond, which SQLite's date functions round up.
            moments += [
                local.astimezone(UTC) + timedelta(seconds=s)
                for s in (-1, -0.001, -0.0004, -0.000001, 0, 0.001)
            ]
        for month in range(1, 13):  # the last half millisecond of each local month
            first = datetime(2025, month, 1, tzinfo=zone).astimezone(UTC)
            moments += [first - timedelta(seconds=0.0004), first - timedelta(microseconds=1)]
    return [m for m in moments if START <= m < END]


@pytest.fixture(scope="module")
def stored() -> tuple[object, list[datetime]]:
    engine = create_engine("sqlite://")
    TIMES.metadata.create_all(engine)
    moments = _moments()
    with engine.begin() as connection:
        connection.execute(insert(TIMES), [{"id": i, "at": m} for i, m in enumerate(moments)])
    return engine, moments


@pytest.mark.parametrize("period", ["day", "week", "month"])
@pytest.mark.parametrize("zone", ZONES)
def test_sqlite_buckets_are_the_local_calendar(
    stored: tuple[object, list[datetime]], zone: str, period: str
) -> None:
    engine, moments = stored
    bucket = local_bucket(TIMES.c.at, zone, period, "sqlite", START, END)  # type: ignore[arg-type]
    with engine.connect() as connection:  # type: ignore[attr-defined]
        found = dict(connection.execute(select(TIMES.c.id, bucket)).all())
    for i, moment in enumerate(moments):
        local_day = moment.astimezone(ZoneInfo(zone)).date()
        assert bucket_start(found[i]) == period_start(local_day, period).isoformat(), moment  # type: ignore[arg-type]


@pytest.mark.parametrize("unixepoch", [True, False], ids=["unixepoch", "strftime"])
def test_epoch_micros_with_and_without_unixepoch(
    stored: tuple[object, list[datetime]], unixepoch: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite before 3.38 has no unixepoch(): strftime('%s') gives the same seconds."""
    if unixepoch and sqlite3.sqlite_version_info < (3, 38):
        pytest.skip("this SQLite has no unixepoch()")
    if not unixepoch:
        monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 37, 2))
    engine, moments = stored
    with engine.connect() as connection:  # type: ignore[attr-defined]
        found = dict(connection.execute(select(TIMES.c.id, epoch_micros_of(TIMES.c.at, "sqlite"))).all())
    # Exact to the microsecond, the last half millisecond of a second included (SQLite's date
    # functions round it up to the next second; the seconds are read without the fraction).
    assert any(moment.microsecond >= 999_500 for moment in moments)
    for i, moment in enumerate(moments):
        assert found[i] == epoch_micros(moment), moment


@pytest.fixture(scope="module")
def stored_postgresql(postgres_schemas: SchemaPool) -> Iterator[tuple[object, list[datetime]]]:
    """The same moments in a PostgreSQL table, in a new schema of its own, filled once for the
    module's tests, which only read it (filled for each, 0.1–0.2 s of setup, 16 times)."""
    with postgres_schemas.schema(empty=True) as url:
        engine = create_engine(url)
        TIMES.metadata.create_all(engine)
        moments = _moments()
        with engine.begin() as connection:
            connection.execute(insert(TIMES), [{"id": i, "at": m} for i, m in enumerate(moments)])
        yield engine, moments
        engine.dispose()


def _in_schema(engine: Any, statement: Any) -> dict[int, Any]:
    with engine.connect() as connection:
        return dict(connection.execute(statement).all())


@pytest.mark.postgres
@pytest.mark.parametrize("period", ["day", "week", "month"])
@pytest.mark.parametrize("zone", ZONES)
def test_postgresql_buckets_are_the_local_calendar(
    stored_postgresql: tuple[object, list[datetime]], zone: str, period: str
) -> None:
    """By day and week PostgreSQL counts with the offsets as SQLite does; by month it converts."""
    engine, moments = stored_postgresql
    bucket = local_bucket(TIMES.c.at, zone, period, "postgresql", START, END)  # type: ignore[arg-type]
    found = _in_schema(engine, select(TIMES.c.id, bucket))
    for i, moment in enumerate(moments):
        local_day = moment.astimezone(ZoneInfo(zone)).date()
        assert bucket_start(found[i]) == period_start(local_day, period).isoformat(), moment  # type: ignore[arg-type]


@pytest.mark.postgres
def test_postgresql_epoch_micros_are_exact(stored_postgresql: tuple[object, list[datetime]]) -> None:
    engine, moments = stored_postgresql
    found = _in_schema(engine, select(TIMES.c.id, epoch_micros_of(TIMES.c.at, "postgresql")))
    late = datetime(2105, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC)  # double precision's hardest case here
    with engine.connect() as connection:  # type: ignore[attr-defined]
        last = connection.execute(
            select(epoch_micros_of(literal(late, UTCDateTime()), "postgresql"))
        ).scalar()
    assert last == epoch_micros(late)
    for i, moment in enumerate(moments):
        assert found[i] == epoch_micros(moment), moment
