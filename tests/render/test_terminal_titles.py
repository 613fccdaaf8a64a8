"""The terminal at 80 and 60 columns: a long brand name ends in "…" and the report's kind stays in
the panel's title; with several brands, each brand's notices come under its own heading."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import clean_environment, comment, post, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app

LONG = "Consultoría Integral de Comunicación Estratégica Hernández & Asociados"
CONFIG = """database = "socialmon.db"
[[brands]]
name = "{name}"
slug = "consultora"
timezone = "America/Guayaquil"
language = "es"
[[brands.channels]]
name = "export"
platform = "file"
path = "export.jsonl"
[[brands]]
name = "Panadería Vacía"
slug = "vacia"
timezone = "America/Guayaquil"
language = "es"
[[brands.channels]]
name = "export"
platform = "file"
path = "posts.jsonl"
"""


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("titles")
    write_jsonl(folder / "export.jsonl", [post("p1", author_id="biz"), comment("c1", text="Excelente")])
    write_jsonl(folder / "posts.jsonl", [post("p9", author_id="biz")])  # no customer comment yet
    path = folder / "socialmon.toml"
    path.write_text(CONFIG.format(name=LONG), encoding="utf-8")
    # The environment each test gets (conftest.py's clean_environ comes after a module's fixture):
    # none of the developer's SOCIALMON_* settings, such as $SOCIALMON_DATABASE.
    with clean_environment(folder):
        assert CliRunner().invoke(app, ["scan", "-q", "--config", str(path)]).exit_code == 0
    return path


def _terminal(cli: CliRunner, config: Path, columns: int, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(columns))
    result = cli.invoke(
        app, ["report", "--since", "2026-10-01", "--until", "2026-10-07", "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


@pytest.mark.parametrize("columns", [60, 80])
def test_a_long_brand_name_is_cut_with_an_ellipsis_and_the_kind_stays(
    cli: CliRunner, config: Path, columns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _terminal(cli, config, columns, monkeypatch)
    top = lines[0]
    assert top.startswith("╭─ Consultoría") and "… — Informe de interacción ─" in top, top
    assert len(top) <= columns


def test_an_empty_brands_notice_comes_after_its_own_heading(
    cli: CliRunner, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _terminal(cli, config, 80, monkeypatch)
    heading = next(i for i, line in enumerate(lines) if "Panadería Vacía — Informe" in line)
    notice = next(i for i, line in enumerate(lines) if "Aún no hay comentarios" in line)
    assert notice > heading
