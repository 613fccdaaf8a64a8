"""Rich tables for the terminal, with inline trend bars; the rules in a dim footer.

The layout follows the width it is printed at (a terminal's, or 80 columns when piped or
run from cron):

- 120 columns and more: every table with every column, boxed.
- Below that, a compact layout: the channel tables (overview, response times and engagement
  per channel) as one block per channel with `label: value` pairs; the other tables with
  fewer columns, short headings and one line per row (long texts end in "…"); the summary
  lists the first few comments waiting for a reply and points to `socialmon pending`. There
  (`pending`, no summary) a comment's text wraps in whatever room the other columns leave (an
  author's long name is cut), and where that is under TEXT_UNDER columns (80, with the kind and
  channel columns) each text goes on its own lines under its row.

In both, column widths are computed here, never below the longest word of a heading, so
no heading or value is broken in the middle of a word (only a single word longer than a
whole column, such as a URL, is folded).

At 40 columns (a phone's terminal, a split pane) a compact table that cannot fit becomes a block
per row under the same short headings, and a `label: value` pair wider than its line is broken
here between words: a short value ("50 min") is never split, a long text carries on indented.

Every string here may quote a customer, an author or a platform: each is rich `Text` (never
markup) passed through `terminal_text`, so no escape sequence or bidi override reaches the
terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from socialmon.analytics.results import BrandReport
from socialmon.render._safe_text import terminal_text
from socialmon.render.i18n import Lang
from socialmon.render.tables import (
    PENDING_TEXT,
    Cell,
    TableData,
    column_kind,
    empty_window_hint,
    headline_items,
    previous_window_line,
    report_tables,
    rules_lines,
)

_STYLES = {"good": "green", "bad": "red", "muted": "dim", "bar": "red"}

COMPACT_BELOW = 120  # columns: narrower than this, the compact layout
SUMMARY_PENDING = 5  # comments waiting for a reply that the compact summary lists
SHORT_VALUE = 16  # a column whose values are all this short is never wrapped (numbers, dates, names)
SUMMARY_POSTS = 5  # posts a compact post table lists
VALUE_WHOLE = 24  # a value this short ("50 min", "23 % (antes —)") is never split over two lines
# A comment's text in a column narrower than this (`socialmon pending` at 80 columns, beside kind,
# channel, author, wait and sentiment) ran to five lines a row: it goes on a line of its own instead.
TEXT_UNDER = 30
POSTS = {"posts", "top_negative", "top_positive"}

# The compact layout of each table: the columns it keeps, by index, with a short heading
# (an i18n key, or None for the table's own) and how a cell is laid out: "fixed" (short
# values, never wrapped), "wrap" (wrapped at spaces), "line" (one line, cut with "…") or "text"
# (a comment's or a post's words: one line in a summary; else wrapped, narrowed after every other
# column, and under its row when even so it would be narrow: see TEXT_UNDER).
# Keyed by (table key, its number of columns), so a table whose columns change falls back to
# blocks rather than to the wrong headings. "channel" columns are kept only for brands with
# more than one channel.
_Spec = list[tuple[int, str | None, str]]
_PERIOD: _Spec = [
    (0, None, "fixed"),
    (1, "short_comments", "fixed"),
    (3, "short_rate", "fixed"),
    (4, None, "fixed"),
    (5, "short_p90", "fixed"),
    (7, "short_within_sla", "fixed"),
]
_POSTS: _Spec = [
    (0, "channel", "line"),
    (1, None, "fixed"),
    (2, None, "text"),
    (3, "short_comments", "fixed"),
    (4, "short_replies", "fixed"),
    (5, None, "fixed"),
    (6, "short_positive", "fixed"),
    (7, "short_negative", "fixed"),
]
_NEEDS_REPLY: _Spec = [
    (0, None, "fixed"),
    (1, "channel", "line"),
    (2, None, "line"),
    (3, None, "fixed"),
    (4, None, "fixed"),
    (5, None, "text"),
]
COMPACT: dict[tuple[str, int], _Spec] = {
    ("response_by_period", 8): _PERIOD,
    ("response_by_period", 10): [*_PERIOD, (8, "short_business_median", "fixed")],
    ("needs_reply", 7): _NEEDS_REPLY,
    # A brand with private messages: a Kind column after the reference, the rest as above.
    ("needs_reply", 8): [(0, None, "fixed"), *((i + 1, key, fit) for i, key, fit in _NEEDS_REPLY)],
    ("trend", 8): [
        (0, None, "fixed"),
        (1, None, "fixed"),
        (2, "short_positive", "fixed"),
        (3, "short_neutral", "fixed"),
        (4, "short_negative", "fixed"),
        (5, "short_net", "fixed"),
        (6, "short_negative_bar", "fixed"),  # the bar: which share it draws, or it reads backwards
        (7, "short_rating", "fixed"),
    ],
    ("rising_terms", 4): [
        (0, None, "wrap"),
        (1, None, "fixed"),
        (2, "short_now", "fixed"),
        (3, None, "fixed"),
    ],
    ("posts", 8): _POSTS,
    ("top_negative", 8): _POSTS,
    ("top_positive", 8): _POSTS,
    ("worst_comments", 6): _NEEDS_REPLY,  # the same columns: reference, channel, author, …, text
}
BLOCKS = {"channels", "response_by_channel", "engagement_by_channel"}  # one block per channel
# Shown by the wide layout only: the compact one gives a message channel's figures in its block.
WIDE_ONLY = {"response_by_kind", "trend_by_kind"}
LEADING_EMPTY = {"response_by_period", "trend"}  # periods before the first comment: left out
SPARK_NOTES = {"response_by_period", "trend"}  # notes that are only sparklines of the table's columns


def _text(text: object, style: str = "", *, multiline: bool = False) -> Text:
    return Text(terminal_text(text, multiline=multiline), style=style)


def panel_title(name: str, kind: str, width: int) -> Text:
    """ "Brand — Informe de interacción" on a panel's top border: a brand name too long for it ends in
    "…", so the report's kind stays readable (a border keeps 6 columns: corners, rules and spaces)."""
    room = width - 6
    suffix = f" — {kind}"
    name = terminal_text(name)
    if cell_len(name) + cell_len(suffix) > room:
        keep = room - cell_len(suffix) - 1
        if keep >= 4:
            name = _cut(name, keep) + "…"
        else:  # not even the kind fits: the name alone, cut
            name, suffix = _cut(name, max(room - 1, 1)) + "…", ""
    return Text(name + suffix, style="bold")


