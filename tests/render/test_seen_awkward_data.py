"""Reports of awkward real-world data, as a client reads them in HTML, PDF, Markdown and CSV.

One workspace scanned by the CLI: a Spanish brand (Ecuador, business hours) with a channel of a
name of 69 letters holding 10,000 comments still waiting, authors of 90 letters with ZWJ emoji,
Arabic and Hebrew comments and 28 posts; a channel whose export file is missing (failed) and one
whose folder holds a file without a header (partial, 1 post). A Portuguese brand, and a Spanish
brand whose data is all older than the window. Each test is a thing a client found wrong:

- a failed or partial channel's reason was cut at 120 characters, so the "what to do" after it
  never reached the page;
- "se muestran los primeros 20 de 10004": a count not written as Spanish writes it;
- the channel overview the terminal shows (all-time posts, comments, sentiment, last scan) was in
  no document;
- the posts table listed the 20 busiest of 29 posts without saying so;
- on paper a date in a table broke over two lines ("26 oct / 2026");
- at 1280 px the list of comments waiting scrolled sideways, its links out of sight, and an Arabic
  comment cut with "…" showed the "…" at its start.

Browser and PDF tests are skipped without Chromium or WeasyPrint unless SOCIALMON_TEST_BROWSER is set.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from _chromium import REQUIRED, Browser, find_chromium
from _reports import project_environment
from typer.testing import CliRunner

from socialmon import scoring
from socialmon.cli import app

WINDOW = ("--since", "2026-11-01", "--until", "2026-11-30")
BIG = "instagram-panaderia-la-espiga-dorada-sucursal-norte-latacunga-ecuador"
LONG_AUTHOR = "María Fernanda de los Ángeles Gutiérrez Villavicencio de la Torre y Sotomayor 👩‍👩‍👧‍👦🇪🇨"
ARABIC_AUTHOR = "محمد عبد الرحمن الهاشمي"
ARABIC = "مرحبا 👋 هل لديكم خبز بدون غلوتين؟ الخبز كان باردا والخدمة سيئة جدا، لن أعود مرة أخرى أبدا"
HEBREW = "שירות מצוין, הלחם היה טרי מאוד! ממליץ בחום לכולם"
WAITING = 10_000
TEXTS = (
    "¡El pan de yuca estaba buenísimo! 🥖😍🇪🇨 volveremos con toda la familia el domingo",
    "La atención fue lenta y el pedido vino incompleto, muy mala experiencia 😡",
    "¿Tienen opción sin gluten? Mi hija es celíaca 👨‍👩‍👧",
    "Pésimo servicio, esperé 40 minutos y nadie me atendió.",
)

CONFIG = """database = "awkward.db"

[[brands]]
name = "Panadería y Pastelería Artesanal La Espiga Dorada de San Francisco de Quito 🥖🇪🇨"
slug = "espiga"
timezone = "America/Guayaquil"
language = "es"
response_sla = "2h"

[brands.business_hours]
monday = "08:00-18:00"
tuesday = "08:00-18:00"
wednesday = "08:00-18:00"
thursday = "08:00-18:00"
friday = "08:00-18:00"
holidays = "EC"

[[brands.channels]]
name = "{big}"
platform = "file"
path = "big.jsonl"
business_authors = ["biz"]

[[brands.channels]]
name = "facebook-matriz"
platform = "file"
path = "export-que-el-cliente-olvido-subir.jsonl"

[[brands.channels]]
name = "resenas"
platform = "file"
path = "resenas"

[[brands]]
name = "Padaria Pão Dourado"
slug = "pao"
timezone = "America/Sao_Paulo"
language = "pt"

[[brands.channels]]
name = "instagram"
platform = "file"
path = "pt.jsonl"
business_authors = ["loja"]

[[brands]]
name = "Cafetería Vacía"
slug = "vacia"
timezone = "America/Guayaquil"
language = "es"

