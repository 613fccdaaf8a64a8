"""One scanner per channel at a time, across processes.

SQLite: an OS file lock beside the database (`<db>.locks/channel-<id>.lock`).
PostgreSQL: a session advisory lock on a connection held for the channel's scan.
Both are released by the operating system or the server when the process dies, so a
scan killed with SIGKILL never leaves a channel locked.

A PostgreSQL session can also end under a running scan (the server restarted, the network
dropped, `pg_terminate_backend`), and its locks with it. So every page write checks, in its own
transaction, that the lock session still holds the locks of the page's channels (`confirm`);
a lock that went with its session is taken again on a new one, and a channel another process
locked meanwhile is lost to it (`ChannelLockLost`): nothing of that page is written.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress

from filelock import FileLock, Timeout
from sqlalchemy import Connection, text

from socialmon.database import Database

# PostgreSQL advisory locks belong to the whole database, not to a schema: two socialmon
# databases kept as schemas of one PostgreSQL database must not lock each other's channel 1.
# So the first key of the (int, int) lock is the lock's purpose and the schema, hashed; the
# second is the row's id.
PG_LOCK_KEY = "hashtext(:purpose || ':' || current_schema())"
_SCAN_PURPOSE = "socialmon-scan"
# The channels among :channels whose scan lock the session :pid (NULL: this one) holds. A lock on
# two int4 keys is listed with the first as classid, the second as objid, and objsubid 2.
_HELD_BY = (
    "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 "
    f"AND pid = COALESCE(CAST(:pid AS integer), pg_backend_pid()) AND classid = ({PG_LOCK_KEY})::oid AND objid = ANY(CAST(:channels AS oid[]))"
)


class ChannelLockLost(Exception):
    """The channel's lock went with its database session, and another scan holds it now."""


class ChannelLocks:
    """The scan locks one process takes on one database: each channel's, tried without waiting.

    On PostgreSQL every lock lives on one connection, held until `close()`: a scan of many
    channels at once takes one connection for its locks, not one per channel from a pool
    its writes need too. A session's advisory locks stack, so the channels this process
    holds are also tracked here: the same channel asked twice is busy the second time.

    The page writes of the database check these locks (`confirm`, from the storage threads).
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self._connection: Connection | None = None
        self._session: int | None = None  # the lock connection's backend pid
        self._held: set[int] = set()
        self._lost: set[int] = set()  # held channels whose lock another process took meanwhile
        self._mutex = threading.Lock()  # the connection and the sets, shared with storage threads
        database.lock_holders.add(self)

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
            with self._mutex:
                held = self._pg_lock("pg_try_advisory_lock", channel_id)
        else:
            held = self._file_lock(channel_id)
        if not held:
            yield False
            return
        with self._mutex:
            self._held.add(channel_id)
        try:
            yield True
        finally:
            if self.database.dialect == "postgresql":
                with self._mutex:
                    self._held.discard(channel_id)
                    if channel_id in self._lost:  # another process holds it: not ours to release
                        self._lost.discard(channel_id)
                    else:
                        self._pg_lock("pg_advisory_unlock", channel_id)
            else:
                self._held.discard(channel_id)
                if isinstance(held, FileLock):
                    held.release()

    def confirm(self, connection: Connection, channel_ids: Iterable[int]) -> None:
        """Raise `ChannelLockLost` unless this process still holds the lock of each channel it took among
        `channel_ids`; a lock whose session ended is taken again first, on a new session.

        Called in a page write's transaction (`connection`) just before it commits: what the server
        says there is what holds for the commit.
        """
        mine = self._held.intersection(channel_ids)
        if not mine or self.database.dialect != "postgresql":
            return
        lost = mine & self._lost
        session = self._session
        if session is not None and not lost:
            mine -= set(self._held_by(connection, session, mine))
        if mine - lost:
            lost |= self._retake(mine - lost)
        if lost:
            raise ChannelLockLost(
                "lost its channel lock to another scan (the database ended the session that held it); "
                "nothing more of it stored"
            )

    def _held_by(self, connection: Connection, session: int | None, channel_ids: set[int]) -> list[int]:
        """The channels among `channel_ids` whose lock the backend `session` (None: `connection`'s own)
        holds, as `connection` sees it."""
        return list(
            connection.execute(
                text(_HELD_BY), {"pid": session, "purpose": _SCAN_PURPOSE, "channels": sorted(channel_ids)}
            ).scalars()
        )

    def _retake(self, channel_ids: set[int]) -> set[int]:
        """Take again the locks of `channel_ids` that the lock session lost; returns those another
        process holds now (lost for good, until `hold` ends)."""
        from sqlalchemy.exc import DBAPIError

        with self._mutex:
            if self._connection is not None:
                try:  # another thread may have taken them again meanwhile; or the session is gone
                    channel_ids = channel_ids - set(self._held_by(self._connection, None, channel_ids))
                    self._connection.commit()
                except DBAPIError:
                    self._discard()
            lost = set()
            for channel_id in sorted(channel_ids & self._held):
                if not self._pg_lock("pg_try_advisory_lock", channel_id):
                    lost.add(channel_id)
            self._lost |= lost
            return lost

    def close(self) -> None:
        with self._mutex:
            if self._connection is not None:
                self._connection.close()  # the server releases whatever it still held
                self._connection = None
                self._session = None

    def _pg_lock(self, function: str, channel_id: int, *, again: bool = True) -> bool:
        from sqlalchemy.exc import DBAPIError

        try:
            if self._connection is None:
                # Its first statement inside the `try`: a pooled connection whose backend the
                # server ended meanwhile fails here, and kept it failed every later lock.
                self._connection = self.database.engine.connect()
                self._session = self._connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
            result = self._connection.execute(
                text(f"SELECT {function}({PG_LOCK_KEY}, :channel)"),
                {"purpose": _SCAN_PURPOSE, "channel": channel_id},
            ).scalar()
            self._connection.commit()
        except DBAPIError as error:
            # The session is gone (the database restarted or refused us for a while, the network
            # dropped, the backend was ended), and the server released the locks it held with it.
            # Kept, it would refuse every later lock ("Can't reconnect until invalid transaction is
            # rolled back"): a worker never scanned again after a 30 s outage. A lock to release
            # is released already; one to take is tried once on a new session (SQLAlchemy has
            # dropped the pool's connections of before: after an outage the first works).
            self._discard()
            if function == "pg_advisory_unlock":
                return True
            if again and error.connection_invalidated:
                return self._pg_lock(function, channel_id, again=False)
            raise
        return bool(result)

    def _discard(self) -> None:
        connection, self._connection = self._connection, None
        self._session = None
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
