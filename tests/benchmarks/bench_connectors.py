"""Connector throughput: 100 Facebook channels × 20 pages each against the fake Graph API, 100 ms per request.

Run:  .venv/bin/python tests/benchmarks/bench_connectors.py [--channels 100] [--pages 20] [--latency 0.1] [--concurrency 50]

The scan is the real one (`run_scan`: shared HTTP client, storage in a SQLite file,
scoring), in-process. Prints one line per figure: the ideal wall time
(requests × latency ÷ concurrency), the measured wall time and its ratio to the ideal
(target ≤ 1.5), the time one request at a time would take (measured on one channel,
scaled to all requests) and the speed-up over it (target ≥ 10).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fake_platform import FakeGraph

from socialmon.config import load_config
from socialmon.database import open_database
from socialmon.plugins import default_registry
from socialmon.scan import run_scan
from socialmon.sentiment import get_scorer
from socialmon.storage import Store

POSTS_PER_PAGE = 5


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


def scan(config_path: Path, concurrency: int, only: int | None = None) -> tuple[float, int]:
    registry = default_registry()
    config = load_config(config_path, registry)
    chosen = config.select()[:only] if only else config.select()
    channels = [config.resolve(brand, channel, registry) for brand, channel in chosen]
    database = open_database(config.database_url())
    try:
        store = Store(database, get_scorer(config.settings.sentiment.scorer))
        started = time.perf_counter()
        outcomes = asyncio.run(run_scan(channels, store, concurrency=concurrency))
        elapsed = time.perf_counter() - started
    finally:
        database.dispose()
    failed = [o for o in outcomes if o.status != "ok"]
    if failed:
        raise SystemExit(f"{len(failed)} channels failed, e.g. {failed[0].label}: {failed[0].error}")
    return elapsed, sum(o.result.new_posts for o in outcomes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeGraph(latency=args.latency) as graph:
        for i in range(args.channels):
            graph.add_page(
                str(1000 + i), token=f"tok-{i}", posts=args.pages * POSTS_PER_PAGE, comments_per_post=2
            )
        folder = Path(tmp)
        config = write_config(folder, args.channels, graph.url)
        wall, posts = scan(config, args.concurrency)
        requests = len(graph.log)
        assert posts == args.channels * args.pages * POSTS_PER_PAGE, posts
        (folder / "bench.db").unlink()
        graph.log.clear()
        one_wall, _ = scan(config, 1, only=1)  # one channel: its requests go strictly one at a time
        per_request = one_wall / len(graph.log)
    ideal = requests * args.latency / args.concurrency
    serial = requests * per_request
    print(
        f"requests: {requests:,} ({args.channels} channels × {args.pages} pages, {args.latency * 1000:.0f} ms each)"
    )
    print(f"ideal wall time (requests × latency ÷ concurrency {args.concurrency}): {ideal:.2f} s")
    print(f"scan wall time: {wall:.2f} s")
    print(f"scan / ideal: {wall / ideal:.2f}× (target ≤ 1.5)")
    print(f"one request at a time (measured {per_request * 1000:.0f} ms per request): {serial:.1f} s")
    print(f"speed-up over one at a time: {serial / wall:.1f}× (target ≥ 10)")


if __name__ == "__main__":
    main()
