"""Report metrics computed in SQL: response times, needs-reply, feedback trend, engagement.

`build_report` is the one service function the CLI calls; every metric is also a plain
function taking a `Database` and a `Scope`, for Python callers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from socialmon.analytics._sql import Period
from socialmon.analytics.coverage import comment_coverage, since_oldest_comment
from socialmon.analytics.engagement import engagement, worst_comments
from socialmon.analytics.previous import earlier_scope, headline_figures, previous_period, previous_window
from socialmon.analytics.responses import PairedComment, needs_reply, pair_first_replies, response_times
from socialmon.analytics.results import BrandReport
from socialmon.analytics.scope import Scope, WindowError, make_scope, parse_moment
from socialmon.analytics.trends import feedback_trend
from socialmon.config import BrandConfig, ReportOptions
from socialmon.database import Database

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

View = Literal["summary", "response-times", "trends", "pending"]
T = TypeVar("T")


def build_report(
    database: Database,
    brand: BrandConfig,
    rules: ReportOptions,
    *,
    view: View = "summary",
    since: str | datetime | None = None,
    until: str | datetime | None = None,
    period: Period = "week",
    channel: str | None = None,
    now: datetime | None = None,
    negative_first: bool = False,
    limit: int | None = 20,
    compare: bool = True,
) -> BrandReport:
    """Compute the sections of `view` for one brand; `timings` holds seconds per metric.

    With `compare` (not for `pending`), `previous` holds the headline figures of the window of
    the same length just before, for the change against the previous period.

    Every section reads through one connection and one transaction (see `_OneConnection`); on
    PostgreSQL, where each statement reads a snapshot of its own anyway, the previous period's
    pairing reads on a second one, alongside (`_paired_alongside`).
    """
    with database.read() as connection:
        if database.dialect == "postgresql":
            # The pairing's plan costs over jit_above_cost; compiling it took 22 ms and the query ran
            # 17 ms slower than without (1M comments, bench_report): too short for JIT to pay.
            connection.exec_driver_sql("SET LOCAL jit = off")
        alongside = database if database.dialect == "postgresql" else None  # (see the docstring)
        return _build_report(
            _OneConnection(database, connection), brand, rules, view=view, since=since, until=until,
            period=period, channel=channel, now=now, negative_first=negative_first, limit=limit, compare=compare,
            alongside=alongside,
        )  # fmt: skip


class _OneConnection(Database):
    """The database as a report's sections read it: one connection, one transaction for them all.

    A connection per section cost PostgreSQL three round trips each (BEGIN, the query, the
    ROLLBACK on return to the pool), and the sections now agree on one snapshot on SQLite.
    """

    def __init__(self, database: Database, connection: Connection) -> None:  # no engine of its own
        self.url, self.engine, self._connection = database.url, database.engine, connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        yield self._connection


def _build_report(
    database: Database,
    brand: BrandConfig,
    rules: ReportOptions,
    *,
    view: View,
    since: str | datetime | None,
    until: str | datetime | None,
    period: Period,
    channel: str | None,
    now: datetime | None,
    negative_first: bool,
    limit: int | None,
    compare: bool,
    alongside: Database | None = None,
) -> BrandReport:
    """The report's sections in turn. With `alongside` (PostgreSQL), the previous period's pairing
    runs there in a thread from the start: the server pairs one window while Python reads the
    other (the pairing's query is ~110 ms of server time each, bench_report's 1M comments)."""
    scope = make_scope(
        database, brand, rules, since=since, until=until, period=period, channel=channel, now=now
    )
    if view == "pending" and since is None:  # every comment still waiting, whatever its age
        scope = since_oldest_comment(database, scope)
    report = BrandReport(
        slug=brand.slug,
        name=brand.name,
        timezone=brand.timezone,
        language=brand.language,
        since=scope.since,
        until=scope.until,
        generated_at=scope.now,
        period=period,
        channels=[c.name for c in scope.channels],
        rules=rules_in_force(scope),
        accent_color=brand.accent_color,
        logo=brand.logo,
        holidays=brand.business_hours.holidays if brand.business_hours else None,
    )

    wanted = alongside is not None and compare and view in ("summary", "response-times")
    with _paired_alongside(alongside if wanted else None, scope, report) as earlier:
        _sections(database, scope, report, view, negative_first, limit, compare, earlier)
    return report


@contextmanager
def _paired_alongside(
    database: Database | None, scope: Scope, report: BrandReport
) -> Iterator[Future[list[PairedComment]] | None]:
    """`pair_first_replies` over the window before `scope`'s, in a thread, on a connection of its
    own (`database` None: not at all).

    Its seconds are `report.timings["previous_pairing_alongside"]`, beside the sections' (the
    main thread's `previous_period` counts only the wait for it). If the report fails meanwhile,
    the server is asked to cancel the query, so the error is not held back until it ends.
    """
    if database is None:
        yield None
        return

    earlier = earlier_scope(scope)

    def pair(connection: Connection) -> list[PairedComment]:
        started = time.perf_counter()
        try:
            return pair_first_replies(_OneConnection(database, connection), earlier)
        finally:
            report.timings["previous_pairing_alongside"] = time.perf_counter() - started

    with (
        database.read() as connection,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="socialmon-earlier") as pool,
    ):
        connection.exec_driver_sql("SET LOCAL jit = off")  # (as `build_report`'s own connection)
        pairing = pool.submit(pair, connection)
        try:
            yield pairing
        except BaseException:
            if not pairing.cancel() and not pairing.done():
                _cancel_query(connection)
            raise


def _cancel_query(connection: Connection) -> None:
    """Ask PostgreSQL to cancel the statement running on `connection` (from another thread)."""
    driver = connection.connection.dbapi_connection
    cancel = getattr(driver, "cancel_safe", None) or getattr(driver, "cancel", None)
    if cancel is not None:
        with suppress(Exception):  # the query ended meanwhile, or the server is gone: nothing to stop
            cancel()


def _sections(
    database: Database,
    scope: Scope,
    report: BrandReport,
    view: View,
    negative_first: bool,
    limit: int | None,
    compare: bool,
    earlier: Future[list[PairedComment]] | None,
) -> None:
    """Fill `report`'s sections for `view`; `earlier`: the previous window's pairing, if underway."""

    def timed(name: str, compute: Callable[[], T]) -> T:
        started = time.perf_counter()
        result = compute()
        report.timings[name] = time.perf_counter() - started
        return result

    paired: list[PairedComment] = []
    if view in ("summary", "response-times", "pending"):
        # Comments paired with their first replies once, for response times and needs-reply alike.
        paired = timed("reply_pairing", lambda: pair_first_replies(database, scope))
    if view in ("summary", "response-times"):
        report.response_times = timed("response_times", lambda: response_times(database, scope, paired))
    if view in ("summary", "pending"):
        report.needs_reply = timed(
            "needs_reply",
            lambda: needs_reply(database, scope, limit=limit, negative_first=negative_first, paired=paired),
        )
    if view in ("summary", "trends"):
        report.trend = timed("trend", lambda: feedback_trend(database, scope))
    if view == "summary":
        report.engagement = timed("engagement", lambda: engagement(database, scope))
        report.worst_comments = timed("worst_comments", lambda: worst_comments(database, scope))
    report.comments_in_window, report.newest_comment_at = timed(
        "coverage", lambda: comment_coverage(database, scope)
    )
    if compare and view != "pending":
        report.previous = timed(
            "previous_period",
            lambda: previous_period(database, scope, report, earlier.result() if earlier else None),
        )


def rules_in_force(scope: Scope) -> dict[str, Any]:
    """The measuring rules a report states at its foot."""
    brand = scope.brand
    hours = brand.business_hours
    return {
        **scope.rules.model_dump(),
        "response_sla_minutes": brand.response_sla,
        "business_hours": {day: value for day, value in hours.model_dump().items() if day != "holidays"}
        if hours
        else None,
        "holidays": hours.holidays if hours else None,
        "timezone": brand.timezone,
    }


__all__ = [
    "BrandReport",
    "Scope",
    "View",
    "WindowError",
    "build_report",
    "engagement",
    "feedback_trend",
    "headline_figures",
    "make_scope",
    "needs_reply",
    "pair_first_replies",
    "parse_moment",
    "previous_period",
    "previous_window",
    "response_times",
    "rules_in_force",
    "worst_comments",
]
