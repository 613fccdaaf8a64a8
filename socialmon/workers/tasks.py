"""The jobs the workers run, and putting them on the queue.

- `socialmon.scan_channel(brand, channel, cycle)`: one channel, on the queue of its
  platform (`scan.facebook`, …). Its queueing lock (the channel's label) keeps a channel
  from waiting in the queue twice; its lock keeps two workers from running it at once.
  The scan itself is `socialmon.scan.scan_channel`, the one `socialmon scan` runs, with
  the same storage, scoring and cursor: the cursor stays the one truth, and the advisory
  lock `scan_channel` takes also keeps a worker and a `socialmon scan` apart.
- `socialmon.check_alerts(brand, cycle)`: the brand's alert rules, once its channels of the
  cycle are all done (succeeded, or failed for good).
- `socialmon.schedule(timestamp, seconds)`: a periodic task per distinct `every` of the
  config; each tick enqueues the channels on that schedule. procrastinate defers each tick
  once whatever the number of workers.

A cycle is one enqueue of a set of channels; `socialmon_cycle_channel` records which of
them are done, under a row lock of the brand's `socialmon_cycle` row, so that exactly one
job finds the brand's cycle complete and puts its alert job on the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from socialmon.workers.app import ALERTS_QUEUE, SCHEDULE_QUEUE, first_line, scan_queue

if TYPE_CHECKING:
    from socialmon.alerts.rules import HalfImported
    from socialmon.config import BrandConfig, ChannelConfig, Config, ResolvedChannel
    from socialmon.plugins import ConnectorRegistry
    from socialmon.scan import ChannelOutcome, ScanShared, StopRequest
    from socialmon.storage import Store
    from socialmon.workers.budgets import PlatformBudgets

SCAN_TASK = "socialmon.scan_channel"
ALERTS_TASK = "socialmon.check_alerts"
SCHEDULE_TASK = "socialmon.schedule"
RATE_LIMIT_PAUSE = 60.0  # seconds a platform rests for every worker after a 429
ANALYZE_AFTER = 200  # jobs queued at once after which the queue's table is analysed (see `enqueue`)

log = logging.getLogger("socialmon.workers")


class ScanFailed(Exception):
    """The channel's scan failed; procrastinate retries it with backoff, then leaves it failed."""

    def __init__(self, message: str) -> None:
        # A platform's error is untrusted text, and procrastinate writes this message to the
        # worker's log and keeps it in its tables: no escape sequence may reach a terminal that
        # reads them (`socialmon scan` cleans the same text as it prints it).
        from socialmon.render._safe_text import terminal_text

        super().__init__(terminal_text(message))


def channel_label(brand: str, channel: str) -> str:
    return f"{brand}/{channel}"


def scan_lock(brand: str, channel: str) -> str:
    return f"socialmon-scan:{channel_label(brand, channel)}"


def every_seconds(scan_every: float | None, brand: BrandConfig, channel: ChannelConfig) -> int:
    """The channel's schedule in seconds (0: none): its own, else its brand's, else [scan] every."""
    for value in (channel.every, brand.every, scan_every):
        if value is not None:
            return round(value * 60)
    return 0


# --- the worker process's state -------------------------------------------------------------


