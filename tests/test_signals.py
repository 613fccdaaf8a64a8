"""A scan killed (SIGKILL) or stopped (SIGTERM, what `timeout` and systemd send) leaves no
process behind: not its scoring workers, not multiprocessing's resource tracker. SIGTERM
stops it cleanly, exit 143, with every page it stored complete and resumable."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import comment, post, write_config, write_jsonl
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.scoring import INLINE_BELOW

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc (Linux)")

POSTS = 50
COMMENTS = 30_000
PAGE_SIZE = 1000  # records per page: each page is scored by the worker pool (see ScoringPool.scores_inline)
MARKER = "SOCIALMON_SIGNAL_TEST_RUN"  # in the scan's environment, so inherited by every process it starts
LEFT_BEHIND_SECONDS = 5


def make_export(folder: Path) -> list[dict]:
    records = [post(f"p{i}") for i in range(POSTS)]
    records += [
        comment(
            f"c{i}",
            post_id=f"p{i % POSTS}",
            text=("great coffee, love it" if i % 3 else "cold food and rude staff, never again") + f" #{i}",
        )
        for i in range(COMMENTS)
    ]
    write_jsonl(folder / "export.jsonl", records)
    return records


def config_for(folder: Path) -> Path:
    assert PAGE_SIZE - POSTS >= INLINE_BELOW, "pages must be big enough for the scoring pool to start"
    channels = (
        '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n'
        f"page_size = {PAGE_SIZE}\n"
    )
    return write_config(folder, channels=channels)


def scan_command(config: Path, database_url: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "socialmon",
        "scan",
        "--quiet",
        "--config",
        str(config),
        "--database",
        database_url,
    ]


def environment(run: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOCIALMON_")}
    env[MARKER] = run
    return env


def processes_of(run: str) -> dict[int, str]:
    """Every live process (not a zombie) started by the scan `run`, pid → command line."""
    wanted = f"{MARKER}={run}".encode()
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if wanted not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile, or not ours
            continue
        if state not in ("Z", "X"):
            found[int(entry.name)] = command
    return found


def scan_in_its_own_group(config: Path, database_url: str, run: str, stderr: Path) -> subprocess.Popen[bytes]:
    """The scan started in a process group of its own (as a terminal or systemd starts it), its
    stderr in a file, not a pipe: processes left behind would hold a pipe open."""
    with stderr.open("w") as errors_file:
        return subprocess.Popen(
            scan_command(config, database_url),
            env=environment(run),
            stdout=subprocess.DEVNULL,
            stderr=errors_file,
            start_new_session=True,
        )


@contextlib.contextmanager
def ended(victim: subprocess.Popen[Any]) -> Iterator[subprocess.Popen[Any]]:
    """`victim`, killed at the end if a failed step left it running."""
    try:
        yield victim
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait()


def wait_for_scoring_workers(victim: subprocess.Popen[str], run: str, timeout: float = 180) -> dict[int, str]:
    """Poll until the scan has started its scoring pool; its processes then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and victim.poll() is None:
        found = processes_of(run)
        if any("multiprocessing.spawn" in command for command in found.values()):
            return found
        time.sleep(0.05)
    raise AssertionError(f"the scan ended (exit {victim.poll()}) or never started its scoring workers")


