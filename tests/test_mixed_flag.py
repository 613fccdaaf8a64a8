"""A text that mixes praise and complaint is stored as mixed and listed so in the JSON report."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from helpers import comment, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app

MIXED = "El hotel es bonito y limpio. El desayuno, malo y caro."
PLAIN = "Excelente servicio, muy rico todo"


def test_a_mixed_opinion_is_stored_and_flagged_in_the_json_report(tmp_path: Path) -> None:
    written = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    write_jsonl(
        tmp_path / "export.jsonl",
        [
            post("p1"),
            comment("mixed", text=MIXED, created_at=written),
            comment("plain", text=PLAIN, created_at=written),
        ],
    )
    config = write_config(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["scan", "--quiet", "--config", str(config)]).exit_code == 0
    with sqlite3.connect(tmp_path / "socialmon.db") as db:
        stored = dict(db.execute("select platform_id, sentiment_mixed from comment").fetchall())
    db.close()
    assert stored == {"mixed": 1, "plain": 0}

    result = runner.invoke(app, ["report", "-f", "json", "--since", "7d", "--config", str(config)])
    assert result.exit_code == 0, result.output
    [brand] = json.loads(result.output)["brands"]
    flags = {item["id"]: item["mixed"] for item in brand["needs_reply"]["items"]}
    assert flags == {"mixed": True, "plain": False}