@dataclass
class WorkerRuntime:
    """What the jobs of one worker process share: the config, the store and the scan's machinery."""

    config: Config
    registry: ConnectorRegistry
    store: Store
    shared: ScanShared
    budgets: PlatformBudgets
    stop: StopRequest
    retries: int = 3
    budget_wait: float = 30.0  # seconds a job waits for its platform's budget before handing itself back
    _resolved: dict[tuple[str, str], ResolvedChannel] = field(default_factory=dict)
    _enabled: dict[tuple[str, str], tuple[BrandConfig, ChannelConfig]] | None = None

    def find(self, brand: str, channel: str) -> tuple[BrandConfig, ChannelConfig] | None:
        # An index, built once: looking through the whole config for each job made the jobs of a
        # cycle cost O(channels²) (1,000 channels: 0.24 ms of CPU a job).
        if self._enabled is None:
            self._enabled = {}
            for b, c in self.config.select():
                if c.enabled:
                    self._enabled.setdefault((b.slug, c.name), (b, c))
        return self._enabled.get((brand, channel))

    def resolve(self, brand: str, channel: str) -> ResolvedChannel | None:
        key = (brand, channel)
        if key not in self._resolved:
            found = self.find(brand, channel)
            if found is None:
                return None
            self._resolved[key] = self.config.resolve(found[0], found[1], self.registry)
        return self._resolved[key]

    def brand_channels(self, brand: str) -> list[ResolvedChannel]:
        """The brand's enabled channels this worker can resolve, for its alert job (the rules judge
        what the database holds of the brand). One whose secret this worker's environment lacks
        was skipped by its scan job, which said so; it is left out here with a line of its own."""
        from socialmon.config import ConfigError

        found = []
        for b, c in self.config.select(brand):
            if b.slug != brand or not c.enabled:
                continue
            try:
                resolved = self.resolve(b.slug, c.name)
            except ConfigError as error:
                _say(
                    f"{channel_label(b.slug, c.name)}: left out of the alert job: {error.problems[0].message}"
                )
                continue
            if resolved is not None:
                found.append(resolved)
        return found


def runtime(context: Any) -> WorkerRuntime:
    return context.additional_context["socialmon"]


# --- the tasks ------------------------------------------------------------------------------


async def scan_channel_job(context: Any, brand: str, channel: str, cycle: str) -> str:
    rt = runtime(context)
    job = context.job
    try:
        return await _scan_channel(context, rt, job, brand, channel, cycle)
    except ScanFailed:
        raise
    except Exception as problem:
        # Not a failed scan but the job around it: the database refused a connection ("too many
        # clients already"), lost one, a bug. Retried as a failed scan is, then left failed; before,
        # procrastinate failed such a job for good at its first attempt, the channel's pages were
        # never read and its brand's alert rules never ran for the cycle.
        error = f"unexpected {type(problem).__name__}: {first_line(problem)}"
        last = job.attempts >= rt.retries
        _say(f"{channel_label(brand, channel)}: failed: {error}{'' if last else '; to be retried'}")
        await _attempt_failed(context.app, rt, job, cycle, brand, channel, error)
        raise ScanFailed(f"{channel_label(brand, channel)}: {error}") from problem


async def _attempt_failed(
    app: Any, rt: WorkerRuntime, job: Any, cycle: str, brand: str, channel: str, error: str
) -> None:
    """Record why the attempt failed; on the last attempt the cycle goes on without the channel."""
    try:
        await _note_error(app, cycle, brand, channel, error)
        if job.attempts >= rt.retries:
            await finish_in_cycle(app, cycle, brand, channel)
    except Exception as problem:  # the database is away: the job is retried or failed all the same
        log.warning("%s: recording the failure failed: %s", channel_label(brand, channel), problem)


async def _note_error(app: Any, cycle: str, brand: str, channel: str, error: str) -> None:
    """Why the channel's job did not scan it, in its cycle's row (`workers status` shows it); the
    text cleaned, as a platform's error is untrusted."""
    from socialmon.render._safe_text import terminal_text

    async with app.connector.pool.connection() as connection:
        await connection.execute(
            "UPDATE socialmon_cycle_channel SET error = %s WHERE cycle = %s AND brand = %s AND channel = %s",
            [terminal_text(error)[:1000], cycle, brand, channel],
        )


