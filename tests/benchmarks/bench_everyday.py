"""Speed of the everyday commands on the quick start's sample, as a user runs them.

Run:  .venv/bin/python tests/benchmarks/bench_everyday.py [--runs 5]

Copies `config/` (the sample config and export) to a temporary folder and runs each command
as its own process (`python -m socialmon …`), `--runs` times (default 5), timing the wall
clock from start to exit. Prints one line per figure: the median wall time, the fastest and
slowest runs, the median CPU time (user + system) of the command, the target beside it, and
the machine's load average (1, 5, 15 minutes) when the figure was taken. The targets are for
an idle machine; on a shared one the load says how far to trust the wall time, and the CPU
time is the steadier figure.

- scan: the sample scanned into a fresh database each run (31 comments to score);
- re-scan: the sample scanned again into a database that already has it (adds nothing);
- report: the terminal report of the scanned sample;
- help: `socialmon --help`;
- floor: no socialmon at all, only the interpreter starting and importing the libraries every
  database command needs (SQLAlchemy, typer, rich, pydantic): what no change to socialmon can
  go below on this machine. Its ratio to the last session's machine says how far the targets,
  set on a faster one, are from this machine's reach.

Before the timed runs, one untimed scan and report compile the bytecode (as an installed
package has it).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGETS = {"scan": 1.0, "re-scan": 0.6, "report": 0.5, "help": 0.3}
FLOOR = "import sqlalchemy, typer, rich.console, pydantic"


def run(folder: Path, *args: str, module: bool = True) -> tuple[float, float]:
    """Wall and CPU seconds of `python -m socialmon ARGS` (`python ARGS` when not `module`) in
    `folder`; a failure stops the benchmark."""
    # Bytecode as an installed package has it: socialmon's own modules compiled once, into a cache
    # beside the copied config. With PYTHONDONTWRITEBYTECODE set (as on the development machines)
    # every run compiled them all again: 0.3-0.5 s of each figure was the compiler.
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "120"}
    env["PYTHONPYCACHEPREFIX"] = str(folder.parent / "pycache")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("SOCIALMON_CONFIG", None)
    env.pop("SOCIALMON_DATABASE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *(("-m", "socialmon") if module else ()), *args],
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"socialmon {' '.join(args)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return seconds, cpu


def loop_seconds() -> float:
    """A plain Python loop's time, best of 3: how fast this machine runs Python right now, so that
    figures taken on two machines, or on one shared machine on two days, can be compared. (It
    read 1.0-1.7 s on a day when every command here ran 2-3 times slower than the day before.)"""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return best


def fresh(folder: Path) -> None:
    """The sample as never scanned: no database (the export's anchor lives in it)."""
    for found in folder.glob("sample.db*"):
        if found.is_dir():  # the scan's per-channel lock files
            shutil.rmtree(found)
        else:
            found.unlink()


def figure(
    name: str, runs: int, once: Callable[[], tuple[float, float]], before: Callable[[], None] | None = None
) -> None:
    times, cpus = [], []
    for _ in range(runs):
        if before is not None:
            before()
        wall, cpu = once()
        times.append(wall)
        cpus.append(cpu)
    median = statistics.median(times)
    target = TARGETS.get(name)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    verdict = (
        f"target <= {target:.1f} s: {'ok' if median <= target else 'OVER'}"
        if target is not None
        else "no target: the libraries alone"
    )
    print(
        f"{name:<8} median of {runs}: {median:5.2f} s wall (fastest {min(times):.2f}, slowest {max(times):.2f}), "
        f"{statistics.median(cpus):.2f} s CPU; {verdict}; load {load}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="socialmon-everyday-") as tmp:
        folder = Path(tmp) / "config"
        shutil.copytree(
            REPO / "config", folder, ignore=shutil.ignore_patterns("*.db", "*.db-*", "*.db.locks")
        )
        config = ("--config", "socialmon.toml")
        print(
            f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {folder}; "
            f"this machine's speed: {loop_seconds():.2f} s for 10 million iterations of a Python loop",
            flush=True,
        )
        fresh(folder)
        run(folder, "scan", *config)  # untimed: compiles the bytecode
        run(folder, "report", *config)
        figure("scan", args.runs, lambda: run(folder, "scan", *config), before=lambda: fresh(folder))
        run(folder, "scan", *config)  # the database holds the sample from here on
        figure("re-scan", args.runs, lambda: run(folder, "scan", *config))
        figure("report", args.runs, lambda: run(folder, "report", *config))
        figure("help", args.runs, lambda: run(folder, "--help"))
        figure("floor", args.runs, lambda: run(folder, "-c", FLOOR, module=False))


if __name__ == "__main__":
    main()
