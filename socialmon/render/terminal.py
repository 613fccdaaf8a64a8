"""Rich tables for the terminal, with inline trend bars; the rules in a dim footer."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from socialmon.analytics.results import BrandReport
from socialmon.render.i18n import Lang
from socialmon.render.tables import TableData, headline, report_tables, rules_lines

_STYLES = {"good": "green", "bad": "red", "muted": "dim", "bar": "red"}


def rich_table(data: TableData) -> Table:
    table = Table(title=data.title, caption=data.note or None, title_justify="left", caption_justify="left")
    for index, column in enumerate(data.columns):
        table.add_column(column, justify="right" if index in data.numeric else "left", overflow="fold")
    for row in data.rows:
        table.add_row(*(Text(cell.text, style=_STYLES.get(cell.style, "")) for cell in row))
    return table


def render_terminal(report: BrandReport, lang: Lang, extra: list[TableData] | None = None) -> RenderableType:
    """One brand's report; `extra` tables (the channel overview) come right after the headline."""
    parts: list[RenderableType] = []
    title = Text(f"{report.name} — {lang('report_title')}", style="bold")
    window = lang("window", since=lang.date(report.since), until=lang.date(report.until))
    figures = Table.grid(padding=(0, 3))
    items = headline(report, lang)
    for _ in items:
        figures.add_column(justify="left")
    if items:
        figures.add_row(*(Text(label, style="dim") for label, _ in items))
        figures.add_row(*(Text(value, style="bold") for _, value in items))
    parts.append(Panel(Group(Text(window), figures), title=title, title_align="left"))
    for data in [*(extra or []), *report_tables(report, lang)]:
        if not data.rows and data.note:
            parts.append(Text(f"{data.title}: {data.note}"))
            continue
        parts.append(rich_table(data))
    footer = Text(lang("rules") + ":\n", style="dim bold")
    for line in rules_lines(report, lang):
        footer.append(f"• {line}\n", style="dim")
    parts.append(footer)
    return Group(*parts)
