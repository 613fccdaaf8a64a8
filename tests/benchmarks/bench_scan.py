"""Scan throughput: 200,000 comments over 2,000 posts through `socialmon scan`, end to end.

Run:  .venv/bin/python tests/benchmarks/bench_scan.py [--comments 200000] [--posts 2000]

Prints one line per figure: the scorer alone on the same texts (the limit), the
end-to-end scan, their ratio (target ≥ 0.6), storage time, peak RSS (target < 300 MB),
and a second scan of the same files (target: 0 new rows in < 1/10 of the first).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Our own word lists: the benchmark never uses the labelled evaluation data.
EN = [
    "the",
    "service",
    "was",
    "great",
    "good",
    "bad",
    "slow",
    "fast",
    "friendly",
    "rude",
    "staff",
    "food",
    "coffee",
    "bread",
    "delivery",
    "order",
    "late",
    "never",
    "again",
    "love",
    "it",
    "hate",
    "waiting",
    "minutes",
    "amazing",
    "terrible",
    "price",
    "cheap",
    "expensive",
    "clean",
    "dirty",
    "recommend",
    "thanks",
    "for",
    "quick",
    "answer",
    "still",
    "no",
    "reply",
    "my",
    "refund",
    "please",
    "help",
    "ok",
    "fine",
    "nice",
    "awful",
    "best",
    "worst",
    "ever",
]
ES = [
    "el",
    "servicio",
    "fue",
    "muy",
    "bueno",
    "malo",
    "lento",
    "rápido",
    "amable",
    "grosero",
    "personal",
    "comida",
    "café",
    "pan",
    "pedido",
    "tarde",
    "nunca",
    "más",
    "me",
    "encanta",
    "odio",
    "esperar",
    "minutos",
    "excelente",
    "pésimo",
    "precio",
    "barato",
    "caro",
    "limpio",
    "sucio",
    "recomendado",
    "gracias",
    "por",
    "responder",
    "todavía",
    "sin",
    "respuesta",
    "mi",
    "reembolso",
    "por",
    "favor",
    "ayuda",
    "bien",
    "rico",
    "horrible",
    "mejor",
    "peor",
]


def generate(folder: Path, comments: int, posts: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    path = folder / "export.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for p in range(posts):
            record = {
                "type": "post",
                "id": f"p{p}",
                "created_at": (start + timedelta(hours=p)).isoformat(),
                "author_id": "biz",
                "is_business": True,
                "text": f"post number {p}",
                "like_count": p % 50,
            }
            handle.write(json.dumps(record) + "\n")
        for c in range(comments):
            words = rng.choice((EN, ES))
            text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 30)))
            post = c % posts
            record = {
                "type": "comment",
                "id": f"c{c}",
                "post_id": f"p{post}",
                "created_at": (start + timedelta(hours=post, minutes=c % 997)).isoformat(),
                "author_id": f"u{c % 5000}",
                "author_name": f"User {c % 5000}",
                "text": text,
                "like_count": c % 7,
            }
            if c % 10 == 9:
                record["parent_id"] = f"c{c - 1}"
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def texts_of(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [r["text"] for r in map(json.loads, handle) if r["type"] == "comment"]


def throughput(scorer: object, texts: list[str]) -> float:
    """Texts per second scoring one at a time in a plain loop, on one core."""
    started = time.perf_counter()
    for text in texts:
        scorer.score(text)  # type: ignore[attr-defined]
    return len(texts) / (time.perf_counter() - started)


def run_scan(config: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes, and stderr of one `socialmon scan` process."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "socialmon", "scan", "--config", str(config), "--quiet", "--timings"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    stderr = process.stderr.read() if process.stderr else ""
    if status != 0:
        raise SystemExit(f"scan failed ({status}): {stderr}")
    return elapsed, usage.ru_maxrss * 1024, stderr.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--posts", type=int, default=2_000)
    parser.add_argument("--scorer", default="vader", help="vader (the figure issue 2 sets) or multilingual")
    args = parser.parse_args()

    from socialmon.sentiment import get_scorer

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export = generate(folder, args.comments, args.posts)
        config = folder / "socialmon.toml"
        config.write_text(
            f'database = "bench.db"\n[sentiment]\nscorer = "{args.scorer}"\n'
            '[[brands]]\nname = "Bench"\n[[brands.channels]]\nname = "export"\nplatform = "file"\n'
            'path = "export.jsonl"\npage_size = 2000\n',
            encoding="utf-8",
        )
        texts = texts_of(export)
        scorer = get_scorer(args.scorer)
        vader_alone = throughput(get_scorer("vader"), texts)
        scorer_alone = vader_alone if args.scorer == "vader" else throughput(scorer, texts)

        first, rss, timings = run_scan(config)
        end_to_end = len(texts) / first
        with sqlite3.connect(folder / "bench.db") as db:
            rows_after_first = db.execute(
                "select (select count(*) from comment) + (select count(*) from post)"
            ).fetchone()[0]
        second, _, _ = run_scan(config)
        with sqlite3.connect(folder / "bench.db") as db:
            rows_after_second = db.execute(
                "select (select count(*) from comment) + (select count(*) from post)"
            ).fetchone()[0]

    print(f"plain VADER alone, one loop: {vader_alone:,.0f} comments/s")
    if args.scorer != "vader":
        print(
            f"scorer in use alone ({args.scorer} {scorer.version}), one loop: {scorer_alone:,.0f} comments/s"
        )
    print(
        f"scan end to end with {args.scorer}: {end_to_end:,.0f} comments/s ({len(texts):,} comments in {first:.1f} s)"
    )
    print(f"ratio end-to-end / plain VADER alone: {end_to_end / vader_alone:.2f} (target >= 0.60)")
    if args.scorer != "vader":
        print(f"ratio end-to-end / {args.scorer} alone: {end_to_end / scorer_alone:.2f}")
    print(f"first scan {timings.removeprefix('timings: ')}")
    print(
        f"peak RSS of the scan process: {rss / 2**20:.0f} MB (target < 300 MB; its scoring worker is in the line above)"
    )
    print(f"rows stored: {rows_after_first:,} (expected {args.comments + args.posts:,})")
    print(
        f"second scan: {rows_after_second - rows_after_first} new rows in {second:.2f} s "
        f"= {second / first:.3f} of the first (target < 0.1)"
    )


if __name__ == "__main__":
    main()
