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

So the store analyzes a table itself once this process has written to it as many rows as it
held when last analyzed (at least `FIRST_AFTER`): a table growing from nothing is analyzed at
1,000, 2,000, 4,000… rows, a few times in all, and a large table hardly ever. `SKIP_LOCKED`: a
table another process is analyzing is left to it, never waited for. A server that refuses
(before PostgreSQL 12, or a role that may not analyze) is left to autovacuum.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from socialmon.database import Database

log = logging.getLogger(__name__)

FIRST_AFTER = 1000  # rows written to a table before it is first analyzed by this process


class TableStatistics:
    """Counts the rows a process writes to some tables; `refresh()` analyzes those that grew."""

    def __init__(self, database: Database, tables: tuple[str, ...]) -> None:
        self.database = database
        self.active = database.dialect == "postgresql"
        self.written = dict.fromkeys(tables, 0)
        self.held: dict[str, float] = {}  # rows at the table's last analyze, as PostgreSQL estimates them
        self.analyzed: list[str] = []  # tables analyzed by this process, in order (for tests and benchmarks)

    def wrote(self, table: str, rows: int) -> None:
        if self.active:
            self.written[table] += rows

    def refresh(self) -> None:
        """Analyze each table written to since its last analyze by as many rows as it held then."""
        if not self.active:
            return
        due = [
            table for table, rows in self.written.items() if rows >= FIRST_AFTER and rows >= self._held(table)
        ]
        for table in due:
            try:
                with self.database.write() as connection:
                    connection.exec_driver_sql(f"ANALYZE (SKIP_LOCKED) {table}")
                    self.held[table] = _estimated_rows(connection, table)
            except DBAPIError as error:
                log.info("statistics of %s left to autovacuum: %s", table, str(error).splitlines()[0])
                self.active = False
                return
            self.written[table] = 0
            self.analyzed.append(table)

    def _held(self, table: str) -> float:
        if table not in self.held:
            with self.database.read() as connection:
                self.held[table] = _estimated_rows(connection, table)
        return self.held[table]


def _estimated_rows(connection: Connection, table: str) -> float:
    """`pg_class.reltuples` of `table` as the search path finds it; 0 when never analyzed (-1)."""
    rows = connection.execute(
        text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:table)"), {"table": table}
    ).scalar()
    return max(float(rows or 0), 0.0)
