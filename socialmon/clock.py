"""The current time as socialmon stores it: timezone-aware, in UTC.

A module of its own so that both the schema's definition (`socialmon.models`) and the Core
tables the commands use (`socialmon.tables`) take their column defaults from one function
without importing each other.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
