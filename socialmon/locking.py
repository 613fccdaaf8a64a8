"""One scanner per channel at a time, across processes.

SQLite: an OS file lock beside the database (`<db>.locks/channel-<id>.lock`).
PostgreSQL: a session advisory lock on a connection held for the channel's scan.
Both are released by the operating system or the server when the process dies, so a
scan killed with SIGKILL never leaves a channel locked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout
from sqlalchemy import text

from socialmon.database import Database

# PostgreSQL advisory locks belong to the whole database, not to a schema: two socialmon
# databases kept as schemas of one PostgreSQL database must not lock each other's channel 1.
# So the first key of the (int, int) lock is the lock's purpose and the schema, hashed; the
# second is the row's id.
PG_LOCK_KEY = "hashtext(:purpose || ':' || current_schema())"


@contextmanager
def channel_lock(database: Database, channel_id: int) -> Iterator[bool]:
    """Try to take the channel's lock without waiting; yields whether this process holds it."""
    if database.dialect == "postgresql":
        with database.engine.connect() as connection:
            held = bool(
                connection.execute(
                    text(f"SELECT pg_try_advisory_lock({PG_LOCK_KEY}, :channel)"),
                    {"purpose": "socialmon-scan", "channel": channel_id},
                ).scalar()
            )
            connection.commit()
            try:
                yield held
            finally:
                if held:
                    connection.execute(
                        text(f"SELECT pg_advisory_unlock({PG_LOCK_KEY}, :channel)"),
                        {"purpose": "socialmon-scan", "channel": channel_id},
                    )
                    connection.commit()
        return
    path = database.sqlite_path
    if path is None:  # an in-memory database lives in this process only
        yield True
        return
    folder = path.with_name(path.name + ".locks")
    folder.mkdir(exist_ok=True)
    lock = FileLock(folder / f"channel-{channel_id}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()
