"""Per-platform budgets shared by every worker on one database.

`[scan.limits.<platform>] channels = N` bounds the channels of that platform scanned at
once across the whole cluster. The budget is N slots, each a PostgreSQL session advisory
lock (key: the purpose, the queue's schema and the platform, hashed; then the slot
number). A worker takes a free slot before it starts a channel and gives it back after;
the locks live on one connection per worker process, so a worker that dies (SIGKILL, a
lost machine) gives its slots back with its connection: nothing to clean up.

A platform that answered 429 (`RateLimited`) is paused for every worker: a row in
`socialmon_platform_pause` says until when, and no worker starts a channel of that
platform before then (the channels wait in the queue).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from socialmon.workers.app import QueueDatabase

_PURPOSE = "socialmon-budget:"
POLL_INTERVAL = 0.25  # seconds between two looks for a free slot (with jitter)
# Seconds a worker trusts what it last read of a platform's pause: a pause another worker sets
# (60 s after a 429) is seen this much later at most, and a job costs no query for it.
PAUSE_CACHE_SECONDS = 2.0


class PlatformBudgets:
    def __init__(self, queue: QueueDatabase, limits: dict[str, int]) -> None:
        self.queue = queue
        self.limits = {platform: n for platform, n in limits.items() if n}
        self._connection: Any = None
        self._lock = asyncio.Lock()  # one statement at a time on the connection
        # A session's advisory locks stack: the slots this process holds are skipped here.
        self._held: set[tuple[str, int]] = set()
        # platform -> (loop time it was read, loop time its pause ends); see PAUSE_CACHE_SECONDS.
        self._pauses: dict[str, tuple[float, float]] = {}
        self._pause_reads: dict[str, asyncio.Lock] = {}

    async def _execute(self, query: str, params: list[Any]) -> Any:
        import psycopg

        async with self._lock:
            for attempt in range(2):
                if self._connection is None or self._connection.closed:
                    self._connection = await psycopg.AsyncConnection.connect(
                        self.queue.conninfo, autocommit=True, connect_timeout=10
                    )
                try:
                    return await (await self._connection.execute(query, params)).fetchone()
                except psycopg.OperationalError:
                    # The connection went away, and the slots it held with it: start a new one.
                    await self._discard()
                    if attempt:
                        raise
            return None

    async def _discard(self) -> None:
        """Drop the connection; the server releases its slots. Scans of this process still running
        keep their slots in `_held`, but other workers may now take them: after a lost connection
        the bound can be exceeded until those scans end."""
        if self._connection is not None:
            try:
                await self._connection.close()
            finally:
                self._connection = None

    async def paused_for(self, platform: str) -> float:
        """Seconds until the platform may be scanned again (0: now), as read at most
        `PAUSE_CACHE_SECONDS` ago (jobs starting together read it once)."""
        loop = asyncio.get_running_loop()
        async with self._pause_reads.setdefault(platform, asyncio.Lock()):
            cached = self._pauses.get(platform)
            if cached is None or loop.time() - cached[0] >= PAUSE_CACHE_SECONDS:
                row = await self._execute(
                    "SELECT GREATEST(0, EXTRACT(EPOCH FROM until - now()))::float "
                    "FROM socialmon_platform_pause WHERE platform = %s",
                    [platform],
                )
                now = loop.time()
                cached = self._pauses[platform] = (now, now + (float(row[0]) if row else 0.0))
        return max(0.0, cached[1] - loop.time())

    async def pause(self, platform: str, seconds: float, reason: str) -> None:
        """Pause the platform for every worker (after a 429), unless it is paused for longer already."""
        await self._execute(
            "INSERT INTO socialmon_platform_pause (platform, until, reason) "
            "VALUES (%s, now() + make_interval(secs => %s), %s) "
            "ON CONFLICT (platform) DO UPDATE SET until = GREATEST(socialmon_platform_pause.until, "
            "EXCLUDED.until), reason = EXCLUDED.reason RETURNING until",
            [platform, seconds, reason[:500]],
        )
        now = asyncio.get_running_loop().time()  # this worker rests at once
        until = max(self._pauses.get(platform, (now, now))[1], now + seconds)
        self._pauses[platform] = (now, until)

    async def _try_slot(self, platform: str, slot: int, function: str = "pg_try_advisory_lock") -> bool:
        row = await self._execute(
            f"SELECT {function}(hashtext(%s), %s)", [f"{_PURPOSE}{self.queue.schema}:{platform}", slot]
        )
        return bool(row and row[0])

    @asynccontextmanager
    async def slot(self, platform: str, *, wait: float, stop: Any = None) -> AsyncIterator[bool]:
        """Take one of the platform's slots, waiting up to `wait` seconds; yields whether one was taken.

        A platform with no limit always has room; a paused platform has none until its pause ends.
        """
        limit = self.limits.get(platform)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        held: int | None = None
        while True:
            if await self.paused_for(platform) <= 0:
                if limit is None:
                    held = -1
                    break
                for slot in random.sample(range(limit), limit):
                    if (platform, slot) in self._held:
                        continue
                    self._held.add((platform, slot))
                    if await self._try_slot(platform, slot):
                        held = slot
                        break
                    self._held.discard((platform, slot))
                if held is not None:
                    break
            if loop.time() >= deadline or (stop is not None and stop.requested):
                yield False
                return
            await asyncio.sleep(POLL_INTERVAL * (0.5 + random.random()))
        try:
            yield True
        finally:
            if held >= 0:
                try:
                    await self._try_slot(platform, held, "pg_advisory_unlock")
                except Exception:  # the connection is gone, and the lock with it
                    await self._discard()
                finally:
                    self._held.discard((platform, held))

    async def close(self) -> None:
        await self._discard()
