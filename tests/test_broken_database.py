"""A damaged SQLite file, or a database from a newer socialmon, is named with what to do
(exit 2) by every command that opens it and by `check`: never a traceback, never "valid"."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import clean_environment, comment, copy_project, post, write_config, write_jsonl
from sqlalchemy import Engine, create_engine, text
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.database import open_database
from socialmon.models import metadata

DAMAGED = "restore a backup, or move it aside to start afresh"
NEWER = "was written by a newer socialmon (schema zzzz_future): upgrade socialmon"

# Every command that opens the database.
COMMANDS = [
    ["scan"],
    ["report"],
    ["report", "response-times"],
    ["report", "trends"],
    ["pending"],
    ["alerts"],
    ["alerts", "list"],
    ["alerts", "ack", "1"],
    ["alerts", "check"],
    ["alerts", "send"],
    ["label", "cafe/export/c1", "positive"],
    ["export-labels"],
    ["rescore"],
    ["upgrade"],
]


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # one message, one line


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config and its database, scanned once for the module (each test damages a copy)."""
    folder = tmp_path_factory.mktemp("scanned")
    with clean_environment(folder, COLUMNS="300"):
        write_jsonl(
            folder / "export.jsonl",
            [post("p1"), *(comment(f"c{i}", text="I love this place, wonderful!") for i in range(1, 40))],
        )
        config = write_config(folder).resolve()
        assert run(CliRunner(), config, "scan", "-q").exit_code == 0
    return folder


@pytest.fixture
def project(tmp_path: Path, scanned: Path) -> Path:
    """A config and its database, scanned once: tmp_path/socialmon.db."""
    return copy_project(scanned, tmp_path).resolve()


