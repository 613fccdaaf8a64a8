"""Rich tables for the terminal, with inline trend bars; the rules in a dim footer.

Every string here may quote a customer, an author or a platform: each is rich `Text` (never
markup) passed through `terminal_text`, so no escape sequence or bidi override reaches the
terminal.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from socialmon.analytics.results import BrandReport
from socialmon.render._safe_text import terminal_text
from socialmon.render.i18n import Lang
from socialmon.render.tables import TableData, headline, report_tables, rules_lines

_STYLES = {"good": "green", "bad": "red", "muted": "dim", "bar": "red"}


def _text(text: object, style: str = "", *, multiline: bool = False) -> Text:
    return Text(terminal_text(text, multiline=multiline), style=style)


def rich_table(data: TableData) -> Table:
    table = Table(
        title=_text(data.title),
        caption=_text(data.note, multiline=True) if data.note else None,
        title_justify="left",
        caption_justify="left",
    )
    for index, column in enumerate(data.columns):
        table.add_column(_text(column), justify="right" if index in data.numeric else "left", overflow="fold")
    for row in data.rows:
        table.add_row(*(_text(cell.text, _STYLES.get(cell.style, ""), multiline=True) for cell in row))
    return table


_EMPTY_WINDOW = {
    "en": (
        "No comments in this window; the newest is from {day} — try --since {span}",
        "No comments in this window; the newest is from {day} — try without --until",
        "No customer comments in these channels yet.",
    ),
    "es": (
        "No hay comentarios en este periodo; el más reciente es del {day} — pruebe --since {span}",
        "No hay comentarios en este periodo; el más reciente es del {day} — pruebe sin --until",
        "Aún no hay comentarios de clientes en estos canales.",
    ),
}


def empty_window_hint(report: BrandReport, lang: Lang) -> str | None:
    """When the window holds no customer comment: say so, and where the data is."""
    if report.comments_in_window != 0 or not report.channels:
        return None
    before, after, none = _EMPTY_WINDOW["es" if lang.language == "es" else "en"]
    newest = report.newest_comment_at
    if newest is None:
        return none
    if newest >= report.until:
        return after.format(day=lang.date(newest))
    today = report.generated_at.astimezone(lang.zone).date()
    days = (today - newest.astimezone(lang.zone).date()).days + 1
    return before.format(day=lang.date(newest), span=f"{-(-days // 30) * 30}d")


def render_terminal(report: BrandReport, lang: Lang, extra: list[TableData] | None = None) -> RenderableType:
    """One brand's report; `extra` tables (the channel overview) come right after the headline."""
    parts: list[RenderableType] = []
    hint = empty_window_hint(report, lang)
    if hint:
        parts.append(_text(hint, "bold yellow"))
    title = _text(f"{report.name} — {lang('report_title')}", "bold")
    window = lang("window", since=lang.date(report.since), until=lang.date(report.until))
    figures = Table.grid(padding=(0, 3))
    items = headline(report, lang)
    for _ in items:
        figures.add_column(justify="left")
    if items:
        figures.add_row(*(_text(label, "dim") for label, _ in items))
        figures.add_row(*(_text(value, "bold") for _, value in items))
    parts.append(Panel(Group(_text(window), figures), title=title, title_align="left"))
    for data in [*(extra or []), *report_tables(report, lang)]:
        if not data.rows and data.note:
            parts.append(_text(f"{data.title}: {data.note}", multiline=True))
            continue
        parts.append(rich_table(data))
    footer = _text(lang("rules") + ":\n", "dim bold", multiline=True)
    for line in rules_lines(report, lang):
        footer.append(f"• {terminal_text(line)}\n", style="dim")
    parts.append(footer)
    return Group(*parts)
