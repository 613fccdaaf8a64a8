"""A scan killed mid-import, and two scans at once, end with exactly one uninterrupted run's data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import threaded_export, write_config
from sqlalchemy import Engine, create_engine, select, text

from socialmon.models import Channel, Comment, Post

COMMENTS = 20_000
POSTS = 300
VOLATILE = {"id", "first_seen_at", "updated_at"}  # differ between any two runs by nature


def make_export(folder: Path) -> Path:
    return threaded_export(folder / "export.jsonl", POSTS, COMMENTS)


def config_for(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    channels = (
        '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "../export.jsonl"\npage_size = 250\n'
    )
    return write_config(folder, channels=channels)


def scan_command(config: Path, database_url: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "socialmon",
        "scan",
        "--config",
        str(config),
        "--database",
        database_url,
        "--quiet",
    ]


def environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SOCIALMON_")}


def snapshot(database_url: str) -> dict[str, list[tuple]]:
    engine = create_engine(database_url)
    tables = {}
    with engine.connect() as connection:
        for model in (Post, Comment):
            table = model.__table__
            columns = [column for column in table.c if column.name not in VOLATILE]
            rows = connection.execute(select(*columns).order_by(table.c.platform_id))
            tables[table.name] = [tuple(row) for row in rows]
        tables["cursor"] = [tuple(connection.execute(select(Channel.__table__.c.cursor)).one())]
    engine.dispose()
    return tables


def comment_count(database: str | Engine) -> int:
    engine = create_engine(database) if isinstance(database, str) else database
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM comment")).scalar_one()
    except Exception:  # the scan has not created its tables yet
        return 0
    finally:
        if engine is not database:
            engine.dispose()


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple]]:
    """What one uninterrupted scan of the export stores."""
    folder = tmp_path_factory.mktemp("reference")
    make_export(folder)
    url = f"sqlite:///{folder / 'ref' / 'ref.db'}"
    config = config_for(folder / "ref")
    subprocess.run(scan_command(config, url), check=True, env=environment(), timeout=300)
    return snapshot(url)


@pytest.mark.slow
def test_a_scan_killed_mid_import_resumes_to_the_same_data(
    tmp_path: Path, database_url: str, reference: dict[str, list[tuple]]
) -> None:
    make_export(tmp_path)
    config = config_for(tmp_path / "run")
    victim = subprocess.Popen(scan_command(config, database_url), env=environment())
    try:
        # Wait for the first committed pages, then kill. Polled every 20 ms on one engine: a loop
        # opening a connection per check kept a core busy beside the scan it waited for (the
        # PostgreSQL case took 41 s; 17 s since).
        engine = create_engine(database_url)
        try:
            while comment_count(engine) == 0:
                try:
                    victim.wait(timeout=0.02)
                    break  # it ended: asserted just below
                except subprocess.TimeoutExpired:
                    pass
        finally:
            engine.dispose()
        assert victim.poll() is None, "the scan finished before it could be killed; make the export larger"
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
    finally:
        if victim.poll() is None:
            victim.kill()
    partial = comment_count(database_url)
    assert 0 < partial < COMMENTS, f"killed after {partial} comments: not in the middle"

    subprocess.run(scan_command(config, database_url), check=True, env=environment(), timeout=300)

    assert snapshot(database_url) == reference


@pytest.mark.slow
def test_two_scans_started_at_once_store_everything_once(
    tmp_path: Path, database_url: str, reference: dict[str, list[tuple]]
) -> None:
    make_export(tmp_path)
    config = config_for(tmp_path / "run")
    # The schema is created first so the two processes race on the data, not on table creation.
    subprocess.run(
        [sys.executable, "-m", "socialmon", "upgrade", "--config", str(config), "--database", database_url],
        check=True,
        env=environment(),
        capture_output=True,
    )
    first = subprocess.Popen(
        scan_command(config, database_url), env=environment(), stderr=subprocess.PIPE, text=True
    )
    second = subprocess.Popen(
        scan_command(config, database_url), env=environment(), stderr=subprocess.PIPE, text=True
    )
    outputs = [process.communicate(timeout=300)[1] for process in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), outputs

    assert snapshot(database_url) == reference
    engine = create_engine(database_url)
    with engine.connect() as connection:
        counted = connection.execute(text("SELECT sum(new_comments) FROM scan_run")).scalar_one()
    engine.dispose()
    assert counted == COMMENTS  # each comment counted as new by exactly one of the two scans
