"""Issue 15, point 4: the change against the previous period on every headline figure.

A seeded brand (Guayaquil, SLA 90 min) with a week of comments and the week before:

- 8 to 14 October: c1 answered after 20 min, c3 after 40 min, c2 (negative) waiting; two positive.
- 1 to 7 October (the previous period): p1 answered after 150 min, p2 (negative) waiting.

Golden figures: median 30 min (before 150 min), response rate 67 % (50 %), within the SLA 67 % (0 %),
waiting 1 (1), customer comments 3 (2), net sentiment +33 (0).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from analytics.seeding import RULES, TWO_WEEKS_NOW, TWO_WEEKS_PREVIOUS, Seed, two_weeks_report
from rich.console import Console

from socialmon.analytics import build_report
from socialmon.analytics.previous import previous_window
from socialmon.analytics.results import BrandReport
from socialmon.render.html import render_html
from socialmon.render.i18n import Lang
from socialmon.render.json import render_json
from socialmon.render.markdown import render_markdown
from socialmon.render.terminal import render_terminal

NOW = TWO_WEEKS_NOW
ZONE = "America/Guayaquil"


seeded = two_weeks_report  # (its comments: the module's docstring)


def test_the_previous_period_is_the_window_of_the_same_length_just_before(seed: Seed) -> None:
    report = seeded(seed)
    assert report.previous is not None
    assert report.previous.since == datetime(2026, 10, 1, 5, tzinfo=UTC)  # local midnight, 1 October
    assert report.previous.until == report.since == datetime(2026, 10, 8, 5, tzinfo=UTC)
    assert report.previous.figures == TWO_WEEKS_PREVIOUS


def test_a_window_ending_now_and_across_a_clock_change_keeps_local_midnight() -> None:
    since, until = previous_window(
        datetime(2026, 11, 2, 5, tzinfo=UTC), datetime(2026, 11, 9, 5, tzinfo=UTC), "America/New_York"
    )  # 2 to 8 November in New York, where summer time ended on 1 November
    assert (since, until) == (datetime(2026, 10, 26, 4, tzinfo=UTC), datetime(2026, 11, 2, 5, tzinfo=UTC))
    since, _ = previous_window(
        datetime(2026, 10, 8, 5, tzinfo=UTC), datetime(2026, 10, 15, 12, 30, tzinfo=UTC), ZONE
    )  # 7 days, 7 h 30 min: the same span before
    assert since == datetime(2026, 9, 30, 21, 30, tzinfo=UTC)


def test_json_schema_2_has_the_headline_and_the_previous_period(seed: Seed) -> None:
    data = json.loads(render_json([seeded(seed)], NOW, None))
    assert data["schema_version"] == 2
    brand = data["brands"][0]
    assert brand["headline"] == {
        "response_minutes": 30.0,
        "business_response_minutes": None,
        "response_rate": 0.6667,
        "within_sla_share": 0.6667,
        "needs_reply": 1,
        "customer_comments": 3,
        "net_sentiment": 0.3333,
    }
    previous = brand["previous"]
    assert previous["window"] == {"since": "2026-10-01T05:00:00+00:00", "until": "2026-10-08T05:00:00+00:00"}
    assert (
        previous["headline"]["response_minutes"] == 150.0 and previous["headline"]["customer_comments"] == 2
    )
    assert previous["change"] == {
        "response_minutes": -120.0,
        "business_response_minutes": None,
        "response_rate": 0.1667,
        "within_sla_share": 0.6667,
        "needs_reply": 0,
        "customer_comments": 1,
        "net_sentiment": 0.3333,
    }
    # version-1 keys are all still there
    assert brand["response_times"]["overall"]["median_minutes"] == 30.0


ENGLISH = [
    "▼ −2 h (previous period: 2.5 h)",
    "▲ +17 pts (previous period: 50%)",
    "▲ +67 pts (previous period: 0%)",
    "= no change (previous period: 1)",
    "▲ +1 (previous period: 2)",
    "▲ +33 pts (previous period: 0)",
    "▲/▼: change against the previous period, Oct 1, 2026 to Oct 7, 2026.",
]
SPANISH = [
    "▼ −2 h (periodo anterior: 2,5 h)",
    "▲ +17 p. p. (periodo anterior: 50 %)",
    "▲ +67 p. p. (periodo anterior: 0 %)",
    "= sin cambio (periodo anterior: 1)",
    "▲ +1 (periodo anterior: 2)",
    "▲ +33 p. p. (periodo anterior: 0)",
    "▲/▼: cambio frente al periodo anterior, del 1 oct 2026 al 7 oct 2026.",
]


def _terminal(report: BrandReport, lang: Lang, width: int) -> str:
    console = Console(width=width, record=True, file=open(os.devnull, "w"), color_system=None)  # noqa: SIM115
    console.print(render_terminal(report, lang))
    return console.export_text()


@pytest.mark.parametrize(("language", "expected"), [("en", ENGLISH), ("es", SPANISH)])
def test_terminal_shows_each_change_with_the_previous_value(
    seed: Seed, language: str, expected: list[str]
) -> None:
    report = seeded(seed)
    lang = Lang(language, "EC" if language == "es" else None, ZONE)
    text = _terminal(report, lang, 400)
    for line in expected:
        assert line in text, line
    compact = " ".join(_terminal(report, lang, 80).split())
    before = "prev." if language == "en" else "antes"
    for figure in (f"30 min (▼ {before} 2", f"(= {before} 1)", f"(▲ {before} 2)"):
        assert figure in compact, figure


@pytest.mark.parametrize(("language", "expected"), [("en", ENGLISH), ("es", SPANISH)])
def test_html_cards_show_each_change_coloured_for_better_or_worse(
    seed: Seed, language: str, expected: list[str]
) -> None:
    report = seeded(seed)
    html = render_html([(report, Lang(language, "EC" if language == "es" else None, ZONE))])
    for line in expected[:-1]:
        assert f">{line}</div>" in html, line
    assert f'<div class="change good">{expected[0]}</div>' in html  # faster answers: good
    assert f'<div class="change good">{expected[2]}</div>' in html
    assert f'<div class="change ">{expected[4]}</div>' in html  # more comments: neither
    assert f'<p class="compared">{expected[-1]}</p>' in html
    markdown = render_markdown([(report, Lang(language, None, ZONE))])
    assert "▼ −2 h" in markdown


def test_a_view_shows_only_its_own_figures_and_pending_has_no_previous_period(seed: Seed) -> None:
    report = seeded(seed)
    trends = build_report(
        seed.database, _brand(report), RULES, view="trends", since="2026-10-08", until="2026-10-14", now=NOW
    )
    assert trends.previous is not None
    figures = trends.previous.figures
    assert (figures.response_minutes, figures.needs_reply, figures.customer_comments) == (None, None, 2)
    pending = build_report(seed.database, _brand(report), RULES, view="pending", now=NOW)
    assert pending.previous is None
    assert json.loads(render_json([pending], NOW, None))["brands"][0]["previous"] is None


def _brand(report: BrandReport):  # type: ignore[no-untyped-def]
    from socialmon.config import BrandConfig

    return BrandConfig(name=report.name, slug=report.slug, timezone=ZONE, response_sla="90m")


@pytest.mark.slow
def test_the_pdf_prints_each_change(seed: Seed, tmp_path: Path) -> None:
    from _chromium import REQUIRED

    from socialmon.render.html import render_pdf

    try:
        import weasyprint
    except (ImportError, OSError):
        weasyprint = None
    if weasyprint is None or shutil.which("pdftotext") is None:
        if os.environ.get(REQUIRED):
            pytest.fail(f"{REQUIRED} is set but WeasyPrint or pdftotext is missing")
        pytest.skip("WeasyPrint or pdftotext not installed")
    report = seeded(seed)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(render_html([(report, Lang("es", "EC", ZONE))])))
    text = " ".join(
        subprocess.run(
            ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    for line in SPANISH:
        assert line in text, line


def test_the_previous_business_hours_figure_is_kept_when_this_window_has_no_answer(seed: Seed) -> None:
    """Before: a window without an answered comment left out the previous period's business-hours
    median too (null), while its clock-time median was shown."""
    from analytics.seeding import BusinessHours

    every_day = dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday"), "09:00-17:00")
    brand = seed.brand(
        "cafe", timezone="America/Guayaquil", response_sla="90m", business_hours=BusinessHours(**every_day)
    )
    fb = seed.channel()
    seed.post(fb, "p1", "2026-09-30 12:00")
    seed.comment(fb, "p1c", "2026-10-01 21:00")  # Thursday 16:00 local, one hour before closing
    seed.comment(fb, "p1r", "2026-10-02 15:00", parent="p1c", business=True)  # Friday 10:00: 2 h open
    seed.comment(fb, "c1", "2026-10-09 15:00")  # this window: waiting, no answer
    report = build_report(seed.database, brand, RULES, since="2026-10-08", until="2026-10-14", now=NOW)
    assert report.previous is not None
    assert report.previous.figures.business_minutes == 120.0
    assert report.previous.figures.response_minutes == 18 * 60.0
    brand_json = json.loads(render_json([report], NOW, None))["brands"][0]
    assert brand_json["headline"]["business_response_minutes"] is None
    assert brand_json["previous"]["headline"]["business_response_minutes"] == 120.0
