"""Fixtures: the hand-built database of the analytics tests, a PostgreSQL database of its own for a test
that scans, and real SMTP and HTTP servers on 127.0.0.1."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alerts.servers import HookServer, SmtpServer, start_hook_server, start_smtp_server
from analytics.seeding import Seed, seed
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def own_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """As `database_url`, but on PostgreSQL a database of its own rather than a schema of the shared one.

    For tests that scan: PostgreSQL's advisory locks belong to a database, not a schema, so a scan of
    channel 1 by any other test on the server at that moment (another pytest on this machine) holds
    the lock of this test's channel 1, and its scan skips the channel as busy, storing nothing.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    shared = make_url(request.getfixturevalue("postgres_url"))
    server = shared.set(query={k: v for k, v in shared.query.items() if k != "options"})
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
