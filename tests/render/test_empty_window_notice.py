"""A window without customer comments says so in every human format, not only in the terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import clean_environment, comment, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app

EMPTY_WINDOW = ("--since", "2026-11-01", "--until", "2026-11-07")


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("empty-window")
    write_jsonl(folder / "export.jsonl", [post("p1", author_id="biz"), comment("c1", text="Muy rico todo")])
    path = write_config(folder)
    # The environment each test gets (conftest.py's clean_environ comes after a module's fixture):
    # none of the developer's SOCIALMON_* settings, such as $SOCIALMON_DATABASE.
    with clean_environment(folder):
        assert CliRunner().invoke(app, ["scan", "-q", "--config", str(path)]).exit_code == 0
    return path


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_documents_say_the_window_is_empty_and_where_the_data_is(
    tmp_path: Path, cli: CliRunner, config: Path, suffix: str
) -> None:
    output = tmp_path / f"report{suffix}"
    result = cli.invoke(app, ["report", *EMPTY_WINDOW, "-o", str(output), "--config", str(config)])
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert "No hay comentarios de clientes en este periodo; el más reciente es del 1 oct 2026." in text
    assert "--since" not in text  # a client's document gives no command-line advice


def test_a_window_with_comments_has_no_notice(tmp_path: Path, cli: CliRunner, config: Path) -> None:
    output = tmp_path / "report.md"
    result = cli.invoke(
        app,
        [
            "report",
            "--since",
            "2026-10-01",
            "--until",
            "2026-10-07",
            "-o",
            str(output),
            "--config",
            str(config),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "No hay comentarios" not in output.read_text(encoding="utf-8")
