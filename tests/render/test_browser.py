"""The HTML report in headless Chromium at phone, tablet and desktop widths (issue 15).

Nothing may stick out of the page sideways (a wide table scrolls inside its own `.table-box`),
every column header of every table must be visible, no script may run, and the console stays
clean. Skipped without Chromium unless SOCIALMON_TEST_BROWSER is set (`.ci/run` sets it).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from _chromium import REQUIRED, Browser, Page, find_chromium
from _reports import SAMPLE_WINDOW, WIDE_WINDOW, reports, sample, wide

from socialmon.render import render_html

WIDTHS = (390, 768, 1280)

CHECK = r"""
(() => {
  const width = window.innerWidth;
  const name = el => el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined
    ? "." + String(el.className).trim().replace(/\s+/g, ".") : "") + ` "${(el.textContent || "").trim().slice(0, 40)}"`;
  const result = {width, scrollWidth: document.scrollingElement.scrollWidth, overflowing: [], hidden: [],
                  tables: 0, stacked: 0, scripts: document.scripts.length, pwned: window.__pwned === undefined ? null : window.__pwned};
  for (const el of document.body.querySelectorAll("*")) {
    const rect = el.getBoundingClientRect();
    if (!rect.width && !rect.height) continue;
    if (el.closest(".stack thead")) continue;  // a stacked table's header row, read out by its cells' labels
    const box = el.closest(".table-box");
    if (box && box !== el && ["auto", "scroll"].includes(getComputedStyle(box).overflowX)) {
      const outer = box.getBoundingClientRect();
      if (rect.left < outer.left - 1 || rect.right > outer.left + box.scrollWidth + 1) result.overflowing.push(name(el));
    } else if (rect.left < -1 || rect.right > width + 1) {
      result.overflowing.push(name(el) + ` right=${rect.right}`);
    }
  }
  for (const table of document.querySelectorAll("table")) {
    result.tables += 1;
    const box = table.closest(".table-box");
    const scrolls = box && getComputedStyle(box).overflowX === "auto";
    const stacked = getComputedStyle(table.querySelector("tbody tr")).display === "block";
    if (stacked) result.stacked += 1;
    for (const th of table.querySelectorAll("thead th")) {
      const label = th.textContent.trim();
      if (stacked) {
        const cells = [...table.querySelectorAll("tbody td")].filter(td => td.dataset.label === label);
        const shown = cells.filter(td => {
          const r = td.getBoundingClientRect();
          return r.width > 0 && r.right <= width + 1 && getComputedStyle(td, "::before").content === JSON.stringify(label);
        });
        if (!cells.length || shown.length !== cells.length) result.hidden.push(label);
        continue;
      }
      const r = th.getBoundingClientRect();
      const clipped = th.scrollWidth > th.clientWidth + 1 || r.width < 1 || r.height < 1;
      const reachable = r.right <= width + 1 || (scrolls && r.right <= box.getBoundingClientRect().left + box.scrollWidth + 1);
      if (clipped || !reachable) result.hidden.push(label);
    }
  }
  return result;
})()
"""


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        if os.environ.get(REQUIRED):
            pytest.fail(f"{REQUIRED} is set but no chromium is installed (apt-get install chromium)")
        pytest.skip(
            "headless Chromium is not installed (apt-get install chromium); set "
            + REQUIRED
            + " to require it"
        )
    started = Browser(executable)
    yield started
    started.close()


@pytest.fixture(scope="session")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample and the wide report as HTML files, rendered once for the session."""
    folder = tmp_path_factory.mktemp("html")
    built = {}
    for name, config, window in (
        ("sample", sample(folder / "sample"), SAMPLE_WINDOW),
        ("wide", wide(folder / "wide"), WIDE_WINDOW),
    ):
        path = folder / f"{name}.html"
        path.write_text(render_html(reports(config, window)), encoding="utf-8")
        built[name] = path
    return built


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["sample", "wide"])
@pytest.mark.slow
def test_report_fits_the_screen(browser: Browser, pages: dict[str, Path], name: str, width: int) -> None:
    started = time.perf_counter()
    page: Page = browser.open(pages[name].as_uri(), width)
    try:
        found = page.evaluate(CHECK)
        problems = page.problems()
    finally:
        page.close()
    assert found["scrollWidth"] <= found["width"], found
    assert found["overflowing"] == [], found["overflowing"][:10]
    assert found["tables"] >= 6 and found["hidden"] == [], found
    if width == 390:
        assert found["stacked"] >= 2  # the tables of texts read as label/value rows on a phone
    assert found["scripts"] == 0 and found["pwned"] is None  # the hostile comment ran nothing
    assert problems == []
    assert time.perf_counter() - started < 10


BROKEN_WORDS = r"""
(() => {
  // Every word shorter than 12 characters in a table cell or heading that the browser laid out on
  // more than one line (broken mid-word), and every table box wider inside than its box.
  const broken = [];
  for (const cell of document.querySelectorAll("td, th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/\S+/g)) {
        if ([...match[0]].length >= 12) continue;
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  const scrolling = [...document.querySelectorAll(".table-box")]
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => `${box.getAttribute("aria-label")} ${box.scrollWidth}/${box.clientWidth}`);
  return {broken: [...new Set(broken)], scrolling};
})()
"""


@pytest.mark.parametrize("width", (768, 1280))
@pytest.mark.parametrize("name", ["sample", "wide"])
@pytest.mark.slow
def test_no_short_word_is_broken_mid_word(
    browser: Browser, pages: dict[str, Path], name: str, width: int
) -> None:
    """A comment reference, a date, a word of a heading: a column is never narrower than its
    words (only a word too long for any column, a URL, may break)."""
    page: Page = browser.open(pages[name].as_uri(), width)
    try:
        found = page.evaluate(BROKEN_WORDS)
    finally:
        page.close()
    assert found["broken"] == [], found
    if name == "sample" and width == 1280:
        assert found["scrolling"] == [], found  # the sample's tables fit a desktop's width
