"""Fixtures: the hand-built database of the analytics tests, and real SMTP and HTTP servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alerts.servers import HookServer, SmtpServer, start_hook_server, start_smtp_server
from analytics.seeding import Seed, seed

from socialmon.database import open_database

__all__ = ["seed"]


@pytest.fixture
def hooks() -> Iterator[HookServer]:
    server = start_hook_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = start_smtp_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sqlite_seed(tmp_path: Path) -> Iterator[Seed]:
    """For tests of message shapes and wording, where the database engine does not matter."""
    database = open_database(f"sqlite:///{tmp_path / 'alerts.db'}")
    try:
        yield Seed(database)
    finally:
        database.dispose()
