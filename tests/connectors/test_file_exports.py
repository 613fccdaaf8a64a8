"""Exports as real programs write them, through the `file` connector (QA pass of 2026-12-04).

Bytes as Excel for Windows ("CSV (MS-DOS)": code page 850) and Excel for Mac ("Comma Separated
Values": Mac Roman, CR line ends) save them; workbooks written by openpyxl (formulas without
saved values), by WPS Office (a dimension of A1, edited here in the sheet's XML), in the 1904
date system, with merged cells; a re-downloaded export edited in the middle and grown.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from socialmon_connectors import ChannelContext, CommentRecord, Page, PostRecord, SourceError
from socialmon_connectors.file import FileConnector, FileSettings

openpyxl = pytest.importorskip("openpyxl")
from openpyxl.utils.datetime import CALENDAR_MAC_1904, to_excel  # noqa: E402


def connector(folder: Path, path: str, **options: Any) -> FileConnector:
    return FileConnector(
        FileSettings(path=path, timezone="UTC", **options),
        ChannelContext(brand="cafe", channel="export", account="Café", base_dir=folder),
    )


def read(source: FileConnector, cursor: dict[str, Any] | None = None) -> list[Page]:
    async def collect() -> list[Page]:
        return [page async for page in source.pages(cursor)]

    return asyncio.run(collect())


def failure(source: FileConnector) -> SourceError:
    with pytest.raises(SourceError) as raised:
        read(source)
    return raised.value


def records(pages: list[Page]) -> dict[str, PostRecord | CommentRecord]:
    return {r.platform_id: r for page in pages for r in [*page.posts, *page.comments]}


def rejected(pages: list[Page]) -> list[tuple[str, str]]:
    return [(r.location, r.reason) for page in pages for r in page.rejected]


def cursor_of(pages: list[Page]) -> dict[str, Any]:
    cursor = pages[-1].cursor
    assert cursor is not None
    return cursor


# --- 1. an export downloaded again, edited before the offset and grown --------------------------


def test_a_count_edited_mid_file_in_an_export_that_also_grew_is_read_again(tmp_path: Path) -> None:
    rows = ["type,id,post_id,created_at,text,like_count", "post,p1,,2026-11-20 09:00,pan,1"]
    rows += [f"comment,c{i},p1,2026-11-20 10:00,comentario {i} con texto de relleno,12" for i in range(400)]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    source = connector(tmp_path, "export.csv")
    cursor = cursor_of(read(source))
    rows[201] = rows[201].replace(",12", ",15")  # same length, 10 KiB from both ends
    rows.append("comment,cNEW,p1,2026-11-21 10:00,nuevo,0")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    found = records(read(source, cursor))
    assert found["c199"].like_count == 15
    assert "cNEW" in found


# --- 2. encodings and line ends of Excel's other CSVs --------------------------------------------

PT_BR = (
    "type;id;post_id;created_at;author_name;text\r\n"
    "post;p1;;20/11/2026 09:00;Padaria São João;Pão de queijo quentinho\r\n"
    "comment;c1;p1;20/11/2026 10:00;Conceição;Não, obrigado! Ação rápida, atenção ótima. Você é demais\r\n"
    "comment;c2;p1;20/11/2026 11:00;Muñoz;¡Qué rico! ¿Cuándo abren el año nuevo?\r\n"
)


@pytest.mark.parametrize(
    ("encoding", "line_end"),
    [("cp850", "\r\n"), ("cp437", "\r\n"), ("mac_roman", "\r\n"), ("mac_roman", "\r"), ("cp1252", "\r")],
)
def test_a_csv_from_excel_in_ms_dos_mac_or_windows_encoding_keeps_its_accents(
    tmp_path: Path, encoding: str, line_end: str
) -> None:
    text = PT_BR.replace("\r\n", line_end)
    if encoding == "cp437":  # no ã or õ in code page 437: Spanish only
        text = text.replace("ã", "a").replace("õ", "o").replace("Ç", "C")
    (tmp_path / "export.csv").write_bytes(text.encode(encoding))
    pages = read(connector(tmp_path, "export.csv"))
    assert rejected(pages) == []
    found = records(pages)
    assert found["c2"].text == "¡Qué rico! ¿Cuándo abren el año nuevo?"
    if encoding != "cp437":
        assert found["p1"].author_name == "Padaria São João"
        assert found["c1"].text == "Não, obrigado! Ação rápida, atenção ótima. Você é demais"


def test_rows_appended_to_a_cr_only_mac_csv_are_read_in_its_encoding(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(PT_BR.replace("\r\n", "\r").encode("mac_roman"))
    source = connector(tmp_path, "export.csv")
    cursor = cursor_of(read(source))
    with path.open("ab") as handle:
        handle.write("comment;c3;p1;21/11/2026 09:00;Zé;Açúcar\r".encode("mac_roman"))
    pages = read(source, cursor)
    assert [(r.platform_id, r.text) for r in records(pages).values()] == [("c3", "Açúcar")]


def test_text_in_an_encoding_that_cannot_be_told_is_refused_asking_for_csv_utf8(tmp_path: Path) -> None:
    header = "type,id,created_at,text\n"
    (tmp_path / "export.csv").write_bytes(
        (header + "post,p1,2026-11-20 09:00,Привет как дела\n").encode("cp1251")
    )
    error = failure(connector(tmp_path, "export.csv"))
    assert error.args[0] == (
        "export.csv: line 2 is not UTF-8 text, and its accents cannot be told apart as Windows-1252, "
        "MS-DOS (850), Mac Roman or another encoding: save it as CSV UTF-8"
    )
    found = records(read(connector(tmp_path, "export.csv", encoding="cp1251")))
    assert found["p1"].text == "Привет как дела"


def test_a_few_accents_that_read_well_in_two_encodings_are_not_guessed() -> None:
    from socialmon_connectors.file import legacy_encoding

    assert legacy_encoding("más".encode("mac_roman")) is None  # "mçs" in MS-DOS 850
    assert legacy_encoding("Atención al cliente, más rápida".encode("cp850")) == "cp850"


def test_an_unknown_encoding_option_is_refused() -> None:
    with pytest.raises(ValueError, match="must be auto or an encoding"):
        FileSettings(path="x.csv", encoding="klingon")


# --- 3-5, 7-9. workbooks --------------------------------------------------------------------------

HEADER = ["type", "id", "post_id", "created_at", "author_name", "text", "like_count"]
ROWS = [
    ["post", "p1", None, datetime(2026, 11, 20, 9), "Panadería", "Pan", 5],
    ["comment", "c1", "p1", datetime(2026, 11, 20, 10), "José", "Rico", 2],
    ["comment", "c2", "p1", datetime(2026, 11, 20, 11), "Ana", "Bien", 1],
]


def workbook(path: Path, rows: list[list[Any]] | None = None, header: list[str] = HEADER) -> Any:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in ROWS if rows is None else rows:
        sheet.append(row)
    book.save(path)
    return book


def edit_sheet_xml(path: Path, edit: Any) -> None:
    """Rewrite the first sheet's XML as another program would have written it."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = edit(parts[name].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part, data in parts.items():
            target.writestr(part, data)


