"""Renderers only format: escaping, formula-safe CSV, the JSON schema, Spanish and English words."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from analytics.seeding import RULES, Seed, at
from rich.console import Console

from socialmon.analytics import build_report
from socialmon.analytics.results import BrandReport
from socialmon.render import Lang, render_csv, render_html, render_json, render_markdown, render_terminal
from socialmon.render.csv import safe_cell
from socialmon.render.tables import report_tables, spark

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def report(seed: Seed) -> BrandReport:
    brand = seed.brand(timezone="America/Guayaquil", language="es", response_sla="2h", name="Café <b>Uno</b>")
    fb = seed.channel("fb")
    seed.post(fb, "p1", "2026-11-02 09:00", like_count=3, text=EVIL)
    seed.comment(fb, "c1", "2026-11-02 15:00", label="negative", text=EVIL, url="javascript:alert(1)")
    seed.comment(fb, "c2", "2026-11-03 15:00", label="positive", text='=HYPERLINK("http://x")')
    seed.comment(fb, "r2", "2026-11-03 16:30", parent="c2", business=True)
    seed.comment(fb, "c3", "2026-11-04 15:00", label="neutral", text="-2+3")
    return build_report(
        seed.database, brand, RULES, since=at("2026-11-02 05:00"), until=at("2026-11-09 05:00"),
        now=at("2026-11-10 00:00"), period="day",
    )  # fmt: skip


def test_html_escapes_user_text_and_fetches_nothing(report: BrandReport) -> None:
    html = render_html([(report, Lang("es", "EC", report.timezone))])
    assert "<script>" not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Café &lt;b&gt;Uno&lt;/b&gt;" in html
    assert 'href="javascript:' not in html  # links only for http(s)
    assert "<script" not in html.lower() and "kozea" not in html and "@import" not in html
    assert html.count("<svg") == 2  # sentiment and response-time charts, inline
    assert "Esperan respuesta" in html and "Cómo se miden estas cifras" in html


def test_csv_cells_cannot_run_as_formulas(report: BrandReport) -> None:
    assert [safe_cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "ok", -1.5, None)] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "ok", -1.5, "",
    ]  # fmt: skip
    text = render_csv([(report.slug, report_tables(report, Lang("en")))])
    assert ",'-2+3," in text and ",-2+3" not in text


def test_json_has_a_schema_version_and_every_section(report: BrandReport) -> None:
    data = json.loads(render_json([report], datetime(2026, 11, 10, tzinfo=UTC), None))
    assert data["schema_version"] == 2
    brand = data["brands"][0]
    assert set(brand) >= {"response_times", "needs_reply", "trend", "engagement", "worst_comments", "rules"}
    overall = brand["response_times"]["overall"]
    assert (overall["comments"], overall["answered"], overall["median_minutes"]) == (3, 1, 90.0)
    assert brand["needs_reply"]["items"][0]["text"] == EVIL
    assert brand["rules"]["reply_match"] == "thread" and brand["rules"]["response_sla_minutes"] == 120


def test_words_numbers_and_dates_follow_the_language(report: BrandReport) -> None:
    def terminal(lang: Lang) -> str:
        console = Console(width=160, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
        console.print(render_terminal(report, lang))
        return console.export_text()

    spanish, english = (
        terminal(Lang("es", "EC", report.timezone)),
        terminal(Lang("en", None, report.timezone)),
    )
    assert "Tiempos de respuesta" in spanish and "Tasa de respuesta" in spanish and "1,5 h" in spanish
    assert "2 nov 2026" in spanish and "33 %" in spanish
    assert (
        "Response times" in english and "1.5 h" in english and "Nov 2, 2026" in english and "33%" in english
    )
    assert "Cómo se miden estas cifras" in spanish and "How these figures are measured" in english
    markdown = render_markdown([(report, Lang("es"))])
    assert "## Esperan respuesta" in markdown and "\\<script\\>" in markdown


def test_spark_lines() -> None:
    assert spark([0, 1, 2, None, 7]) == "▁▂▃ █"
    assert spark([]) == ""
