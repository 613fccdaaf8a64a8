"""One self-contained HTML file: inline CSS, inline SVG charts, the logo as a data URI.

Jinja2 autoescapes every value, so a comment's `<script>` or `onerror=` shows as text;
links are only made for http(s) URLs.
"""

from __future__ import annotations

import base64
import functools
import mimetypes
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from socialmon.analytics.results import BrandReport
from socialmon.render.charts import response_chart, sentiment_chart
from socialmon.render.i18n import Lang
from socialmon.render.tables import (
    TableData,
    empty_window_hint,
    headline_items,
    headline_notes,
    previous_window_line,
    report_tables,
    rules_lines,
    scan_problem_lines,
    sentence_case,
    summary_overview,
)
from socialmon.report import ChannelSummary

_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}


@functools.cache
def _environment() -> Environment:
    """One per process, as the alerts' e-mails keep theirs: a new one compiled report.html.j2 again
    for every HTML report, PDF and report e-mail, 30 ms of CPU each."""
    environment = Environment(
        loader=PackageLoader("socialmon.render", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["sentence_case"] = sentence_case
    return environment


def logo_data_uri(path: str | None, base_dir: Path | None = None) -> str | None:
    """The logo file as a data: URI, or None when there is none or it is not an image."""
    if not path:
        return None
    file = Path(path).expanduser()
    if not file.is_absolute() and base_dir is not None:
        file = base_dir / file
    kind, _ = mimetypes.guess_type(file.name)
    if kind not in _IMAGE_TYPES or not file.is_file():
        return None
    return f"data:{kind};base64,{base64.b64encode(file.read_bytes()).decode('ascii')}"


def safe_link(url: str) -> bool:
    return url.startswith(("https://", "http://"))


# Tables of people's words: on a phone each row becomes label/value lines instead of a wide table.
_STACKED = {"needs_reply", "posts", "top_negative", "top_positive", "worst_comments"}


def table_view(table: TableData) -> dict[str, object]:
    """A table with how the HTML lays it out: stacked on a phone; which columns hold long text,
    which a bare URL (broken anywhere, in a narrower column) and which dates (never broken)."""
    urls = {
        index
        for index in range(len(table.columns))
        if table.rows
        and all(not row[index].text or row[index].text == row[index].link for row in table.rows)
        and any(row[index].text for row in table.rows)
    }
    long = {
        index
        for index in range(len(table.columns))
        if index not in table.numeric
        and index not in urls
        and any(len(row[index].text) > 24 for row in table.rows)
    }
    dates = {
        index
        for index in range(len(table.columns))
        if table.rows and all(row[index].kind in ("date", "datetime") for row in table.rows)
    }
    return {"table": table, "stack": table.key in _STACKED, "long": long, "url": urls, "when": dates}


def _tables(report: BrandReport, lang: Lang, channels: list[ChannelSummary] | None) -> list[TableData]:
    """The report's tables, led (in a summary) by the channel overview the terminal shows too."""
    overview = summary_overview(report, channels, lang)
    return [*([overview] if overview else []), *report_tables(report, lang)]


def render_html(
    reports: list[tuple[BrandReport, Lang]],
    base_dir: Path | None = None,
    channels: list[ChannelSummary] | None = None,
) -> str:
    """The brands' reports, each in its own language and time zone; `channels` (their last scans)
    names the channels whose last scan failed or was partial, with the whole reason, and gives a
    summary its channel overview."""
    lang = reports[0][1] if reports else Lang("en")
    items = [
        {
            "report": report,
            "lang": brand_lang,
            "problems": scan_problem_lines(channels or [], report.slug, brand_lang, whole=True),
            "empty": empty_window_hint(report, brand_lang, document=True),
            "logo": logo_data_uri(report.logo, base_dir),
            "headline": headline_items(report, brand_lang),
            "compared": previous_window_line(report, brand_lang),
            "notes": headline_notes(report, brand_lang),
            "tables": [table_view(table) for table in _tables(report, brand_lang, channels)],
            "rules": rules_lines(report, brand_lang),
            "sentiment_chart": sentiment_chart(report, brand_lang),
            "response_chart": response_chart(report, brand_lang),
        }
        for report, brand_lang in reports
    ]
    accent = reports[0][0].accent_color if reports else "#1f6feb"
    template = _environment().get_template("report.html.j2")
    return template.render(reports=items, lang=lang, accent=accent, safe_link=safe_link)


def render_pdf(html: str) -> bytes:
    """The HTML report as PDF through WeasyPrint (the `pdf` extra); ImportError when it is missing."""
    from weasyprint import HTML  # type: ignore[import-not-found]

    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]
