"""Worker mode throughput: channels × pages on the fake Graph API (100 ms per request), on PostgreSQL.

Run:  SOCIALMON_BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
      .venv/bin/python tests/benchmarks/bench_workers.py [--channels 1000] [--pages 5] [--latency 0.1]
                                                          [--concurrency 20] [--kill-every 20]
                                                          [--workers 1 2 4] [--no-kill] [--no-overhead]

Prints one line per figure, each with the machine's load average (1, 5, 15 min):
- the single-process scan (`run_scan`, the same code `socialmon scan` runs) on PostgreSQL;
- one `socialmon worker` process (`scan --enqueue`, then `worker --until-empty`) at the same
  concurrency, and its ratio to the single-process scan (target ≥ 0.9×);
- 2 and 4 worker processes on this machine (targets ≥ 1.8× and ≥ 3.2× one worker until the
  CPU is the limit), with the CPU per page of the workers, for projecting to more machines;
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
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fake_platform import FakeGraph
from sqlalchemy import create_engine, text

from socialmon.config import load_config
from socialmon.database import open_database
from socialmon.plugins import default_registry
from socialmon.scan import run_scan
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon.workers.app import queue_database
from socialmon.workers.tasks import enqueue_now

POSTS_PER_PAGE = 5
FAST = ["--heartbeat", "1", "--stalled-after", "3", "--poll-interval", "1", "--retry-wait", "1"]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"(load average {one:.2f} {five:.2f} {fifteen:.2f}, {os.cpu_count()} CPUs)"


def say(line: str) -> None:
    print(f"{line} {load()}", flush=True)


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


def single_process(config_path: Path, concurrency: int) -> float:
    registry = default_registry()
    config = load_config(config_path, registry)
    channels = [config.resolve(b, c, registry) for b, c in config.select()]
    database = open_database(config.database_url())
    try:
        store = Store(database, get_scorer(config.settings.sentiment.scorer))
        started = time.perf_counter()
        outcomes = asyncio.run(run_scan(channels, store, concurrency=concurrency))
        wall = time.perf_counter() - started
    finally:
        database.dispose()
    failed = [o for o in outcomes if o.status != "ok"]
    if failed:
        raise SystemExit(f"{len(failed)} channels failed, e.g. {failed[0].label}: {failed[0].error}")
    return wall


def enqueue_all(config_path: Path, url: str) -> None:
    config = load_config(config_path)
    channels = [(b.slug, c.name, c.platform) for b, c in config.select()]
    asyncio.run(enqueue_now(queue_database(url), channels))


def start_worker(config: Path, concurrency: int, log: Path) -> subprocess.Popen[bytes]:
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
            *FAST,
        ],
        stdout=subprocess.DEVNULL,
        stderr=log.open("ab"),
    )


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def workers_run(
    config: Path, url: str, workers: int, concurrency: int, folder: Path, kill_every: float | None = None
) -> tuple[float, float, int, float | None]:
    """Wall time, workers' CPU seconds, kills, drain time after the last kill."""
    enqueue_all(config, url)
    log = folder / "workers.log"
    cpu_before = children_cpu()
    started = time.perf_counter()
    running = [start_worker(config, concurrency, log) for _ in range(workers)]
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
                running.append(start_worker(config, concurrency, log))
            next_kill += kill_every
    wall = time.perf_counter() - started
    if any(p.returncode not in (0, -signal.SIGKILL) for p in running):
        raise SystemExit(f"a worker failed; see {log}:\n{log.read_text()[-3000:]}")
    drain = None if last_kill is None else time.perf_counter() - last_kill
    return wall, children_cpu() - cpu_before, kills, drain


