"""A channel a scan leaves out for want of a secret (an unset ${VAR}) is that channel's last scan:
the reports warn about it instead of showing the scan before as its last, "ok", with its old
figures as if current; and the channel's cursor stays, for the next scan with the variable set."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from helpers import comment, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app

CHANNEL = '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "${EXPORT_DIR}/export.jsonl"\n'


def run(cli: CliRunner, *args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result.stdout


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def test_a_channel_skipped_after_a_good_scan_is_reported_as_failed_and_keeps_its_cursor(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1"), comment("c2")])
    config = str(write_config(tmp_path, channels=CHANNEL).resolve())
    monkeypatch.setenv("EXPORT_DIR", str(tmp_path))
    assert cli.invoke(app, ["scan", "--quiet", "--config", config]).exit_code == 0

    monkeypatch.delenv("EXPORT_DIR")  # cron lost it: no channel can be scanned (exit 2)
    assert cli.invoke(app, ["scan", "--quiet", "--config", config]).exit_code == 2
    report = json.loads(run(cli, "report", "-f", "json", "--config", config))
    (channel,) = report["channels"]
    assert (channel["channel"], channel["last_status"], channel["comments"]) == ("export", "failed", 2)
    table = run(cli, "report", "--lang", "en", "--config", config)
    assert "cafe/export: last scan failed" in " ".join(table.split()), table
    assert "EXPORT_DIR is not set" in " ".join(table.split())
    spanish = " ".join(run(cli, "report", "--lang", "es", "--config", config).split())
    assert "no se escaneó: la variable de entorno EXPORT_DIR no está definida" in spanish, spanish

    with sqlite3.connect(tmp_path / "socialmon.db") as db:
        runs = db.execute("SELECT status, error FROM scan_run ORDER BY id").fetchall()
    assert [status for status, _ in runs] == ["ok", "failed"]
    assert "environment variable EXPORT_DIR is not set" in runs[1][1]

    # The variable back: the scan goes on from its cursor (nothing read twice) and ends ok.
    write_jsonl(tmp_path / "export.jsonl", [comment("c3")], mode="a")
    monkeypatch.setenv("EXPORT_DIR", str(tmp_path))
    scanned = run(cli, "scan", "--config", config)
    assert cli.invoke(app, ["scan", "--quiet", "--config", config]).exit_code == 0, scanned
    with sqlite3.connect(tmp_path / "socialmon.db") as db:
        read = db.execute("SELECT new_comments, updated_comments FROM scan_run ORDER BY id").fetchall()
    assert read[2] == (1, 0), read
    report = json.loads(run(cli, "report", "-f", "json", "--config", config))
    assert report["channels"][0]["last_status"] == "ok"
