"""The `file` connector after QA's December round:

1. A Windows-1252 CSV is read in one encoding for the whole file: a line whose bytes happen to be
   valid UTF-8 (`“SÍ”`, `í…»`) is read as Windows-1252 too, also when it was read in an earlier scan,
   and lines appended later; a line whose bytes are not text in the file's encoding is rejected, never
   stored with U+FFFD; a change of a reading setting (`encoding`…) reads an unchanged file again.
2. A workbook's text cells are read as a CSV's: without the spaces around them.
3. The day/month order kept in a file's cursor is checked against the dates read later, and decided
   afresh for a file another export was saved over.
4. A CSV row Excel saved without the separators of its empty trailing cells is read.
5. A rating written as stars ("★★★★", "4/5", "4 estrellas") is read as its number.

Files are written as the programs write them: Excel's "CSV (delimitado por comas)" in Windows-1252
with CRLF and `;`, Excel's "CSV UTF-8" with its BOM, workbooks with openpyxl and as LibreOffice writes
an .ods.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_file_real_programs import (
    connector,
    ods_cell,
    ods_file,
    ods_row,
    read,
    records,
    rejected,
    utc,
)

from socialmon_connectors import Page


def excel_csv(rows: list[str], encoding: str = "cp1252") -> bytes:
    """Rows as Excel for Windows saves "CSV (delimitado por comas)" in a Spanish locale: `;`, CRLF."""
    return ("\r\n".join(rows) + "\r\n").encode(encoding)


def cursor(pages: list[Page]) -> dict[str, Any]:
    found = pages[-1].cursor
    assert found is not None
    return found


def texts(pages: list[Page]) -> dict[str, tuple[str | None, str | None]]:
    return {key: (r.author_name, r.text) for key, r in records(pages).items()}


# --- 1. one encoding per file ---------------------------------------------------------------------

HEADER = "tipo;id;fecha;autor;texto"
ROWS_1252 = [
    HEADER,
    "comentario;c1;02/03/2026 10:15;María Núñez;Qué rico, ¿abren el domingo?",
    # Its bytes "Í”" (CD 94) are valid UTF-8, and "é", "ñ" are not.
    "comentario;c2;02/03/2026 10:16;José Peña;Le pregunté al señor y me dijo “SÍ”, qué amable",
    # "í…»" (ED 85 BB) is valid UTF-8 too.
    "comentario;c3;02/03/2026 10:17;Inés;Volveré… está aquí…» dijo",
]


def test_a_windows_1252_line_whose_bytes_happen_to_be_utf8_keeps_all_its_accents(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_bytes(excel_csv(ROWS_1252))
    pages = read(connector(tmp_path, "export.csv"))
    assert rejected(pages) == []
    assert texts(pages) == {
        "c1": ("María Núñez", "Qué rico, ¿abren el domingo?"),
        "c2": ("José Peña", "Le pregunté al señor y me dijo “SÍ”, qué amable"),
        "c3": ("Inés", "Volveré… está aquí…» dijo"),
    }
    assert cursor(pages)["files"]["export.csv"]["encoding"] == "cp1252"


def test_lines_read_as_utf8_before_the_file_showed_its_encoding_are_read_again_in_it(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    # The first download: its one line with accents is valid UTF-8 as it happens; nothing tells.
    path.write_bytes(excel_csv([HEADER, "comentario;c1;02/03/2026 10:15;Luis;Aquí…» dijo"]))
    source = connector(tmp_path, "export.csv")
    first = read(source)
    assert list(records(first)) == ["c1"]
    # Rows appended by the same program: not UTF-8, so the file is Windows-1252, its first row too.
    with path.open("ab") as handle:
        handle.write(excel_csv(["comentario;c2;02/03/2026 10:16;José;¿Qué tal?"]))
    again = read(source, cursor(first))
    assert rejected(again) == []
    assert texts(again) == {"c1": ("Luis", "Aquí…» dijo"), "c2": ("José", "¿Qué tal?")}
    assert cursor(again)["files"]["export.csv"]["encoding"] == "cp1252"
    assert records(read(source, cursor(again))) == {}  # read again once, not on every scan


def test_a_line_appended_to_a_windows_1252_file_is_read_in_it_even_when_valid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(excel_csv(ROWS_1252[:2]))
    source = connector(tmp_path, "export.csv")
    first = read(source)
    with path.open("ab") as handle:
        handle.write(excel_csv(["comentario;c4;02/03/2026 10:18;Luis;Aquí…» dijo"]))
    again = read(source, cursor(first))
    assert texts(again) == {"c4": ("Luis", "Aquí…» dijo")}


@pytest.mark.parametrize(
    ("data", "options", "fault"),
    [
        # Excel's "CSV UTF-8" (with its BOM), a row pasted from a Windows-1252 text (its "–").
        (
            b"\xef\xbb\xbf"
            + "type,id,created_at,text\r\npost,p1,2026-03-02 10:00,Café\r\n".encode()
            + "post,p2,2026-03-02 11:00,Qué rico ".encode()
            + b"\x96 gracias\r\n"
            + "post,p3,2026-03-02 12:00,Señor\r\n".encode(),
            {},
            "utf-8: 'utf-8' codec can't decode byte 0x96",
        ),
        # The same without a BOM (LibreOffice, Google Sheets): its other lines are UTF-8 text.
        (
            "type,id,created_at,text\npost,p1,2026-03-02 10:00,Café\n".encode()
            + "post,p2,2026-03-02 11:00,Qué rico ".encode()
            + b"\x96 gracias\n"
            + "post,p3,2026-03-02 12:00,Señor\n".encode(),
            {},
            "utf-8: 'utf-8' codec can't decode byte 0x96",
        ),
        # The channel's encoding set: a byte Windows-1252 leaves undefined.
        (
            excel_csv(["type;id;created_at;text", "post;p1;2026-03-02 10:00;Café"])
            + b"post;p2;2026-03-02 11:00;Qu\xe9 \x81\r\n"
            + excel_csv(["post;p3;2026-03-02 12:00;Señor"]),
            {"encoding": "cp1252"},
            "cp1252: 'charmap' codec can't decode byte 0x81",
        ),
    ],
    ids=["utf8-bom", "utf8", "encoding-option"],
)
def test_a_row_whose_bytes_are_not_text_in_the_files_encoding_is_rejected_not_stored_with_fffd(
    tmp_path: Path, data: bytes, options: dict[str, Any], fault: str
) -> None:
    (tmp_path / "export.csv").write_bytes(data)
    pages = read(connector(tmp_path, "export.csv", **options))
    assert {key: r.text for key, r in records(pages).items()} == {"p1": "Café", "p3": "Señor"}
    ((location, reason),) = rejected(pages)
    assert location == "export.csv line 3"
    assert reason.startswith(f"bad CSV ({fault}")


def stored_after(tmp_path: Path, data: bytes, before: dict[str, Any], after: dict[str, Any]) -> Any:
    """The record c1 as a scan with the options `after` stores it, after one with `before` read the
    same, unchanged, file (its cursor passed on)."""
    (tmp_path / "export.csv").write_bytes(data)
    first = read(connector(tmp_path, "export.csv", **before))
    again = read(connector(tmp_path, "export.csv", **after), cursor(first))
    assert list(records(again)) == ["c1"]  # read again, once
    return records(again)["c1"], records(read(connector(tmp_path, "export.csv", **after), cursor(again)))


def test_an_unchanged_file_is_read_again_in_the_encoding_the_channel_is_set_to(tmp_path: Path) -> None:
    data = excel_csv(["tipo;id;fecha;autor;texto", "comentario;c1;02/03/2026 10:15;Peña;¿Qué tal?"])
    c1, later = stored_after(tmp_path, data, {"encoding": "cp850"}, {"encoding": "cp1252"})
    assert (c1.author_name, c1.text) == ("Peña", "¿Qué tal?")
    assert later == {}  # and not again on the next scan


@pytest.mark.parametrize(
    ("before", "after", "field", "value"),
    [
        ({}, {"business_authors": ["Café Uno"]}, "is_business", True),
        ({}, {"date_order": "month-first"}, "created_at", utc(2026, 2, 3, 16, 15)),
        ({}, {"timezone": "UTC"}, "created_at", utc(2026, 3, 2, 10, 15)),
    ],
    ids=["business_authors", "date_order", "timezone"],
)
def test_an_unchanged_file_is_read_again_when_a_setting_that_changes_its_rows_changes(
    tmp_path: Path, before: dict[str, Any], after: dict[str, Any], field: str, value: Any
) -> None:
    data = excel_csv(["tipo;id;fecha;autor;texto", "comentario;c1;02/03/2026 10:15;Café Uno;Gracias"])
    c1, later = stored_after(tmp_path, data, before, after)
    assert getattr(c1, field) == value
    assert later == {}


# --- 2. a workbook's text cells without their spaces ----------------------------------------------

SPACED = [
    ["type", "id", "post_id", "parent_id", "created_at", "author_name", "text", "rating"],
    ["post", "p1", None, None, "2026-11-30 09:00", "Cafe Prueba", "Pan nuevo", None],
    ["comment", "c1", "p1", None, "2026-11-30 10:00", "Ana", "¿Abren el domingo?", None],
    ["reply", " c2", "p1", "c1 ", "2026-11-30 10:30", "Cafe Prueba ", "  Sí, de 8 a 12 ", None],
    ["review", "r1", None, None, "2026-11-30 11:00", "Eva", "Muy bueno", "  "],
]


def spaced_xlsx(path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in SPACED:
        book.active.append(row)
    book.save(path)


def spaced_ods(path: Path) -> None:
    def cell(value: str | None) -> str:
        if value is None:
            return ods_cell(None)
        # LibreOffice writes a run of spaces as <text:s/>, leading or trailing.
        core = value.strip(" ")
        lead, trail = len(value) - len(value.lstrip(" ")), len(value) - len(value.rstrip(" "))
        if not core:
            return f'<table:table-cell office:value-type="string"><text:p><text:s text:c="{lead}"/></text:p></table:table-cell>'
        spaces = lambda n: f'<text:s text:c="{n}"/>' if n else ""  # noqa: E731
        return (
            f'<table:table-cell office:value-type="string"><text:p>{spaces(lead)}{core}{spaces(trail)}'
            "</text:p></table:table-cell>"
        )

    ods_file(path, [ods_row(*(cell(value) for value in row)) for row in SPACED])


@pytest.mark.parametrize(("name", "write"), [("export.xlsx", spaced_xlsx), ("export.ods", spaced_ods)])
def test_a_workbooks_text_cells_are_read_without_the_spaces_around_them(
    tmp_path: Path, name: str, write: Callable[[Path], None]
) -> None:
    write(tmp_path / name)
    pages = read(connector(tmp_path, name, business_authors=["Cafe Prueba"]))
    assert rejected(pages) == []
    found = records(pages)
    reply = found["c2"]
    assert (reply.parent_id, reply.author_name, reply.text) == ("c1", "Cafe Prueba", "Sí, de 8 a 12")  # type: ignore[union-attr]
    assert reply.is_business is True
    assert found["r1"].rating is None  # type: ignore[union-attr]


# --- 3. the day/month order checked against later rows --------------------------------------------

US_HEADER = "type,id,post_id,created_at,author_name,text\r\n"
US_ROWS = [
    'comment,c1,p1,3/1/2026 10:00:00,Ana,"línea1\nlínea2"',
    "comment,c2,p1,3/1/2026 11:00:00,Luis,hola",
    'comment,c3,p1,3/13/2026 12:00:00,Eva,"nuevo\ncon salto"',
]


def test_a_date_read_later_that_only_the_other_order_reads_has_the_whole_file_read_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "export.csv"
    # A US export (month-first), first downloaded while its dates told nothing (day-first), without a
    # final newline; then downloaded again with a row of the 13th.
    path.write_bytes((US_HEADER + "\r\n".join(US_ROWS[:2])).encode())
    source = connector(tmp_path, "export.csv", zone="UTC")
    first = read(source)
    assert records(first)["c1"].created_at == utc(2026, 1, 3, 10)
    assert cursor(first)["files"]["export.csv"]["date_order"] == "day-first"
    path.write_bytes((US_HEADER + "\r\n".join(US_ROWS)).encode())
    with caplog.at_level(logging.WARNING, logger="socialmon.file"):
        again = read(source, cursor(first))
    assert rejected(again) == []
    assert {key: r.created_at for key, r in records(again).items()} == {
        "c1": utc(2026, 3, 1, 10),
        "c2": utc(2026, 3, 1, 11),
        "c3": utc(2026, 3, 13, 12),
    }
    assert [len(page.comments) for page in again] == [3]  # each row once
    assert cursor(again)["files"]["export.csv"]["date_order"] == "month-first"
    (warning,) = [r.getMessage() for r in caplog.records if "export.csv" in r.getMessage()]
    assert "month-first" in warning and "3/13/2026 12:00:00" in warning
    # The next scan: only the last row, still without its newline, is read again (as always).
    assert {key: r.created_at for key, r in records(read(source, cursor(again))).items()} == {
        "c3": utc(2026, 3, 13, 12)
    }


def test_a_workbook_rewritten_with_a_row_only_the_other_order_reads_is_read_again_whole(
    tmp_path: Path,
) -> None:
    openpyxl = pytest.importorskip("openpyxl")

    def save(rows: list[list[str]]) -> None:
        book = openpyxl.Workbook()
        for row in [["type", "id", "created_at", "text"], *rows]:
            book.active.append(row)
        book.save(tmp_path / "export.xlsx")

    rows = [["review", "r1", "04/03/2026 10:00", "a"], ["review", "r2", "04/05/2026 10:00", "b"]]
    save(rows)
    source = connector(tmp_path, "export.xlsx", zone="UTC")
    first = read(source)
    assert records(first)["r1"].created_at == utc(2026, 3, 4, 10)
    save([*rows, ["review", "r3", "04/13/2026 10:00", "c"]])
    again = read(source, cursor(first))
    assert {key: r.created_at for key, r in records(again).items()} == {
        "r1": utc(2026, 4, 3, 10),
        "r2": utc(2026, 4, 5, 10),
        "r3": utc(2026, 4, 13, 10),
    }


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        # A Spanish export (13/03: day-first), then a US one saved over it: its 04/13 tells.
        (
            ["review,a1,13/03/2026 10:00,marzo", "review,a2,02/03/2026 10:00,2 de marzo"],
            ["review,b1,04/03/2026 10:00,April 3", "review,b2,04/13/2026 10:00,April 13"],
            {"b1": utc(2026, 4, 3, 10), "b2": utc(2026, 4, 13, 10)},
        ),
        # A US export (03/15: month-first), then a Spanish one whose dates tell nothing: day-first,
        # as any new file's, not the order the other export told.
        (
            ["review,a1,03/15/2026 10:00,March 15", "review,a2,03/02/2026 10:00,March 2"],
            ["review,b1,04/03/2026 10:00,4 de marzo", "review,b2,05/03/2026 10:00,5 de marzo"],
            {"b1": utc(2026, 3, 4, 10), "b2": utc(2026, 3, 5, 10)},
        ),
    ],
    ids=["the-new-export-tells", "the-new-export-tells-nothing"],
)
def test_another_export_saved_over_a_file_has_its_order_decided_afresh(
    tmp_path: Path, before: list[str], after: list[str], expected: dict[str, Any]
) -> None:
    path = tmp_path / "export.csv"
    path.write_text("type,id,created_at,text\n" + "\n".join(before) + "\n", encoding="utf-8")
    source = connector(tmp_path, "export.csv", zone="UTC")
    first = read(source)
    path.write_text("type,id,created_at,text\n" + "\n".join(after) + "\n", encoding="utf-8")
    again = read(source, cursor(first))
    assert {key: r.created_at for key, r in records(again).items()} == expected


# --- 4. rows without their empty trailing cells ---------------------------------------------------


def test_a_row_excel_saved_without_its_empty_trailing_cells_is_read(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_bytes(
        excel_csv(
            [
                "Tipo;ID;ID publicación;Fecha;Autor;Texto;Respuesta a",
                "publicación;p1;;01/03/2026 09:00;Café;Post;",
                "comentario;c1;p1;01/03/2026 10:00;Ana;Hola",  # its empty last cell left out
                "comentario;c2;p1;01/03/2026 10:30",  # and its last three
                "respuesta;c3;p1;01/03/2026 11:00;Café;Gracias;c1",
                "comentario;c4;p1;01/03/2026 12:00;Eva;Uno;;dos",  # a value past the header's columns
            ]
        )
    )
    pages = read(connector(tmp_path, "export.csv", business_authors=["Café"]))
    found = records(pages)
    assert {key: (r.text, getattr(r, "parent_id", None)) for key, r in found.items()} == {
        "p1": ("Post", None),
        "c1": ("Hola", None),
        "c2": ("", None),
        "c3": ("Gracias", "c1"),
    }
    assert rejected(pages) == [("export.csv line 6", "expected 7 columns, found 8")]


# --- 5. ratings written as stars ------------------------------------------------------------------

STARS = {
    "★★★★": 4,
    "★★★★☆": 4,
    "★★★½☆": 3.5,
    "⭐⭐⭐⭐⭐": 5,
    "☆☆☆☆☆": 0,
    "4 estrellas": 4,
    "1 estrella": 1,
    "3 estrelas": 3,
    "4 stars": 4,
    "4/5": 4,
    "4 / 5": 4,
    "4 de 5": 4,
    "4,5/5": 4.5,
    "4 de 5 estrellas": 4,
    "5 out of 5": 5,
}
NOT_STARS = ["8/10", "★★★☆", "muy bueno", "4/5/6"]


def test_a_rating_written_as_stars_is_read_as_its_number_and_other_text_rejected(tmp_path: Path) -> None:
    rows = ["Tipo;ID;Fecha;Autor;Calificación"]
    rows += [f"reseña;r{i};02/03/2026 10:00;Ana;{value}" for i, value in enumerate([*STARS, *NOT_STARS])]
    (tmp_path / "export.csv").write_bytes(excel_csv(rows, "utf-8-sig"))
    pages = read(connector(tmp_path, "export.csv"))
    found = records(pages)
    assert {key: r.rating for key, r in found.items()} == {  # type: ignore[union-attr]
        f"r{i}": stars for i, stars in enumerate(STARS.values())
    }
    assert [location for location, _ in rejected(pages)] == [
        f"export.csv line {i + 2}" for i in range(len(STARS), len(STARS) + len(NOT_STARS))
    ]
    assert all(reason.startswith("rating:") for _, reason in rejected(pages))


def test_a_workbooks_rating_cell_written_as_stars_is_read(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in [["Tipo", "ID", "Fecha", "Estrellas"], ["reseña", "r1", "2026-03-02 10:00", "★★★★★"]]:
        book.active.append(row)
    book.save(tmp_path / "export.xlsx")
    pages = read(connector(tmp_path, "export.xlsx"))
    assert rejected(pages) == []
    assert records(pages)["r1"].rating == 5  # type: ignore[union-attr]


def test_rows_read_with_their_last_cells_empty_are_said_with_where_to_look(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A line break outside quotes leaves a row short too (its text cut): the padding is said."""
    (tmp_path / "export.csv").write_bytes(
        excel_csv(
            [
                "Tipo;ID;ID publicación;Fecha;Autor;Texto;Respuesta a",
                "comentario;c1;p1;01/03/2026 10:00;Ana;El pan llegó",  # cut by a bare line break
                "frío;",
                "comentario;c2;p1;01/03/2026 10:30;Eva;Rico;",
            ]
        )
    )
    with caplog.at_level(logging.WARNING):
        pages = read(connector(tmp_path, "export.csv"))
    assert set(records(pages)) == {"c1", "c2"}
    assert [line for line, _ in rejected(pages)] == ["export.csv line 3"]
    said = [r.getMessage() for r in caplog.records if "fewer cells than the header" in r.getMessage()]
    assert len(said) == 1 and "(the first: line 2; 2 in all)" in said[0], said