@pytest.mark.parametrize("dimension", ["A1", "A1:G2"])
def test_a_workbook_is_read_whatever_dimension_it_records(tmp_path: Path, dimension: str) -> None:
    path = tmp_path / "export.xlsx"
    workbook(path)
    edit_sheet_xml(path, lambda xml: re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"', xml))
    pages = read(connector(tmp_path, "export.xlsx"))
    assert rejected(pages) == []
    assert list(records(pages)) == ["p1", "c1", "c2"]


@pytest.mark.parametrize("dimension", ["A1", "A1:G2"])
def test_with_an_openpyxl_whose_internals_differ_a_workbook_is_read_through_its_public_api(
    tmp_path: Path, dimension: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The private sheet parser is a refinement (uncached formulas, merged cells): a release that moves
    it must not stop workbooks from being read."""
    import socialmon_connectors.file as file_module

    def moved(book: Any, sheet: Any) -> Any:
        raise ImportError("cannot import name 'WorkSheetParser'")

    monkeypatch.setattr(file_module, "_saved_values_parser", moved)
    path = tmp_path / "export.xlsx"
    workbook(path)
    edit_sheet_xml(path, lambda xml: re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"', xml))
    pages = read(connector(tmp_path, "export.xlsx"))
    assert rejected(pages) == []
    assert list(records(pages)) == ["p1", "c1", "c2"]


def test_a_formula_without_a_saved_value_rejects_its_row_naming_the_column(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    rows = [list(row) for row in ROWS]
    rows[1][5] = '=CONCATENATE("Muy ","rico")'
    rows[2][6] = "=2+3"
    workbook(path, rows, header=[*HEADER[:5], "Text", "like_count"])
    pages = read(connector(tmp_path, "export.xlsx"))
    assert rejected(pages) == [
        (
            "export.xlsx line 3",
            "Text: a formula without a saved value: open and save the file in Excel or LibreOffice",
        ),
        (
            "export.xlsx line 4",
            "like_count: a formula without a saved value: open and save the file in Excel or LibreOffice",
        ),
    ]
    assert list(records(pages)) == ["p1"]


def test_a_formula_whose_saved_value_is_empty_is_an_empty_cell(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    rows = [list(row) for row in ROWS[:2]]
    rows[1][5] = '=IF(1=1,"","x")'
    workbook(path, rows)
    # As Excel saves it: the formula and its value, an empty string.
    edit_sheet_xml(
        path,
        lambda xml: re.sub(
            r'<c r="F3"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>',
            r'<c r="F3" t="str"><f>\2</f><v></v></c>',
            xml,
        ),
    )
    pages = read(connector(tmp_path, "export.xlsx"))
    assert rejected(pages) == []
    assert records(pages)["c1"].text == ""


def test_an_empty_first_sheet_with_rows_on_another_fails_naming_the_sheets(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Portada"
    data = book.create_sheet("Datos")
    data.append(HEADER)
    data.append(ROWS[0])
    book.save(tmp_path / "export.xlsx")
    error = failure(connector(tmp_path, "export.xlsx"))
    assert error.args[0] == (
        "export.xlsx: its first sheet ('Portada') is empty; socialmon reads only the first sheet "
        "(this workbook has 2 sheets: 'Portada', 'Datos')"
    )


def test_numbers_in_text_columns_of_a_workbook_are_read_as_the_cells_show_them(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    workbook(path, [["comment", "c1", "p1", datetime(2026, 11, 20, 10), 2026.0, 10.0, 1]])
    pages = read(connector(tmp_path, "export.xlsx"))
    assert rejected(pages) == []
    found = records(pages)["c1"]
    assert (found.author_name, found.text) == ("2026", "10")


def test_a_boolean_id_is_rejected_naming_the_files_column(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    workbook(path, [ROWS[0], ["post", True, None, datetime(2026, 11, 20, 9), "x", "y", 1]])
    pages = read(connector(tmp_path, "export.xlsx"))
    assert rejected(pages) == [("export.xlsx line 3", "id: Input should be a valid string")]


def test_merged_cells_give_every_row_of_the_range_its_value(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(ROWS[0])
    for row in (
        ["comment", "c1", "p1", datetime(2026, 11, 20, 10), "a", "uno", 0],
        ["comment", "c2"],
        ["comment", "c3"],
    ):
        sheet.append(row)
    sheet.merge_cells("C3:C5")  # post_id, for the three comments
    sheet.merge_cells("D3:D5")
    book.save(path)
    pages = read(connector(tmp_path, "export.xlsx"))
    assert rejected(pages) == []
    found = records(pages)
    assert [(c.platform_id, c.post_id) for c in found.values() if isinstance(c, CommentRecord)] == [
        ("c1", "p1"),
        ("c2", "p1"),
        ("c3", "p1"),
    ]


def test_comments_without_a_post_and_replies_without_a_parent_are_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "export.csv").write_text(
        "type,id,post_id,parent_id,created_at,text\n"
        "post,p1,,,2026-11-20 09:00,pan\n"
        "comment,c1,,,2026-11-20 10:00,sin post\n"
        "reply,r1,p1,,2026-11-20 10:00,sin parent\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="socialmon.file"):
        pages = read(connector(tmp_path, "export.csv"))
    assert set(records(pages)) == {"p1", "c1", "r1"}
    assert caplog.messages == [
        "cafe/export: export.csv: comments or replies without a post_id (the first: c1) and replies "
        "without a parent_id (the first: r1): stored, but they belong to no post's thread; write the "
        "post's id in post_id and, for a reply, the answered comment's id in parent_id (a comment on "
        "the post itself is type comment)"
    ]


def test_serial_dates_of_a_1904_workbook_are_read_from_1904(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["post", "p1", None, to_excel(datetime(2026, 11, 20, 9), CALENDAR_MAC_1904), "a", "b", 1])
    sheet.cell(2, 4).number_format = "General"
    book.save(path)
    assert records(read(connector(tmp_path, "export.xlsx")))["p1"].created_at == datetime(
        2026, 11, 20, 9, tzinfo=UTC
    )


# --- 6. files that are not exports ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["exports", "exports/*.csv", "exports/*"])
def test_lock_files_and_macos_metadata_are_never_read(tmp_path: Path, path: str) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "export.csv").write_text("type,id,created_at\npost,p1,2026-11-20 09:00\n", encoding="utf-8")
    (folder / "._export.csv").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ")
    (folder / "~$export.xlsx").write_bytes(b"\x05Owner" + b"\x00" * 50)
    (folder / ".~lock.export.csv#").write_text(",Ana,PC,20.11.2026 09:00,file:///C:/Users;", encoding="utf-8")
    pages = read(connector(tmp_path, path, format="csv" if path.endswith("*") else "auto"))
    assert rejected(pages) == []
    assert list(records(pages)) == ["p1"]


# --- 10. Unix times in milliseconds -----------------------------------------------------------------


def test_unix_times_in_milliseconds_are_read_and_shown_as_written(tmp_path: Path) -> None:
    (tmp_path / "export.jsonl").write_text(
        "\n".join(
            json.dumps(row)
            for row in (
                {"type": "post", "id": "p1", "created_at": 1763658000123},  # pandas' to_json
                {"type": "post", "id": "p2", "created_at": "1763658000000"},
                {"type": "post", "id": "p3", "created_at": "99999999999999999"},
            )
        )
        + "\n",
        encoding="utf-8",
    )
    pages = read(connector(tmp_path, "export.jsonl"))
    found = records(pages)
    assert found["p1"].created_at == datetime(2025, 11, 20, 17, 0, 0, 123000, tzinfo=UTC)
    assert found["p2"].created_at == datetime(2025, 11, 20, 17, tzinfo=UTC)
    assert rejected(pages) == [
        ("export.jsonl line 3", "created_at: Unix time '99999999999999999' is out of range")
    ]


# --- 11. exports in another shape -------------------------------------------------------------------


def test_a_csv_without_the_header_names_the_columns_it_found(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text(
        "Post ID,Permalink,Publish time,Reactions,Comments,Shares,Reach,Impressions\n1,x,y,1,2,3,4,5\n",
        encoding="utf-8",
    )
    assert failure(connector(tmp_path, "export.csv")).args[0] == (
        "export.csv: the first line must be a header with at least 'type' and 'id' (Spanish and "
        "Portuguese names are read too: 'tipo', 'id'), separated by "
        "commas, semicolons or tabs; found 'Post ID', 'Permalink', 'Publish time', 'Reactions', "
        "'Comments', 'Shares', … (the README's \"The file format\" lists the columns)"
    )


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ('[{"type": "post", "id": "p1", "created_at": "2026-11-20T09:00:00Z"}]\n', "a JSON array"),
        ('[\n  {"type": "post", "id": "p1"}\n]\n', "a JSON array"),
        ('{\n  "reviews": []\n}\n', "a JSON object written over several lines"),
    ],
)
def test_one_json_document_given_as_json_lines_is_said_to_be_one(
    tmp_path: Path, text: str, what: str
) -> None:
    (tmp_path / "reviews.json").write_text(text, encoding="utf-8")
    error = failure(connector(tmp_path, "reviews.json", format="jsonl"))
    assert error.args[0] == (
        f"reviews.json: this is one JSON document ({what}), not JSON Lines: socialmon reads JSON with "
        "one record (a JSON object) per line"
    )


@pytest.mark.parametrize("first", ["[1, 2]", "[]", '["post", "p0"]'])
def test_a_first_line_that_is_an_array_of_no_records_is_one_bad_line_not_a_document(
    tmp_path: Path, first: str
) -> None:
    """JSON Lines whose first line is some other array: that line is rejected alone and the records
    after it are read, where the whole file was refused as "one JSON document"."""
    (tmp_path / "export.jsonl").write_text(
        first + '\n{"type": "post", "id": "p1", "created_at": "2026-11-20T09:00:00Z"}\n', encoding="utf-8"
    )
    pages = read(connector(tmp_path, "export.jsonl"))
    assert [r.platform_id for page in pages for r in page.posts] == ["p1"]
    assert [(r.location, r.reason) for page in pages for r in page.rejected] == [
        ("export.jsonl line 1", "not a JSON object")
    ]


# --- a formatted but empty first row; an openpyxl whose parser yields another shape -------------


def workbook_under_an_empty_bold_a1(path: Path, header: list[str] = HEADER, *others: str) -> None:
    """The header in row 2 under an empty but bold A1 (a cell the sheet's XML holds, with no value)."""
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Comentarios"
    sheet["A1"].font = Font(bold=True)
    sheet.append(header)
    for row in ROWS:
        sheet.append(row)
    for name in others:
        book.create_sheet(name).append(["otra hoja"])
    book.save(path)


@pytest.mark.parametrize("others", [(), ("Notas",)])
def test_empty_rows_above_the_header_are_skipped_even_when_formatted(
    tmp_path: Path, others: tuple[str, ...]
) -> None:
    workbook_under_an_empty_bold_a1(tmp_path / "export.xlsx", HEADER, *others)
    pages = read(connector(tmp_path, "export.xlsx"))
    assert rejected(pages) == []
    assert list(records(pages)) == ["p1", "c1", "c2"]
    assert cursor_of(pages)["files"]["export.xlsx"]["line"] == 5


def test_a_sheet_whose_first_row_with_a_value_is_no_header_fails_naming_that_row(tmp_path: Path) -> None:
    workbook_under_an_empty_bold_a1(tmp_path / "export.xlsx", ["Post ID", "Permalink"], "Notas")
    assert failure(connector(tmp_path, "export.xlsx")).args[0] == (
        "export.xlsx: row 2 of its first sheet ('Comentarios' of 2 sheets: 'Comentarios', 'Notas') "
        "(the rows above it are empty) must be a header with at least 'type' and 'id' (Spanish and "
        "Portuguese names are read too: 'tipo', 'id'); found "
        "'Post ID', 'Permalink' (the README's \"The file format\" lists the columns)"
    )


def test_a_first_sheet_with_formatted_empty_cells_only_is_empty(tmp_path: Path) -> None:
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    book.active.title = "Portada"
    book.active["B3"].font = Font(bold=True)
    book.create_sheet("Datos").append(HEADER)
    book.save(tmp_path / "export.xlsx")
    assert failure(connector(tmp_path, "export.xlsx")).args[0] == (
        "export.xlsx: its first sheet ('Portada') is empty; socialmon reads only the first sheet "
        "(this workbook has 2 sheets: 'Portada', 'Datos')"
    )


def reshaping_the_parsers_rows(monkeypatch: pytest.MonkeyPatch, reshape: Any) -> None:
    """socialmon's use of openpyxl's private sheet parser, with each row it yields reshaped (the
    public API, which uses the same parser, is left as it is)."""
    import socialmon_connectors.file as file_module

    saved_values_parser = file_module._saved_values_parser

    def reshaped(book: Any, sheet: Any) -> Any:
        parse, merged = saved_values_parser(book, sheet)
        return (lambda: (reshape(number, cells) for number, cells in parse())), merged

    monkeypatch.setattr(file_module, "_saved_values_parser", reshaped)


@pytest.mark.parametrize("dimension", ["A1", "A1:G4"])
def test_with_an_openpyxl_whose_parser_yields_cells_of_another_shape_the_public_api_reads_the_sheet(
    tmp_path: Path, dimension: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The private parser imports and sets up, but its cells are not what openpyxl 3.1 gives."""
    reshaping_the_parsers_rows(
        monkeypatch,
        lambda number, cells: (number, [{"col": cell["column"], "data": cell["value"]} for cell in cells]),
    )
    path = tmp_path / "export.xlsx"
    workbook(path)
    edit_sheet_xml(path, lambda xml: re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"', xml))
    pages = read(connector(tmp_path, "export.xlsx"))
    assert rejected(pages) == []
    assert list(records(pages)) == ["p1", "c1", "c2"]


def test_with_an_openpyxl_whose_parser_yields_rows_of_another_shape_the_public_api_reads_the_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shape that would fail only later, when rows are compared with the cursor (a row's number as
    its text), is not read as rows either."""
    reshaping_the_parsers_rows(monkeypatch, lambda number, cells: (str(number), cells))
    path = tmp_path / "export.xlsx"
    workbook(path)
    pages = read(connector(tmp_path, "export.xlsx"))
    assert rejected(pages) == []
    assert list(records(pages)) == ["p1", "c1", "c2"]
