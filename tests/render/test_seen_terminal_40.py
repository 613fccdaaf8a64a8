"""The terminal report at 40 columns (a phone's SSH app, a split pane): readable, if long.

At 40 columns the figures are `label: value` pairs. A pair wider than the line used to be left to
rich's wrapping, which broke it wherever a space fell: "Mediana · En horario de atención: 50" and
"min" on the next line at column 0, "(antes" and "—)", a comment's text carried on at column 0 under
the labels. Now a value of a few words is never split, a pair too long for a line puts its value on
the next one, and a long text carries on indented under its label.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from _reports import SAMPLE_WINDOW, WIDE_WINDOW, reports
from rich.cells import cell_len
from rich.console import Console

from socialmon.config import load_config
from socialmon.database import Database
from socialmon.render.tables import channel_overview, headline_items, report_tables
from socialmon.render.terminal import render_terminal
from socialmon.report import channel_summaries

WIDTH = 40


def printed(config: Path, window: dict[str, str], width: int = WIDTH) -> tuple[list[str], list]:
    """The summary as `socialmon report` prints it at `width` columns, and what it was printed from."""
    pairs = reports(config, window)
    summaries = channel_summaries(Database(load_config(config).database_url(None)))
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    shown = []
    for report, lang in pairs:
        extra = [channel_overview([s for s in summaries if s.brand == report.slug], lang)]
        console.print(render_terminal(report, lang, extra))
        shown.append((report, lang, extra))
    return [line.rstrip() for line in console.export_text().splitlines()], shown


@pytest.fixture(scope="module", params=["sample", "wide"])
def seen(request: pytest.FixtureRequest) -> tuple[list[str], list]:
    config = request.getfixturevalue(f"{request.param}_config")  # scanned once (conftest.py)
    return printed(config, SAMPLE_WINDOW if request.param == "sample" else WIDE_WINDOW)


def _inside(line: str) -> str:
    """A line without the headline panel's border."""
    return line.strip().strip("│").strip()


def test_nothing_is_wider_than_40_columns(seen: tuple[list[str], list]) -> None:
    lines, _ = seen
    assert [line for line in lines if cell_len(line) > WIDTH] == []


def test_a_headline_figure_and_its_change_stay_on_one_line(seen: tuple[list[str], list]) -> None:
    lines, shown = seen
    inside = [_inside(line) for line in lines]
    for report, lang, _ in shown:
        for item in headline_items(report, lang):
            value = f"{item.value} ({item.short_change})" if item.short_change else item.value
            assert any(value in line for line in inside), (value, lines[:16])


def test_no_short_value_is_split_over_two_lines(seen: tuple[list[str], list]) -> None:
    """ "50 min", "35,5 h", "16 nov 2026", "38 %": whole on a line wherever the report shows them."""
    lines, shown = seen
    inside = [_inside(line) for line in lines]
    joined = " ".join(inside)
    split = set()
    for report, lang, extra in shown:
        for table in [*extra, *report_tables(report, lang)]:
            for row in table.rows:
                for cell in row:
                    text = cell.text
                    if cell.style == "bar" or " " not in text or cell_len(text) > 12:
                        continue
                    if text in joined and not any(text in line for line in inside):
                        split.add(text)
    assert split == set(), "\n".join(lines)


def test_a_long_text_carries_on_indented_under_its_label(seen: tuple[list[str], list]) -> None:
    """ "  Texto: El sábado pasado esperé 40" and then "    minutos y nadie me atendió…", not at column 0."""
    lines, shown = seen
    texts = {
        " ".join(cell.text.split())
        for report, lang, extra in shown
        for table in [*extra, *report_tables(report, lang)]
        for row in table.rows
        for cell in row[1:]  # a row's first cell heads its block, at column 0
        if cell_len(cell.text) > 20
    }
    heads = {
        row[0].text
        for report, lang, extra in shown
        for table in [*extra, *report_tables(report, lang)]
        for row in table.rows
    }

    def carried_on(line: str) -> bool:
        """Part of a text shown beside its label, not a block's head (a channel's name, folded)."""
        part = line.strip()
        in_a_text = any(part in text and part != text for text in texts)
        return in_a_text and not any(part in head for head in heads)

    at_column_0 = [line for line in lines if line and not line[0].isspace() and carried_on(line)]
    assert at_column_0 == [], "\n".join(lines)
