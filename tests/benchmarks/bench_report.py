"""Report speed: `socialmon report --format json` for one brand and 90 days over 1,000,000 comments.

Run:  .venv/bin/python tests/benchmarks/bench_report.py [--comments 1000000] [--keep DIR]

Builds a SQLite database through the real migrations, fills it with sqlite3 directly
(50 channels in 5 brands, 365 days, customer comments, customer replies and business
replies), then runs the real command in a subprocess: once untimed (it upgrades the schema
if a migration is new, and compiles the bytecode into the bench folder, as an installed
package has it), then timed. Prints one line per figure: each metric's query time (slowest
first), their sum (target < 1 s), the whole command (target < 2 s) and its peak RSS
(target < 200 MB).
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

BRANDS, CHANNELS_PER_BRAND, DAYS = 5, 10, 365
END = datetime(2026, 11, 1, tzinfo=UTC)
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
    "precio",
    "entrega",
    "service",
    "slow",
    "order",
    "cold",
    "great",
    "bread",
    "tasty",
    "delay",
    "staff",
    "friendly",
    "expensive",
    "price",
    "delivery",
]
LABELS = ("positive", "neutral", "negative", "negative", "positive", None)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def build(folder: Path, comments: int, seed: int = 7) -> Path:
    from socialmon.database import open_database

    path = folder / "bench.db"
    open_database(f"sqlite:///{path}").dispose()
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    start = END - timedelta(days=DAYS)
    channel_ids = []
    for b in range(BRANDS):
        connection.execute(
            "INSERT INTO brand (slug, name, timezone, language, response_sla_minutes) VALUES (?, ?, ?, 'es', 240)",
            (f"b{b}", f"Brand {b}", "America/Mexico_City"),
        )
        brand_id = connection.execute("SELECT max(id) FROM brand").fetchone()[0]
        for c in range(CHANNELS_PER_BRAND):
            connection.execute(
                "INSERT INTO channel (brand_id, name, platform, account) VALUES (?, ?, 'file', '')",
                (brand_id, f"ch{c}"),
            )
            channel_ids.append(connection.execute("SELECT max(id) FROM channel").fetchone()[0])
    now = stamp(END)
    posts = []
    posts_per_channel = DAYS * 2
    for channel_id in channel_ids:
        for p in range(posts_per_channel):
            created = start + timedelta(hours=12 * p + rng.random() * 6)
            posts.append((channel_id, f"p{p}", "biz", "Biz", 1, f"post {p}", None, stamp(created), 0,
                          rng.randint(0, 200), rng.randint(0, 50), rng.randint(0, 20), "h", now, now))  # fmt: skip
    connection.executemany(
        "INSERT INTO post (channel_id, platform_id, author_id, author_name, is_business, text, url, created_at,"
        " deleted, like_count, comment_count, share_count, record_hash, first_seen_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        posts,
    )
    customer_total = int(comments / 1.55)

    def rows():  # type: ignore[no-untyped-def]
        made = 0
        per_channel = customer_total // len(channel_ids)
        for channel_id in channel_ids:
            for i in range(per_channel):
                if made >= comments:
                    return
                p = rng.randrange(posts_per_channel)
                created = start + timedelta(hours=12 * p + 6 + rng.random() * 48)
                parent = f"c{i - 1}" if i and rng.random() < 0.2 else None
                label = rng.choice(LABELS)
                text = " ".join(rng.choices(WORDS, k=6))
                yield (channel_id, f"c{i}", "reply" if parent else "comment", f"p{p}", parent, f"u{rng.randrange(5000)}",
                       "Cliente", 0, text, f"https://example.com/c{i}", stamp(created), 0, None, label,
                       None if label is None else rng.uniform(-1, 1), "h", now, now)  # fmt: skip
                made += 1
                if rng.random() < 0.55 and made < comments:
                    reply_at = created + timedelta(minutes=rng.expovariate(1 / 300))
                    yield (channel_id, f"r{i}", "reply", f"p{p}", f"c{i}", "biz", "Biz", 1, "¡Gracias!", None,
                           stamp(reply_at), 0, None, None, None, "h", now, now)  # fmt: skip
                    made += 1

    connection.executemany(
        "INSERT INTO comment (channel_id, platform_id, kind, post_platform_id, parent_platform_id, author_id,"
        " author_name, is_business, text, url, created_at, deleted, rating, sentiment_label, sentiment_compound,"
        " record_hash, first_seen_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    connection.commit()
    connection.close()
    return path


def write_config(folder: Path, database: Path) -> Path:
    brands = "".join(
        f'[[brands]]\nname = "Brand {b}"\nslug = "b{b}"\ntimezone = "America/Mexico_City"\nlanguage = "es"\n'
        'response_sla = "4h"\n[brands.business_hours]\nmonday = "09:00-18:00"\ntuesday = "09:00-18:00"\n'
        'wednesday = "09:00-18:00"\nthursday = "09:00-18:00"\nfriday = "09:00-18:00"\nsaturday = "09:00-13:00"\n'
        'holidays = "MX"\n\n'
        for b in range(BRANDS)
    )
    path = folder / "socialmon.toml"
    path.write_text(f'database = "{database}"\n\n{brands}', encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the database in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="socialmon-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "bench.db"
    if not database.exists():
        started = time.perf_counter()
        build(folder, args.comments)
        print(f"generated {args.comments:,} comments in {time.perf_counter() - started:.1f} s: {database}")
    config = write_config(folder, database)
    since = (END - timedelta(days=90)).date().isoformat()
    until = (END - timedelta(days=1)).date().isoformat()
    command = [sys.executable, "-m", "socialmon", "report", "--brand", "b0", "--since", since, "--until", until,
               "--format", "json", "--timings", "--config", str(config)]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALMON_")}
    # Bytecode cached beside the database, never in the source tree, even where the
    # environment turns writing it off (a compile on every run is not what users see).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    warm_up = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if warm_up.returncode != 0:
        sys.exit(f"report failed ({warm_up.returncode}):\n{warm_up.stderr}")
    # Output to files, so that os.wait4 can collect the timed run's own peak RSS.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if status != 0:
        sys.exit(f"report failed ({status}):\n{stderr}")
    peak = usage.ru_maxrss / 1024  # KiB on Linux -> MiB
    timings = []
    for line in stderr.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == "ms":
            timings.append((parts[1].rstrip(":"), float(parts[2])))
    for name, ms in sorted(timings, key=lambda t: -t[1]):
        print(f"metric {name}: {ms:.0f} ms")
    query = sum(ms for _, ms in timings) / 1000
    print(f"query time (sum of metrics): {query:.3f} s (target < 1 s) {'OK' if query < 1 else 'SLOW'}")
    print(f"whole command: {elapsed:.3f} s (target < 2 s) {'OK' if elapsed < 2 else 'SLOW'}")
    print(f"peak RSS: {peak:.0f} MB (target < 200 MB) {'OK' if peak < 200 else 'HIGH'}")
    print(f"JSON output: {len(stdout):,} bytes")


if __name__ == "__main__":
    main()
