"""One worker process (`socialmon worker`): procrastinate's worker, with socialmon's scan machinery.

Every job of the process shares one store, one scoring pool, one page writer (group
commits across channels), one HTTP client and one connection for the channels' advisory
locks, as the channels of one `socialmon scan` do.

Stalled jobs: every worker sends a heartbeat (`--heartbeat`, seconds); every worker also
looks for jobs left `doing` by a worker whose heartbeat is older than `--stalled-after`
seconds (killed, its machine lost) and puts them back on the queue. The channel then
resumes from its last stored page, under the same channel lock. The heartbeat goes on until
the worker's last job is over, shutting down included (see `_keep_heartbeat`), and a process
never takes its own jobs for stalled.

SIGTERM or SIGINT: no new job is taken; each running scan stops after the page it is
reading, its pages stored, and hands its channel back to the queue; the worker exits 0
within `--shutdown-timeout` seconds (running jobs still running then are cancelled, and
recovered as stalled). A second signal ends the process at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import sys
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from typing import Any

from socialmon.workers.app import QueueDatabase, build_app, first_line, migrate
from socialmon.workers.tasks import SCAN_TASK, ScanRetry, WorkerRuntime, log, register_schedules

POOL_SIZE = 8  # connections of the queue's pool per worker process, at most
RESTART_PAUSE = 0.5  # seconds before a worker stopped by its database starts again; doubled up to 30


@dataclass
class WorkerOptions:
    concurrency: int = 20
    queues: list[str] | None = None
    wait: bool = True  # False: exit once the queue is empty
    heartbeat: float = 10.0
    stalled_after: float = 30.0
    shutdown_timeout: float = 60.0
    retries: int = 3
    retry_wait: float = 60.0
    budget_wait: float = 30.0
    name: str | None = None
    poll_interval: float = 5.0
    queue_timeout: float = 30.0  # seconds a statement waits for a connection to the queue


async def recover_stalled(
    app: Any, stalled_after: float, own: frozenset[int] | set[int] = frozenset()
) -> int:
    """Put back on the queue the jobs of workers whose heartbeat is older than `stalled_after` seconds,
    but those of the workers `own` (this process's: its jobs are running here)."""
    recovered = 0
    for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after):
        if job.worker_id is not None and job.worker_id in own:
            continue
        try:
            await app.job_manager.retry_job(job)
        except Exception:  # another worker put it back first
            continue
        recovered += 1
        print(f"recovered stalled job {job.id} ({job.call_string})", file=sys.stderr, flush=True)
    await app.job_manager.prune_stalled_workers(max(stalled_after * 10, 300))
    return recovered


def _causes(problem: BaseException) -> Iterator[BaseException]:
    """`problem`, then what it was raised from, down to the first cause."""
    seen: BaseException | None = problem
    while seen is not None:
        yield seen
        seen = seen.__cause__


def _cause(problem: BaseException) -> str:
    """The first line of what went wrong at the bottom of `problem`: procrastinate's own error says
    only "Database error." above psycopg's, which names it."""
    *_, first = _causes(problem)
    return first_line(first)


def database_away(problem: BaseException) -> bool:
    """Whether `problem` says the queue's database is out of reach (refused, dropped, a pool's
    connection not had in time), at any depth of its causes: procrastinate wraps psycopg's error
    in its own. Another database error (a missing table, a bad statement) is not mended by waiting.
    """
    import psycopg

    away = (psycopg.OperationalError, psycopg.InterfaceError, OSError)
    return any(isinstance(each, away) for each in _causes(problem))


async def _unfinished(app: Any, queues: list[str] | None) -> int:
    async with app.connector.pool.connection() as connection:
        row = await (
            await connection.execute(
                "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') "
                "AND (%s::varchar[] IS NULL OR queue_name = ANY(%s::varchar[]))",
                [queues, queues],
            )
        ).fetchone()
    return int(row[0]) if row else 0


async def _recover_loop(app: Any, stalled_after: float, own: set[int]) -> None:
    interval = max(0.5, stalled_after / 3)
    while True:
        await asyncio.sleep(interval * (0.5 + random.random()))
        try:
            await recover_stalled(app, stalled_after, own)
        except Exception as problem:  # the database is away: try again next time
            log.warning("looking for stalled jobs failed: %s", _cause(problem))


async def _keep_heartbeat(app: Any, worker: Any, interval: float, own: set[int]) -> None:
    """Send `worker`'s heartbeat every `interval` seconds, for as long as it runs; note its id in `own`.

    procrastinate's worker stops its own heartbeat as it begins to shut down, then waits for its
    running jobs (up to --shutdown-timeout); a job still running --stalled-after seconds later was
    taken for stalled by another worker and run a second time alongside (procrastinate-org/
    procrastinate#1585, open). This one goes on until the worker has stopped, its jobs over.
    """
    while True:
        await asyncio.sleep(interval)
        worker_id = worker.worker_id  # None before it registered and once it unregistered
        if worker_id is None:
            continue
        own.add(worker_id)
        try:
            await app.job_manager.update_heartbeat(worker_id)
        except Exception as problem:  # the database is away: the next beat tries again
            log.warning("sending the worker's heartbeat failed: %s", _cause(problem))


