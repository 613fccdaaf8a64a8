"""The terminal report at 80 columns (piped, cron) and 120: no heading split mid-word, nothing
wider than the console, and the sample's whole report in about 60 lines at 80 columns.

Issue 14, point 2. The reports are the real ones: the sample export (and a wide, three-channel
one with long names) scanned by the CLI, computed by the library the CLI uses, and printed to
a fixed-width rich console.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from _reports import SAMPLE_WINDOW, WIDE_WINDOW, built, in_language, project_environment
from rich.cells import cell_len
from rich.console import Console

from socialmon.analytics.results import BrandReport
from socialmon.config import load_config
from socialmon.database import Database
from socialmon.render import terminal
from socialmon.render.i18n import Lang
from socialmon.render.tables import TableData, channel_overview, report_tables
from socialmon.report import channel_summaries

Computed = tuple[list[tuple[BrandReport, Lang]], list]  # the reports, and the channels' overview


def computed(config: Path, window: dict[str, str], *, view: str = "summary") -> Computed:
    """What `socialmon report` (or `pending`) prints, computed once per module: rendering at one
    width or another leaves the reports as they are."""
    if view == "summary":
        with project_environment(config):  # a module's fixture comes before clean_environ
            summaries = channel_summaries(Database(load_config(config).database_url(None)))
        return in_language(built(config, window)), summaries
    with project_environment(config):  # as built() does: a module's fixture comes before clean_environ
        return _pending(config, window), []


def printed(found: Computed, width: int) -> tuple[str, list]:
    """The report as `socialmon report` (or `pending`) prints it, at `width` columns."""
    pairs, summaries = found
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    shown = []
    for report, lang in pairs:
        extra = (
            [channel_overview([s for s in summaries if s.brand == report.slug], lang)] if summaries else []
        )
        console.print(terminal.render_terminal(report, lang, extra))
        shown.append((report, lang, extra))
    return console.export_text(), shown


def _pending(config: Path, window: dict[str, str]) -> list[tuple[BrandReport, Lang]]:
    from socialmon.report import build_reports

    loaded = load_config(config)
    database = Database(loaded.database_url(None))
    found = build_reports(database, loaded, view="pending", limit=50, **window)
    return [(r, Lang(r.language, "EC", r.timezone)) for r in found]


def headings(data: TableData, lang: Lang, width: int, channels: int) -> list[str]:
    """The column headings the layout at `width` prints for `data`."""
    if width >= getattr(terminal, "COMPACT_BELOW", 0):  # (a renderer with one layout: every heading)
        return data.columns
    if data.key in getattr(terminal, "WIDE_ONLY", ()):  # the compact layout prints no table of it
        return []
    if data.key in terminal.BLOCKS:
        _, spec = terminal.BLOCK_SPECS.get((data.key, len(data.columns)), ("", []))
        skip = terminal.IN_HEADLINE.get(data.key, set()) if channels == 1 else set()
        return [lang(short) if short else data.columns[i] for i, short in spec if i not in skip]
    spec = terminal.COMPACT.get((data.key, len(data.columns)))
    if spec is None:
        return data.columns
    return [
        data.columns[i] if short is None else lang(short) if short else ""
        for i, short, _ in spec
        if not (short == "channel" and channels <= 1)  # one channel: no channel column
    ]


def check_layout(text: str, shown: list, width: int) -> None:
    lines = text.splitlines()
    too_wide = [line for line in lines if cell_len(line) > width]
    assert too_wide == [], too_wide
    for report, lang, extra in shown:
        for data in [*extra, *report_tables(report, lang)]:
            if not data.rows:
                continue
            for heading in headings(data, lang, width, len(report.channels)):
                for word in heading.split():
                    assert any(word in line for line in lines), (
                        f"{data.key}: {word!r} split at {width} columns"
                    )


@pytest.fixture(scope="module")
def sample_summary(sample_config: Path) -> Computed:
    return computed(sample_config, SAMPLE_WINDOW)


@pytest.fixture(scope="module")
def sample_pending(sample_config: Path) -> Computed:
    return computed(sample_config, SAMPLE_WINDOW, view="pending")


@pytest.fixture(scope="module")
def wide_summary(wide_config: Path) -> Computed:
    return computed(wide_config, WIDE_WINDOW)


@pytest.mark.parametrize("width", [80, 100, 120, 160])
def test_the_sample_report_splits_no_word_and_fits_the_width(sample_summary: Computed, width: int) -> None:
    text, shown = printed(sample_summary, width)
    print(f"--- {width} columns, {len(text.splitlines())} lines ---\n{text}")
    check_layout(text, shown, width)
    for word in ("Comentarios", "Respondidos", "Publicaciones", "Sentimiento"):
        assert word in text


def test_the_sample_report_fits_in_60_lines_at_80_columns(sample_summary: Computed) -> None:
    text, _ = printed(sample_summary, 80)
    assert len(text.splitlines()) <= 60, text
    # the summary keeps what an owner reads first: the headline, who waits, the trend, the rules
    for words in (
        # 18 comments and a WhatsApp customer's turn (the export's "ok gracias por avisar" and the
        # chat's "Bueno, gracias por responder" need no answer: 0016)
        "Esperan respuesta: 19",
        "14 más en socialmon pending",
        "Mensajes (turnos): 5",
        "Tendencia de opiniones",
        "Plazo de 4 h",
    ):
        assert words in " ".join(text.split()), words
    wide_text, _ = printed(sample_summary, 120)
    assert len(wide_text.splitlines()) > 60  # 120 columns and more: every table, every column


@pytest.mark.parametrize("width", [80, 120])
def test_pending_lists_every_comment_with_its_reference(sample_pending: Computed, width: int) -> None:
    text, shown = printed(sample_pending, width)
    print(text)
    check_layout(text, shown, width)
    [(report, _, _)] = shown
    assert report.needs_reply is not None and report.needs_reply.total == 19  # a thanks waits not (0016)
    refs = re.findall(r"#[a-z2-9]{6}\b", text)
    assert len(refs) == 19 and len(set(refs)) == 19


@pytest.mark.parametrize("width", [80, 120])
def test_long_channel_names_and_long_words_stay_within_80_and_120_columns(
    wide_summary: Computed, width: int
) -> None:
    text, shown = printed(wide_summary, width)
    print(text)
    check_layout(text, shown, width)
