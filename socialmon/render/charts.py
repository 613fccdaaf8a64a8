"""Charts drawn by pygal as inline SVG: no script, no web font, nothing fetched, legible in print."""

from __future__ import annotations

import math
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
    # Only the labels `_x_labels` picks: a day's chart of 30 or 91 periods drew every date, one over
    # the other in a black smear.
    "show_minor_x_labels": False,
    # Never cut: the x labels are Lang.axis_date's short dates ("2 de nov.", "nov. de 2026"), which
    # stand whole (a medium date was cut mid-word: "2 de nov. d…").
    "truncate_label": -1,
    "truncate_legend": -1,
    "x_label_rotation": 30,
    "margin": 8,
    "max_scale": 6,  # at most about six value labels: pygal's default of 16 crowds a small chart
    "margin_bottom": 30,  # room for the legend under rotated labels (pygal places it at the very edge otherwise)
}


# At most this many dates under a chart: rotated 30° at 14 px on the 480 px chart (and so on a phone,
# which scales the whole drawing), two dates at least 40 px apart stand clear of each other.
MAX_X_LABELS = 10
# The response chart's value axis: about six labels, the top one at or above the highest bar.
MAX_Y_LABELS = 6


def x_labels_shown(count: int, most: int = MAX_X_LABELS) -> list[int]:
    """The indexes of the periods whose date is drawn: every one when they fit, else as many as keep
    at least `step` periods between two (the gap `most` dates would have), spread evenly from the
    first to the last, the window's ends: gaps differ by one period at most ("7 nov, 11 nov, 16 nov…")."""
    if count <= most:
        return list(range(count))
    step = math.ceil((count - 1) / (most - 1))
    gaps = (count - 1) // step
    return [round(i * (count - 1) / gaps) for i in range(gaps + 1)]


def _x_labels(chart: pygal.Graph, labels: list[str]) -> None:
    """Every period keeps its bar; only the dates `x_labels_shown` picks are drawn under them."""
    chart.x_labels = labels
    chart.x_labels_major = [labels[i] for i in x_labels_shown(len(labels))]


def y_scale(highest: float, most: int = MAX_Y_LABELS) -> list[float]:
    """Value labels from 0 in a round step (1, 2, 2.5 or 5 times a power of ten), the last at or
    above `highest`: pygal's own scale stopped below the highest bar (a 30.8 h bar under 24.0)."""
    top = highest if highest > 0 else 1.0
    magnitude = 10 ** math.floor(math.log10(top / most))
    step = next(
        factor * magnitude
        for factor in (1, 2, 2.5, 5, 10, 20)
        if math.ceil(top / (factor * magnitude) - 1e-9) <= most
    )
    steps = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(steps + 1)]


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
    _x_labels(chart, [lang.axis_date(p.start, report.period) for p in report.trend.periods])
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
    _x_labels(chart, [lang.axis_date(date.fromisoformat(g.key), report.period) for g in times.by_period])
    series = [
        (
            lang("wall_time"),
            [None if g.wall.median is None else round(g.wall.median / 60, 2) for g in times.by_period],
        )
    ]
    if times.business_hours:
        series.append(
            (
                lang("business_time"),
                [
                    None if not g.business or g.business.median is None else round(g.business.median / 60, 2)
                    for g in times.by_period
                ],
            )
        )
    for name, values in series:
        chart.add(name, values)
    chart.y_labels = y_scale(max(v for _, values in series for v in values if v is not None))
    chart.value_formatter = lambda v: lang.number(v, 1)
    return _static(chart.render(is_unicode=True))


def _static(svg: str) -> str:
    """Drop pygal's inline tooltip-config script: the report is static and runs no code."""
    return re.sub(r"<script\b.*?</script>", "", svg, flags=re.S)