async def _stop_once_all_done(app: Any, worker: Any, queues: list[str] | None, interval: float) -> None:
    """--until-empty: stop `worker` once no job waits or runs anywhere, this worker's own included.

    procrastinate's `wait=False` stops fetching as soon as it finds no job, and then waits for the
    jobs it runs without a heartbeat (see `_keep_heartbeat`) and with none taken meanwhile.
    """
    while True:
        await asyncio.sleep(interval)
        try:
            unfinished = await _unfinished(app, queues)
        except Exception as problem:  # the database is away: look again next time
            log.warning("looking at the queue failed: %s", _cause(problem))
            continue
        if not unfinished:
            worker.stop()
            return


def _new_worker(app: Any, options: WorkerOptions, runtime: WorkerRuntime) -> Any:
    """procrastinate's worker, as `socialmon worker` runs it (its helpers beside it: `_run_with_helpers`)."""
    from procrastinate.worker import Worker

    return Worker(
        app=app,
        concurrency=options.concurrency,
        queues=options.queues,
        wait=True,  # --until-empty: stopped by _stop_once_all_done
        name=options.name,
        install_signal_handlers=False,
        additional_context={"socialmon": runtime},
        update_heartbeat_interval=options.heartbeat,
        stalled_worker_timeout=options.stalled_after,
        shutdown_graceful_timeout=options.shutdown_timeout,
        fetch_job_polling_interval=options.poll_interval,
    )


async def _run_with_helpers(worker: Any, helpers: dict[str, Coroutine[Any, Any, None]]) -> bool:
    """Run procrastinate's `worker` until it stops, with socialmon's `helpers` (by what each keeps up)
    running beside it; whether a helper failed.

    A helper that fails is said at once, naming what stopped, and the worker is asked to stop (its
    running jobs finish): without its heartbeat (procrastinate renamed `Worker.worker_id`, say) other
    workers would take this one's jobs for stalled and run them a second time.
    """
    running = [asyncio.create_task(helper, name=what) for what, helper in helpers.items()]
    failed = False

    def said_and_stopped(helper: asyncio.Task[None]) -> None:
        nonlocal failed
        if _say_if_failed(helper):
            failed = True
            worker.stop()

    for task in running:
        task.add_done_callback(said_and_stopped)
    try:
        await worker.run()
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)  # each failure said already
    return failed


def _say_if_failed(helper: asyncio.Task[None]) -> bool:
    """Log a helper that failed; whether it did."""
    if helper.cancelled():
        return False
    problem = helper.exception()
    if problem is None:
        return False
    log.warning(
        "%s stopped: %s: %s; stopping this worker after its running jobs",
        helper.get_name(),
        type(problem).__name__,
        problem,
    )
    return True