[[brands.channels]]
name = "export"
platform = "file"
path = "old.jsonl"
"""


def _jsonl(path: Path, records: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def _big_channel() -> list[dict[str, object]]:
    records: list[dict[str, object]] = [
        {
            "type": "post",
            "id": f"p{day}",
            "created_at": f"2026-11-{day:02d}T08:00:00-05:00",
            "is_business": True,
            "author_id": "biz",
            "text": "Promoción 2x1 en cafés 🎉 " + "todos los lunes " * 8,
            "url": f"https://example.com/p{day}",
            "like_count": 1000 + 37 * day,
        }
        for day in range(1, 29)
    ]
    # The oldest waiting comments, first in the list: Arabic and Hebrew, by right-to-left names.
    for index, (author, text) in enumerate(((ARABIC_AUTHOR, ARABIC), ("דוד כהן", HEBREW))):
        records.append(
            {
                "type": "comment",
                "id": f"rtl{index}",
                "post_id": "p1",
                "created_at": f"2026-11-01T00:{10 + index:02d}:00-05:00",
                "author_id": f"rtl{index}",
                "author_name": author,
                "text": text,
                "url": f"https://example.com/rtl{index}",
            }
        )
    for index in range(WAITING - 2):
        day = 1 + index % 28
        records.append(
            {
                "type": "comment",
                "id": f"c{index}",
                "post_id": f"p{day}",
                "created_at": f"2026-11-{day:02d}T{6 + index % 14:02d}:{index % 60:02d}:00-05:00",
                "author_id": f"u{index}",
                "author_name": LONG_AUTHOR if index % 7 == 0 else f"Cliente {index}",
                "text": TEXTS[index % len(TEXTS)],
                "url": f"https://example.com/c{index}",
            }
        )
    for index in range(300):  # answered, two and a half hours later
        day = 1 + index % 28
        records.append(
            {
                "type": "comment",
                "id": f"a{index}",
                "post_id": f"p{day}",
                "created_at": f"2026-11-{day:02d}T09:00:00-05:00",
                "author_id": f"v{index}",
                "author_name": "Ana",
                "text": "Excelente, gracias",
            }
        )
        records.append(
            {
                "type": "reply",
                "id": f"r{index}",
                "post_id": f"p{day}",
                "parent_id": f"a{index}",
                "created_at": f"2026-11-{day:02d}T11:30:00-05:00",
                "author_id": "biz",
                "is_business": True,
                "text": "¡Gracias!",
            }
        )
    return records


def _portuguese() -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    for day in range(1, 15):
        records.append(
            {
                "type": "post",
                "id": f"pp{day}",
                "created_at": f"2026-11-{day:02d}T08:00:00-03:00",
                "is_business": True,
                "author_id": "loja",
                "text": "Pão de queijo quentinho saindo agora! ☕",
                "like_count": 1234 + day,
            }
        )
        for k in range(10):
            cid = f"pc{day}-{k}"
            records.append(
                {
                    "type": "comment",
                    "id": cid,
                    "post_id": f"pp{day}",
                    "created_at": f"2026-11-{day:02d}T{8 + k:02d}:00:00-03:00",
                    "author_id": f"v{k}",
                    "author_name": "João Gonçalves",
                    "text": ("Adorei o pão de queijo!", "Atendimento péssimo, demorou demais")[k % 2],
                }
            )
    return records


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("awkward")
    _jsonl(folder / "big.jsonl", _big_channel())
    (folder / "resenas").mkdir()
    _jsonl(
        folder / "resenas" / "good.jsonl",
        [
            {"type": "post", "id": "q1", "created_at": "2026-11-10T08:00:00-05:00", "text": "Hola"},
            {
                "type": "comment",
                "id": "qc1",
                "post_id": "q1",
                "created_at": "2026-11-10T09:00:00-05:00",
                "author_id": "z",
                "text": "Muy rico todo",
            },
        ],
    )
    (folder / "resenas" / "sin-encabezado.csv").write_text("fecha;nota\n2026-11-10;hola\n", encoding="utf-8")
    _jsonl(folder / "pt.jsonl", _portuguese())
    _jsonl(
        folder / "old.jsonl",
        [
            {"type": "post", "id": "o1", "created_at": "2026-06-10T08:00:00-05:00", "text": "Hola"},
            {
                "type": "comment",
                "id": "oc1",
                "post_id": "o1",
                "created_at": "2026-06-10T09:00:00-05:00",
                "author_id": "z",
                "text": "Qué bueno",
            },
        ],
    )
    config = folder / "socialmon.toml"
    config.write_text(CONFIG.format(big=BIG), encoding="utf-8")
    with project_environment(config), pytest.MonkeyPatch.context() as patch:
        # The big channel's pages of 1,000 texts are scored in this process, not in a scoring
        # worker: one would be spawned for them (a new interpreter importing socialmon and loading
        # the language models, ~2.5 s of CPU), and give the same scores. The workers are tested in
        # tests/test_scan.py and tests/test_signals.py; here, the documents are.
        patch.setattr(scoring, "default_workers", lambda: 0)
        result = CliRunner().invoke(app, ["scan", "-q", "--config", str(config)])
    assert result.exit_code == 1, result.output  # one channel failed, one partial
    return config


def report(workspace: Path, suffix: str, *args: str) -> Path:
    """`socialmon report` of every brand over November, written to report<suffix>."""
    output = workspace.parent / f"report{suffix}"
    if not output.exists():
        with project_environment(workspace):
            result = CliRunner().invoke(
                app, ["report", *WINDOW, *args, "-o", str(output), "--config", str(workspace)]
            )
        assert result.exit_code == 0, result.output
    return output


def _text(html: str) -> str:
    """What a reader sees of an HTML report: its text without tags, entities unescaped, spaces squeezed."""
    from html import unescape

    body = re.sub(r"<(style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture(scope="module")
def html(workspace: Path) -> str:
    return _text(report(workspace, ".html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def markdown(workspace: Path) -> str:
    text = report(workspace, ".md").read_text(encoding="utf-8")
    return " ".join(text.replace("\\", "").split())


# What to do, which the reasons said after their first 120 characters (or after " — ").
MISSING_FILE_ADVICE = "revise la ruta (path) en la configuración del canal"
HEADER_FOUND = "columnas encontradas: 'fecha', 'nota'"


@pytest.mark.parametrize("document", ["html", "markdown"])
def test_a_failed_or_partial_channels_reason_is_whole_with_what_to_do(
    request: pytest.FixtureRequest, document: str
) -> None:
    text = request.getfixturevalue(document)
    assert "espiga/facebook-matriz: último escaneo falló — no se encontró el archivo de exportación" in text
    assert MISSING_FILE_ADVICE in text
    assert HEADER_FOUND in text
    assert "español y p…" not in text


def test_the_csv_gives_the_whole_reason(workspace: Path) -> None:
    rows = list(csv.reader(io.StringIO(report(workspace, ".csv").read_text(encoding="utf-8-sig"))))
    reasons = {row[0]: row[2] for row in rows if len(row) == 3 and row[0].startswith("espiga/")}
    assert MISSING_FILE_ADVICE in reasons["espiga/facebook-matriz"]
    assert HEADER_FOUND in reasons["espiga/resenas"]


def test_a_cut_list_says_how_many_more_in_the_brands_numbers(html: str, markdown: str) -> None:
    for text in (html, markdown):
        assert "10.001 en espera" in text  # 10,000 on the big channel, 1 on the partial one
        assert "se muestran los primeros 20 de 10.001" in text
        assert "de 10001" not in text


def test_the_csv_says_a_table_is_cut(workspace: Path) -> None:
    rows = list(csv.reader(io.StringIO(report(workspace, ".csv").read_text(encoding="utf-8-sig"))))
    [title] = [row for row in rows if row and row[0].startswith("espiga: Esperan respuesta")]
    assert title[0].endswith("(se muestran los primeros 20 de 10.001)")
    [posts] = [row for row in rows if row and row[0].startswith("espiga: Publicaciones —")]
    assert "de 29 publicadas en el periodo" in posts[0]


def test_the_posts_table_says_it_lists_the_busiest_of_more(html: str, markdown: str) -> None:
    for text in (html, markdown):
        assert "Las 20 publicaciones con más comentarios y me gusta, de 29 publicadas en el periodo" in text


@pytest.mark.parametrize("document", ["html", "markdown"])
def test_the_channel_overview_of_the_terminal_is_in_the_documents(
    request: pytest.FixtureRequest, workspace: Path, document: str
) -> None:
    """The terminal's "espiga/… (file) · último escaneo: ok · Desde el inicio: Publicaciones: 28 …"."""
    text = request.getfixturevalue(document)
    assert "Canales · Desde el inicio" in text and "Último escaneo" in text and "Plataforma" in text
    for figures in (
        f"espiga/{BIG}",
        "espiga/resenas",
        "parcial",
        "falló",
        "pao/instagram",
        "vacia/export",
    ):
        assert figures in text, figures
    # all-time figures: the big channel's 10,300 customer comments, written as Spanish writes them
    assert "10.300" in text