async def _scan_channel(
    context: Any, rt: WorkerRuntime, job: Any, brand: str, channel: str, cycle: str
) -> str:
    from socialmon.config import ConfigError
    from socialmon.scan import scan_channel

    try:
        resolved = rt.resolve(brand, channel)
    except ConfigError as error:
        # An unset ${VAR} secret, or options this worker's config refuses: no retry can mend
        # them, so the channel is skipped, as `socialmon scan` skips it, in one line each, and
        # the cycle goes on without it (its brand's alert rules still run).
        said = [
            f"{problem.message}: set it in the worker's environment, then restart the worker"
            if problem.variable
            else str(problem)
            for problem in error.problems
        ]
        for line in said:
            _say(f"{channel_label(brand, channel)}: skipped: {line}")
        await _note_error(context.app, cycle, brand, channel, "skipped: " + "; ".join(said))
        found = rt.find(brand, channel)
        if found is not None:  # its last scan, for the reports to warn about (see record_not_scanned)
            await asyncio.to_thread(
                rt.store.record_not_scanned, found[0], found[1], "not scanned: " + "; ".join(said)
            )
        await finish_in_cycle(context.app, cycle, brand, channel)
        return f"{channel_label(brand, channel)}: skipped: the worker's config or environment is incomplete"
    if resolved is None:
        await finish_in_cycle(context.app, cycle, brand, channel)
        return f"{channel_label(brand, channel)}: not an enabled channel of this worker's config"
    if rt.stop.requested:
        await hand_back(context.app, job, 0)
        return "handed back: the worker is stopping"
    platform = resolved.channel.platform
    async with rt.budgets.slot(platform, wait=rt.budget_wait, stop=rt.stop) as held:
        if not held:
            await hand_back(context.app, job, 0 if rt.stop.requested else 1)
            return f"handed back: no room in the {platform} budget"
        outcome: ChannelOutcome = await scan_channel(resolved, rt.shared)
    if outcome.status == "busy":  # another process (a `socialmon scan`, a stalled worker) holds it
        await hand_back(context.app, job, 10)
        return f"handed back: {outcome.error}"
    if rt.stop.requested and outcome.error and outcome.error.startswith(rt.stop.reason or "\0"):
        await hand_back(context.app, job, 0)  # stopped after a stored page: the next run resumes there
        return f"handed back after {outcome.pages} page(s): the worker is stopping"
    if outcome.status == "failed":
        error = outcome.error or "failed"
        if error.startswith("RateLimited"):
            await rt.budgets.pause(platform, RATE_LIMIT_PAUSE, error)
        await _attempt_failed(context.app, rt, job, cycle, brand, channel, error)
        raise ScanFailed(f"{outcome.label}: {error}")
    await finish_in_cycle(context.app, cycle, brand, channel)
    r = outcome.result
    return f"{outcome.label}: {outcome.status}, {outcome.pages} page(s), {r.new_posts} new posts, {r.new_comments} new comments"


async def check_alerts_job(context: Any, brand: str, cycle: str) -> str:
    from socialmon.scan import check_alerts

    rt = runtime(context)
    channels = rt.brand_channels(brand)
    if not channels:
        return f"{brand}: no enabled channel in this worker's config"
    reporter = _LogReporter()
    await asyncio.to_thread(check_alerts, channels, rt.store, reporter)
    await _forget_old_cycles(context.app)
    return reporter.line or f"{brand}: alert rules checked"


async def schedule_job(context: Any, timestamp: int, seconds: int) -> str:
    rt = runtime(context)
    scan_every = rt.config.settings.scan.every
    chosen = [
        (b.slug, c.name, c.platform)
        for b, c in rt.config.select()
        if c.enabled and every_seconds(scan_every, b, c) == seconds
    ]
    result = await enqueue(context.app, chosen, cycle=f"every-{seconds}s@{timestamp}")
    return f"schedule every {seconds} s: {len(result.queued)} queued, {len(result.already)} already queued"


class ScanRetry:
    """Retry a failed scan `retries` times, waiting `first_wait` seconds, then twice as long each time."""

    def __new__(cls, retries: int, first_wait: float) -> Any:
        from procrastinate import BaseRetryStrategy, RetryDecision

        class _Retry(BaseRetryStrategy):
            def get_retry_decision(self, *, exception: BaseException, job: Any) -> Any:
                if job.attempts >= retries or not isinstance(exception, ScanFailed):
                    return None
                return RetryDecision(retry_in={"seconds": round(first_wait * 2**job.attempts)})

        return _Retry()


def register(app: Any) -> None:
    app.task(name=SCAN_TASK, pass_context=True, retry=ScanRetry(3, 60))(scan_channel_job)
    app.task(name=ALERTS_TASK, pass_context=True, queue=ALERTS_QUEUE)(check_alerts_job)
    app.task(name=SCHEDULE_TASK, pass_context=True, queue=SCHEDULE_QUEUE)(schedule_job)


