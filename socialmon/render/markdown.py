"""Markdown: a heading per brand, a table per section, the rules at the foot."""

from __future__ import annotations

from socialmon.analytics.results import BrandReport
from socialmon.render.i18n import Lang
from socialmon.render.tables import headline, report_tables, rules_lines


def _escape(text: str) -> str:
    for char in ("\\", "|", "*", "_", "`", "<", ">", "[", "]"):
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def render_markdown(reports: list[tuple[BrandReport, Lang]]) -> str:
    lines: list[str] = []
    for report, lang in reports:
        lines.append(f"# {_escape(report.name)} — {lang('report_title')}")
        lines.append("")
        lines.append(lang("window", since=lang.date(report.since), until=lang.date(report.until)) + "  ")
        lines.append(lang("generated", when=lang.datetime(report.generated_at)))
        lines.append("")
        for label, value in headline(report, lang):
            lines.append(f"- **{_escape(label)}:** {_escape(value)}")
        lines.append("")
        for table in report_tables(report, lang):
            lines.append(f"## {_escape(table.title)}")
            lines.append("")
            if table.note:
                lines.append(_escape(table.note))
                lines.append("")
            if not table.rows:
                continue
            keep = [i for i, c in enumerate(table.columns) if c]
            lines.append("| " + " | ".join(_escape(table.columns[i]) for i in keep) + " |")
            lines.append("|" + "|".join("---:" if i in table.numeric else "---" for i in keep) + "|")
            for row in table.rows:
                cells = []
                for i in keep:
                    cell = row[i]
                    text = _escape(cell.text)
                    if cell.link and cell.link.startswith(("https://", "http://")):
                        text = f"[{text or lang('open')}](<{cell.link.replace('>', '%3E')}>)"
                    cells.append(text)
                lines.append("| " + " | ".join(cells) + " |")
            lines.append("")
        lines.append(f"## {lang('rules')}")
        lines.append("")
        lines.extend(f"- {_escape(line)}" for line in rules_lines(report, lang))
        lines.append("")
    return "\n".join(lines)
