"""Worker mode throughput: channels × pages on the fake Graph API (100 ms per request), on PostgreSQL.

Run:  SOCIALMON_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_workers \\
      .venv/bin/python tests/benchmarks/bench_workers.py [--channels 1000] [--pages 5] [--latency 0.1]
                                                          [--concurrency 20] [--kill-every 20]
                                                          [--workers 1 2 4] [--no-kill] [--no-overhead]

Use a database of its own (`createdb bench_workers`), not the test suite's: the PostgreSQL CPU
is that of the backends serving the URL's database, whoever they serve.

Prints one line per figure, each with the machine's load average (1, 5, 15 min):
- the single-process scan (`run_scan`, the same code `socialmon scan` runs) on PostgreSQL, timed
  once the process is loaded;
- one worker process on an empty queue, start to exit: its start-up, paid once per process;
- one `socialmon worker` process (`scan --enqueue`, then `worker --until-empty`) at the same
  concurrency, and its ratio to the single-process scan (target ≥ 0.9×): in the jobs' window
  (first scan job started to last ended, from procrastinate's events) and counting the start;
- 2 and 4 worker processes on this machine (targets ≥ 1.8× and ≥ 3.2× one worker until the
  CPU is the limit), the same two ways;
- for every run the CPU per page of the scanning processes, of the fake server and of the
  PostgreSQL backends of the benchmark's database, and from them a projection to 10 machines;
- 4 workers with one SIGKILLed (and replaced) every `--kill-every` seconds: rows and a
  checksum of what was stored against the clean run, the kills, the drain time after the last kill;
- the queue's overhead per job, enqueue → start, on an idle worker: median and p99.

Each worker run also says whether it stored what the single-process scan stored, how many
channels ended failed after their retries and why, and how many jobs needed a retry; its
pages/s count only the pages stored.

The fake Graph API runs in a child process (as in bench_connectors.py). Each run stores into
a fresh schema (dropped afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _processes import process_cpu
from fake_platform import FakeGraph
from sqlalchemy import create_engine, make_url, text

from socialmon.config import load_config
from socialmon.database import open_database
from socialmon.plugins import default_registry
from socialmon.scan import run_scan
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon.workers.app import migrate, queue_database
from socialmon.workers.tasks import enqueue_now

POSTS_PER_PAGE = 5
# The SIGKILL run: a killed worker's jobs are recovered within seconds. The throughput runs keep the
# defaults (heartbeat 10 s, stalled after 30 s): a heartbeat and a look for stalled jobs every
# second cost each worker CPU a deployment does not spend.
FAST = ["--heartbeat", "1", "--stalled-after", "3", "--poll-interval", "1", "--retry-wait", "1"]
STEADY = ["--retry-wait", "1"]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"(load average {one:.2f} {five:.2f} {fifteen:.2f}, {os.cpu_count()} CPUs)"


def say(line: str) -> None:
    print(f"{line} {load()}", flush=True)


class CpuMeter:
    """CPU seconds of the fake server and of the PostgreSQL backends serving the benchmark's
    database, while a run lasts.

    A backend's CPU is read from /proc every `interval` seconds while it lives (its process title
    names the database), so what a backend spends in its last interval before it exits is missed:
    a lower bound, close as the workers' connections live as long as the workers. Other databases
    of the server (other people's tests) are not counted; the server's own background processes
    (WAL writer, checkpointer) are not either.
    """

    def __init__(self, database: str, server_pid: int | None, interval: float = 0.2) -> None:
        self.database = database
        self.server_pid = server_pid
        self.interval = interval
        self._known: dict[int, bool] = {}  # pid -> whether it is a backend of our database
        self._seen: dict[int, tuple[float, float]] = {}  # backend pid -> (CPU when first seen, last seen)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._server_start = 0.0
        self.peak = 0  # the most backends of the database seen at once

    def _backends(self) -> list[int]:
        pids = []
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            pid = int(name)
            mine = self._known.get(pid)
            if mine is None:
                try:
                    title = (
                        Path(f"/proc/{pid}/cmdline")
                        .read_bytes()
                        .replace(b"\0", b" ")
                        .decode(errors="replace")
                    )
                except OSError:
                    continue
                if not title.startswith("postgres: "):
                    # A backend just forked still carries the postmaster's command line: look again later.
                    if "postgres" not in title:
                        self._known[pid] = False
                    continue
                words = title.split()
                mine = self._known[pid] = len(words) > 3 and words[3] == self.database
            if mine:
                pids.append(pid)
        return pids

    def _sample(self) -> None:
        backends = self._backends()
        self.peak = max(self.peak, len(backends))
        for pid in backends:
            cpu = process_cpu(pid)
            if cpu is not None:
                first = self._seen.get(pid, (cpu, cpu))[0]
                self._seen[pid] = (first, cpu)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> CpuMeter:
        self._stop.clear()
        self.peak = 0
        self._sample()
        self._seen = {pid: (last, last) for pid, (_, last) in self._seen.items()}  # what came before
        self._server_start = (process_cpu(self.server_pid) or 0.0) if self.server_pid else 0.0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()
        self._sample()
        self.postgres = sum(last - first for first, last in self._seen.values())
        self.server = (process_cpu(self.server_pid) or 0.0) - self._server_start if self.server_pid else 0.0


class Schema:
    """A fresh schema on the server, and the URL whose search_path is it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.name = f"bench_{uuid.uuid4().hex[:10]}"
        separator = "&" if "?" in base else "?"
        self.url = f"{base}{separator}options=-csearch_path%3D{self.name}"

    def __enter__(self) -> Schema:
        self._execute(f'CREATE SCHEMA "{self.name}"')
        return self

    def __exit__(self, *_: object) -> None:
        self._execute(
            f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE; DROP SCHEMA IF EXISTS "{self.name}_queue" CASCADE'
        )

    def _execute(self, statement: str) -> None:
        engine = create_engine(self.base)
        with engine.begin() as connection:
            connection.execute(text(statement))
        engine.dispose()

    def query(self, statement: str) -> list:
        engine = create_engine(self.url)
        try:
            with engine.connect() as connection:
                return list(connection.execute(text(statement)).all())
        finally:
            engine.dispose()

    def stored(self) -> tuple[int, int, str]:
        """Posts, comments and a checksum of what was stored (ids and texts, in order)."""
        (posts, comments, checksum) = self.query(
            "SELECT (SELECT count(*) FROM post), (SELECT count(*) FROM comment), "
            "md5((SELECT string_agg(platform_id || ':' || text, ',' ORDER BY platform_id) FROM post) || "
            "(SELECT string_agg(platform_id || ':' || text, ',' ORDER BY platform_id) FROM comment))"
        )[0]
        return posts, comments, checksum


def failures(schema: Schema) -> list[tuple[str, int]]:
    """Channels whose scan job ended failed, by reason (why the job's last attempt failed, else the
    channel's last error), most frequent first."""
    q = f'"{schema.name}_queue"'
    return [
        (reason, count)
        for reason, count in schema.query(
            "SELECT coalesce(c.error, ch.last_error, '(no reason recorded)'), count(*) "
            f"FROM {q}.procrastinate_jobs j LEFT JOIN {q}.socialmon_cycle_channel c "
            "ON c.cycle = j.args->>'cycle' AND c.brand = j.args->>'brand' AND c.channel = j.args->>'channel' "
            "LEFT JOIN channel ch ON ch.name = j.args->>'channel' "
            "WHERE j.task_name = 'socialmon.scan_channel' AND j.status = 'failed' GROUP BY 1 ORDER BY 2 DESC"
        )
    ]


def retried(schema: Schema) -> int:
    """Scan jobs that needed more than one attempt."""
    q = f'"{schema.name}_queue"'
    return schema.query(
        f"SELECT count(*) FROM {q}.procrastinate_jobs WHERE task_name = 'socialmon.scan_channel' AND attempts > 1"
    )[0][0]


def compared(found: tuple[int, int, str], clean: tuple[int, int, str], schema: Schema) -> str:
    """How what a run stored compares with the clean single-process scan, and why channels failed."""
    if found == clean:
        verdict = "stored = the single-process scan's"
    else:
        verdict = f"stored DIFFERS: {found[0]:,} of {clean[0]:,} posts, {found[1]:,} of {clean[1]:,} comments"
    failed = failures(schema)
    if failed:
        total = sum(count for _, count in failed)
        reasons = "; ".join(f"{count}× {reason[:160]}" for reason, count in failed[:3])
        verdict += f"; {total} channel(s) ended FAILED after their retries: {reasons}"
    again = retried(schema)
    if again:
        verdict += f"; {again} job(s) needed a retry"
    return verdict


def write_config(folder: Path, url: str, channels: int, base_url: str) -> Path:
    blocks = "".join(
        f'[[brands.channels]]\nname = "c{i}"\nplatform = "facebook"\naccount = "{1000 + i}"\n'
        f'access_token = "tok-{i}"\nbase_url = "{base_url}"\npage_size = {POSTS_PER_PAGE}\n\n'
        for i in range(channels)
    )
    path = folder / f"socialmon-{uuid.uuid4().hex[:6]}.toml"
    path.write_text(
        f'database = "{url}"\n\n[[brands]]\nname = "Bench"\nslug = "bench"\n\n{blocks}', encoding="utf-8"
    )
    return path


@dataclass
class Run:
    """One timed run: its wall time and where the CPU went."""

    wall: float
    cpu: float  # the scanning process(es): the single process, or every worker process
    server: float = 0.0  # the fake Graph API's process
    postgres: float = 0.0  # the PostgreSQL backends of the benchmark's database (sampled)
    window: float | None = None  # first scan job started -> last one ended (the workers' steady state)
    first_job: float | None = None  # the first worker process started -> the first job started
    kills: int = 0
    drain: float | None = None
    done: float = 0.0  # pages stored
    connections: int = 0  # the most PostgreSQL connections to the database at once (sampled)

    def per_page(self, pages: float) -> str:
        n = max(pages, 1)
        return (
            f"CPU per page: scan {self.cpu / n * 1000:.2f} ms, fake server {self.server / n * 1000:.2f} ms, "
            f"PostgreSQL {self.postgres / n * 1000:.2f} ms"
        )


def single_process(config_path: Path, concurrency: int, meter: CpuMeter | None = None) -> Run:
    registry = default_registry()
    config = load_config(config_path, registry)
    channels = [config.resolve(b, c, registry) for b, c in config.select()]
    database = open_database(config.database_url())
    try:
        store = Store(database, get_scorer(config.settings.sentiment.scorer))
        with meter or contextlib.nullcontext():
            cpu_before = time.process_time() + children_cpu()
            started = time.perf_counter()
            outcomes = asyncio.run(run_scan(channels, store, concurrency=concurrency))
            wall = time.perf_counter() - started
            cpu = time.process_time() + children_cpu() - cpu_before
    finally:
        database.dispose()
    failed = [o for o in outcomes if o.status != "ok"]
    if failed:
        raise SystemExit(f"{len(failed)} channels failed, e.g. {failed[0].label}: {failed[0].error}")
    if meter is None:
        return Run(wall, cpu)
    return Run(wall, cpu, meter.server, meter.postgres)


def enqueue_all(config_path: Path, url: str) -> None:
    config = load_config(config_path)
    channels = [(b.slug, c.name, c.platform) for b, c in config.select()]
    asyncio.run(enqueue_now(queue_database(url), channels))


def start_worker(config: Path, concurrency: int, log: Path, fast: bool = False) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "socialmon",
            "worker",
            "--config",
            str(config),
            "--concurrency",
            str(concurrency),
            "--until-empty",
            *(FAST if fast else STEADY),
        ],
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
    )


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def workers_run(
    config: Path,
    url: str,
    workers: int,
    concurrency: int,
    folder: Path,
    meter: CpuMeter,
    schema: Schema,
    kill_every: float | None = None,
) -> Run:
    """Enqueue every channel, then run `workers` processes until the queue is empty."""
    enqueue_all(config, url)
    log = folder / "workers.log"
    with meter:
        cpu_before = children_cpu()
        started = time.perf_counter()
        spawned = time.time()
        fast = kill_every is not None
        running = [start_worker(config, concurrency, log, fast) for _ in range(workers)]
        kills, last_kill = 0, None
        next_kill = started + kill_every if kill_every else None
        while any(p.poll() is None for p in running):
            time.sleep(0.2)
            if next_kill is not None and time.perf_counter() >= next_kill:
                alive = [p for p in running if p.poll() is None]
                if alive:
                    victim = random.choice(alive)
                    victim.send_signal(signal.SIGKILL)
                    victim.wait()
                    kills += 1
                    last_kill = time.perf_counter()
                    running.append(start_worker(config, concurrency, log, fast))
                next_kill += kill_every
        wall = time.perf_counter() - started
        cpu = children_cpu() - cpu_before
    if any(p.returncode not in (0, -signal.SIGKILL) for p in running):
        raise SystemExit(f"a worker failed; see {log}:\n{log.read_text()[-3000:]}")
    drain = None if last_kill is None else time.perf_counter() - last_kill
    q = f'"{schema.name}_queue"'
    first, last = schema.query(
        "SELECT EXTRACT(EPOCH FROM min(e.at) FILTER (WHERE e.type = 'started'))::float, "
        "EXTRACT(EPOCH FROM max(e.at) FILTER (WHERE e.type IN ('succeeded', 'failed', 'aborted')))::float "
        f"FROM {q}.procrastinate_events e JOIN {q}.procrastinate_jobs j ON j.id = e.job_id "
        "WHERE j.task_name = 'socialmon.scan_channel'"
    )[0]
    window = last - first if first is not None and last is not None else None
    first_job = first - spawned if first is not None else None
    return Run(
        wall, cpu, meter.server, meter.postgres, window, first_job, kills, drain, connections=meter.peak
    )


