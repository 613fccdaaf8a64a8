"""A report over several brands: each brand's section in its own language and time zone (title,
window, generation time, the PDF's page numbers)."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import comment, post, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app

BRANDS = """database = "socialmon.db"
[[brands]]
name = "Café Uno"
slug = "cafe"
timezone = "America/Guayaquil"
language = "es"
[[brands.channels]]
name = "export"
platform = "file"
path = "export.jsonl"
[[brands]]
name = "Tokyo Tea"
slug = "tea"
timezone = "Asia/Tokyo"
language = "en"
[[brands.channels]]
name = "export"
platform = "file"
path = "export.jsonl"
"""


def test_each_brand_section_uses_its_own_language_and_zone(tmp_path: Path, cli: CliRunner) -> None:
    write_jsonl(tmp_path / "export.jsonl", [post("p1", author_id="biz"), comment("c1", text="Great tea!")])
    config = tmp_path / "socialmon.toml"
    config.write_text(BRANDS, encoding="utf-8")
    assert cli.invoke(app, ["scan", "-q", "--config", str(config)]).exit_code == 0
    output = tmp_path / "all.html"
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
    html = output.read_text(encoding="utf-8")
    assert "<title>2 marcas — Informe de interacción</title>" in html  # not the first brand's name alone
    cafe, tea = html.split('<section class="brand', 2)[1:]
    assert "Café Uno</span> — Informe de interacción" in cafe and "del 1 oct 2026 al 7 oct 2026" in cafe
    assert "Tokyo Tea</span> — Engagement report" in tea
    assert "Oct 1, 2026 to Oct 7, 2026" in tea  # its window starts on Oct 1 in Tokyo, not Sep 30
    assert "Generated " in tea and "Generado" not in tea and 'lang="en"' in tea
    # On paper, each brand's pages are numbered in its language.
    pages = dict(re.findall(r"@page (brand\d) \{ @bottom-right \{ content: \"(\w+) \"", html))
    assert pages == {"brand1": "Página", "brand2": "Page"}
