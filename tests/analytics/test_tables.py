"""The reports' Core tables (socialmon/analytics/_tables.py) describe the models' columns exactly."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

from socialmon import models
from socialmon.analytics import _tables


def _described(column_type: Any) -> tuple[Any, ...]:
    """What a column type stores and how it is read: the base type, a string's length, a datetime's zone."""
    outer = type(column_type).__name__ if isinstance(column_type, TypeDecorator) else None
    inner = column_type.impl_instance if isinstance(column_type, TypeDecorator) else column_type
    return (
        outer,
        type(inner).__name__,
        getattr(inner, "length", None) if isinstance(inner, String) else None,
        getattr(inner, "timezone", None),
    )


@pytest.mark.parametrize("name", sorted(_tables.metadata.tables))
def test_every_column_a_report_reads_is_the_models_column(name: str) -> None:
    mine = _tables.metadata.tables[name]
    theirs = models.metadata.tables[name]
    for column in mine.columns:
        assert column.name in theirs.columns, f"{name}.{column.name} is not in socialmon.models"
        model_column = theirs.columns[column.name]
        if type(model_column.type).__name__ == "AutoString":  # SQLModel's String, for MySQL's lengths
            assert _described(column.type) == (None, "String", model_column.type.impl_instance.length, None)
        else:
            assert _described(column.type) == _described(model_column.type), f"{name}.{column.name}"
        assert column.primary_key == model_column.primary_key


def test_stored_times_are_read_back_as_the_models_read_them() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from sqlalchemy.dialects import sqlite

    mine, theirs = _tables.COMMENT.c.created_at.type, models.Comment.__table__.c.created_at.type
    dialect = sqlite.dialect()
    stored = datetime(2026, 11, 2, 10, 30, 15, 123456)
    assert mine.process_result_value(stored, dialect) == theirs.process_result_value(stored, dialect)
    assert mine.process_result_value(stored, dialect).tzinfo is UTC
    local = datetime(2026, 11, 2, 5, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert mine.process_bind_param(local, dialect) == theirs.process_bind_param(local, dialect)
    with pytest.raises(ValueError):
        mine.process_bind_param(stored, dialect)
