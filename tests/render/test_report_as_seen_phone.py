"""The HTML report on a phone (375 px), in headless Chromium: a table of figures whose first column
holds a long channel name ("instagram-panaderia-la-espiga-dorada-sucursal-norte-latacunga") used to
be laid out at that name's full width, so the screen showed the names and no figure at all until
the reader scrolled each table sideways.

Skipped without Chromium unless SOCIALMON_TEST_BROWSER is set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from _chromium import REQUIRED, Browser, Page, find_chromium
from _reports import WIDE_WINDOW, reports, wide

from socialmon.render import render_html

PHONE = 375

# For each table laid out as a table (not as label/value rows): its title, whether its second
# column is wholly on screen without scrolling, and its first column's width.
FIRST_FIGURES = r"""
(() => [...document.querySelectorAll(".table-box")].flatMap(box => {
  const table = box.querySelector("table");
  if (getComputedStyle(table.querySelector("tbody tr")).display === "block") return [];
  const [first, second] = table.querySelectorAll("thead th");
  if (!second) return [];
  return [{title: box.getAttribute("aria-label"), secondVisible: second.getBoundingClientRect().right <= window.innerWidth + 1,
           firstWidth: Math.round(first.getBoundingClientRect().width)}];
}))()
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        if os.environ.get(REQUIRED):
            pytest.fail(f"{REQUIRED} is set but no chromium is installed (apt-get install chromium)")
        pytest.skip(
            f"headless Chromium is not installed (apt-get install chromium); set {REQUIRED} to require it"
        )
    started = Browser(executable)
    yield started
    started.close()


@pytest.mark.slow
def test_a_long_channel_name_leaves_the_figures_on_a_phones_screen(browser: Browser, tmp_path: Path) -> None:
    page_file = tmp_path / "wide.html"
    page_file.write_text(render_html(reports(wide(tmp_path / "wide"), WIDE_WINDOW)), encoding="utf-8")
    page: Page = browser.open(page_file.as_uri(), PHONE)
    try:
        tables = page.evaluate(FIRST_FIGURES)
        problems = page.problems()
    finally:
        page.close()
    channel_tables = [t for t in tables if t["title"] in ("Tiempos de respuesta", "Interacción")]
    assert len(channel_tables) == 2, tables
    assert [t for t in tables if not t["secondVisible"]] == [], tables
    assert problems == []
