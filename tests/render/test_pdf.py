"""The PDF report on A4: every table whole (each column header and each figure is in the file's
text, as `pdftotext` reads it), pages numbered, the brand and window at the top of each page.

Skipped without WeasyPrint or pdftotext unless SOCIALMON_TEST_BROWSER is set (`.ci/run` sets it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from _chromium import REQUIRED
from _reports import SAMPLE_WINDOW, WIDE_WINDOW, reports, sample, wide

from socialmon.render import render_html, render_pdf
from socialmon.render.html import table_view
from socialmon.render.tables import report_tables


def _require() -> None:
    missing = []
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        missing.append("WeasyPrint (pip install 'socialmon[pdf]')")
    if shutil.which("pdftotext") is None:
        missing.append("pdftotext (apt-get install poppler-utils)")
    if missing:
        reason = " and ".join(missing) + " not installed"
        if os.environ.get(REQUIRED):
            pytest.fail(f"{REQUIRED} is set but {reason}")
        pytest.skip(f"{reason}; set {REQUIRED} to require them")


def _squeeze(text: str) -> str:
    """Whitespace out, and what the PDF's fonts cannot draw (emoji): a header wrapped over two
    lines, or a long name broken inside a cell, still reads as one string."""
    return re.sub(r"[\s\U0001F000-\U0001FFFF\u2600-\u27BF\uFE0F]+", "", text)


def _pdf_text(tmp_path: Path, html: str) -> tuple[str, int]:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(html))
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text, text.count("\f")


@pytest.mark.parametrize("name", ["sample", "wide"])
@pytest.mark.slow
def test_every_header_and_figure_is_on_paper(tmp_path: Path, name: str) -> None:
    _require()
    config = (sample if name == "sample" else wide)(tmp_path / name)
    pairs = reports(config, SAMPLE_WINDOW if name == "sample" else WIDE_WINDOW)
    text, pages = _pdf_text(tmp_path, render_html(pairs))
    squeezed = _squeeze(text)
    report, lang = pairs[0]
    missing = []
    for table in report_tables(report, lang):
        view = table_view(table)
        assert view["table"] is table
        for needle in [table.title, *(table.columns if table.rows else [])]:
            if needle and _squeeze(needle) not in squeezed:
                missing.append(f"{table.key}: header {needle!r}")
        for row in table.rows:
            for cell in row:
                shown = cell.text or (lang("open") if cell.link else "")
                if _squeeze(shown) and _squeeze(shown) not in squeezed:
                    missing.append(f"{table.key}: cell {shown!r}")
    assert missing == []
    # Numbered pages ("Página 1 de 3") and a running header with the brand on every page.
    assert pages >= 2
    for number in range(1, pages + 1):
        assert f"Página {number} de {pages}" in text
    assert text.count(_squeeze(report.name)[:20]) >= pages or squeezed.count(_squeeze(report.name)) >= pages


@pytest.mark.slow
def test_english_pages_are_numbered_in_english(tmp_path: Path) -> None:
    _require()
    pairs = reports(sample(tmp_path / "sample"), SAMPLE_WINDOW, language="en")
    text, pages = _pdf_text(tmp_path, render_html(pairs))
    assert f"Page 1 of {pages}" in text and "Response times by week" in text
