"""PostgreSQL's planner statistics kept current while a scan writes many rows.

PostgreSQL plans each query from statistics that `ANALYZE` gathers, and autovacuum runs it at
most once a minute (not at all where it is turned off). While a first history is stored, the
statistics still describe a table that was empty: the lookup of each page's ids then reads all
of the channel's rows through an index that starts with `channel_id` and filters them, instead
of probing the unique key, a cost that grows with every page: 500 ids among 200,000 comments took
55 ms to look up on a table never analyzed, 1.8 ms once analyzed. On `bench_scan --database`
(200,000 comments in one channel, autovacuum off) the scan took 37.5 s, 13.5 s of it in lookups;
analyzing as below, 24.8 s and 2.7 s, with six analyses of `comment` (the last, of 200,000
rows, takes 0.34-0.41 s) and one of `post`.

So the store analyzes a table itself once this process has written (inserted or updated) as
many rows to it as it held when last analyzed, and at least `FIRST_AFTER`: a table growing from
nothing is analyzed at about 1,000, 2,000, 4,000… rows, a few times in all, and a large table
hardly ever. `SKIP_LOCKED`: a table another process is analyzing is left to it, never waited
for. Where this process may not analyze (a role that neither owns the table nor, from
PostgreSQL 17, holds MAINTAIN on it; a server before 12, which has no SKIP_LOCKED), the table
is left to autovacuum. Nothing here ever fails a write: the rows are stored before it runs.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from socialmon.database import Database

log = logging.getLogger(__name__)

FIRST_AFTER = 1000  # rows written to a table before it is first analyzed by this process

# What says this process can never analyze (syntax: a server before 12; insufficient privilege;
# feature not supported): stop trying. Anything else (a lost connection) is tried again later.
_NEVER = {"42601", "42501", "0A000"}

_MAY_ANALYZE = text(
    "SELECT CASE WHEN current_setting('server_version_num')::int >= 170000"
    " THEN has_table_privilege(c.oid, 'MAINTAIN') ELSE pg_has_role(c.relowner, 'USAGE') END"
    " FROM pg_class c WHERE c.oid = to_regclass(:table)"
)
_ESTIMATED_ROWS = text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:table)")


class TableStatistics:
    """Counts the rows a process writes to some tables; `refresh()` analyzes those that grew.

    Safe to share between the threads that write (on PostgreSQL a scan's pages are written by
    several at once): counting is locked, and one thread at a time refreshes.
    """

    def __init__(self, database: Database, tables: tuple[str, ...]) -> None:
        self.database = database
        self.active = database.dialect == "postgresql"
        self.written = dict.fromkeys(tables, 0)
        self.held: dict[str, float] = {}  # rows at the table's last analyze, as PostgreSQL estimates them
        self.left_alone: set[str] = set()  # tables this process may not analyze
        self.analyzed: list[str] = []  # tables analyzed by this process, in order (for tests and benchmarks)
        self._counting = threading.Lock()
        self._refreshing = threading.Lock()

    def wrote(self, table: str, rows: int) -> None:
        """`rows` were written to `table` and committed."""
        if self.active and rows:
            with self._counting:
                self.written[table] += rows

    def refresh(self) -> None:
        """Analyze each table written to since its last analyze by as many rows as it held then.

        Never raises: what went wrong is logged, and the rows it counted wait for the next call.
        """
        if not self.active or not self._refreshing.acquire(blocking=False):
            return  # another thread is at it; these rows are counted for the next call
        try:
            for table, rows in list(self.written.items()):
                if rows >= FIRST_AFTER and table not in self.left_alone and rows >= self._held(table):
                    self._analyze(table, rows)
        except Exception as error:  # the pages are stored: nothing may fail them now
            code = getattr(getattr(error, "orig", None), "sqlstate", None)
            said = (str(error).splitlines() or [type(error).__name__])[0]
            log.info("statistics of the scanned tables left to autovacuum: %s", said)
            if not isinstance(error, DBAPIError) or code in _NEVER:
                self.active = False
        finally:
            self._refreshing.release()

    def _analyze(self, table: str, rows: int) -> None:
        with self.database.write() as connection:
            if not connection.execute(_MAY_ANALYZE, {"table": table}).scalar():
                log.info("%s is not this role's to analyze: its statistics are left to autovacuum", table)
                self.left_alone.add(table)
                return
            quoted = connection.dialect.identifier_preparer.quote(table)
            connection.exec_driver_sql(f"ANALYZE (SKIP_LOCKED) {quoted}")
            self.held[table] = _estimated_rows(connection, table)
        with self._counting:
            self.written[table] -= rows  # what other threads wrote meanwhile counts for the next time
        self.analyzed.append(table)

    def _held(self, table: str) -> float:
        if table not in self.held:
            with self.database.read() as connection:
                self.held[table] = _estimated_rows(connection, table)
        return self.held[table]


def _estimated_rows(connection: Connection, table: str) -> float:
    """`pg_class.reltuples` of `table` as the search path finds it; 0 when never analyzed (-1)."""
    rows = connection.execute(_ESTIMATED_ROWS, {"table": table}).scalar()
    return max(float(rows or 0), 0.0)
