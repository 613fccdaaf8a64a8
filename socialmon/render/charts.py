"""Charts drawn by pygal as inline SVG: no script, no web font, nothing fetched, legible in print."""

from __future__ import annotations

import re
from datetime import date

import pygal
from pygal.style import Style

from socialmon.analytics.results import BrandReport
from socialmon.render.i18n import Lang

# Drawn small with large type: the SVG scales down to a 390 px phone (labels stay about 11 px) and
# two charts sit side by side on a wide screen and on A4.
_CONFIG = {
    "js": [],  # pygal links its tooltip script from the web by default: a self-contained report must not
    "disable_xml_declaration": True,
    "width": 480,
    "height": 340,
    "explicit_size": True,
    "legend_at_bottom": True,
    "legend_at_bottom_columns": 3,
    "print_values": False,
    "show_minor_x_labels": True,
    # Never cut: the x labels are Lang.axis_date's short dates ("2 de nov.", "nov. de 2026"), which
    # stand whole (a medium date was cut mid-word: "2 de nov. d…").
    "truncate_label": -1,
    "truncate_legend": -1,
    "x_label_rotation": 30,
    "margin": 8,
    "max_scale": 6,  # at most about six value labels: pygal's default of 16 crowds a small chart
    "margin_bottom": 30,  # room for the legend under rotated labels (pygal places it at the very edge otherwise)
}


def _style(accent: str) -> Style:
    return Style(
        background="white",
        plot_background="white",
        foreground="#222",
        foreground_strong="#111",
        foreground_subtle="#666",
        font_family="Helvetica, Arial, sans-serif",
        label_font_size=14,
        major_label_font_size=14,
        legend_font_size=15,
        title_font_size=15,
        colors=("#2e9e4f", "#9aa0a6", "#d93025", accent),
    )


def sentiment_chart(report: BrandReport, lang: Lang) -> str | None:
    if report.trend is None or not any(p.scored for p in report.trend.periods):
        return None
    chart = pygal.StackedBar(
        style=_style(report.accent_color), title=lang("chart_sentiment"), range=(0, 100), **_CONFIG
    )
    chart.x_labels = [lang.axis_date(p.start, report.period) for p in report.trend.periods]
    for label, key in (
        ("positive", "positive_share"),
        ("neutral", "neutral_share"),
        ("negative", "negative_share"),
    ):
        chart.add(
            lang(key),
            [
                None if p.share(label) is None else round(p.share(label) * 100, 1)
                for p in report.trend.periods
            ],
        )
    chart.value_formatter = lambda v: lang.percent(None if v is None else v / 100)  # "28%", "28 %"
    return _static(chart.render(is_unicode=True))


def response_chart(report: BrandReport, lang: Lang) -> str | None:
    times = report.response_times
    if times is None or not any(g.wall.median is not None for g in times.by_period):
        return None
    # Two long series names ("Tiempo transcurrido", "En horario de atención") overlap in three
    # columns at this width: one per row.
    config = {**_CONFIG, "legend_at_bottom_columns": 1}
    chart = pygal.Bar(style=_style(report.accent_color), title=lang("chart_response"), **config)
    chart.x_labels = [lang.axis_date(date.fromisoformat(g.key), report.period) for g in times.by_period]
    chart.add(
        lang("wall_time"),
        [None if g.wall.median is None else round(g.wall.median / 60, 2) for g in times.by_period],
    )
    if times.business_hours:
        chart.add(
            lang("business_time"),
            [
                None if not g.business or g.business.median is None else round(g.business.median / 60, 2)
                for g in times.by_period
            ],
        )
    chart.value_formatter = lambda v: lang.number(v, 1)
    return _static(chart.render(is_unicode=True))


def _static(svg: str) -> str:
    """Drop pygal's inline tooltip-config script: the report is static and runs no code."""
    return re.sub(r"<script\b.*?</script>", "", svg, flags=re.S)
