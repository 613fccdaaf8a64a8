"""The per-channel scan lock on PostgreSQL, where advisory locks span the whole database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from socialmon.database import open_database
from socialmon.locking import channel_lock


@pytest.fixture
def other_schema_url(postgres_url: str) -> Iterator[str]:
    """A second socialmon database in another schema of the same PostgreSQL database."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url.rsplit("options=", 1)[0].rstrip("?&"))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield postgres_url.rsplit("search_path%3D", 1)[0] + f"search_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.mark.postgres
def test_a_channel_locked_in_one_schema_leaves_the_same_id_in_another_schema_free(
    postgres_url: str, other_schema_url: str
) -> None:
    first, second = open_database(postgres_url), open_database(other_schema_url)
    try:
        with channel_lock(first, 1) as held:
            assert held
            with channel_lock(first, 1) as again:
                assert not again  # the same channel of the same database is busy…
            with channel_lock(second, 1) as elsewhere:
                assert elsewhere  # …but channel 1 of the other database is not
    finally:
        first.dispose()
        second.dispose()


@pytest.mark.postgres
def test_a_lock_session_opened_on_a_connection_the_server_ended_is_opened_anew(
    postgres_url: str,
) -> None:
    """The locks' session begins on a pooled connection whose backend the server ended meanwhile
    (an outage, `pg_terminate_backend`): the lock is taken on a new session. The session stayed
    broken: every later lock refused, a worker's every job failed after an outage."""
    from socialmon.locking import ChannelLocks

    database = open_database(postgres_url)
    try:
        with database.engine.connect() as connection:  # one connection, idle in the pool after
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        admin = create_engine(postgres_url)
        with admin.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        admin.dispose()
        with ChannelLocks(database) as locks:
            with locks.hold(7) as held:  # the pooled connection was dead
                assert held
            with locks.hold(7) as held:
                assert held
            with locks.hold(7) as held:
                assert held  # released, taken again
    finally:
        database.dispose()
