"""One scanner per channel at a time, across processes.

SQLite: an OS file lock beside the database (`<db>.locks/channel-<id>.lock`).
PostgreSQL: a session advisory lock on a connection held for the channel's scan.
Both are released by the operating system or the server when the process dies, so a
scan killed with SIGKILL never leaves a channel locked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from filelock import FileLock, Timeout
from sqlalchemy import Connection, text

from socialmon.database import Database

# PostgreSQL advisory locks belong to the whole database, not to a schema: two socialmon
# databases kept as schemas of one PostgreSQL database must not lock each other's channel 1.
# So the first key of the (int, int) lock is the lock's purpose and the schema, hashed; the
# second is the row's id.
PG_LOCK_KEY = "hashtext(:purpose || ':' || current_schema())"


class ChannelLocks:
    """The scan locks one process takes on one database: each channel's, tried without waiting.

    On PostgreSQL every lock lives on one connection, held until `close()`: a scan of many
    channels at once takes one connection for its locks, not one per channel from a pool
    its writes need too. A session's advisory locks stack, so the channels this process
    holds are also tracked here: the same channel asked twice is busy the second time.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self._connection: Connection | None = None
        self._held: set[int] = set()

    def __enter__(self) -> ChannelLocks:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def hold(self, channel_id: int) -> Iterator[bool]:
        """Try to take the channel's lock; yields whether this process now holds it."""
        if channel_id in self._held:
            yield False
            return
        if self.database.dialect == "postgresql":
            held = self._pg_lock("pg_try_advisory_lock", channel_id)
        else:
            held = self._file_lock(channel_id)
        if not held:
            yield False
            return
        self._held.add(channel_id)
        try:
            yield True
        finally:
            self._held.discard(channel_id)
            if self.database.dialect == "postgresql":
                self._pg_lock("pg_advisory_unlock", channel_id)
            elif isinstance(held, FileLock):
                held.release()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()  # the server releases whatever it still held
            self._connection = None

    def _pg_lock(self, function: str, channel_id: int) -> bool:
        from sqlalchemy.exc import DBAPIError

        if self._connection is None:
            self._connection = self.database.engine.connect()
        try:
            result = self._connection.execute(
                text(f"SELECT {function}({PG_LOCK_KEY}, :channel)"),
                {"purpose": "socialmon-scan", "channel": channel_id},
            ).scalar()
            self._connection.commit()
        except DBAPIError:
            # The session is gone (the database restarted or refused us for a while, the network
            # dropped, the backend was ended), and the server released the locks it held with it.
            # Kept, it would refuse every later lock ("Can't reconnect until invalid transaction is
            # rolled back"): a worker never scanned again after a 30 s outage. The next lock opens
            # a new session; a lock to release is released already.
            self._discard()
            if function == "pg_advisory_unlock":
                return True
            raise
        return bool(result)

    def _discard(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with suppress(Exception):  # it is broken: closing it may fail too
                connection.invalidate()
                connection.close()

    def _file_lock(self, channel_id: int) -> FileLock | bool:
        path = self.database.sqlite_path
        if path is None:  # an in-memory database lives in this process only
            return True
        folder = path.with_name(path.name + ".locks")
        folder.mkdir(exist_ok=True)
        lock = FileLock(folder / f"channel-{channel_id}.lock")
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return False
        return lock


@contextmanager
def channel_lock(database: Database, channel_id: int) -> Iterator[bool]:
    """Try to take one channel's lock without waiting (on a connection of its own); yields whether it is held."""
    with ChannelLocks(database) as locks, locks.hold(channel_id) as held:
        yield held
