"""Batched upserts (`INSERT … ON CONFLICT DO UPDATE`) whose rows go to the database driver directly.

The scan's pages (`storage`) and the texts the watch-list examined (`alerts.store`) write tens
of thousands of rows at a time. For an `executemany`, SQLAlchemy builds a dict of every
parameter of every row and then runs each type's converter in Python: on the pages' upserts
that cost as much as the database's own work, and on the watch-list's rows 0.9 s against the
database's 0.3 s. Here a statement is compiled once per dialect, table and columns, and each
row becomes the driver's tuple (or dict) in one pass, through the very converters SQLAlchemy
uses for those columns on that dialect, so what is stored is the same.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Dialect, Table
from sqlalchemy.sql.dml import Insert

# Statements are built once and reused: SQLAlchemy then finds their compiled form in its cache
# by identity instead of rebuilding and re-keying a new statement for every page.


@functools.cache
def upsert_statement(dialect: str, table: Table, keys: tuple[str, ...], updates: tuple[str, ...]) -> Insert:
    """`INSERT` into `table` that updates `updates` of the row already under the unique `keys`."""
    # Imported here: the postgresql package loads every PostgreSQL driver's dialect (asyncpg,
    # pg8000, …), 0.03 s of a SQLite scan's start.
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in updates}
    )


@dataclass(frozen=True)
class DriverUpsert:
    """An upsert compiled once, whose rows go to the database driver as SQLAlchemy would send them."""

    sql: str
    names: tuple[str, ...]  # the parameters, in the statement's order
    converters: tuple[Callable[[Any], Any] | None, ...]
    positional: bool

    @classmethod
    def compile(
        cls,
        dialect: Dialect,
        statement: Insert,
        table: Table,
        columns: Sequence[str],
        as_stored: frozenset[str] = frozenset(),
    ) -> DriverUpsert:
        compiled = statement.compile(dialect=dialect, column_keys=list(columns))
        names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(columns)
        if set(names) != set(columns):
            raise ValueError(f"unexpected parameters in the upsert of {table.name}: {names}")
        converters = tuple(
            None if name in as_stored else table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in names
        )
        return cls(compiled.string, names, converters, compiled.positional)

    def execute(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        connection.exec_driver_sql(self.sql, self.parameters(rows))

    def parameters(self, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
        """Each row as the driver takes it: a tuple in the statement's order, or a dict.

        A converter's result is remembered per value (and type) within the call: the columns with
        converters are booleans and datetimes, whose values repeat (a page's rows share their
        `first_seen_at` and `updated_at`, most `edited_at` are None); running SQLAlchemy's
        converters once per row and column took ~11 µs per comment, a fifth of storing it.
        """
        names = self.names
        values = operator.itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
        converting = [
            (position, convert, {}) for position, convert in enumerate(self.converters) if convert is not None
        ]
        parameters: list[Any] = []
        for row in rows:
            found = values(row)
            if converting:
                found = list(found)
                for position, convert, seen in converting:
                    value = found[position]
                    key = (value.__class__, value)
                    try:
                        found[position] = seen[key]
                    except KeyError:
                        found[position] = seen[key] = convert(value)
                    except TypeError:  # not hashable: converted every time
                        found[position] = convert(value)
            parameters.append(tuple(found) if self.positional else dict(zip(names, found, strict=True)))
        return parameters


_DRIVER_UPSERTS: dict[tuple[Any, ...], DriverUpsert] = {}


def driver_upsert(
    dialect: Dialect,
    table: Table,
    columns: tuple[str, ...],
    keys: tuple[str, ...],
    updates: tuple[str, ...],
    as_stored: frozenset[str] = frozenset(),
) -> DriverUpsert:
    """The upsert of rows with these `columns` into `table` (compiled on first use). The values of
    the `as_stored` columns are passed as the database stores them, read from it unconverted."""
    key = (type(dialect), dialect.paramstyle, table, columns, keys, updates, as_stored)
    found = _DRIVER_UPSERTS.get(key)
    if found is None:
        statement = upsert_statement(dialect.name, table, keys, updates)
        found = _DRIVER_UPSERTS[key] = DriverUpsert.compile(dialect, statement, table, columns, as_stored)
    return found
