"""On PostgreSQL a report pairs the previous period's comments on a second connection, in a
thread, while it reads its own window (`analytics._paired_alongside`); SQLite reads everything
in turn, in one snapshot. The same figures either way, and a report that fails meanwhile stops
the query rather than waiting for it."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import pytest
from analytics.seeding import TWO_WEEKS_PREVIOUS, Seed, two_weeks_report
from sqlalchemy import text

import socialmon.analytics as analytics
import socialmon.analytics.previous as previous


def test_the_previous_period_is_paired_once_alongside_on_postgresql_and_in_turn_on_sqlite(
    seed: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, datetime]] = []

    def recorded(module: Any) -> None:
        pair = module.pair_first_replies

        def record(database: Any, scope: Any) -> Any:
            calls.append((threading.current_thread().name, scope.since))
            return pair(database, scope)

        monkeypatch.setattr(module, "pair_first_replies", record)

    recorded(analytics)  # the report's own window, and the previous one alongside
    recorded(previous)  # the previous one, in turn
    report = two_weeks_report(seed)

    assert report.previous is not None
    assert report.previous.figures == TWO_WEEKS_PREVIOUS
    main = threading.current_thread().name
    earlier = report.previous.since
    if seed.database.dialect == "postgresql":
        assert sorted(calls) == sorted([(main, report.since), ("socialmon-earlier_0", earlier)])
        assert "previous_pairing_alongside" in report.timings
    else:
        assert calls == [(main, report.since), (main, earlier)]
        assert "previous_pairing_alongside" not in report.timings


@pytest.mark.postgres
def test_a_report_that_fails_meanwhile_cancels_the_pairing_alongside(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The report's error comes out at once: the statement alongside (here a 60-second sleep) is
    cancelled on the server, not waited for."""
    from socialmon.database import open_database

    database = open_database(postgres_url)
    seed = Seed(database)
    ended: list[BaseException] = []
    running = threading.Event()

    def slow_pairing(db: Any, scope: Any) -> Any:
        with db.read() as connection:
            running.set()
            try:
                connection.execute(text("SELECT pg_sleep(60)"))
            except BaseException as error:
                ended.append(error)
                raise
        return []

    def failing_engagement(*args: Any, **kwargs: Any) -> Any:
        assert running.wait(10)
        with database.read() as watch:  # until the sleep is on the server, where a cancel can reach it
            for _ in range(1000):
                found = watch.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'"
                        " AND state = 'active' AND pid <> pg_backend_pid()"
                    )
                ).scalar()
                if found:
                    break
                watch.rollback()
        raise RuntimeError("engagement failed")

    monkeypatch.setattr(analytics, "pair_first_replies", lambda db, scope: (
        slow_pairing(db, scope) if threading.current_thread().name.startswith("socialmon-earlier")
        else analytics.responses.pair_first_replies(db, scope)
    ))  # fmt: skip
    monkeypatch.setattr(analytics, "engagement", failing_engagement)
    try:
        with pytest.raises(RuntimeError, match="engagement failed"):
            two_weeks_report(seed)
    finally:
        database.dispose()
    assert len(ended) == 1 and "cancel" in str(ended[0]).lower()