def start_up(config: Path, url: str, folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one worker process on an empty queue, from its start to its exit:
    what each worker process of a run spends besides its jobs (imports, the scorer, connections)."""
    migrate(queue_database(url))  # the queue, empty
    cpu_before = children_cpu()
    started = time.perf_counter()
    start_worker(config, 20, folder / "start.log").wait()
    return time.perf_counter() - started, children_cpu() - cpu_before


def queue_overhead(config: Path, url: str, schema: Schema, folder: Path, jobs: int = 60) -> list[float]:
    """Enqueue -> start of jobs put one at a time on the queue of an idle worker, in seconds.

    The worker runs with its default poll interval (5 s): a job it learns of by LISTEN/NOTIFY
    starts at once, one it learns of only by polling waits up to 5 s, which the p99 shows. A few
    channels first warm the worker (its connections, the scorer); each measured job is put on the
    queue once the one before it has ended, so the worker is idle when it arrives.
    """
    import psycopg

    loaded = load_config(config)
    chosen = [(b.slug, c.name, c.platform) for b, c in loaded.select()]
    warm, measured = chosen[:10], chosen[10 : 10 + jobs]
    queue = queue_database(url)
    asyncio.run(enqueue_now(queue, warm))
    worker = subprocess.Popen(
        [sys.executable, "-m", "socialmon", "worker", "--config", str(config), "--concurrency", "4"],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "overhead.log").open("ab"),
    )

    def unfinished(connection: psycopg.Connection) -> int:
        return connection.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
        ).fetchone()[0]  # type: ignore[index]

    try:
        with psycopg.connect(queue.conninfo, autocommit=True) as connection:
            deadline = time.monotonic() + 120
            while unfinished(connection) and time.monotonic() < deadline:
                time.sleep(0.1)
            first_measured = connection.execute(
                "SELECT coalesce(max(id), 0) FROM procrastinate_jobs"
            ).fetchone()[0]  # type: ignore[index]
            for channel in measured:
                asyncio.run(enqueue_now(queue, [channel]))
                deadline = time.monotonic() + 60
                while unfinished(connection) and time.monotonic() < deadline:
                    time.sleep(0.05)
                time.sleep(0.1)  # the worker settles back into waiting
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(60)
    q = f'"{schema.name}_queue"'
    rows = schema.query(
        f"SELECT EXTRACT(EPOCH FROM min(s.at) - min(d.at))::float FROM {q}.procrastinate_jobs j "
        f"JOIN {q}.procrastinate_events d ON d.job_id = j.id AND d.type = 'deferred' "
        f"JOIN {q}.procrastinate_events s ON s.job_id = j.id AND s.type = 'started' "
        f"WHERE j.task_name = 'socialmon.scan_channel' AND j.id > {int(first_measured)} GROUP BY j.id"
    )
    return sorted(value for (value,) in rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--kill-every", type=float, default=20.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--no-kill", action="store_true", help="skip the run with SIGKILLed workers")
    parser.add_argument("--no-overhead", action="store_true", help="skip the queue overhead measure")
    args = parser.parse_args()
    base = os.environ.get("SOCIALMON_BENCH_POSTGRES_URL") or os.environ.get("SOCIALMON_TEST_POSTGRES_URL")
    if not base:
        raise SystemExit("set SOCIALMON_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test")
    graph = FakeGraph(latency=args.latency)
    for i in range(args.channels):
        graph.add_page(
            str(1000 + i), token=f"tok-{i}", posts=args.pages * POSTS_PER_PAGE, comments_per_post=2
        )
    pages = args.channels * args.pages
    database = make_url(base).database
    say(
        f"{args.channels} channels × {args.pages} pages = {pages:,} requests at {args.latency * 1000:.0f} ms, "
        f"concurrency {args.concurrency} per process; PostgreSQL database {database!r}; fake server in "
        "its own process"
    )
    with tempfile.TemporaryDirectory() as tmp, graph.serve_in_process() as served:
        folder = Path(tmp)
        meter = CpuMeter(database, served.pid)
        with Schema(base) as warm:  # load what a process loads once (scorer, HTTP stack)
            single_process(write_config(folder, warm.url, 2, served.url), args.concurrency)
        with Schema(base) as schema:
            single = single_process(
                write_config(folder, schema.url, args.channels, served.url), args.concurrency, meter
            )
            clean = schema.stored()
        ideal = -(-args.channels // args.concurrency) * args.pages * args.latency
        say(
            f"[single process] scan wall time: {single.wall:.2f} s (ideal {ideal:.2f} s), "
            f"{pages / single.wall:.0f} pages/s; {single.per_page(pages)}"
        )
        with Schema(base) as schema:
            idle_wall, idle_cpu = start_up(
                write_config(folder, schema.url, 2, served.url), schema.url, folder
            )
        say(
            f"[worker start-up] one worker process on an empty queue, start to exit: {idle_wall:.2f} s, "
            f"CPU {idle_cpu:.2f} s (imports, the scorer, connections; once per process)"
        )
        runs: dict[int, Run] = {}
        for workers in args.workers:
            with Schema(base) as schema:
                config = write_config(folder, schema.url, args.channels, served.url)
                run = workers_run(config, schema.url, workers, args.concurrency, folder, meter, schema)
                found = schema.stored()
                verdict = compared(found, clean, schema)
            runs[workers] = run
            # Only the pages stored count (a failed channel's pages are not throughput).
            done = pages * found[0] / clean[0] if clean[0] else pages
            run.done = done
            window = run.window or run.wall
            say(
                f"[{workers} worker(s)] wall time {run.wall:.2f} s from starting the processes "
                f"({done / run.wall:.0f} pages/s), first job {run.first_job or 0:.2f} s after; "
                f"jobs' window {window:.2f} s ({done / window:.0f} pages/s); {run.per_page(done)} "
                f"({(run.cpu - workers * idle_cpu) / done * 1000:.2f} ms without the processes' start-up); "
                f"{run.connections} PostgreSQL connections at most; "
                f"{verdict}"
            )
            if workers == 1:
                say(
                    f"[1 worker] throughput vs the single-process scan: {single.wall / window:.2f}× in the "
                    f"jobs' window, {single.wall / run.wall:.2f}× counting the worker's start (target ≥ 0.9)"
                )
            elif 1 in runs:
                one = runs[1]
                target = {2: 1.8, 4: 3.2}.get(workers)
                goal = f" (target ≥ {target})" if target else ""
                rate = done / window
                base_rate = one.done / (one.window or one.wall)
                say(
                    f"[{workers} workers] throughput vs one worker: {rate / base_rate:.2f}× in the jobs' "
                    f"window, {(done / run.wall) / (one.done / one.wall):.2f}× counting the start{goal}"
                )
        if runs:
            project(runs, args.concurrency, args.latency)
        if not args.no_kill:
            kill_run(args, base, folder, served.url, clean, meter)
        if args.no_overhead:
            return
        with Schema(base) as schema:
            config = write_config(folder, schema.url, min(args.channels, 70), served.url)
            delays = queue_overhead(config, schema.url, schema, folder)
        if delays:
            p99 = delays[min(len(delays) - 1, round(0.99 * (len(delays) - 1)))]
            say(
                f"[queue overhead] enqueue → start on an idle worker (default 5 s poll; LISTEN/NOTIFY), "
                f"{len(delays)} jobs: median {statistics.median(delays) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
                f"max {delays[-1] * 1000:.1f} ms"
            )


def project(runs: dict[int, Run], concurrency: int, latency: float) -> None:
    """What the CPU per page says: where this machine is bound, and what 10 machines would do."""
    cores = os.cpu_count() or 1
    worst = max(runs.values(), key=lambda run: run.cpu / max(run.done, 1))
    n = max(worst.done, 1)
    worker, server, postgres = worst.cpu / n, worst.server / n, worst.postgres / n
    total = worker + server + postgres
    latency_bound = concurrency / latency  # pages/s one worker reads when the CPU is free
    say(
        f"[projection] CPU per page (the highest of the worker runs): workers {worker * 1000:.2f} ms + "
        f"fake server {server * 1000:.2f} ms + PostgreSQL {postgres * 1000:.2f} ms = {total * 1000:.2f} ms: "
        f"this machine's {cores} cores do at most {cores / total:.0f} pages/s with all three on them; one "
        f"worker at concurrency {concurrency} reads at most {latency_bound:.0f} pages/s (the latency)"
    )
    machine = cores / worker
    say(
        f"[projection] 10 machines of {cores} cores running workers only (the platform and PostgreSQL "
        f"elsewhere): {machine:.0f} pages/s each once CPU-bound ({machine / latency_bound:.1f} workers' "
        f"worth at concurrency {concurrency}), {10 * machine:,.0f} pages/s in all, which needs about "
        f"{10 * machine * postgres:.1f} cores of PostgreSQL"
    )


def kill_run(
    args: argparse.Namespace, base: str, folder: Path, url: str, clean: tuple[int, int, str], meter: CpuMeter
) -> None:
    """4 workers, one SIGKILLed (and replaced) every `--kill-every` seconds, against the clean run."""
    with Schema(base) as schema:
        config = write_config(folder, schema.url, args.channels, url)
        run = workers_run(
            config, schema.url, 4, args.concurrency, folder, meter, schema, kill_every=args.kill_every
        )
        found = schema.stored()
        failed = failures(schema)
    same = "equal to" if found == clean else f"DIFFERENT from ({clean})"
    why = ""
    if failed:
        why = f"; {sum(n for _, n in failed)} channel(s) FAILED: " + "; ".join(
            f"{n}× {reason[:160]}" for reason, n in failed[:3]
        )
    say(
        f"[4 workers, one SIGKILLed every {args.kill_every:g} s] wall time {run.wall:.2f} s, {run.kills} kill(s); "
        f"rows {found[0]:,} posts + {found[1]:,} comments, checksum {found[2][:12]}, {same} the clean run{why}"
    )
    if run.drain is not None:
        say(f"[4 workers, SIGKILL] drain time after the last kill: {run.drain:.2f} s")


if __name__ == "__main__":
    main()