def left_behind(run: str, seconds: float = LEFT_BEHIND_SECONDS) -> dict[int, str]:
    """The run's processes still alive after `seconds` (polled: returns as soon as none is left)."""
    deadline = time.monotonic() + seconds
    while (alive := processes_of(run)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


@pytest.fixture
def run() -> Iterator[str]:
    """The marker of one scan's processes; any of them the test leaves alive (a failure) is killed."""
    marker = uuid.uuid4().hex
    yield marker
    for pid in processes_of(marker):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def query(database_url: str, sql: str) -> list[tuple]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def test_scan_help_documents_exit_143() -> None:
    result = CliRunner().invoke(app, ["scan", "--help"])
    assert result.exit_code == 0
    assert "143" in result.output and "SIGTERM" in result.output


@pytest.mark.slow
def test_a_scan_killed_with_sigkill_leaves_no_process_behind(
    tmp_path: Path, database_url: str, run: str
) -> None:
    make_export(tmp_path)
    config = config_for(tmp_path)
    with ended(
        subprocess.Popen(
            scan_command(config, database_url),
            env=environment(run),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ) as victim:
        started = wait_for_scoring_workers(victim, run)
        assert any("resource_tracker" in command for command in started.values()), started
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
    assert left_behind(run) == {}


@pytest.mark.parametrize("to", ["process", "process group"])
@pytest.mark.slow
def test_sigterm_stops_the_scan_cleanly_and_leaves_no_process_behind(
    tmp_path: Path, database_url: str, run: str, to: str
) -> None:
    """`kill PID` signals the scan alone; `timeout` and systemd signal its whole process group,
    scoring workers included: the page they were scoring is then scored in the scan itself."""
    records = make_export(tmp_path)
    config = config_for(tmp_path)
    stderr = tmp_path / "stderr.txt"
    with ended(scan_in_its_own_group(config, database_url, run, stderr)) as victim:
        wait_for_scoring_workers(victim, run)
        if to == "process":
            victim.send_signal(signal.SIGTERM)
        else:
            os.killpg(victim.pid, signal.SIGTERM)
        victim.wait(timeout=120)
    assert left_behind(run) == {}
    errors = stderr.read_text()
    assert victim.returncode == 143, errors
    assert "Traceback" not in errors
    assert "stopped by SIGTERM" in errors or "se detuvo por SIGTERM" in errors  # the CLI's language

    # What is stored is exactly the records before the saved cursor: no page half-stored.
    (cursor,) = query(database_url, "SELECT cursor FROM channel")[0]
    lines = (json.loads(cursor) if isinstance(cursor, str) else cursor)["files"]["export.jsonl"]["line"]
    read = [record["id"] for record in records[:lines] if record["type"] == "comment"]
    stored = [row[0] for row in query(database_url, "SELECT platform_id FROM comment")]
    assert 0 < len(read) < COMMENTS, f"stopped after {len(read)} comments: not in the middle"
    assert sorted(stored) == sorted(read)
    assert query(database_url, "SELECT status FROM scan_run") == [("partial",)]  # stored, not read to its end

    # The next scan reads the rest, and nothing twice.
    rest = subprocess.run(
        scan_command(config, database_url), env=environment(run), capture_output=True, text=True, timeout=300
    )
    assert rest.returncode == 0, rest.stderr
    assert query(database_url, "SELECT count(*), count(DISTINCT platform_id) FROM comment") == [
        (COMMENTS, COMMENTS)
    ]
    assert query(database_url, "SELECT sum(new_comments) FROM scan_run") == [(COMMENTS,)]
    assert left_behind(run) == {}


def blocks_sigint(pid: int) -> bool:
    """Whether the process's main thread has SIGINT blocked (/proc's SigBlk mask, bit 1 is signal 2)."""
    status = Path(f"/proc/{pid}/status").read_text()
    blocked = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigBlk:")), 16)
    return bool(blocked & (1 << (signal.SIGINT - 1)))


@pytest.mark.slow
def test_ctrl_c_reaches_the_scan_alone_and_prints_no_worker_traceback(
    tmp_path: Path, database_url: str, run: str
) -> None:
    """A terminal's Ctrl-C signals the whole process group. The scoring workers keep SIGINT blocked
    from their start: they died of it, each printing a KeyboardInterrupt traceback, or "Fatal
    Python error: init_import_site" when it came while they started. The scan handles it: exit 130."""
    make_export(tmp_path)
    config = config_for(tmp_path)
    stderr = tmp_path / "stderr.txt"
    with ended(scan_in_its_own_group(config, database_url, run, stderr)) as victim:
        started = wait_for_scoring_workers(victim, run)  # some still starting: the window that printed
        workers = [pid for pid, command in started.items() if "multiprocessing.spawn" in command]
        assert workers and all(blocks_sigint(pid) for pid in workers), started
        os.killpg(victim.pid, signal.SIGINT)
        victim.wait(timeout=120)
    assert left_behind(run) == {}
    errors = stderr.read_text()
    assert victim.returncode == 130, errors
    assert "Traceback" not in errors and "Fatal Python error" not in errors, errors


def test_scan_help_documents_exit_130_for_ctrl_c() -> None:
    result = CliRunner().invoke(app, ["scan", "--help"])
    assert result.exit_code == 0
    assert "130 when stopped by Ctrl-C" in " ".join(result.output.split())
