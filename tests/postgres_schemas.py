"""The PostgreSQL schemas the tests run in, each at socialmon's newest revision and empty.

Creating socialmon's tables in a new schema costs PostgreSQL 41 ms (22 CREATE statements of
catalog work) and dropping them 15 ms, for each of the ~230 PostgreSQL tests of the quick run.
A schema a test has finished with is emptied instead (2.5 ms of DELETEs) and given to the next
test, as Django's test runner empties its test database between tests. Those tests took 45.5 s
in one process against 51.2 s; the quick run with PostgreSQL (4 processes on 2 cores) 66.9 and
73.6 s against 68.4 and 78.3 s, run in turns.

A schema is reused only if nothing in its catalog changed. It is dropped if the test altered,
added or dropped anything in it (a migration test, a downgrade), left a worker's queue beside it
or a scan lock held, or once over 5,000 rows were deleted from it (dead rows stay until a vacuum,
which this machine's PostgreSQL does not run by itself). Grants and storage options are not
compared: the tests that change them are marked `empty_schema`.

A test that needs a schema with nothing in it (to see socialmon create, stamp or upgrade it, or
to build an older revision by hand) is marked `empty_schema` and gets a new one, as every test did
before. A reused schema keeps what PostgreSQL learnt of its tables (reltuples, pg_stat counts):
a test reading them is marked too.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text

from socialmon.locking import _SCAN_PURPOSE, PG_LOCK_KEY

# Everything a test could change in a schema's catalog, as one text per object; the schema's name
# appears in some (index definitions, sequence defaults) and a schema is compared only with itself.
_CATALOG = """
SELECT md5(string_agg(part, '|' ORDER BY part)) FROM (
  SELECT c.relname || ':' || c.relkind::text || ':' || coalesce(a.attnum::text, '') || ':' || coalesce(a.attname, '') || ':'
         || coalesce(format_type(a.atttypid, a.atttypmod), '') || ':' || coalesce(a.attnotnull::text, '')
         || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS part
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
  WHERE n.nspname = :schema
  UNION ALL
  SELECT 'constraint:' || conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint
  WHERE connamespace = (SELECT oid FROM pg_namespace WHERE nspname = :schema)
  UNION ALL
  SELECT 'index:' || pg_get_indexdef(i.indexrelid) FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = :schema
  UNION ALL
  SELECT 'function:' || p.oid::regprocedure::text FROM pg_proc p
  WHERE p.pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = :schema)
  UNION ALL
  SELECT 'type:' || t.typname FROM pg_type t
  WHERE t.typnamespace = (SELECT oid FROM pg_namespace WHERE nspname = :schema) AND t.typrelid = 0
  UNION ALL
  SELECT 'trigger:' || t.tgname FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = :schema
  UNION ALL
  SELECT 'revision:' || version_num FROM alembic_version
  UNION ALL  -- a worker's queue beside it (`<schema>_queue`): the next test would find its jobs
  SELECT 'beside:' || nspname FROM pg_namespace WHERE left(nspname, length(:schema) + 1) = :schema || '_'
) parts
"""

MAX_ROWS_LEFT = 5_000  # rows deleted from a schema over its tests, dead until a vacuum
# Scan locks held on this schema's channels by any session, by the key `socialmon.locking` takes.
_SCAN_LOCKS = f"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = ({PG_LOCK_KEY})::oid"


def url_for(base_url: str, schema: str) -> str:
    """`base_url` with `schema` as its search_path."""
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options=-csearch_path%3D{schema}"


class SchemaPool:
    """Schemas of one test process: new ones made empty, and used ones kept at the newest revision."""

    def __init__(self, admin: Engine, base_url: str) -> None:
        self.admin = admin
        self.base_url = base_url
        self.ready: list[str] = []  # at the newest revision, emptied
        # schema -> (catalog, tables, sequences), as socialmon built it
        self.pristine: dict[str, tuple[str, list[str], list[str]]] = {}
        self.deleted: dict[str, int] = {}  # schema -> rows deleted from it so far

    def _new(self) -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self.admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        return schema

    def _drop(self, schema: str) -> None:
        self.pristine.pop(schema, None)
        self.deleted.pop(schema, None)
        with self.admin.begin() as connection:  # and a worker's queue beside it, if a test left one
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}", "{schema}_queue" CASCADE'))

    def _record(self, schema: str) -> None:
        """Remember a schema socialmon has just built: its catalog, its tables and its sequences."""
        with self.admin.begin() as connection:
            connection.execute(text(f'SET LOCAL search_path = "{schema}"'))
            catalog = connection.execute(text(_CATALOG), {"schema": schema}).scalar_one()
            relations = connection.execute(
                text(
                    "SELECT c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n "
                    "ON n.oid = c.relnamespace WHERE n.nspname = :schema AND c.relkind IN ('r', 'S')"
                ),
                {"schema": schema},
            ).all()
        tables = [name for name, kind in relations if kind == "r" and name != "alembic_version"]
        sequences = [name for name, kind in relations if kind == "S"]
        self.pristine[schema] = (catalog, tables, sequences)

    def _build(self) -> str:
        from socialmon.database import open_database

        schema = self._new()
        database = open_database(url_for(self.base_url, schema))  # as a first command builds it
        database.dispose()
        self._record(schema)
        return schema

    def _empty_again(self, schema: str) -> bool:
        """Delete every row but the revision; False if the schema is not as socialmon built it."""
        catalog, tables, sequences = self.pristine[schema]
        try:
            with self.admin.begin() as connection:
                connection.execute(text("SET LOCAL lock_timeout = '5s'"))
                connection.execute(text(f'SET LOCAL search_path = "{schema}"'))
                if connection.execute(text(_CATALOG), {"schema": schema}).scalar_one() != catalog:
                    return False
                # A scan lock a session of the test still holds: ids start at 1 again, and the
                # next test's channel 1 would wait on it (the key is the schema's name and the id).
                if connection.execute(text(_SCAN_LOCKS), {"purpose": _SCAN_PURPOSE}).scalar_one():
                    return False
                # One statement deleting from every table (the foreign keys are checked at its end):
                # `TRUNCATE` took 30 ms, this 2.5 ms.
                deleted = connection.execute(
                    text(
                        "WITH "
                        + ", ".join(
                            f'd{i} AS (DELETE FROM "{name}" RETURNING 1)' for i, name in enumerate(tables)
                        )
                        + " SELECT "
                        + " + ".join(f"(SELECT count(*) FROM d{i})" for i in range(len(tables)))
                    )
                ).scalar_one()
                if sequences:  # ids count from 1 again, as in a new schema
                    connection.execute(
                        text("SELECT " + ", ".join(f"setval('\"{name}\"', 1, false)" for name in sequences))
                    )
        except Exception:  # a table the test dropped, a lock it left: the schema goes
            return False
        self.deleted[schema] = self.deleted.get(schema, 0) + deleted  # dead rows, until it goes
        return self.deleted[schema] <= MAX_ROWS_LEFT

    @contextmanager
    def schema(self, *, empty: bool) -> Iterator[str]:
        """A schema for one test: new and empty, or at the newest revision with no rows."""
        if empty:
            schema = self._new()
        elif self.ready:
            schema = self.ready.pop()
        else:
            schema = self._build()
        try:
            yield url_for(self.base_url, schema)
        finally:
            if not empty and self._empty_again(schema):
                self.ready.append(schema)
            else:
                self._drop(schema)

    def close(self) -> None:
        for schema in self.ready:
            self._drop(schema)
        self.ready.clear()
