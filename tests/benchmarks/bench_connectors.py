"""Connector throughput: 100 Facebook channels × 20 pages each against the fake Graph API, 100 ms per request.

Run:  .venv/bin/python tests/benchmarks/bench_connectors.py [--channels 100] [--pages 20] [--latency 0.1]
                                                             [--concurrency 20 [50 …]]  (default: the scan's, 20)

The scan is the real one (`run_scan`: the shared HTTP client, storage in a SQLite file,
scoring), in this process, after one untimed scan of two channels that loads what a
process loads once (the scorer's language models, the HTTP stack). The fake Graph API runs in a child process, as a real
platform's servers are not in ours: its CPU time is not spent under the scan's GIL.

Each channel's pages are read one after another (a page's cursor comes from the page
before), and `concurrency` channels are read at once, so the ideal wall time is
⌈channels ÷ concurrency⌉ × pages × latency (= requests × latency ÷ concurrency when
concurrency divides the channels). For each concurrency, prints one line per figure:
the ideal, the scan's wall time and its ratio to the ideal (target ≤ 1.5), the CPU time
the scan spent per page, the time one request at a time would take (measured on one
channel, scaled to all requests) and the speed-up over it (target ≥ 10); then the fake
server's own CPU per request and the load average. On a 2-vCPU virtual machine the server
runs on the other vCPU at the same time, and the two slow each other: with a busy loop on
one vCPU, a single-threaded store of the same pages took 0.75–0.87 ms of CPU per page
instead of 0.58, and a plain Python loop 0.46 s instead of 0.34.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _processes import process_cpu
from fake_platform import FakeGraph

from socialmon.config import DEFAULT_CONCURRENCY, load_config
from socialmon.database import open_database
from socialmon.plugins import default_registry
from socialmon.scan import run_scan
from socialmon.sentiment import Scorer, get_scorer
from socialmon.storage import Store

POSTS_PER_PAGE = 5


@dataclass
class Measured:
    wall: float  # seconds
    cpu: float  # seconds of CPU in this process (event loop, storage threads)
    workers_cpu: float  # seconds of CPU in scoring worker processes
    posts: int


def write_config(folder: Path, channels: int, base_url: str) -> Path:
    blocks = "".join(
        f'[[brands.channels]]\nname = "c{i}"\nplatform = "facebook"\naccount = "{1000 + i}"\n'
        f'access_token = "tok-{i}"\nbase_url = "{base_url}"\npage_size = {POSTS_PER_PAGE}\n\n'
        for i in range(channels)
    )
    path = folder / "socialmon.toml"
    path.write_text(
        f'database = "bench.db"\n\n[[brands]]\nname = "Bench"\nslug = "bench"\n\n{blocks}', encoding="utf-8"
    )
    return path


_SCORERS: dict[str, Scorer] = {}


def scan(config_path: Path, concurrency: int, only: int | None = None) -> Measured:
    registry = default_registry()
    config = load_config(config_path, registry)
    chosen = config.select()[:only] if only else config.select()
    channels = [config.resolve(brand, channel, registry) for brand, channel in chosen]
    (config_path.parent / "bench.db").unlink(missing_ok=True)
    database = open_database(config.database_url())
    # One scorer for the process, as `socialmon scan` builds one: building it (its lexicons) is
    # ~0.2 s of CPU, which is not a cost of the pages.
    name = config.settings.sentiment.scorer
    scorer = _SCORERS.get(name) or _SCORERS.setdefault(name, get_scorer(name))
    try:
        store = Store(database, scorer)
        workers_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started, cpu_started = time.perf_counter(), time.process_time()
        outcomes = asyncio.run(run_scan(channels, store, concurrency=concurrency))
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        workers_after = resource.getrusage(resource.RUSAGE_CHILDREN)  # scoring workers, reaped by now
    finally:
        database.dispose()
    failed = [o for o in outcomes if o.status != "ok"]
    if failed:
        raise SystemExit(f"{len(failed)} channels failed, e.g. {failed[0].label}: {failed[0].error}")
    workers_cpu = (workers_after.ru_utime + workers_after.ru_stime) - (
        workers_before.ru_utime + workers_before.ru_stime
    )
    return Measured(wall, cpu, workers_cpu, sum(o.result.new_posts for o in outcomes))


def server_cpu_now(pid: int | None) -> float:
    """The fake server's CPU seconds so far; 0 where they cannot be read."""
    return (process_cpu(pid) or 0.0) if pid is not None else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[DEFAULT_CONCURRENCY], help="default: the scan's own"
    )
    args = parser.parse_args()
    graph = FakeGraph(latency=args.latency)
    for i in range(args.channels):
        graph.add_page(
            str(1000 + i), token=f"tok-{i}", posts=args.pages * POSTS_PER_PAGE, comments_per_post=2
        )
    with tempfile.TemporaryDirectory() as tmp, graph.serve_in_process() as served:
        config = write_config(Path(tmp), args.channels, served.url)
        # Untimed: the first scan of a process also loads the scorer's language models and
        # imports the HTTP stack (about 2 s of CPU here), the same whatever the concurrency.
        scan(config, args.concurrency[0], only=2)
        runs = []
        for concurrency in args.concurrency:
            served_before, server_cpu = len(served.log()), server_cpu_now(served.pid)
            measured = scan(config, concurrency)
            server_cpu = server_cpu_now(served.pid) - server_cpu
            load = " ".join(f"{value:.2f}" for value in os.getloadavg())  # as the run ends
            runs.append((concurrency, measured, len(served.log()) - served_before, server_cpu, load))
        served_before = len(served.log())
        one = scan(config, 1, only=1)  # one channel: its requests go strictly one at a time (warm, last)
        per_request = one.wall / (len(served.log()) - served_before)
    print(
        f"requests per scan: {args.channels * args.pages:,} ({args.channels} channels × {args.pages} pages, "
        f"{args.latency * 1000:.0f} ms each; the fake server in its own process)"
    )
    for concurrency, measured, requests, server_cpu, load in runs:
        assert measured.posts == args.channels * args.pages * POSTS_PER_PAGE, measured.posts
        assert requests == args.channels * args.pages, requests  # the comments came inline
        waves = math.ceil(args.channels / concurrency)
        ideal = waves * args.pages * args.latency
        serial = requests * per_request
        print(
            f"[concurrency {concurrency}] ideal wall time (⌈{args.channels} channels ÷ {concurrency}⌉ × "
            f"{args.pages} pages × {args.latency * 1000:.0f} ms): {ideal:.2f} s"
        )
        print(f"[concurrency {concurrency}] scan wall time: {measured.wall:.2f} s")
        print(f"[concurrency {concurrency}] scan / ideal: {measured.wall / ideal:.2f}× (target ≤ 1.5)")
        print(
            f"[concurrency {concurrency}] scan CPU: {measured.cpu:.2f} s in the scan process "
            f"+ {measured.workers_cpu:.2f} s in scoring workers = "
            f"{(measured.cpu + measured.workers_cpu) / requests * 1000:.1f} ms per page"
        )
        print(
            f"[concurrency {concurrency}] one request at a time "
            f"(measured {per_request * 1000:.0f} ms per request): {serial:.1f} s"
        )
        print(
            f"[concurrency {concurrency}] speed-up over one at a time: {serial / measured.wall:.1f}× "
            "(target ≥ 10)"
        )
        print(
            f"[concurrency {concurrency}] fake server CPU meanwhile: {server_cpu / requests * 1000:.1f} ms per "
            f"request (in its own process); load average as the scan ended {load}, {os.cpu_count()} CPUs"
        )


if __name__ == "__main__":
    main()