def run(cli: CliRunner, config: Path, *args: str) -> Any:
    result = cli.invoke(app, [*args, "--config", str(config)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def garbage_header(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.write(b"this is not SQLite, it was overwritten! " * 3)


def truncated(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def damaged_table(path: Path) -> None:
    """The comment table's pages overwritten (its indexes' too): the header and schema are fine."""
    connection = sqlite3.connect(path)
    roots = [
        row[0] for row in connection.execute("SELECT rootpage FROM sqlite_master WHERE tbl_name = 'comment'")
    ]
    (pages,) = connection.execute("PRAGMA page_count").fetchone()
    (page_size,) = connection.execute("PRAGMA page_size").fetchone()
    connection.close()
    assert pages < 100 and len(roots) > 1  # a small database; overwriting its roots breaks each b-tree
    with path.open("r+b") as handle:
        for root in roots:
            handle.seek((root - 1) * page_size)
            handle.write(b"\xff" * page_size)


@pytest.mark.parametrize("damage", [garbage_header, truncated], ids=["garbage header", "truncated"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_names_a_damaged_file(
    project: Path, cli: CliRunner, damage: Any, command: list[str]
) -> None:
    database = project.parent / "socialmon.db"
    damage(database)
    result = run(cli, project, *command)
    assert result.exit_code == 2, result.output
    assert f"the database file {database} is damaged (" in result.output
    assert DAMAGED in result.output


@pytest.mark.parametrize("damage", [garbage_header, truncated, damaged_table])
def test_check_finds_a_damaged_file(project: Path, cli: CliRunner, damage: Any) -> None:
    database = project.parent / "socialmon.db"
    damage(database)
    result = run(cli, project, "check")
    assert result.exit_code == 2, result.output
    assert f"problem: the database file {database} is damaged (" in result.output
    assert DAMAGED in result.output
    assert "all valid" not in result.output


def test_damage_found_after_opening_is_named_too(project: Path, cli: CliRunner) -> None:
    database = project.parent / "socialmon.db"
    damaged_table(database)
    result = run(cli, project, "report", "--format", "json")
    assert result.exit_code == 2, result.output
    assert f"the database file {database} is damaged (malformed): {DAMAGED}" in result.output


def from_the_future(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'zzzz_future'"))
    engine.dispose()


def scanned_into(folder: Path, url: str) -> None:
    """`folder`'s export of one post and one comment scanned into `url`, in a test's clean environment."""
    with clean_environment(folder, COLUMNS="300"):
        write_jsonl(folder / "export.jsonl", [post("p1"), comment("c1")])
        assert (
            run(CliRunner(), write_config(folder).resolve(), "scan", "-q", "--database", url).exit_code == 0
        )


@pytest.fixture(scope="module")
def future_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file scanned once for the module: each test gets a copy (see `future`)."""
    folder = tmp_path_factory.mktemp("future")
    scanned_into(folder, f"sqlite:///{folder / 'test.db'}")
    return folder / "test.db"


@pytest.fixture(scope="module")
def future_postgresql(tmp_path_factory: pytest.TempPathFactory, postgres_admin: Engine) -> Iterator[str]:
    """A PostgreSQL schema scanned once for the module (the rows each test copies into its own
    schema, see `future`); dropped after the module."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with postgres_admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    server = postgres_admin.url.render_as_string(hide_password=False)
    separator = "&" if "?" in server else "?"
    try:
        scanned_into(
            tmp_path_factory.mktemp("future"), f"{server}{separator}options=-csearch_path%3D{schema}"
        )
        yield schema
    finally:
        with postgres_admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def future(request: pytest.FixtureRequest, tmp_path: Path, database_url: str) -> tuple[Path, str]:
    """A config and a database (SQLite, PostgreSQL) whose schema is a revision this version does not
    know: the test's own copy of the database a scan of one post and one comment made (scanned once
    for the module)."""
    write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1")])
    config = write_config(tmp_path).resolve()
    if database_url.startswith("sqlite"):
        shutil.copy(request.getfixturevalue("future_sqlite"), tmp_path / "test.db")
        assert database_url == f"sqlite:///{tmp_path / 'test.db'}"
    else:
        template = request.getfixturevalue("future_postgresql")
        open_database(database_url).dispose()  # the tables, as the scan's first step makes them
        engine = create_engine(database_url)
        with engine.begin() as connection:  # then the rows the scan wrote
            for table in metadata.sorted_tables:
                connection.execute(
                    text(f'INSERT INTO "{table.name}" SELECT * FROM "{template}"."{table.name}"')
                )
            assert connection.execute(text("SELECT platform_id FROM comment")).all() == [("c1",)]
        engine.dispose()
    from_the_future(database_url)
    return config, database_url


@pytest.mark.parametrize("command", [*COMMANDS, ["check"]], ids=" ".join)
def test_a_database_from_a_newer_socialmon_is_named(
    future: tuple[Path, str], cli: CliRunner, command: list[str]
) -> None:
    config, url = future
    result = run(cli, config, *command, "--database", url)
    assert result.exit_code == 2, result.output
    assert NEWER in result.output
    assert "upgraded on the next scan" not in result.output
    assert "all valid" not in result.output
    engine = create_engine(url)
    with engine.connect() as connection:  # left as it was
        assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [("zzzz_future",)]
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("command", [["worker", "--until-empty"], ["scan", "--enqueue"]], ids=" ".join)
def test_worker_mode_names_a_database_from_a_newer_socialmon(
    tmp_path: Path, postgres_url: str, cli: CliRunner, command: list[str]
) -> None:
    """Before, `worker` ended in a traceback, and `scan --enqueue` queued jobs no worker could run."""
    write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1")])
    config = write_config(tmp_path).resolve()
    assert run(cli, config, "scan", "-q", "--database", postgres_url).exit_code == 0
    from_the_future(postgres_url)
    result = run(cli, config, *command, "--database", postgres_url)
    assert result.exit_code == 2, result.output
    assert NEWER in " ".join(result.output.split())
    assert "queued" not in result.output


@pytest.mark.postgres
def test_a_worker_on_a_url_with_no_driver_says_so(tmp_path: Path, postgres_url: str, cli: CliRunner) -> None:
    config = write_config(tmp_path).resolve()
    url = postgres_url.replace("postgresql+psycopg://", "postgresql+asyncpg://")
    result = run(cli, config, "worker", "--until-empty", "--database", url)
    assert result.exit_code == 2, result.output
    assert "no driver for postgresql+asyncpg" in result.output
