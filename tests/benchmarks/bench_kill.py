"""Kill a scan at random instants, N times, then let one finish: nothing lost, nothing twice.

Run:  .venv/bin/python tests/benchmarks/bench_kill.py [--kills 10] [--seed 1]
                                                      [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

Two workloads, each on SQLite (always) and on PostgreSQL (with --postgres):
- `export`: a 20,000-comment JSONL export read by the `file` connector;
- `api`: 40 Facebook channels on the fake Graph API (served from a child process on
  127.0.0.1, 20 ms per request).
First one uninterrupted scan into a database of its own gives the reference. Then, in a
fresh database, `socialmon scan` is started and SIGKILLed after a random delay (uniform
between 0 and the reference scan's duration) `--kills` times in a row; a last scan runs to
the end. The rows of `post` and `comment` (less the columns that differ between any two
runs by nature: row ids and the times of writing) are compared with the reference.

Prints one line per workload and database: kills made, `lost` (reference rows missing or
different) / `duplicated` (rows the reference does not have, or stored twice): both must
be 0, with the machine's load average beside it. Bounded: at most --kills scans of at most
the reference's duration each, plus the last scan.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fake_platform import FakeGraph
from helpers import threaded_export
from sqlalchemy import create_engine, select, text

from socialmon.models import Comment, Post

VOLATILE = {"id", "first_seen_at", "updated_at"}
COMMENTS = 20_000
POSTS = 300
CHANNELS = 40


def export_workload(folder: Path) -> str:
    threaded_export(folder / "export.jsonl", POSTS, COMMENTS)
    return f'[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "{folder / "export.jsonl"}"\npage_size = 250\n'


def api_workload(base_url: str) -> str:
    return "".join(
        f'[[brands.channels]]\nname = "c{i}"\nplatform = "facebook"\naccount = "{2000 + i}"\n'
        f'access_token = "${{FB_TOKEN_{i}}}"\nbase_url = "{base_url}"\npage_size = 5\nretry_backoff = 0.01\n\n'
        for i in range(CHANNELS)
    )


def write_config(folder: Path, channels: str, database_url: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    body = (
        f'database = "{database_url}"\n\n[[brands]]\nname = "Café Uno"\nslug = "cafe"\n'
        f'timezone = "America/Guayaquil"\nlanguage = "es"\n\n{channels}'
    )
    path = folder / "socialmon.toml"
    path.write_text(body, encoding="utf-8")
    return path


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALMON_")}
    env.update({f"FB_TOKEN_{i}": f"tok-{i}" for i in range(CHANNELS)})
    return env


def scan(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "socialmon", "scan", "--config", str(config), "--quiet"],
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def rows(database_url: str) -> Counter[tuple]:
    engine = create_engine(database_url)
    found: Counter[tuple] = Counter()
    try:
        with engine.connect() as connection:
            for model in (Post, Comment):
                table = model.__table__
                columns = [c for c in table.c if c.name not in VOLATILE and c.name != "channel_id"]
                for row in connection.execute(select(*columns)):
                    found[(table.name, *row)] += 1
    finally:
        engine.dispose()
    return found


def fresh_postgres(url: str, schema: str) -> str:
    """A schema of its own in the PostgreSQL database, so runs never see each other's rows."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def database(kind: str, folder: Path, name: str, postgres: str | None) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / (name + '.db')}"
    assert postgres is not None
    return fresh_postgres(postgres, f"bench_kill_{name}")


def run(workload: str, kind: str, kills: int, rng: random.Random, postgres: str | None, root: Path) -> str:
    with ExitStack() as stack:
        if workload == "api":
            graph = FakeGraph(latency=0.02, comment_page=10)
            for i in range(CHANNELS):
                graph.add_page(str(2000 + i), token=f"tok-{i}", posts=30, comments_per_post=12)
            served = stack.enter_context(graph.serve_in_process())
            channels = api_workload(served.url)
        else:
            channels = export_workload(root)
        reference_url = database(kind, root, f"{workload}_{kind}_ref", postgres)
        reference_config = write_config(root / f"{workload}-{kind}-ref", channels, reference_url)
        started = time.perf_counter()
        if scan(reference_config).wait(timeout=600) not in (0, 1):
            raise SystemExit("the reference scan failed")
        duration = time.perf_counter() - started
        reference = rows(reference_url)

        url = database(kind, root, f"{workload}_{kind}_run", postgres)
        config = write_config(root / f"{workload}-{kind}-run", channels, url)
        for _ in range(kills):
            victim = scan(config)
            try:
                victim.wait(timeout=rng.uniform(0, duration))
            except subprocess.TimeoutExpired:
                victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=60)
        scan(config).wait(timeout=600)
        got = rows(url)
    lost = sum((reference - got).values())
    duplicated = sum((got - reference).values())
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{workload:>6} on {kind:<10} {kills} kills (reference scan {duration:.1f} s): "
        f"lost {lost} / duplicated {duplicated}   (target 0 / 0; load average {load})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgres", help="a PostgreSQL URL to run on as well (schemas bench_kill_* are made)"
    )
    parser.add_argument("--workloads", nargs="+", default=["export", "api"], choices=["export", "api"])
    options = parser.parse_args()
    rng = random.Random(options.seed)
    kinds = ["sqlite"] + (["postgresql"] if options.postgres else [])
    with tempfile.TemporaryDirectory(prefix="socialmon-kill-") as folder:
        for workload in options.workloads:
            for kind in kinds:
                print(run(workload, kind, options.kills, rng, options.postgres, Path(folder)), flush=True)


if __name__ == "__main__":
    main()
