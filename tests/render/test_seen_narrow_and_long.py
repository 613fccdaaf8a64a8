"""Reports on the narrowest terminals and with the longest reasons (a reviewer's finds).

- A terminal a few columns wide (a phone's split screen, `COLUMNS=7`) hung the report at 100% CPU:
  a word folded into pieces of one column never got shorter.
- A scan problem longer than a document keeps (a list of files, a platform's error page) lost its
  advice, the part after " — " that says what to do.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from _reports import SAMPLE_WINDOW, reports
from rich.console import Console

from socialmon.analytics.results import BrandReport
from socialmon.render.i18n import Lang
from socialmon.render.tables import whole_reason
from socialmon.render.terminal import _fold, render_terminal


@pytest.mark.parametrize("room", [1, 2, 3])
def test_a_word_folds_into_pieces_that_fit_any_room(room: int) -> None:
    for word in ("abcdefgh", "a-b_c/d-e", "https://example.com/a-very/long_path"):
        pieces = _fold(word, room)
        assert "".join(pieces) == word and all(0 < len(piece) <= room for piece in pieces)


@pytest.fixture(scope="module")
def sample_reports(sample_config: Path) -> list[tuple[BrandReport, Lang]]:
    """The sample's reports, computed once: printing them leaves them as they are."""
    return reports(sample_config, SAMPLE_WINDOW)


@pytest.mark.parametrize("width", [5, 7, 12])
def test_the_sample_report_prints_on_a_terminal_a_few_columns_wide(
    sample_reports: list[tuple[BrandReport, Lang]], width: int
) -> None:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    for report, lang in sample_reports:
        console.print(render_terminal(report, lang, []))
    assert console.export_text().strip()


def test_a_long_reason_is_cut_in_what_went_wrong_and_keeps_its_advice_whole() -> None:
    files = ", ".join(f"ventas-{n:03d}.csv" for n in range(120))
    advice = "write a header row (post_id, text, created_at…) at the top of each file"
    said = whole_reason(f"ValueError: {files} have no header row — {advice}")
    assert said.endswith(" — " + advice) and len(said) <= 1000
    assert said.startswith("ventas-000.csv") and "…" in said
    assert whole_reason("the token expired — renew it") == "the token expired — renew it"