def register_schedules(app: Any, config: Config) -> list[tuple[int, str]]:
    """One periodic task per distinct schedule of the enabled channels; returns (seconds, cron) of each."""
    from socialmon.config import schedule_cron

    scan_every = config.settings.scan.every
    periods = sorted({every_seconds(scan_every, b, c) for b, c in config.select() if c.enabled} - {0})
    registered = []
    for seconds in periods:
        cron = schedule_cron(seconds / 60)
        app.periodic(
            cron=cron,
            periodic_id=f"every-{seconds}s",
            task_kwargs={"seconds": seconds},
            queueing_lock=f"socialmon-schedule:{seconds}",
        )(app.tasks[SCHEDULE_TASK])
        registered.append((seconds, cron))
    return registered


# --- enqueueing -----------------------------------------------------------------------------


@dataclass
class EnqueueResult:
    cycle: str
    queued: list[str] = field(default_factory=list)  # labels
    already: list[str] = field(default_factory=list)  # labels already waiting in the queue


async def enqueue(
    app: Any, channels: Sequence[tuple[str, str, str]], cycle: str | None = None
) -> EnqueueResult:
    """One scan job per (brand slug, channel name, platform), unless the channel already waits in the queue."""
    from procrastinate.exceptions import AlreadyEnqueued

    result = EnqueueResult(cycle or f"manual@{uuid.uuid4().hex[:12]}")
    brands = sorted({brand for brand, _, _ in channels})
    # The cycle's rows exist before its first job does, so that no job finishes outside it.
    async with (
        app.connector.pool.connection() as connection,
        connection.transaction(),
        connection.cursor() as cursor,
    ):
        await cursor.executemany(
            "INSERT INTO socialmon_cycle (cycle, brand) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            [(result.cycle, brand) for brand in brands],
        )
        await cursor.executemany(
            "INSERT INTO socialmon_cycle_channel (cycle, brand, channel) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            [(result.cycle, brand, channel) for brand, channel, _ in channels],
        )
    already: list[tuple[str, str]] = []
    task = app.tasks[SCAN_TASK]

    async def defer(brand: str, channel: str, platform: str) -> None:
        lock = scan_lock(brand, channel)
        try:
            await task.configure(queue=scan_queue(platform), lock=lock, queueing_lock=lock).defer_async(
                brand=brand, channel=channel, cycle=result.cycle
            )
            result.queued.append(channel_label(brand, channel))
        except AlreadyEnqueued:
            already.append((brand, channel))
            result.already.append(channel_label(brand, channel))

    for start in range(0, len(channels), 20):
        await asyncio.gather(*(defer(*channel) for channel in channels[start : start + 20]))
    if already:
        async with (
            app.connector.pool.connection() as connection,
            connection.transaction(),
            connection.cursor() as cursor,
        ):
            await cursor.executemany(
                "DELETE FROM socialmon_cycle_channel WHERE cycle = %s AND brand = %s AND channel = %s",
                [(result.cycle, brand, channel) for brand, channel in already],
            )
    if len(result.queued) >= ANALYZE_AFTER:
        await _analyze_jobs(app)
    for brand in brands:
        await finish_in_cycle(app, result.cycle, brand, None)
    return result


async def _analyze_jobs(app: Any) -> None:
    """Let the planner see the jobs just queued.

    Until autovacuum gets to it, PostgreSQL plans procrastinate's fetch from the statistics of the
    table before the enqueue: for a table that held few waiting jobs, a scan and sort of every
    waiting job at each fetch. 3,000 channels enqueued: 88 ms of PostgreSQL CPU per job fetched
    and finished, 1.1 ms after an ANALYZE (0.9 ms with the index of `app.OWN_INDEXES`).
    """
    try:
        async with app.connector.pool.connection() as connection:
            await connection.execute("ANALYZE procrastinate_jobs")
    except Exception as problem:  # not the table's owner: the fetches are slower, not wrong
        log.warning("ANALYZE of the queue failed: %s", problem)


