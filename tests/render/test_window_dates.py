"""A report's window names its last day, not the day after it (a report's `until` is exclusive)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import comment, post, scanned_project
from typer.testing import CliRunner

from socialmon.cli import app


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One comment on 10 November, scanned once: each case only reads it with `socialmon report`."""
    records = [
        post("p1", created_at="2026-11-10T12:00:00Z"),
        comment("c1", created_at="2026-11-10T13:00:00Z"),
    ]
    return scanned_project(tmp_path_factory.mktemp("window-dates"), records)


@pytest.mark.parametrize(
    ("lang", "fmt", "expected"),
    [
        ("es", "md", "del 1 nov 2026 al 21 nov 2026"),
        ("en", "md", "Nov 1, 2026 to Nov 21, 2026"),
        ("es", "table", "del 1 nov 2026 al 21 nov 2026"),
        ("es", "html", "del 1 nov 2026 al 21 nov 2026"),
    ],
)
def test_the_window_ends_on_its_last_day(config: Path, lang: str, fmt: str, expected: str) -> None:
    window = ["--since", "2026-11-01", "--until", "2026-11-21"]
    result = CliRunner().invoke(
        app, ["report", *window, "--lang", lang, "-f", fmt, "--config", str(config)], env={"COLUMNS": "160"}
    )
    assert result.exit_code == 0, result.output
    assert expected in " ".join(result.output.split())
