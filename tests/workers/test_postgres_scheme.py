"""A `postgres://` URL, as Heroku and Render give it, is PostgreSQL: SQLAlchemy dropped that name in
1.4 (sqlalchemy/sqlalchemy#5799), and socialmon said "no driver for postgres" (scan) or took it for
SQLite (the worker commands)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import comment, post, write_config, write_jsonl

from socialmon.cli import app
from socialmon.database import normalise_url
from socialmon.workers import WorkersUnavailable, require_postgres


def test_postgres_urls_read_as_postgresql_and_no_other() -> None:
    assert normalise_url("postgres://u:p@db.example:5432/app") == "postgresql://u:p@db.example:5432/app"
    assert normalise_url("postgres+psycopg://u@h/app") == "postgresql+psycopg://u@h/app"
    for kept in ("postgresql://u@h/app", "sqlite:///postgres.db", "mysql://postgres@h/postgres"):
        assert normalise_url(kept) == kept


def test_worker_mode_names_the_database_it_cannot_use() -> None:
    with pytest.raises(WorkersUnavailable, match="which is mysql here"):
        require_postgres("mysql://u@h/app")


@pytest.mark.postgres
def test_scan_and_worker_commands_take_a_postgres_url(
    postgres_url: str, queue_schema: str, tmp_path: Path, cli: Any
) -> None:
    heroku_style = "postgres://" + postgres_url.split("://", 1)[1]
    write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1")])
    config = write_config(tmp_path)
    for command in (["scan", "-q"], ["workers", "migrate"], ["scan", "--enqueue"], ["workers", "status"]):
        result = cli.invoke(app, [*command, "--config", str(config), "--database", heroku_style])
        assert result.exit_code == 0, (command, result.output)


@pytest.mark.postgres
def test_worker_commands_keep_a_search_path_given_with_other_server_options(
    postgres_url: str, queue_schema: str, tmp_path: Path, cli: Any
) -> None:
    # libpq's options hold several "-c name=value", space-separated (%20 in a URL). The queue's
    # connection was built by rendering the URL again, which wrote the space as "+": the
    # search_path became "t_...+-cstatement_timeout=60000" and the commands found no schema.
    assert "options=-csearch_path" in postgres_url
    url = postgres_url + "%20-cstatement_timeout%3D60000"
    config = write_config(tmp_path)
    for command in (["workers", "migrate"], ["workers", "status"]):
        result = cli.invoke(app, [*command, "--config", str(config), "--database", url])
        assert result.exit_code == 0, (command, result.output)
        assert "no schema" not in result.output


def test_a_url_with_an_option_libpq_does_not_know_is_said_not_a_traceback(tmp_path: Path, cli: Any) -> None:
    config = write_config(tmp_path)
    url = "postgresql+psycopg://socialmon@127.0.0.1:1/socialmon?foo=bar"
    result = cli.invoke(app, ["workers", "status", "--config", str(config), "--database", url])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code != 0
    assert 'invalid connection option "foo"' in " ".join(result.output.split())
