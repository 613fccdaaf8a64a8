"""`socialmon scan`'s line about the alert rules: what they left out comes from their own run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alerts.test_cli_alerts import project
from helpers import comment, write_jsonl
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

import socialmon.alerts.service as service
from socialmon.cli import app
from socialmon.database import Database

NOT_JUDGED = "cafe: not judged by the alert rules until their next complete scan: export (last scan failed)"


def scan(config: Path) -> Any:
    return CliRunner().invoke(app, ["scan", "--config", str(config)], env={"COLUMNS": "200"})


def test_scan_names_the_channels_the_rules_left_out_without_reading_the_database_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = project(tmp_path, "")
    assert scan(config).exit_code == 0
    write_jsonl(tmp_path / "export.jsonl", [comment("bad", created_at="bad")])  # nothing readable: failed
    rules_ran = service.evaluate_alerts

    def then_the_database_goes_away(*args: Any, **options: Any) -> Any:
        evaluations = rules_ran(*args, **options)

        def unreachable(self: Database) -> Any:
            raise OperationalError("SELECT 1", {}, Exception("disk I/O error"))

        monkeypatch.setattr(Database, "read", unreachable)
        monkeypatch.setattr(Database, "write", unreachable)
        return evaluations

    monkeypatch.setattr(service, "evaluate_alerts", then_the_database_goes_away)
    scanned = scan(config)
    assert scanned.exception is None or isinstance(scanned.exception, SystemExit), scanned.exception
    assert scanned.exit_code == 1  # the channel failed; the rest of the scan stands
    assert NOT_JUDGED in scanned.output
    assert "error: the database" not in scanned.output  # the scan's summary follows, not a database error
