"""The alert rules after a scan: what they add to a scan, on a first run and on the runs after it.

Run:  .venv/bin/python tests/benchmarks/bench_alerts.py [--unanswered 50000] [--days 365] [--profile]

Builds a SQLite database through the real migrations and fills it with sqlite3 directly: one
brand, three channels (Facebook and Instagram declare a 7-day reply window), `--days` of
history ending 15 minutes ago (imported by a scan 20 minutes ago), about half the customer
comments answered by the business, so that
`--unanswered` customer comments are still waiting. `--days 7` puts every one of them inside
the rules' lookback (the worst case). Prints one line per figure: the first evaluation (a new
install whose first scan imported the history), the next one (the every-15-minutes case),
the alerts created and the messages the first `alerts send` would produce per destination,
then what the rules add to a real `socialmon scan` (a subprocess scanning a small export into
that database, once with the brand's alerts on and once with them off).

Each figure is printed beside its target (issue 19 point 4) with the CPU time of the run and the
machine's load average at that moment: the machine is shared, so wall times vary 2-3x with the
load, and the CPU time is the steadier figure.

The first evaluation judges the history as it stood 15 minutes ago, the next one now, and the scans
after it: a later run starts from what the run before it vouches for (`alerts.progress`), whose
clock is the wall clock, so the runs keep the order and the times they would have.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

CHANNELS = (("fb", "facebook"), ("ig", "instagram"), ("shop", "file"))
WORDS = [
    "servicio",
    "lento",
    "pedido",
    "frío",
    "excelente",
    "pan",
    "rico",
    "demora",
    "atención",
    "amable",
    "caro",
    "estafa",
    "refund",
    "great",
]
LABELS = ("positive", "neutral", "negative", "negative", "positive", None)


FIRST_TARGET = 2.0  # seconds: the first evaluation after a first scan imported the history
LATER_TARGET = 0.5  # seconds: an evaluation 15 minutes later
SCAN_TARGET = 0.3  # seconds the rules add to a `socialmon scan`


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def verdict(seconds: float, target: float) -> str:
    return f"target <= {target:g} s, {'met' if seconds <= target else 'NOT met'}"


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def build(path: Path, unanswered: int, days: int, now: datetime, written_at: datetime, seed: int = 7) -> None:
    from socialmon.database import open_database

    open_database(f"sqlite:///{path}").dispose()
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT INTO brand (slug, name, timezone, language, response_sla_minutes)"
        " VALUES ('cafe', 'Café', 'America/Guayaquil', 'es', 120)"
    )
    channel_ids = []
    for name, platform in CHANNELS:
        connection.execute(
            "INSERT INTO channel (brand_id, name, platform, account) VALUES (1, ?, ?, '')", (name, platform)
        )
        channel_ids.append(connection.execute("SELECT max(id) FROM channel").fetchone()[0])
    start = now - timedelta(days=days)
    posts_per_channel = max(days * 2, 10)
    written = stamp(written_at)
    connection.executemany(
        "INSERT INTO post (channel_id, platform_id, author_id, is_business, text, created_at, deleted,"
        " record_hash, first_seen_at, updated_at) VALUES (?, ?, 'biz', 1, ?, ?, 0, 'h', ?, ?)",
        [
            (
                channel,
                f"p{p}",
                f"post {p}",
                stamp(start + timedelta(days=days) * p / posts_per_channel),
                written,
                written,
            )
            for channel in channel_ids
            for p in range(posts_per_channel)
        ],
    )

    def rows():  # type: ignore[no-untyped-def]
        waiting = 0
        i = 0
        while waiting < unanswered:
            i += 1
            channel = channel_ids[i % len(channel_ids)]
            created = start + timedelta(seconds=rng.random() * (days * 86400 - 60))
            post = int((created - start) / timedelta(days=days) * posts_per_channel)
            label = rng.choice(LABELS)
            text = " ".join(rng.choices(WORDS, k=8))
            yield (channel, f"c{i}", "comment", f"p{post}", None, f"u{rng.randrange(5000)}", "Cliente", 0,
                   text, f"https://example.com/c{i}", stamp(created), rng.randrange(5), label, written)  # fmt: skip
            if rng.random() < 0.5:
                reply = min(created + timedelta(minutes=rng.expovariate(1 / 300)), now)
                yield (channel, f"r{i}", "reply", f"p{post}", f"c{i}", "biz", "Biz", 1, "¡Gracias!", None,
                       stamp(reply), 0, None, written)  # fmt: skip
            else:
                waiting += 1

    connection.executemany(
        "INSERT INTO comment (channel_id, platform_id, kind, post_platform_id, parent_platform_id, author_id,"
        " author_name, is_business, text, url, created_at, like_count, sentiment_label, first_seen_at,"
        " updated_at, deleted, record_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'h')",
        ((*row, written) for row in rows()),
    )
    connection.commit()
    connection.close()


def timed_scan(folder: Path, database: Path, now: datetime, alerts: bool) -> tuple[float, float]:
    """Seconds of one `socialmon scan` of a 20-comment export into the database, alerts on or off:
    wall clock and the subprocess's CPU time."""
    export = folder / f"export-{alerts}.jsonl"
    with export.open("w", encoding="utf-8") as handle:
        for i in range(20):
            record = {"type": "comment", "id": f"new-{alerts}-{i}", "post_id": "p1", "author_id": f"n{i}",
                      "text": "muy lento el servicio", "created_at": (now - timedelta(minutes=i)).isoformat()}  # fmt: skip
            handle.write(json.dumps(record) + "\n")
    config = folder / "scan.toml"
    config.write_text(
        f'database = "{database}"\n[[brands]]\nname = "Café"\nslug = "cafe"\ntimezone = "America/Guayaquil"\n'
        f'response_sla = "2h"\n[brands.alerts]\nenabled = {str(alerts).lower()}\n'
        f'[[brands.channels]]\nname = "shop"\nplatform = "file"\npath = "{export}"\n',
        encoding="utf-8",
    )
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(
        [sys.executable, "-m", "socialmon", "scan", "--quiet", "--config", str(config)], check=True
    )
    return time.perf_counter() - started, _children_cpu() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unanswered", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--profile", action="store_true", help="print the 25 costliest calls of a later run")
    args = parser.parse_args()

    from socialmon.alerts import evaluate_alerts
    from socialmon.alerts.delivery import send_alerts
    from socialmon.config import BrandConfig, Config, ReportOptions, Settings
    from socialmon.database import open_database

    later = datetime.now(UTC).replace(microsecond=0)
    now = later - timedelta(minutes=15)
    brand = BrandConfig.model_validate(
        {
            "name": "Café",
            "slug": "cafe",
            "timezone": "America/Guayaquil",
            "language": "es",
            "response_sla": "2h",
            "channels": [{"name": name, "platform": platform} for name, platform in CHANNELS],
            "alerts": {
                "watch_list": {"terms": ["estafa", "refund"]},
                "webhooks": [{"kind": "slack", "url": "https://hooks.invalid/x"}],
                "email": {"to": "owner@cafe.example", "host": "smtp.invalid", "from": "a@cafe.example"},
            },
        }
    )
    windows = {"facebook": timedelta(days=7), "instagram": timedelta(days=7)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        started = time.perf_counter()
        build(path, args.unanswered, args.days, now, written_at=now - timedelta(minutes=5))
        print(f"database: {args.unanswered:,} unanswered comments over {args.days} days, built in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        database = open_database(f"sqlite:///{path}")
        try:
            started, cpu = time.perf_counter(), time.process_time()
            (first,) = evaluate_alerts(database, [brand], ReportOptions(), windows, now=now)
            seconds = time.perf_counter() - started
            print(f"first evaluation: {seconds:.2f} s ({verdict(seconds, FIRST_TARGET)}), "
                  f"CPU {time.process_time() - cpu:.2f} s, {len(first.created):,} alerts, {load()}")  # fmt: skip
            profile = cProfile.Profile() if args.profile else None
            started, cpu = time.perf_counter(), time.process_time()
            if profile:
                profile.enable()
            (second,) = evaluate_alerts(database, [brand], ReportOptions(), windows, now=later)
            if profile:
                profile.disable()
            seconds = time.perf_counter() - started
            print(f"next evaluation (15 min later): {seconds:.2f} s ({verdict(seconds, LATER_TARGET)}), "
                  f"CPU {time.process_time() - cpu:.2f} s, {len(second.created):,} new alerts, {load()}")  # fmt: skip
            config = Config(Path(tmp) / "socialmon.toml", Settings(brands=[brand]))
            preview = send_alerts(database, config, [brand], dry_run=True, now=later)
            per_destination: dict[str, int] = {}
            for message in preview.previews:
                per_destination[message.destination] = per_destination.get(message.destination, 0) + 1
            print(f"messages the first `alerts send` would send: {per_destination or 'none'}")
            # The best of three of each, alternating: the machine is shared and the figures noisy.
            runs = [(timed_scan(Path(tmp), path, later, False), timed_scan(Path(tmp), path, later, True))
                    for _ in range(3)]  # fmt: skip
            without, with_rules = min(r[0][0] for r in runs), min(r[1][0] for r in runs)
            cpu_without, cpu_with = min(r[0][1] for r in runs), min(r[1][1] for r in runs)
            added = with_rules - without
            print(f"`socialmon scan` of 20 new comments, best of 3: the rules add {added:+.2f} s "
                  f"({verdict(added, SCAN_TARGET)}), CPU {cpu_with - cpu_without:+.2f} s: {without:.2f} s with "
                  f"alerts off, {with_rules:.2f} s with them on, {load()}")  # fmt: skip
            if profile:
                pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        finally:
            database.dispose()


if __name__ == "__main__":
    main()