async def run_worker(config: Any, database_url: str, queue: QueueDatabase, options: WorkerOptions) -> None:
    from socialmon.database import open_database
    from socialmon.locking import ChannelLocks
    from socialmon.plugins import default_registry
    from socialmon.scan import SCAN_SWITCH_INTERVAL, PageWriter, ScanShared, StopRequest
    from socialmon.scoring import ScoringPool
    from socialmon.sentiment import get_scorer
    from socialmon.storage import Store
    from socialmon.workers.budgets import PlatformBudgets
    from socialmon.workers.tasks import _LogReporter
    from socialmon_connectors.http import new_client

    # socialmon's tables first: on a database it cannot open (a newer socialmon's), nothing is done.
    database = await asyncio.to_thread(open_database, database_url)
    try:
        done = await asyncio.to_thread(migrate, queue)
    except BaseException:
        database.dispose()
        raise
    if done:
        print(done, file=sys.stderr, flush=True)
    scorer = get_scorer(config.settings.sentiment.scorer, config.settings.sentiment.languages)
    store = Store(database, scorer)
    stop = StopRequest()
    limits = {
        platform: limit.channels for platform, limit in config.settings.scan.limits.items() if limit.channels
    }
    budgets = PlatformBudgets(queue, limits)
    shared = ScanShared(
        store=store,
        scoring=ScoringPool(scorer, None),
        reporter=_LogReporter(),
        writer=PageWriter(store, _NoLock()),
        locks=ChannelLocks(database),
        http=new_client(max_connections=max(10, options.concurrency * 2), shared=True),
        channel_timeout=config.settings.scan.channel_timeout * 60,
        stop=stop,
    )
    rt = WorkerRuntime(
        config=config,
        registry=default_registry(),
        store=store,
        shared=shared,
        budgets=budgets,
        stop=stop,
        retries=options.retries,
        budget_wait=options.budget_wait,
    )
    # procrastinate fetches and finishes jobs, and a job marks its cycle, on short statements: a few
    # connections serve 20 jobs; every one more per worker counts against max_connections.
    app = build_app(queue, pool_size=min(options.concurrency + 2, POOL_SIZE), timeout=options.queue_timeout)
    app.tasks[SCAN_TASK].retry_strategy = ScanRetry(options.retries, options.retry_wait)
    schedules = register_schedules(app, config)
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, SCAN_SWITCH_INTERVAL))  # as run_scan does
    loop = asyncio.get_running_loop()
    try:
        async with app.open_async():
            own_workers: set[int] = set()  # the ids procrastinate gave this process's workers

            async def run_one() -> bool:
                """Run one procrastinate worker until it stops; whether another may start after it."""
                app.perform_import_paths()  # as app.run_worker_async does
                runner = _new_worker(app, options, rt)
                helpers = {
                    "the worker's heartbeat": _keep_heartbeat(app, runner, options.heartbeat, own_workers)
                }
                if not options.wait:
                    helpers["--until-empty's watch on the queue"] = _stop_once_all_done(
                        app, runner, options.queues, min(options.poll_interval, 1.0)
                    )
                try:
                    return not await _run_with_helpers(runner, helpers)
                except Exception as problem:
                    if not database_away(problem):
                        raise
                    # procrastinate's worker ends on its database's error (a job fetch that waited
                    # past the pool's timeout, its row not removed), its running jobs over: the
                    # process carries on, as after its listener's failure.
                    log.warning("the queue's database is away (%s); the worker starts again", _cause(problem))
                    return True
                finally:
                    # Its jobs are over: one still `doing` under its id (its end not recorded) is
                    # a stalled job from now on, for the recovery to put back.
                    own_workers.clear()

            async def work() -> None:
                pause = RESTART_PAUSE
                while True:
                    started = loop.time()
                    if not await run_one() or stop.requested:
                        return
                    # The worker stopped on its own: its database failed (procrastinate stops on
                    # its listener's or a fetch's error), or, --until-empty, it found no job. It
                    # starts again, but --until-empty once no job waits or runs anywhere (a
                    # stalled one is recovered meanwhile, a handed-back one comes due).
                    if not options.wait:
                        try:
                            if not await _unfinished(app, options.queues):
                                return
                        except Exception as problem:
                            if not database_away(problem):
                                raise
                            log.warning("looking at the queue failed: %s", _cause(problem))
                    if loop.time() - started > 60:  # it had run a while: a new failure, not the same
                        pause = RESTART_PAUSE
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, 30.0)

            worker = asyncio.create_task(work())
            recovery = asyncio.create_task(_recover_loop(app, options.stalled_after, own_workers))

            def on_signal(signum: int) -> None:
                name = signal.Signals(signum).name
                stop.request(f"worker stopping ({name})")
                # Said at once: a page may take a while to end, and whoever sent the signal (a
                # terminal, systemd, a test) then knows the worker heard it and what it waits for.
                print(
                    f"worker stopping ({name}): no new job is taken; running scans stop after the page "
                    f"they are reading, within {options.shutdown_timeout:g} s; a second {name} ends the "
                    "process at once",
                    file=sys.stderr,
                    flush=True,
                )
                for each in (signal.SIGTERM, signal.SIGINT):  # a second signal ends the process at once
                    loop.remove_signal_handler(each)
                    signal.signal(each, signal.SIG_DFL)
                worker.cancel()

            for each in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(each, on_signal, each)
            queues = ", ".join(options.queues) if options.queues else "all queues"
            plans = "; ".join(f"every {seconds} s ({cron})" for seconds, cron in schedules) or "none"
            print(
                f"worker started: {options.concurrency} job(s) at once on {queues}, queue schema "
                f"{queue.schema}; schedules: {plans}",
                file=sys.stderr,
                flush=True,
            )
            try:
                await worker
            except asyncio.CancelledError:
                if not stop.requested:
                    raise
            finally:
                recovery.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await recovery
                for each in (signal.SIGTERM, signal.SIGINT):
                    loop.remove_signal_handler(each)
    finally:
        sys.setswitchinterval(switch_interval)
        shared.locks.close()
        await shared.http.aclose()
        shared.scoring.close()
        await budgets.close()
        database.dispose()
    print(f"worker stopped{': ' + stop.reason if stop.reason else ''}", file=sys.stderr, flush=True)


class _NoLock:
    """PostgreSQL takes concurrent page writes: no lock around them (see `scan.PageWriter`)."""

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *_: object) -> None:
        return None
