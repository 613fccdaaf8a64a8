"""The Core tables the commands use (socialmon/tables.py) are the models' tables (socialmon/models.py), exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    ForeignKeyConstraint,
    Interval,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy.sql.schema import ColumnDefault
from sqlalchemy.types import TypeDecorator

from socialmon import models, tables
from socialmon.clock import utcnow

TABLES = sorted(models.metadata.tables)


def _described_type(column_type: Any) -> tuple[Any, ...]:
    """What a column type stores and how it is read: the decorator, the base type, a string's length, a zone."""
    outer = type(column_type).__name__ if isinstance(column_type, TypeDecorator) else None
    inner = column_type.impl_instance if isinstance(column_type, TypeDecorator) else column_type
    if outer == "AutoString":  # SQLModel's String, which only differs on MySQL (a default length)
        outer = None
    return (
        outer,
        type(inner).__name__,
        inner.length if isinstance(inner, String) else None,
        getattr(inner, "timezone", None),
        getattr(inner, "none_as_null", None),  # JSON's
    )


def _described_default(default: ColumnDefault | None) -> tuple[Any, ...] | None:
    """A Python-side default: a scalar's type and value, or the very function a callable wraps."""
    if default is None:
        return None
    if default.is_callable:
        return ("callable", getattr(default.arg, "__wrapped__", default.arg))
    return ("scalar", type(default.arg), default.arg)


def _described_column(column: Column[Any]) -> dict[str, Any]:
    return {
        "name": column.name,
        "type": _described_type(column.type),
        "nullable": column.nullable,
        "primary_key": column.primary_key,
        "autoincrement": column.autoincrement,
        "unique": bool(column.unique),
        "index": bool(column.index),
        "foreign_keys": sorted(key.target_fullname for key in column.foreign_keys),
        "default": _described_default(column.default),  # type: ignore[arg-type]
        "onupdate": _described_default(column.onupdate),  # type: ignore[arg-type]
        "server_default": None if column.server_default is None else str(column.server_default.arg),  # type: ignore[attr-defined]
        "server_onupdate": column.server_onupdate,
    }


def _described_table(table: Table) -> dict[str, Any]:
    constraints: set[tuple[Any, ...]] = set()
    for constraint in table.constraints:
        columns = tuple(column.name for column in constraint.columns)
        if isinstance(constraint, ForeignKeyConstraint):
            constraints.add(("foreign key", constraint.name, columns, tuple(constraint.column_keys)))
        elif isinstance(constraint, (UniqueConstraint, PrimaryKeyConstraint)):
            constraints.add((type(constraint).__name__, constraint.name, columns))
        else:
            constraints.add((type(constraint).__name__, constraint.name, columns, str(constraint)))
    return {
        "columns": [_described_column(column) for column in table.columns],
        "constraints": sorted(constraints, key=repr),
        "indexes": sorted(
            (index.name, tuple(column.name for column in index.columns), index.unique)
            for index in table.indexes
        ),
    }


def test_the_core_metadata_holds_every_table_of_the_models_in_the_same_order() -> None:
    assert list(tables.metadata.tables) == list(models.metadata.tables)
    assert [t.name for t in tables.metadata.sorted_tables] == [t.name for t in models.metadata.sorted_tables]


@pytest.mark.parametrize("name", TABLES)
def test_every_core_table_is_the_models_table(name: str) -> None:
    mine, theirs = (
        _described_table(tables.metadata.tables[name]),
        _described_table(models.metadata.tables[name]),
    )
    assert [column["name"] for column in mine["columns"]] == [column["name"] for column in theirs["columns"]]
    for column, model_column in zip(mine["columns"], theirs["columns"], strict=True):
        assert column == model_column, f"{name}.{column['name']}"
    assert mine["constraints"] == theirs["constraints"]
    assert mine["indexes"] == theirs["indexes"]


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgresql"])
@pytest.mark.parametrize("name", TABLES)
def test_core_and_models_compile_to_the_same_ddl(name: str, dialect: Any) -> None:
    """What `create_all` runs for a new database is the same from either metadata."""
    mine, theirs = tables.metadata.tables[name], models.metadata.tables[name]
    assert str(CreateTable(mine).compile(dialect=dialect)) == str(
        CreateTable(theirs).compile(dialect=dialect)
    )
    assert sorted(str(CreateIndex(index).compile(dialect=dialect)) for index in mine.indexes) == sorted(
        str(CreateIndex(index).compile(dialect=dialect)) for index in theirs.indexes
    )


def test_the_time_defaults_are_the_one_utcnow() -> None:
    defaults = [
        column.default
        for table in tables.metadata.tables.values()
        for column in table.columns
        if column.default is not None and column.default.is_callable
    ]
    assert len(defaults) == 8  # first_seen_at, updated_at, started_at, …
    assert all(default.arg.__wrapped__ is utcnow for default in defaults)  # type: ignore[attr-defined]
    assert models.utcnow is utcnow
    assert utcnow().tzinfo is UTC


def test_stored_times_are_written_and_read_back_as_the_models_do() -> None:
    datetime_columns = [
        (table.name, column.name)
        for table in models.metadata.tables.values()
        for column in table.columns
        if type(column.type).__name__ == "UTCDateTime"
    ]
    assert len(datetime_columns) == 29  # …alert_progress's judged_at, changed_since, read_in_full_at (0012)
    dialect = sqlite.dialect()
    stored = datetime(2026, 11, 2, 10, 30, 15, 123456)
    local = datetime(2026, 11, 2, 5, 30, tzinfo=timezone(timedelta(hours=-5)))
    for table, column in datetime_columns:
        mine = tables.metadata.tables[table].c[column].type
        theirs = models.metadata.tables[table].c[column].type
        assert type(mine) is tables.UTCDateTime
        assert mine.process_result_value(stored, dialect) == theirs.process_result_value(stored, dialect)
        assert mine.process_result_value(stored, dialect).tzinfo is UTC
        assert mine.process_result_value(local, dialect) == theirs.process_result_value(local, dialect)
        assert mine.process_result_value(None, dialect) is None
        assert mine.process_bind_param(local, dialect) == theirs.process_bind_param(local, dialect)
        assert mine.process_bind_param(None, dialect) is None
        with pytest.raises(ValueError):
            mine.process_bind_param(stored, dialect)
        with pytest.raises(ValueError):
            theirs.process_bind_param(stored, dialect)
        # A time compared with (or shifted by) a timedelta is an interval, as with the models' type.
        assert isinstance(mine.coerce_compared_value(None, timedelta(hours=1)), Interval)
        assert isinstance(theirs.coerce_compared_value(None, timedelta(hours=1)), Interval)
        assert mine.coerce_compared_value(None, local) is mine


@pytest.mark.empty_schema
def test_the_migration_chain_builds_exactly_the_core_tables(database_url: str) -> None:
    """What the migrations build is what the commands read and write (as it is the models': test_storage.py)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from socialmon.database import Database

    database = Database(database_url)
    try:
        database.upgrade(direct_create=False)
        with database.read() as connection:
            assert compare_metadata(MigrationContext.configure(connection), tables.metadata) == []
    finally:
        database.dispose()
