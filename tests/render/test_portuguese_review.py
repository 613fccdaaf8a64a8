"""A Brazilian reviewer's read of the Portuguese report: wording that agrees for any number, no
"(s)" plurals, the CLI's report-language words in Portuguese, `--lang pt`, the pt-BR language tag,
chart dates that fit their axis, "novembro de 2026", and one minus sign."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import pytest
from _reports import built, reports
from helpers import clean_environment, comment, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.analytics.results import BrandReport
from socialmon.cli import app
from socialmon.config import EmailDestination
from socialmon.render.i18n import LANGUAGES, Lang
from socialmon.report_email import build_report_email

WINDOW = ("--since", "2026-10-01", "--until", "2026-10-07")


def _project(folder: Path, language: str, *, scanned: bool = True) -> Path:
    write_jsonl(
        folder / "export.jsonl",
        [
            post("p1", author_id="biz"),
            comment("c1", text="Adorei, muito bom!"),
            comment("c2", text="Péssimo atendimento, horrível", created_at="2026-10-02T13:00:00Z"),
        ],
    )
    config = write_config(folder)
    config.write_text(
        config.read_text(encoding="utf-8").replace('language = "es"', f'language = "{language}"')
    )
    if scanned:
        assert CliRunner().invoke(app, ["scan", "-q", "--config", str(config)]).exit_code == 0
    return config


@pytest.fixture(scope="module")
def portuguese(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Portuguese brand's project, scanned once: the tests below only read it."""
    folder = tmp_path_factory.mktemp("portuguese")
    with clean_environment(folder):
        return _project(folder, "pt")


# 1. Wording


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pt", "1 aguardando, 1 com sentimento negativo, 1 fora do prazo"),
        ("es", "1 en espera (negativos: 1; fuera de plazo"),
        ("en", "1 waiting, 1 negative, 1 past the SLA"),
    ],
)
def test_one_negative_comment_is_said_in_agreement(language: str, expected: str) -> None:
    for key in ("needs_reply_total", "needs_reply_total_business"):
        said = Lang(language)(key, total="1", negative="1", over="1")
        assert said.startswith(expected), said


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("n", [1, 2])
def test_counts_need_no_parenthesised_plural(language: str, n: int) -> None:
    lang = Lang(language)
    said = [lang("waiting_by_kind", comments=n, messages=n), lang("scan_pending", status="ok", n=n)]
    assert all("(s)" not in text and str(n) in text for text in said), said


def test_the_reviewers_portuguese_words() -> None:
    pt = Lang("pt")
    assert pt("unscored") == "sem classificação"
    assert pt("net_sentiment") == "Saldo de sentimento" and pt("short_net") == "Saldo"
    assert "saldo de sentimento = % positivos − % negativos" in pt("rule_sentiment")
    assert (
        pt("rule_sla", sla="2 h")
        == "prazo de resposta: 2 h; comentários sem resposta contam como fora do prazo"
    )
    assert pt("window", since="1", until="7") == "1 a 7"
    assert pt("day_range", first="segunda-feira", last="sexta-feira") == "de segunda-feira a sexta-feira"
    assert pt("previous_short", value="5") == "ant. 5" and pt("status_busy") == "em uso"
    assert pt("more_pending", n="3") == "mais 3: veja socialmon pending"


def test_the_portuguese_email_and_sheet_words() -> None:
    portuguese = Lang("pt")
    assert portuguese("email_html_only") == "O relatório completo está no corpo desta mensagem (HTML)."
    assert portuguese("email_subject_problem") == "1 canal com problemas na coleta"
    assert portuguese("sheet_scan_problems") == "Problemas de coleta"
    assert portuguese("sheet_top_negative") == "Publicações negativas"


# 2.1 The CLI's report-language messages for a Portuguese brand


def test_a_portuguese_brand_without_data_is_told_in_portuguese(tmp_path: Path) -> None:
    config = _project(tmp_path, "pt", scanned=False)
    result = CliRunner().invoke(app, ["report", "--config", str(config)])
    assert "ainda não há dados: execute `socialmon scan` primeiro" in result.output, result.output