def _cut(text: str, cells: int) -> str:
    """The longest start of `text` that takes at most `cells` columns, ending on a whole character."""
    from socialmon.render.shorten import graphemes

    kept, used = [], 0
    for character in graphemes(text):
        used += cell_len(character)
        if used > cells:
            break
        kept.append(character)
    return "".join(kept).rstrip()


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def _longest_line(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


@dataclass
class _Column:
    heading: str
    cells: list[Cell]
    kind: str  # "fixed", "wrap", "line"
    right: bool
    last: bool = False  # narrowed only when every other column is at its narrowest (a comment's text)

    def bounds(self) -> tuple[int, int]:
        """(narrowest, natural) width: never narrower than a word of the heading."""
        texts = [terminal_text(c.text, multiline=True) for c in self.cells]
        widest = max((_longest_line(t) for t in texts), default=0)
        if self.kind == "fixed":
            low = max(widest, _longest_word(self.heading))
        elif self.kind == "line":
            low = max(min(widest, 10), cell_len(self.heading))
        else:
            low = max(min(max((_longest_word(t) for t in texts), default=0), 20), _longest_word(self.heading))
        return low, max(low, widest, cell_len(self.heading))


def fit_widths(
    bounds: list[tuple[int, int]], available: int, last: set[int] | None = None
) -> list[int] | None:
    """Natural widths, the widest narrowed first down to its floor, the columns of `last` only once
    every other one is at its floor; None when even the floors do not fit."""
    if sum(low for low, _ in bounds) > available:
        return None
    last = last or set()
    widths = [high for _, high in bounds]
    excess = sum(widths) - available
    while excess > 0:  # the widest column that can still narrow: widths even out, headings wrap least
        narrower = [i for i, (low, _) in enumerate(bounds) if widths[i] > low]
        index = max([i for i in narrower if i not in last] or narrower, key=lambda i: widths[i])
        widths[index] -= 1
        excess -= 1
    return widths


def _widths(columns: list[_Column], width: int, *, compact: bool) -> list[int] | None:
    overhead = 2 * (len(columns) - 1) if compact else 3 * len(columns) + 1
    last = {i for i, column in enumerate(columns) if column.last}
    return fit_widths([c.bounds() for c in columns], width - overhead, last)


def _table(data: TableData, columns: list[_Column], width: int, *, compact: bool) -> Table | None:
    """A table at exactly fitting column widths, or None when it cannot fit in `width`."""
    widths = _widths(columns, width, compact=compact)
    if widths is None:
        return None
    return _rich_table(
        columns,
        widths,
        range(len(columns[0].cells) if columns else 0),
        compact=compact,
        title=_text(data.title, "bold" if compact else ""),
        caption=_text(data.note, "dim" if compact else "", multiline=True) if data.note else None,
    )


def _rich_table(
    columns: list[_Column],
    widths: list[int],
    rows: range,
    *,
    compact: bool,
    title: Text | None = None,
    caption: Text | None = None,
    header: bool = True,
) -> Table:
    """The `rows` of `columns` at `widths`: boxed, or (`compact`) bare with underlined headings."""
    table = Table(
        title=title,
        caption=caption,
        title_justify="left",
        caption_justify="left",
        box=None if compact else box.HEAVY_HEAD,
        pad_edge=not compact,
        show_edge=not compact,
        show_header=header,
        header_style="bold underline" if compact else "table.header",
    )
    for column, size in zip(columns, widths, strict=True):
        table.add_column(_text(column.heading), justify="right" if column.right else "left", width=size)
    for index in rows:
        cells = []
        for column in columns:
            cell = column.cells[index]
            text = _text(cell.text, _STYLES.get(cell.style, ""), multiline=column.kind != "line")
            if column.kind == "line":
                text.no_wrap, text.overflow = True, "ellipsis"
            else:
                text.overflow = "fold"  # only a word longer than the whole column
            cells.append(text)
        table.add_row(*cells)
    return table


def _text_under(data: TableData, columns: list[_Column], width: int) -> RenderableType | None:
    """The other columns as a table, each row followed by its text (the `last` column) on lines of
    their own, indented: the whole width for a comment's words, not a column of 16 beside six
    others. None when even the other columns do not fit (40 columns: blocks instead)."""
    text = next(i for i, column in enumerate(columns) if column.last)
    others = [column for i, column in enumerate(columns) if i != text]
    widths = _widths(others, width, compact=True)
    if widths is None:
        return None
    # One table per row at the same widths, so every row lines up under the headings; the text's
    # heading under theirs, where each row's text goes.
    parts: list[RenderableType] = [
        _rich_table(others, widths, range(0), compact=True, title=_text(data.title, "bold")),
        Padding(_text(columns[text].heading, "bold underline"), (0, 0, 0, 2)),
    ]
    for index, cell in enumerate(columns[text].cells):
        parts.append(_rich_table(others, widths, range(index, index + 1), compact=True, header=False))
        words = _text(cell.text, _STYLES.get(cell.style, ""), multiline=True)
        words.overflow = "fold"
        parts.append(Padding(words, (0, 0, 0, 2)))
    if data.note:
        parts.append(_text(data.note, "dim", multiline=True))
    return Group(*parts)


def _all_columns(data: TableData) -> list[_Column]:
    """Every column: numbers, dates and other short values are never wrapped, texts wrap at spaces."""
    columns = []
    for i, heading in enumerate(data.columns):
        cells = [row[i] for row in data.rows]
        short = i in data.numeric or all(cell_len(c.text) <= SHORT_VALUE for c in cells)
        columns.append(_Column(heading, cells, "fixed" if short else "wrap", i in data.numeric))
    return columns


def rich_table(data: TableData, width: int = 200) -> RenderableType:
    """Every column of `data`, boxed, fitted to `width` (label: value blocks when it cannot fit)."""
    return _table(data, _all_columns(data), width, compact=False) or _blocks(data, width)


def _pairs(items: Iterable[tuple[str, str, str]], width: int, indent: int = 2) -> Text:
    """`label: value` pairs, as many to a line as fit, never one cut between two lines.

    A pair wider than a whole line (a long heading, a comment's text at 40 columns) is broken
    here, not by rich: between words, its value of a few words ("50 min", "23 % (antes —)") kept
    whole, and carried on indented under its label.
    """
    out = Text()
    line = 0
    for label, value, style in items:
        label, value = terminal_text(label), terminal_text(value)
        gap = indent if not line else 3
        if not value:  # a lead: "Response times:" before the pairs it heads
            if line and line + gap + cell_len(label) + 1 > width:
                out.append("\n")
                line, gap = 0, indent
            out.append(" " * gap)
            out.append(f"{label}:", style=style)
            line += gap + cell_len(label) + 1
            continue
        size = cell_len(label) + (2 if label else 0) + cell_len(value)
        if line and line + 3 + size > width:
            out.append("\n")
            line, gap = 0, indent
        if gap + size > width:  # alone on its line, and still too wide: broken between words
            out.append(" " * gap)
            line = _wrapped_pair(out, label, value, style or "bold", width, indent, gap)
            continue
        out.append(" " * gap)
        if label:
            out.append(f"{label}: ", style="dim")
        out.append(value, style=style or "bold")
        line += gap + size
    return out


def _wrapped_pair(out: Text, label: str, value: str, style: str, width: int, indent: int, used: int) -> int:
    """A `label: value` pair too wide for a line, appended to `out` word by word from column `used`,
    its next lines indented two more than `indent`. Returns `width`: the next pair starts a line, not
    at the end of this one's text."""
    words: list[tuple[str, str]] = []
    if label:
        heading = f"{label}:".split()
        words += [(word, "dim") for word in heading]
    if cell_len(value) <= min(VALUE_WHOLE, width - indent - 2):
        words.append((value, style))
    else:
        words += [(word, style) for word in value.split()]
    hanging = indent + 2
    room = max(width - hanging, 1)
    words = [(piece, word_style) for word, word_style in words for piece in _fold(word, room)]
    line = used
    first = True
    for word, word_style in words:
        size = cell_len(word)
        if not first and line + 1 + size > width:
            out.append("\n" + " " * hanging)
            line = hanging
        elif not first:
            out.append(" ")
            line += 1
        out.append(word, style=word_style)
        line += size
        first = False
    return width


def _fold(word: str, room: int) -> list[str]:
    """`word` in pieces of at most `room` columns (a channel's name of 60 letters, a URL), each
    broken after a hyphen, an underscore or a slash when one is near its end."""
    if cell_len(word) <= room:
        return [word]
    pieces = []
    while cell_len(word) > room:
        piece = _cut(word, room) or word[0]  # (a character wider than the room: alone on its line)
        mark = max(piece.rfind("-"), piece.rfind("_"), piece.rfind("/"))
        if mark >= 0 and mark + 1 >= room // 2:  # (no mark in a room of one: -1 + 1 >= 0 cut nothing)
            piece = piece[: mark + 1]
        pieces.append(piece)
        word = word[len(piece) :]
    return [*pieces, word] if word else pieces


def _blocks(data: TableData, width: int) -> RenderableType:
    """The title, then one block per row: its first cell, then the other cells as `heading: value`."""
    parts: list[RenderableType] = [_text(data.title, "bold")]
    for row in data.rows:
        head, *rest = row
        parts.append(_text(head.text, "bold"))
        items = [
            (data.columns[i], cell.text or "—", _STYLES.get(cell.style, ""))
            for i, cell in enumerate(rest, start=1)
            if data.columns[i]
        ]
        parts.append(_pairs(items, width))
    if data.note:
        parts.append(_text(data.note, "dim", multiline=True))
    return Group(*parts)


def _compact(data: TableData, lang: Lang, width: int, *, channels: int, summary: bool) -> RenderableType:
    """Fewer columns, short headings; in a summary, a line per row (`socialmon pending` wraps its texts)."""
    spec = COMPACT.get((data.key, len(data.columns)))
    if data.key in BLOCKS or spec is None:
        return _blocks(data, width)
    kept = [(i, short, kind) for i, short, kind in spec if not (short == "channel" and channels <= 1)]
    columns = [
        _Column(
            data.columns[i] if short is None else lang(short) if short else "",
            [row[i] for row in data.rows],
            # A text: one line in a summary (`socialmon pending` gives it whole), else wrapped in
            # whatever room the other columns leave (an author's name is cut to give it that room).
            ("line" if summary else "wrap") if kind == "text" else kind,
            i in data.numeric,
            last=kind == "text" and not summary,
        )
        for i, short, kind in kept
    ]
    if any(column.last for column in columns):
        widths = _widths(columns, width, compact=True)
        text = next(i for i, column in enumerate(columns) if column.last)
        if widths is None or widths[text] < TEXT_UNDER:
            under = _text_under(data, columns, width)
            if under is not None:
                return under
    table = _table(data, columns, width, compact=True)
    if table is not None:
        return table
    # Too narrow for a table (40 columns): blocks of the same columns under the same short headings,
    # not of every column under its full heading ("Mediana · En horario de atención" at 40 columns).
    # A block gives the negative share in figures already: not its bar too.
    shown = [n for n, (i, _, _) in enumerate(kept) if column_kind(data, i) != "bar"]
    narrow = TableData(
        data.key,
        data.title,
        [columns[n].heading for n in shown],
        [[row[kept[n][0]] for n in shown] for row in data.rows],
        data.note,
    )
    return _blocks(narrow, width)


def _summary_pending(data: TableData, report: BrandReport, lang: Lang) -> TableData:
    """The first few comments waiting for a reply, and how many more `socialmon pending` lists."""
    pending = report.needs_reply
    if pending is None or pending.total <= SUMMARY_PENDING:
        return data
    counts = lang(
        "needs_reply_total",  # short at 80 columns; the full report and `pending` say "in business hours"
        total=lang.number(pending.total),
        negative=lang.number(pending.negative),
        over=lang.number(pending.over_sla),
    )
    note = f"{counts} · {lang('more_pending', n=lang.number(pending.total - SUMMARY_PENDING))}"
    return TableData(data.key, data.title, data.columns, data.rows[:SUMMARY_PENDING], note, data.numeric)


def _channel_of(data: TableData, cell: Cell) -> str:
    """The channel a row is about: the overview names it `brand/channel`, the others `channel`."""
    value = str(cell.value)
    return value.split("/", 1)[1] if data.key == "channels" and "/" in value else value


# The per-channel tables of the compact layout: each a line (or two) of `label: value` pairs
# under the channel's name, led by a title; the columns it keeps with a short heading, as above.
_BLOCK_RESPONSE = [
    (1, "short_comments"),
    (2, None),
    (3, "short_rate"),
    (4, None),
    (5, "short_p90"),
    (6, None),
    (7, "short_within_sla"),
]
BLOCK_SPECS: dict[tuple[str, int], tuple[str, list[tuple[int, str | None]]]] = {
    ("channels", 8): (
        "all_time",
        [
            (2, None),
            (3, "short_comments"),
            (4, "short_positive"),
            (5, "short_neutral"),
            (6, "short_negative"),
        ],
    ),
    ("response_by_channel", 8): ("response_times", _BLOCK_RESPONSE),
    ("response_by_channel", 10): (
        "response_times",
        [*_BLOCK_RESPONSE, (8, "short_business_median"), (9, "short_business_sla")],
    ),
    ("engagement_by_channel", 5): ("engagement", [(1, None), (2, "short_comments"), (3, None), (4, None)]),
}
# What the headline shows of a brand with one channel: its response rate, median, share within the
# SLA and median in business hours; its block leaves them out.
IN_HEADLINE = {"response_by_channel": {3, 4, 7, 8}}


def _message_channels(report: BrandReport) -> set[str]:
    """The channels that hold only private messages (none for a brand without messages)."""
    times = report.response_times
    if times is None or not times.by_kind:
        return set()
    kinds: dict[str, set[str]] = {}
    for group in times.by_channel_kind:
        kinds.setdefault(group.key, set()).add(group.kind or "comment")
    return {name for name, held in kinds.items() if held == {"message"}}


# A message channel's block: its all-time opinions and one combined line of its turns' figures.
_MESSAGE_LINE = [(3, "short_rate"), (4, None), (7, "short_within_sla")]


def _message_block(data: TableData, row: list[Cell], lang: Lang, width: int) -> Text | None:
    if data.key == "channels" and len(row) == 8:
        pairs = [
            (lang(short), row[i].text, _STYLES.get(row[i].style, ""))
            for i, short in BLOCK_SPECS[data.key, 8][1][1:]
        ]
        return _pairs([(lang("all_time"), "", "bold"), *pairs], width)
    if data.key == "response_by_channel":
        pairs = [
            (lang(short) if short else data.columns[i], row[i].text or lang("none"), "")
            for i, short in _MESSAGE_LINE
        ]
        return _pairs([(lang("kinds_message"), row[1].text, "bold"), *pairs], width)
    return None


def _channel_blocks(
    tables: list[TableData], lang: Lang, width: int, *, channels: int, messages: set[str] | None = None
) -> RenderableType:
    """The per-channel tables as one block per channel, a line (or two) per table, led by its title.

    For a brand with one channel, the figures the headline already shows are left out. For a brand
    with private messages (`messages`: its message channels), a message channel's block is its
    opinions and one line of its turns' figures, and the all-channels figures are the headline's.
    """
    heads: dict[str, Text] = {}
    lines: dict[str, list[Text]] = {}
    messages = messages or set()
    for data in tables:
        lead, spec = BLOCK_SPECS.get(
            (data.key, len(data.columns)), (None, [(i, None) for i in range(1, len(data.columns))])
        )
        for row in data.rows:
            head = row[0]
            key = _channel_of(data, head)
            if key not in heads:
                heads[key] = _text(lang("all_channels") if head.value == "all" else head.text, "bold")
            if data.key == "channels" and len(row) == 8:  # platform and last scan beside the name
                heads[key].append(f" ({terminal_text(row[1].text)}) · ")
                # The word as a line says it ("· último escaneo: ok"), not as the column heads it.
                heads[key].append(f"{lang('last_scan')}: {terminal_text(row[7].text)}", "dim")
            if messages and head.value == "all" and data.key == "response_by_channel":
                del heads[key]
                continue
            if key in messages:
                line = _message_block(data, row, lang, width)
                if line is not None:
                    lines.setdefault(key, []).append(line)
                continue
            pairs = [
                (
                    lang(short) if short else data.columns[i],
                    row[i].text or lang("none"),
                    _STYLES.get(row[i].style, ""),
                )
                for i, short in spec
                if data.columns[i] and not (channels == 1 and i in IN_HEADLINE.get(data.key, ()))
            ]
            if pairs:
                title = lang(lead) if lead else data.title
                lines.setdefault(key, []).append(_pairs([(title, "", "bold"), *pairs], width))
    parts: list[RenderableType] = []
    for key, head in heads.items():
        parts += [head, *lines.get(key, [])]
    for data in tables:
        if data.key == "response_by_channel" and data.note:  # the business-hours note, in short
            parts.append(_text(lang("business_note_short"), "dim"))
    return Group(*parts)


def _from_first_comment(data: TableData) -> TableData:
    """The periods from the first that holds a comment (the window may start before the data)."""
    rows = data.rows
    first = next((i for i, row in enumerate(rows) if row[1].value), len(rows) - 1)
    if first <= 0:
        return data
    return TableData(
        data.key, data.title, data.columns, rows[first:], data.note, data.numeric, data.html_note
    )


def _summary_posts(data: TableData, lang: Lang) -> TableData:
    if len(data.rows) <= SUMMARY_POSTS:
        return data
    note = lang("more_posts", n=lang.number(len(data.rows) - SUMMARY_POSTS))
    return TableData(data.key, data.title, data.columns, data.rows[:SUMMARY_POSTS], note, data.numeric)


class TerminalReport:
    """One brand's report, laid out for the width it is printed at."""

    def __init__(
        self,
        report: BrandReport,
        lang: Lang,
        extra: list[TableData] | None = None,
        problems: list[str] | None = None,
    ) -> None:
        self.report, self.lang, self.extra, self.problems = report, lang, extra or [], problems or []

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        report = self.report
        # `socialmon pending` (no other section): its texts whole, wrapped in the room the other
        # columns leave; a report's tables cut them for a summary's line or a document's cell.
        pending = all(s is None for s in (report.response_times, report.trend, report.engagement))
        tables = [
            *self.extra,
            *report_tables(report, self.lang, pending_text=PENDING_TEXT_LIMIT if pending else PENDING_TEXT),
        ]
        if width < COMPACT_BELOW:
            yield from self._compact(tables, width)
            return
        yield self._wide_headline(width)
        yield from self._notices()
        for data in tables:
            if not data.rows and data.note:
                yield _text(f"{data.title}: {data.note}", multiline=True)
            else:
                yield rich_table(data, width)
        footer = _text(self.lang("rules") + ":\n", "dim bold", multiline=True)
        for line in rules_lines(self.report, self.lang):
            footer.append(f"• {terminal_text(line)}\n", style="dim")
        yield footer

    def _compact(self, tables: list[TableData], width: int) -> Iterator[RenderableType]:
        report, lang = self.report, self.lang
        turns = lang("rule_turns")[:1].upper() + lang("rule_turns")[1:] + "."  # said in short
        items = headline_items(report, lang)
        window = _text(lang.window(report.since, report.until))
        pairs = (
            (item.label, f"{item.value} ({item.short_change})" if item.short_change else item.value, "")
            for item in items
        )
        yield Panel(
            _pairs(pairs, width - 4, indent=0),
            title=panel_title(report.name, lang("report_title"), width),
            title_align="left",
            subtitle=window,
            subtitle_align="left",
            box=box.ROUNDED,
        )
        yield from self._notices()
        summary = any(s is not None for s in (report.response_times, report.trend, report.engagement))
        blocks = [t for t in tables if t.key in BLOCKS and t.rows]
        shown_blocks = False
        for data in tables:
            if data in blocks:
                if not shown_blocks:
                    yield _channel_blocks(
                        blocks, lang, width, channels=len(report.channels), messages=_message_channels(report)
                    )
                    shown_blocks = True
                continue
            if data.key in WIDE_ONLY:
                continue
            if data.key in LEADING_EMPTY:
                data = _from_first_comment(data)
            if not data.rows and data.note:
                if data.key != "rising_terms":  # "no term rose": said by the wide layout only
                    yield _text(f"{data.title}: {data.note}", "bold", multiline=True)
                continue
            if data.key == "needs_reply" and summary:
                data = _summary_pending(data, report, lang)
            if data.key in POSTS:
                data = _summary_posts(data, lang)
            if data.key in SPARK_NOTES:  # sparklines of the very columns shown
                data = TableData(data.key, data.title, data.columns, data.rows, "", data.numeric)
            yield _compact(data, lang, width, channels=len(report.channels), summary=summary)
        rules = " ".join(
            terminal_text(lang("rule_turns_short") if line == turns else line)
            for line in rules_lines(report, lang)
        )
        yield _text(f"{lang('rules')}: {rules}", "dim")

    def _notices(self) -> Iterator[RenderableType]:
        """Under the brand's heading: the channels whose last scan failed, and an empty window."""
        for line in self.problems:
            yield _text(f"⚠ {line}", "bold red")
        hint = empty_window_hint(self.report, self.lang)
        if hint:
            yield _text(hint, "bold yellow")

    def _wide_headline(self, console_width: int) -> RenderableType:
        report, lang = self.report, self.lang
        title = panel_title(report.name, lang("report_title"), console_width)
        window = lang.window(report.since, report.until)
        figures = Table.grid(padding=(0, 3))
        items = headline_items(report, lang)
        for _ in items:
            figures.add_column(justify="left")
        if items:
            figures.add_row(*(_text(item.label, "dim") for item in items))
            figures.add_row(*(_text(item.value, "bold") for item in items))
            if any(item.change for item in items):
                figures.add_row(*(_text(item.change, _STYLES.get(item.style, "dim")) for item in items))
        parts: list[RenderableType] = [_text(window), figures]
        compared = previous_window_line(report, lang)
        if compared:
            parts.append(_text(compared, "dim"))
        return Panel(Group(*parts), title=title, title_align="left")


PENDING_TEXT_LIMIT = 1000  # characters of a comment `socialmon pending` shows: a pasted essay stays readable


def render_terminal(
    report: BrandReport,
    lang: Lang,
    extra: list[TableData] | None = None,
    problems: list[str] | None = None,
) -> RenderableType:
    """One brand's report; `extra` tables (the channel overview) come right after the headline, and
    `problems` (the channels whose last scan failed or was partial) right under its heading.

    Compact below `COMPACT_BELOW` columns (see the module's docstring).
    """
    return TerminalReport(report, lang, extra, problems)