def test_a_response_times_report_has_no_overview(workspace: Path) -> None:
    output = workspace.parent / "response-times.md"
    result = CliRunner().invoke(
        app,
        ["report", "response-times", *WINDOW, "-o", str(output), "--config", str(workspace)],
    )
    assert result.exit_code == 0, result.output
    assert "| Plataforma |" not in output.read_text(encoding="utf-8")


# --- on paper ---


def _require_pdf() -> None:
    missing = []
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        missing.append("WeasyPrint")
    if shutil.which("pdftotext") is None:
        missing.append("pdftotext")
    if missing:
        reason = " and ".join(missing) + " not installed"
        if os.environ.get(REQUIRED):
            pytest.fail(f"{REQUIRED} is set but {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def paper(workspace: Path) -> str:
    _require_pdf()
    pdf = report(workspace, ".pdf")
    return subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.slow
def test_on_paper_reasons_are_whole_and_the_overview_is_there(paper: str) -> None:
    squeezed = " ".join(paper.split())
    assert MISSING_FILE_ADVICE in squeezed.replace("- ", "-")
    assert HEADER_FOUND in squeezed
    assert "se muestran los primeros 20 de 10.001" in squeezed
    assert "Último escaneo" in squeezed and "10.300" in squeezed


@pytest.mark.slow
def test_on_paper_a_date_in_a_table_stays_on_one_line(paper: str) -> None:
    lines = [line.strip() for line in paper.splitlines()]
    # The response times by week (ten columns, the narrowest on the page) put "2026" under "2 nov".
    assert [line for line in lines if line in ("2026", "de 2026")] == []
    for week in ("2 nov 2026", "9 nov 2026", "16 nov 2026", "23 nov 2026"):
        assert sum(line.startswith(week) for line in lines) >= 2, week  # by week, and in the trend
    assert "2 de nov. de 2026" in paper  # the Portuguese brand's weeks too


# --- in a browser ---


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        if os.environ.get(REQUIRED):
            pytest.fail(f"{REQUIRED} is set but no chromium is installed (apt-get install chromium)")
        pytest.skip(f"headless Chromium is not installed; set {REQUIRED} to require it")
    started = Browser(executable)
    yield started
    started.close()


LAYOUT = r"""
(() => {
  const width = window.innerWidth;
  const sideways = [...document.querySelectorAll(".table-box")]
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => `${box.getAttribute("aria-label")} ${box.scrollWidth}/${box.clientWidth}`);
  const rtl = [...document.querySelectorAll("td")]
    .filter(td => /[\u0590-\u06FF]/.test(td.textContent))
    .map(td => {
      const holder = [...td.querySelectorAll("*")].find(el => el.textContent === td.textContent.trim()) || td;
      return getComputedStyle(holder).direction;
    });
  return {width, page: document.scrollingElement.scrollWidth, sideways, rtl};
})()
"""


@pytest.mark.slow
def test_at_1280_px_the_waiting_comments_fit_and_arabic_reads_right_to_left(
    browser: Browser, workspace: Path
) -> None:
    page = browser.open(report(workspace, ".html").as_uri(), 1280)
    try:
        found = page.evaluate(LAYOUT)
    finally:
        page.close()
    assert found["page"] <= found["width"], found
    assert [box for box in found["sideways"] if box.startswith("Esperan respuesta")] == [], found
    # the Arabic and Hebrew names and comments: each laid out right to left, its "…" at its end
    assert len(found["rtl"]) >= 4 and set(found["rtl"]) == {"rtl"}, found


@pytest.mark.slow
def test_on_a_phone_nothing_sticks_out(browser: Browser, workspace: Path) -> None:
    page = browser.open(report(workspace, ".html").as_uri(), 375)
    try:
        found = page.evaluate(LAYOUT)
    finally:
        page.close()
    assert found["page"] <= found["width"], found
