"""A brand whose `language` is "pt" gets its report in Brazilian Portuguese, with Brazil's number and
date formats; and every language's percent format reaches the charts."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

from helpers import comment, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.render.i18n import PORTUGUESE, STRINGS, Lang

WINDOW = ("--since", "2026-10-01", "--until", "2026-10-07")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_report_string_has_portuguese_with_the_same_placeholders() -> None:
    assert PORTUGUESE.keys() == STRINGS.keys()
    for key, (english, _) in STRINGS.items():
        assert _fields(PORTUGUESE[key]) == _fields(english), key


def test_portuguese_numbers_and_dates_are_brazils() -> None:
    lang = Lang("pt")
    assert lang.number(1234.5, 1) == "1.234,5" and lang.percent(0.28) == "28%"
    assert lang.date(date(2026, 12, 4)) == "4 de dez. de 2026"
    assert lang("report_title") == "Relatório de engajamento"


def _project(tmp_path: Path, cli: CliRunner, language: str) -> Path:
    write_jsonl(
        tmp_path / "export.jsonl",
        [
            post("p1", author_id="biz"),
            comment("c1", text="Adorei, muito bom!"),
            comment("c2", text="Péssimo atendimento", created_at="2026-10-02T13:00:00Z"),
        ],
    )
    config = write_config(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8").replace('language = "es"', f'language = "{language}"')
    )
    assert cli.invoke(app, ["scan", "-q", "--config", str(config)]).exit_code == 0
    return config


def test_a_portuguese_brand_gets_a_portuguese_report(tmp_path: Path, cli: CliRunner) -> None:
    config = _project(tmp_path, cli, "pt")
    result = cli.invoke(app, ["report", *WINDOW, "-f", "md", "--config", str(config)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("# Café Uno — Relatório de engajamento")
    assert "\n1 de out. de 2026 a 7 de out. de 2026" in text  # no lowercase "de" opening the line
    assert re.search(r"Gerado em \d\d/\d\d/\d{4} \d\d:\d\d", text), text[:300]
    assert "## Aguardando resposta" in text and "Generated" not in text


def test_chart_tooltips_use_the_reports_percent_format(tmp_path: Path, cli: CliRunner) -> None:
    config = _project(tmp_path, cli, "en")
    output = tmp_path / "report.html"
    result = cli.invoke(app, ["report", *WINDOW, "-o", str(output), "--config", str(config)])
    assert result.exit_code == 0, result.output
    values = re.findall(r'<desc class="value">([^<]*%)</desc>', output.read_text(encoding="utf-8"))
    assert values and all(re.fullmatch(r"\d+%", v) for v in values), values
