"""Markdown: a heading per brand, a table per section, the rules at the foot.

Text is escaped (no emphasis, link or HTML made of a customer's words; a `|` or a line break
cannot end a table cell or row) and loses terminal escape sequences (a Markdown report is
often read with `cat`). A link's target is percent-encoded where it could end the link, the
cell or the row.
"""

from __future__ import annotations

from socialmon.analytics.results import BrandReport
from socialmon.render._safe_text import terminal_text
from socialmon.render.i18n import Lang
from socialmon.render.tables import (
    empty_window_hint,
    headline_items,
    previous_window_line,
    report_tables,
    rules_lines,
    scan_problem_lines,
    sentence_case,
    summary_overview,
)
from socialmon.report import ChannelSummary


def _escape(text: str) -> str:
    text = terminal_text(text)
    for char in ("\\", "|", "*", "_", "`", "<", ">", "[", "]"):
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


# In `[text](<target>)` inside a table cell: `>` ends the target, `|` the cell (GFM splits
# cells before it reads links), a line break the row; `<` and `\` are read too.
_TARGET = {ord(c): f"%{ord(c):02X}" for c in "<>|\\ \t\n\r"}


def _link_target(url: str) -> str:
    return terminal_text(url, multiline=True).translate(_TARGET)


def render_markdown(
    reports: list[tuple[BrandReport, Lang]], channels: list[ChannelSummary] | None = None
) -> str:
    """Each brand in its own language; `channels` (their last scans) names the failed or partial ones,
    with the whole reason, and gives a summary its channel overview."""
    lines: list[str] = []
    for report, lang in reports:
        lines.append(f"# {_escape(report.name)} — {lang('report_title')}")
        lines.append("")
        lines.append(lang.window(report.since, report.until) + "  ")
        lines.append(lang("generated", when=lang.datetime(report.generated_at)))
        lines.append("")
        problems = scan_problem_lines(channels or [], report.slug, lang, whole=True)
        if problems:
            lines.append(f"> **{_escape(lang('scan_problems'))}** · {_escape(lang('scan_problems_note'))}")
            lines.extend(f"> - {_escape(line)}" for line in problems)
            lines.append("")
        empty = empty_window_hint(report, lang, document=True)
        if empty:
            lines += [f"> **{_escape(empty)}**", ""]
        for item in headline_items(report, lang):
            change = f" {_escape(item.change)}" if item.change else ""
            lines.append(f"- **{_escape(item.label)}:** {_escape(item.value)}{change}")
        compared = previous_window_line(report, lang)
        if compared:
            lines += ["", _escape(compared)]
        lines.append("")
        overview = summary_overview(report, channels, lang)
        for table in [*([overview] if overview else []), *report_tables(report, lang)]:
            lines.append(f"## {_escape(table.title)}")
            lines.append("")
            if table.note:
                lines.append(_escape(table.note))
                lines.append("")
            if not table.rows:
                continue
            keep = [i for i, c in enumerate(table.columns) if c]
            lines.append("| " + " | ".join(_escape(sentence_case(table.columns[i])) for i in keep) + " |")
            lines.append("|" + "|".join("---:" if i in table.numeric else "---" for i in keep) + "|")
            for row in table.rows:
                cells = []
                for i in keep:
                    cell = row[i]
                    text = _escape(cell.text)
                    if cell.link and cell.link.startswith(("https://", "http://")):
                        text = f"[{text or _escape(lang('open'))}](<{_link_target(cell.link)}>)"
                    cells.append(text)
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
        lines.append(f"## {lang('rules')}")
        lines.append("")
        lines.extend(f"- {_escape(line)}" for line in rules_lines(report, lang))
        lines.append("")
    return "\n".join(lines)