def queue_overhead(config: Path, url: str, schema: Schema, folder: Path, jobs: int = 60) -> list[float]:
    """Enqueue → start of jobs put one at a time on the queue of an idle worker, in seconds."""
    enqueue_all(config, url)  # warm: create the queue, then let a worker drain it
    worker = subprocess.Popen(
        [sys.executable, "-m", "socialmon", "worker", "--config", str(config), "--concurrency", "4", *FAST],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "overhead.log").open("ab"),
    )
    try:
        time.sleep(8)
        loaded = load_config(config)
        chosen = [(b.slug, c.name, c.platform) for b, c in loaded.select()]
        queue = queue_database(url)
        for channel in chosen[:jobs]:
            asyncio.run(enqueue_now(queue, [channel]))
            time.sleep(0.6)  # each channel ends before the next is put on the queue: the worker is idle
        time.sleep(2)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(60)
    q = f'"{schema.name}_queue"'
    rows = schema.query(
        f"SELECT EXTRACT(EPOCH FROM min(s.at) - min(d.at))::float FROM {q}.procrastinate_jobs j "
        f"JOIN {q}.procrastinate_events d ON d.job_id = j.id AND d.type = 'deferred' "
        f"JOIN {q}.procrastinate_events s ON s.job_id = j.id AND s.type = 'started' "
        "WHERE j.task_name = 'socialmon.scan_channel' GROUP BY j.id ORDER BY j.id DESC LIMIT " + str(jobs)
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
    say(
        f"{args.channels} channels × {args.pages} pages = {pages:,} requests at {args.latency * 1000:.0f} ms, "
        f"concurrency {args.concurrency} per process; PostgreSQL; fake server in its own process"
    )
    with tempfile.TemporaryDirectory() as tmp, graph.serve_in_process() as served:
        folder = Path(tmp)
        with Schema(base) as warm:  # load what a process loads once (scorer, HTTP stack)
            single_process(write_config(folder, warm.url, 2, served.url), args.concurrency)
        with Schema(base) as schema:
            wall = single_process(
                write_config(folder, schema.url, args.channels, served.url), args.concurrency
            )
            clean = schema.stored()
        ideal = -(-args.channels // args.concurrency) * args.pages * args.latency
        say(
            f"[single process] scan wall time: {wall:.2f} s (ideal {ideal:.2f} s), {pages / wall:.0f} pages/s"
        )
        throughput: dict[int, float] = {}
        for workers in args.workers:
            with Schema(base) as schema:
                config = write_config(folder, schema.url, args.channels, served.url)
                w_wall, cpu, _, _ = workers_run(config, schema.url, workers, args.concurrency, folder)
                found = schema.stored()
                verdict = compared(found, clean, schema)
            # Only the pages stored count (a failed channel's pages are not throughput).
            done = pages * found[0] / clean[0] if clean[0] else pages
            throughput[workers] = done / w_wall
            say(
                f"[{workers} worker(s)] wall time {w_wall:.2f} s, {done / w_wall:.0f} pages/s stored, workers' "
                f"CPU {cpu:.1f} s = {cpu / max(done, 1) * 1000:.1f} ms per page; {verdict}"
            )
            if workers == 1:
                say(f"[1 worker] throughput vs the single-process scan: {wall / w_wall:.2f}× (target ≥ 0.9)")
            elif 1 in throughput:
                target = {2: 1.8, 4: 3.2}.get(workers)
                goal = f" (target ≥ {target})" if target else ""
                say(
                    f"[{workers} workers] throughput vs one worker: {throughput[workers] / throughput[1]:.2f}×{goal}"
                )
        if not args.no_kill:
            kill_run(args, base, folder, served.url, clean)
        if args.no_overhead:
            return
        with Schema(base) as schema:
            config = write_config(folder, schema.url, min(args.channels, 80), served.url)
            delays = queue_overhead(config, schema.url, schema, folder)
        if delays:
            p99 = delays[min(len(delays) - 1, round(0.99 * (len(delays) - 1)))]
            say(
                f"[queue overhead] enqueue → start on an idle worker, {len(delays)} jobs: median "
                f"{statistics.median(delays) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"
            )


def kill_run(
    args: argparse.Namespace, base: str, folder: Path, url: str, clean: tuple[int, int, str]
) -> None:
    """4 workers, one SIGKILLed (and replaced) every `--kill-every` seconds, against the clean run."""
    with Schema(base) as schema:
        config = write_config(folder, schema.url, args.channels, url)
        k_wall, _, kills, drain = workers_run(
            config, schema.url, 4, args.concurrency, folder, kill_every=args.kill_every
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
        f"[4 workers, one SIGKILLed every {args.kill_every:g} s] wall time {k_wall:.2f} s, {kills} kill(s); "
        f"rows {found[0]:,} posts + {found[1]:,} comments, checksum {found[2][:12]}, {same} the clean run{why}"
    )
    if drain is not None:
        say(f"[4 workers, SIGKILL] drain time after the last kill: {drain:.2f} s")


if __name__ == "__main__":
    main()
