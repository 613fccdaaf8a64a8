"""Write the README's two screenshots: the sample's HTML report and the first page of its PDF.

    .venv/bin/python tests/render/make_screenshots.py

Needs chromium, pdftoppm (poppler-utils) and the `pdf` extra. The sample is scanned into a
temporary database; the PNGs (palette, under 300 KB each) go to tests/render/screenshots/.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from _chromium import Browser, find_chromium  # noqa: E402
from _reports import SAMPLE_WINDOW, reports, sample  # noqa: E402
from PIL import Image  # noqa: E402

from socialmon.render import render_html, render_pdf  # noqa: E402

OUT = HERE / "screenshots"
LIMIT = 300_000


def _small(path: Path) -> None:
    """A 128-colour palette PNG: a report is flat colour, so this keeps it sharp and small."""
    image = Image.open(path).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    image.save(path, optimize=True)
    assert path.stat().st_size < LIMIT, f"{path} is {path.stat().st_size} bytes"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        html = render_html(reports(sample(work / "sample"), SAMPLE_WINDOW))
        page_file = work / "report.html"
        page_file.write_text(html, encoding="utf-8")
        executable = find_chromium()
        if executable is None:
            raise SystemExit("chromium is not installed")
        browser = Browser(executable)
        try:
            page = browser.open(page_file.as_uri(), 1280)
            page.screenshot(OUT / "report-html.png", 1280, 1500)
        finally:
            browser.close()
        _small(OUT / "report-html.png")
        pdf = work / "report.pdf"
        pdf.write_bytes(render_pdf(html))
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(OUT / "report-pdf"),
            ],
            check=True,
        )
        _small(OUT / "report-pdf.png")
    for name in ("report-html.png", "report-pdf.png"):
        print(f"{OUT / name}: {(OUT / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