def test_a_portuguese_brand_without_weasyprint_is_told_in_portuguese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` raises ImportError
    config = _project(tmp_path, "pt", scanned=False)
    result = CliRunner().invoke(app, ["report", "-o", str(tmp_path / "r.pdf"), "--config", str(config)])
    assert result.exit_code == 2
    assert "Para gerar PDF, é preciso instalar o WeasyPrint" in " ".join(result.output.split())


def test_a_portuguese_brand_without_openpyxl_is_told_in_portuguese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    config = _project(tmp_path, "pt", scanned=False)
    result = CliRunner().invoke(app, ["report", "-o", str(tmp_path / "r.xlsx"), "--config", str(config)])
    assert result.exit_code == 2
    assert "Para gerar xlsx, é preciso instalar o openpyxl" in " ".join(result.output.split())


# 2.3 --lang pt


def test_lang_pt_gives_a_portuguese_report_and_portuguese_messages(tmp_path: Path) -> None:
    config = _project(tmp_path, "es")
    output = tmp_path / "report.md"
    result = CliRunner().invoke(
        app, ["report", *WINDOW, "--lang", "pt", "-o", str(output), "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    assert output.read_text(encoding="utf-8").startswith("# Café Uno — Relatório de engajamento")
    assert f"{output} gravado" in " ".join(result.output.split())


def test_lang_help_names_portuguese() -> None:
    result = CliRunner().invoke(app, ["report", "--help"], env={"COLUMNS": "200"})
    text = " ".join(result.output.split())
    assert "--lang es|en|pt" in text and "(pt: Brazilian Portuguese)" in text, text


# 2.4 The language tag


def test_html_and_email_say_pt_br(tmp_path: Path, portuguese: Path) -> None:
    from socialmon.render.html import render_html

    (report, lang), *_ = reports(portuguese, {"since": "2026-10-01", "until": "2026-10-07", "period": "day"})
    html = render_html([(report, lang)], tmp_path)
    assert '<html lang="pt-BR">' in html
    destination = EmailDestination.model_validate({"to": ["a@b.example"], "host": "localhost"})
    message = build_report_email(destination, report, lang, html, None)
    assert message["Content-Language"] == "pt-BR"
    assert (
        Lang("es").tag == "es" and Lang("en").tag == "en" and Lang("pt", "PT").tag == "pt-BR"
    )  # its words are Brazilian


# 2.5 Chart dates, 2.6 month names


@pytest.fixture(scope="module")
def by_period(portuguese: Path) -> dict[str, BrandReport]:
    """The brand's report by day, week and month, computed once: each language's chart of it
    leaves it as it is."""
    found = {}
    for period in ("day", "week", "month"):
        since = "2026-09-01" if period == "month" else "2026-10-01"
        [(found[period], _)] = built(portuguese, {"since": since, "until": "2026-10-07", "period": period})
    return found


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_chart_dates_fit_their_axis_whole(
    by_period: dict[str, BrandReport], language: str, period: str
) -> None:
    from socialmon.render.charts import sentiment_chart

    report = by_period[period]
    lang = Lang(language, None, report.timezone)
    svg = sentiment_chart(report, lang)
    assert svg is not None
    expected = [lang.axis_date(p.start, period) for p in report.trend.periods]
    assert all("…" not in e and len(e) <= 12 for e in expected), expected
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert all(e in texts for e in expected), (expected, texts)
    assert not [t for t in texts if "…" in t], texts  # pygal cut "2 de nov. de 2026" to "2 de nov. d…"


@pytest.mark.parametrize(
    ("language", "day", "month"),
    [("pt", "2 de nov.", "nov. de 2026"), ("es", "2 nov", "nov 2026"), ("en", "Nov 2", "Nov 2026")],
)
def test_axis_dates_per_language(language: str, day: str, month: str) -> None:
    lang = Lang(language)
    assert lang.axis_date(date(2026, 11, 2), "day") == day
    assert lang.axis_date(date(2026, 11, 2), "week") == day
    assert lang.axis_date(date(2026, 11, 1), "month") == month


@pytest.mark.parametrize(
    ("language", "expected"),
    [("pt", "novembro de 2026"), ("es", "noviembre de 2026"), ("en", "November 2026")],
)
def test_a_month_is_named_as_its_language_writes_it(language: str, expected: str) -> None:
    assert Lang(language).period(date(2026, 11, 1), "month") == expected


# 2.8 One minus sign


@pytest.mark.parametrize("language", LANGUAGES)
def test_negative_numbers_use_the_minus_sign(language: str) -> None:
    lang = Lang(language)
    assert lang.number(-0.85, 2) in ("−0,85", "−0.85")
    assert lang.signed(-0.05) == "−5" and lang.number(-0.001, 2) in ("0,00", "0.00")
    assert "-" not in lang.number(-1234.5, 1)


def test_csv_keeps_the_raw_hyphen_minus() -> None:
    from socialmon.render.spreadsheets import csv_value
    from socialmon.render.tables import Cell

    lang = Lang("pt")
    assert csv_value(Cell(-0.85, lang.number(-0.85, 2), kind="number"), lang) == "-0,85"