async def finish_in_cycle(app: Any, cycle: str, brand: str, channel: str | None) -> None:
    """Mark the channel done in its cycle; the last one of the brand puts the brand's alert job on the queue.

    Two short statements, no lock held between them: the channel is marked done (committed), then
    one UPDATE flags the brand's cycle if none of its channels is left. Of two jobs ending together,
    the one whose UPDATE starts last sees both done; if both see it, the row lock and the
    `NOT alerts_deferred` check (re-read after the lock) let one through.
    """
    from procrastinate.exceptions import AlreadyEnqueued

    async with app.connector.pool.connection() as connection:
        if channel is not None:
            await connection.execute(
                "UPDATE socialmon_cycle_channel SET done = true "
                "WHERE cycle = %s AND brand = %s AND channel = %s AND NOT done",
                [cycle, brand, channel],
            )
            await connection.commit()
        flagged = await (
            await connection.execute(
                "UPDATE socialmon_cycle y SET alerts_deferred = true "
                "WHERE y.cycle = %s AND y.brand = %s AND NOT y.alerts_deferred "
                # nothing of the brand in this cycle (all were queued already): no alerts
                "AND EXISTS (SELECT 1 FROM socialmon_cycle_channel c WHERE c.cycle = y.cycle AND c.brand = y.brand) "
                "AND NOT EXISTS (SELECT 1 FROM socialmon_cycle_channel c "
                "WHERE c.cycle = y.cycle AND c.brand = y.brand AND NOT c.done) RETURNING 1",
                [cycle, brand],
            )
        ).fetchone()
    if flagged is None:
        return
    lock = f"socialmon-alerts:{brand}"
    # An alert job of the brand already waiting will see this cycle's data too.
    with contextlib.suppress(AlreadyEnqueued):
        await (
            app.tasks[ALERTS_TASK]
            .configure(lock=lock, queueing_lock=lock)
            .defer_async(brand=brand, cycle=cycle)
        )


async def hand_back(app: Any, job: Any, delay: float) -> None:
    """Put a copy of the job back on the queue (for another worker, or later); the current one then ends."""
    from procrastinate.exceptions import AlreadyEnqueued

    with contextlib.suppress(AlreadyEnqueued):  # the channel may wait in the queue already
        await (
            app.tasks[job.task_name]
            .configure(
                queue=job.queue,
                lock=job.lock,
                queueing_lock=job.queueing_lock,
                schedule_in={"seconds": delay} if delay else None,
            )
            .defer_async(**job.task_kwargs)
        )


async def _forget_old_cycles(app: Any) -> None:
    async with app.connector.pool.connection() as connection:
        await connection.execute(
            "DELETE FROM socialmon_cycle_channel c USING socialmon_cycle y WHERE c.cycle = y.cycle "
            "AND c.brand = y.brand AND y.created_at < now() - interval '7 days'"
        )
        await connection.execute("DELETE FROM socialmon_cycle WHERE created_at < now() - interval '7 days'")


class _LogReporter:
    """What a worker prints about its scans: one line per channel and per brand's alerts."""

    line: str | None = None

    def channel_started(self, label: str) -> None:
        pass

    def page_saved(self, label: str, totals: Any, progress: Any) -> None:
        pass

    def record_rejected(self, label: str, rejected: Any) -> None:
        pass

    def channel_finished(self, outcome: ChannelOutcome) -> None:
        r = outcome.result
        detail = f": {outcome.error}" if outcome.error else ""
        _say(
            f"{outcome.label}: {outcome.status}, {r.new_posts} new posts, {r.new_comments} new comments{detail}"
        )

    def alerts_checked(
        self,
        brand: str,
        created: int,
        resolved: int,
        error: str | None,
        skipped: Sequence[HalfImported] = (),  # (a worker's log says no more than it did)
    ) -> None:
        self.line = f"{brand}: {error}" if error else f"{brand}: {created} new alert(s), {resolved} resolved"
        _say(self.line)


def _say(line: str) -> None:
    """One line to stderr; platform errors are untrusted text: control characters are dropped."""
    printable = "".join(ch if ch.isprintable() else " " for ch in line)
    print(printable, file=sys.stderr, flush=True)


async def enqueue_now(queue: Any, channels: Sequence[tuple[str, str, str]]) -> EnqueueResult:
    """Create the queue if need be, then `enqueue` the channels (for `socialmon scan --enqueue`)."""
    from socialmon.workers.app import build_app, migrate

    await asyncio.to_thread(migrate, queue)
    app = build_app(queue, pool_size=4)
    async with app.open_async():
        return await enqueue(app, channels)
