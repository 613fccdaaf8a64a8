"""WhatsApp export throughput: parsing a 200,000-line chat export, and importing it through the scan.

Run:  .venv/bin/python tests/benchmarks/bench_whatsapp.py [--lines 200000] [--layout android|ios]

The export is generated here (invented names and words, no real chat): the Android Spanish
12-hour layout by default ("12/11/26, 9:15 a. m. - Nombre: texto", with the narrow no-break
spaces the app writes), a tenth of the messages on two lines, media left out, deleted messages
and system lines among them (a 1:1 chat's: its security code changed). Prints one line per figure, each with the load average:

- parsing (`parse_export`: the text to messages with UTC times and ids), in lines/s of wall time
  (target ≥ 100,000; best of three) and per second of this process's CPU time (what a loaded
  machine's other processes do not change);
- parsing and building the records the connector hands the scan, in lines/s;
- the import: `socialmon.scan.run_scan` of a `whatsapp_export` channel into a SQLite file, its
  wall time, and how it splits: the parse (measured above) against storage (lookups and writes)
  and scoring (the sentiment of every message), so that the import is seen to be bound by
  storage and scoring, not by parsing;
- a second import of the same file (unchanged: not read again) and of the export grown by 1%
  (only the new messages stored).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from socialmon.config import load_config
from socialmon.database import open_database
from socialmon.plugins import default_registry
from socialmon.scan import run_scan
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon_connectors.whatsapp import chat_name, conversation_record, message_record, parse_export

BUSINESS = "Panadería La Cosecha"
CUSTOMER = "Cliente Ana"
WORDS = [
    "hola",
    "buenos",
    "días",
    "quiero",
    "pedir",
    "pan",
    "de",
    "masa",
    "madre",
    "para",
    "mañana",
    "cuánto",
    "cuesta",
    "la",
    "hogaza",
    "gracias",
    "excelente",
    "servicio",
    "llegó",
    "tarde",
    "el",
    "pedido",
    "está",
    "frío",
    "muy",
    "rico",
    "todavía",
    "sin",
    "respuesta",
    "por",
    "favor",
    "ayuda",
    "precio",
    "domingo",
    "horario",
    "abren",
    "cierran",
    "envío",
    "dirección",
    "tarjeta",
    "efectivo",
]
NNBSP, NBSP = "\u202f", "\u00a0"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"(load average {one:.2f} {five:.2f} {fifteen:.2f}, {os.cpu_count()} CPUs)"


def clock(moment: datetime, layout: str) -> str:
    if layout == "ios":
        return f"[{moment:%d/%m/%y}, {moment:%H:%M:%S}] "
    hour = moment.hour % 12 or 12
    half = "a." if moment.hour < 12 else "p."
    return f"{moment:%d/%m/%y}, {hour}:{moment:%M}{NNBSP}{half}{NBSP}m. - "


def generate(lines: int, layout: str, seed: int = 17, start: datetime | None = None) -> list[str]:
    """`lines` lines of one chat between a customer and the business."""
    rng = random.Random(seed)
    moment = start or datetime(2025, 1, 1, 8, 0)
    out: list[str] = []
    while len(out) < lines:
        moment += timedelta(seconds=rng.randint(5, 400))
        sender = CUSTOMER if rng.random() < 0.55 else BUSINESS
        roll = rng.random()
        if roll < 0.01:
            # A notice of a 1:1 chat (a group's, such as a subject changed, would make it a group).
            out.append(
                f"{clock(moment, layout)}Tu código de seguridad con {CUSTOMER} cambió. Toca para obtener más información."
            )
            continue
        if roll < 0.04:
            text = "<Multimedia omitido>" if layout == "android" else "\u200eimagen omitida"
        elif roll < 0.05:
            text = "Se eliminó este mensaje"
        else:
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 18)))
        out.append(f"{clock(moment, layout)}{sender}: {text}")
        if roll > 0.9 and len(out) < lines:
            out.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 10))))
    return out[:lines]


def write_config(folder: Path) -> Path:
    path = folder / "socialmon.toml"
    path.write_text(
        'database = "bench.db"\n[sentiment]\nscorer = "vader"\n\n'
        '[[brands]]\nname = "La Cosecha"\ntimezone = "America/Mexico_City"\nlanguage = "es"\n\n'
        '[[brands.channels]]\nname = "whatsapp"\nplatform = "whatsapp_export"\npath = "chats"\n'
        f'business_names = ["{BUSINESS}"]\ntimezone = "America/Mexico_City"\npage_size = 2000\n',
        encoding="utf-8",
    )
    return path


def scan(config_path: Path) -> tuple[float, Store, int, int]:
    registry = default_registry()
    config = load_config(config_path, registry)
    channels = [config.resolve(brand, channel, registry) for brand, channel in config.select()]
    database = open_database(config.database_url())
    try:
        store = Store(database, get_scorer(config.settings.sentiment.scorer))
        started = time.perf_counter()
        outcomes = asyncio.run(run_scan(channels, store))
        wall = time.perf_counter() - started
    finally:
        database.dispose()
    bad = [o for o in outcomes if o.status != "ok"]
    if bad:
        raise SystemExit(f"the scan failed: {bad[0].label}: {bad[0].error}")
    result = outcomes[0].result
    return wall, store, result.new_comments, result.new_posts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--layout", choices=("android", "ios"), default="android")
    args = parser.parse_args()
    zone = ZoneInfo("America/Mexico_City")
    name = "Chat de WhatsApp con Cliente Ana.txt"
    text = "\n".join(generate(args.lines, args.layout)) + "\n"

    parse_export(text[:100_000], chat=chat_name(name), zone=zone, business_names=[BUSINESS])  # warm up
    best = best_cpu = float("inf")
    for _ in range(3):
        started, cpu_started = time.perf_counter(), time.process_time()
        chat = parse_export(text, chat=chat_name(name), zone=zone, business_names=[BUSINESS])
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - cpu_started)
    print(
        f"parse {args.lines:,} lines ({args.layout}): {args.lines / best:,.0f} lines/s, "
        f"{best:.2f} s, {len(chat.messages):,} messages, {len(chat.rejected)} rejected "
        f"(target >= 100,000 lines/s) {load()}"
    )
    print(f"parse per CPU second (the same runs, CPU time): {args.lines / best_cpu:,.0f} lines/s {load()}")
    started = time.perf_counter()
    chat = parse_export(text, chat=chat_name(name), zone=zone, business_names=[BUSINESS])
    made = [conversation_record(chat)] + [message_record(m, chat.platform_id) for m in chat.messages]
    with_records = time.perf_counter() - started
    print(
        f"parse + build {len(made):,} records: {args.lines / with_records:,.0f} lines/s, "
        f"{with_records:.2f} s {load()}"
    )

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "chats").mkdir()
        (folder / "chats" / name).write_text(text, encoding="utf-8")
        config = write_config(folder)
        scan(config)  # untimed warm-up of a tiny chat is not possible here: the scorer loads lazily
        (folder / "bench.db").unlink()
        wall, store, new_comments, new_posts = scan(config)
        timings = store.timings
        print(
            f"import (run_scan into SQLite): {wall:.2f} s for {new_comments:,} messages "
            f"+ {new_posts} conversation = {args.lines / wall:,.0f} lines/s {load()}"
        )
        print(
            f"import split: parse {best:.2f} s ({best / wall:.0%}), records {with_records - best:.2f} s, "
            f"storage {timings.storage:.2f} s (lookup {timings.lookup:.2f} + write {timings.writing:.2f}), "
            f"scoring {timings.scoring:.2f} s in-process, {timings.texts_scored:,} texts scored {load()}"
        )
        again, _, repeat_new, _ = scan(config)
        print(f"second import of the same file: {repeat_new} new messages in {again:.2f} s {load()}")
        grown = generate(args.lines // 100, args.layout, seed=99, start=datetime(2031, 1, 1, 8, 0))
        (folder / "chats" / name).write_text(text + "\n".join(grown) + "\n", encoding="utf-8")
        more, _, grown_new, _ = scan(config)
        with sqlite3.connect(folder / "bench.db") as db:
            stored = db.execute("select count(*) from comment").fetchone()[0]
        print(
            f"import of the export grown by {len(grown):,} lines: {grown_new:,} new messages in {more:.2f} s, "
            f"{stored:,} messages stored in all {load()}"
        )


if __name__ == "__main__":
    main()