def test_a_row_rejected_for_its_date_is_not_announced_as_stored_without_its_post(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "only.csv").write_bytes(
        excel_csv(["tipo;id;fecha", "publicación;p1;02/03/2026 09:00", "comentario;z1;no-date"])
    )
    with caplog.at_level(logging.WARNING):
        pages = read(connector(tmp_path, "only.csv"))
    assert set(records(pages)) == {"p1"}
    assert "without a post_id" not in caplog.text
    (tmp_path / "only.csv").write_bytes(
        excel_csv(["tipo;id;fecha", "publicación;p1;02/03/2026 09:00", "comentario;z2;02/03/2026 10:00"])
    )
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        read(connector(tmp_path, "only.csv"))
    assert "without a post_id (the first: z2)" in caplog.text


def test_a_utf8_file_with_rows_another_program_appended_in_windows_1252_reads_each_in_its_own(
    tmp_path: Path,
) -> None:
    """Two programs wrote it: its UTF-8 lines read wrong in Windows-1252 and its other lines only read
    in it. It was refused on every scan ("cannot be told apart"), and `encoding = "cp1252"`, as the
    refusal advised, garbled the UTF-8 rows stored right."""
    header = "type,id,created_at,author_name,text"
    rows = [f"comment,c{i},2026-11-2{i % 9} 10:00,José Núñez,Qué rico pan ñandú {i}" for i in range(30)]
    path = tmp_path / "e.csv"
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode("utf-8"))
    first = read(connector(tmp_path, "e.csv"))
    with path.open("ab") as handle:
        handle.write("comment,c99,2026-11-25 10:00,Inés,Está buenísimo\n".encode("cp1252"))
    later = read(connector(tmp_path, "e.csv"), cursor(first))
    whole = read(connector(tmp_path, "e.csv"))  # the file read at once, as a new channel would
    for pages in (first + later, whole):
        found = texts(pages)
        assert found["c99"] == ("Inés", "Está buenísimo")
        assert found["c7"] == ("José Núñez", "Qué rico pan ñandú 7")
        assert len(found) == 31 and not rejected(pages)
    assert read(connector(tmp_path, "e.csv"), cursor(later)) == []
