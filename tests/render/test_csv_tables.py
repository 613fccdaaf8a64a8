"""Issue 15, the CSV/xlsx bullet: one CSV per table (a folder with --csv-dir, or a zip) and an xlsx
with one sheet per table, for a spreadsheet in the brand's locale.

Café Uno (Guayaquil, Spanish): c1 answered after 1 h; c2, c3 and c4 waiting; c3 and c4 start like
formulas. Spanish has a decimal comma, so its CSVs use `;`; English uses `,` and a dot.
"""

from __future__ import annotations

import builtins
import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import comment, post, scanned_project
from typer.testing import CliRunner

from socialmon.cli import app

WINDOW = ("--since", "2026-10-01", "--until", "2026-10-07")
BOM = "\ufeff"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Café Uno, scanned once: each test only reads it with `socialmon report`, into its own tmp_path."""
    return scanned_project(
        tmp_path_factory.mktemp("csv-tables"),
        [
            post("p1", author_id="biz", like_count=4, created_at="2026-10-01T14:30:00Z"),
            comment("c1", text="I love this place, wonderful!"),
            comment("r1", type="reply", parent_id="c1", is_business=True, created_at="2026-10-01T14:00:00Z"),
            comment("c2", text="Terrible, awful service, the worst ever", created_at="2026-10-02T13:00:00Z"),
            comment("c3", text="-1 star, horrible", created_at="2026-10-03T13:00:00Z"),
            comment("c4", text='=HYPERLINK("https://evil.example","bad")', created_at="2026-10-03T14:00:00Z"),
        ],
    )


def run(cli: CliRunner, config: Path, *args: str) -> Any:
    result = cli.invoke(app, ["report", *args, *WINDOW, "--config", str(config)])
    assert result.exit_code == 0, result.output
    return result


def read(path: Path) -> tuple[str, list[list[str]]]:
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert text.startswith(BOM), "a UTF-8 byte-order mark, for Excel"
    dialect = ";" if text.splitlines()[0].count(";") else ","
    return dialect, list(csv.reader(io.StringIO(text[1:]), delimiter=dialect))


def test_one_csv_per_table_in_the_brands_language_and_locale(
    tmp_path: Path, project: Path, cli: CliRunner
) -> None:
    folder = tmp_path / "tablas"
    run(cli, project, "--csv-dir", str(folder))
    names = sorted(p.name for p in folder.iterdir())
    assert {
        "cafe-response_by_channel.csv",
        "cafe-needs_reply.csv",
        "cafe-trend.csv",
        "cafe-posts.csv",
    } <= set(names)
    delimiter, rows = read(folder / "cafe-response_by_channel.csv")
    assert delimiter == ";"  # Spanish: decimal comma, so `;` between cells
    assert rows[0][:8] == [
        "Canal",
        "Comentarios",
        "Respondidos",
        "Tasa de respuesta (%)",
        "Mediana (min)",
        "Percentil 90 (min)",
        "Promedio (min)",
        "Dentro del plazo (2 h) (%)",
    ]
    assert rows[1][:8] == ["export", "4", "1", "25", "60", "60", "60", "25"]
    _, trend = read(folder / "cafe-trend.csv")
    assert trend[0][:3] == ["Semana del", "Volumen", "Positivos (%)"]
    assert "Proporción negativa (barra)" not in trend[0]  # the text bars are for people, not cells
    assert trend[1][0] == "2026-09-28"  # the week's first local day
    _, posts = read(folder / "cafe-posts.csv")
    assert posts[0][1] == "Publicada" and posts[1][1] == "2026-10-01 09:30"  # Guayaquil time, not UTC
    _, pending = read(folder / "cafe-needs_reply.csv")
    texts = [row[5] for row in pending[1:]]
    assert "'-1 star, horrible" in texts and '\'=HYPERLINK("https://evil.example","bad")' in texts
    assert pending[0][3] == "Espera (min)" and all("," in row[3] or row[3].isdigit() for row in pending[1:])


def test_english_uses_a_dot_and_commas_and_a_zip_holds_the_same_files(
    tmp_path: Path, project: Path, cli: CliRunner
) -> None:
    archive = tmp_path / "report.zip"
    folder = tmp_path / "tables"
    run(cli, project, "--lang", "en", "--csv-dir", str(folder), "-o", str(archive))
    with zipfile.ZipFile(archive) as opened:
        assert sorted(opened.namelist()) == sorted(p.name for p in folder.iterdir())
        text = opened.read("cafe-response_by_channel.csv").decode("utf-8")
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][3:5] == ["Response rate (%)", "Median (min)"] and rows[1][3] == "25"
    _, worst = read(folder / "cafe-worst_comments.csv")
    scores = [row[4] for row in worst[1:] if row[4]]
    assert scores and all(s.startswith("-0.") for s in scores)  # negative numbers, never prefixed with '


def test_xlsx_has_a_sheet_per_table_with_numbers_and_dates(
    tmp_path: Path, project: Path, cli: CliRunner
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "informe.xlsx"
    run(cli, project, "-o", str(target))
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:2] == ["Respuesta por canal", "Respuesta por periodo"]
    times = book["Respuesta por canal"]
    assert times["A1"].value == "Tiempos de respuesta"  # the full title, above the headings
    headings = [c.value for c in times[2]]
    assert headings[3:5] == ["Tasa de respuesta (%)", "Mediana (min)"]
    rate, median = times.cell(3, 4), times.cell(3, 5)
    assert (rate.value, rate.number_format) == (0.25, "0.0%") and median.value == 60.0
    posts = book["Publicaciones"]
    assert posts.cell(3, 2).value == datetime(2026, 10, 1, 9, 30)  # a date cell, in Guayaquil time
    pending = book["Esperan respuesta"]
    cells = [pending.cell(row, 6) for row in range(3, pending.max_row + 1)]
    formula = next(c for c in cells if str(c.value).startswith("="))
    assert formula.data_type == "s"  # stored as text: never run as a formula
    assert any(c.value == "-1 star, horrible" and c.data_type == "s" for c in cells)


def test_xlsx_without_openpyxl_says_how_to_install_it(
    tmp_path: Path, project: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_openpyxl(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "openpyxl":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    result = cli.invoke(
        app, ["report", "-f", "xlsx", "-o", str(tmp_path / "r.xlsx"), "--config", str(project)]
    )
    assert result.exit_code == 2
    assert "pip install 'socialmon[spreadsheets]'" in result.output and "xlsx" in result.output


def test_xlsx_sheet_names_stay_distinct_within_excels_31_characters() -> None:
    """Two long titles that share their first 31 characters get two short names of their own, and
    each sheet starts with its table's full title."""
    openpyxl = pytest.importorskip("openpyxl")
    from socialmon.render.i18n import Lang
    from socialmon.render.spreadsheets import render_xlsx
    from socialmon.render.tables import Cell, TableData

    lang = Lang("es")
    tables = [
        TableData(key, lang(key), ["Canal"], rows=[[Cell("ig", "ig")]])
        for key in ("top_negative", "top_positive")
    ]
    book = openpyxl.load_workbook(
        io.BytesIO(render_xlsx([("cafe", lang, tables), ("panaderia-la-cosecha", lang, tables)]))
    )
    names = book.sheetnames
    assert len(set(names)) == 4 and all(len(n) <= 31 and "(2)" not in n for n in names), names
    assert names == [
        "cafe Publicaciones negativas",
        "cafe Publicaciones positivas",
        "panade… Publicaciones negativas",
        "panade… Publicaciones positivas",
    ]
    assert book[names[1]]["A1"].value == "cafe: Publicaciones con más reacciones positivas"
