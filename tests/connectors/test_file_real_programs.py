"""Exports as the programs SMEs use really write them, through the `file` connector (QA pass of
2026-12-05).

Each file is written here byte for byte as the program saves it:

- Excel for Windows, "CSV (delimitado por comas)" in Mexico, Spain and Brazil: the locale's list
  separator `;` (the decimal mark is a comma), Windows-1252, CRLF, `dd/mm/yyyy hh:mm` dates, `4,5`
  stars, `1.234` counts, a cell with a line break (Alt+Enter: a bare LF inside quotes) or a `;` in
  quotes, an empty row as `;;;;`, and the sheet's title rows above the header.
- Excel's "CSV UTF-8" (a UTF-8 BOM); Excel for Mac 2016's "CSV UTF-8" (a BOM and CR line ends).
- Excel's "Unicode Text" / "Texto Unicode": UTF-16LE with a BOM, tabs, CRLF, saved as `.txt`.
- LibreOffice Calc's CSV export defaults: UTF-8, `,`, `"` around a cell that needs it (`"4,5"`),
  the dates as the cells show them (`01/03/24 14:05` in a Spanish locale).
- Google Sheets' "Download → CSV": UTF-8 without a BOM, `,`, CRLF and no line end after the last row,
  dates as the sheet shows them.
- `.xlsx` workbooks as Excel saves them (made with openpyxl): date cells, dates typed as text, a date
  column turned to Text (the serial number as text), a title row merged across the columns above the
  header, trailing empty rows and columns, a second sheet.
- JSON exports: JSON Lines with a BOM, CRLF and a blank last line; a `.json` document (an array, an
  object wrapping the list, written by Python, JavaScript and Windows PowerShell).

Naive times are the brand's (its time zone, from the channel's context); `Z` and offsets are kept.
"""

from __future__ import annotations

import asyncio
import codecs
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from socialmon_connectors import ChannelContext, CommentRecord, Page, PostRecord, SourceError
from socialmon_connectors.file import FileConnector, FileSettings

MEXICO = "America/Mexico_City"  # UTC-6 all year since 2022
SAO_PAULO = "America/Sao_Paulo"  # UTC-3, no daylight saving since 2019
MADRID = "Europe/Madrid"  # UTC+1, UTC+2 from the last Sunday of March


def connector(folder: Path, path: str, zone: str = MEXICO, **options: Any) -> FileConnector:
    """The channel as a brand in `zone` configures it: no timezone of its own, the brand's."""
    return FileConnector(
        FileSettings(path=path, **options),
        ChannelContext(
            brand="panaderia", channel="export", account="Doña Inés", base_dir=folder, timezone=zone
        ),
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


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def review_rows(found: dict[str, PostRecord | CommentRecord]) -> list[tuple[Any, ...]]:
    return [
        (r.platform_id, r.author_name, r.text, r.created_at, getattr(r, "rating", None))
        for r in found.values()
    ]


# --- Excel for Windows, "CSV (delimitado por comas)" in Mexico and Brazil ----------------------------

# A Mexican bakery's sheet: Spanish column names, Spanish kinds, a reply, a review with half a star,
# a comment whose cell has a line break and a `;`, a count over a thousand, an empty row, and two
# rows missing a required value (the id; the date).
ES_MX_ROWS = [
    "Tipo;ID;ID publicación;Respuesta a;Fecha;Autor;Texto;Calificación;Me gusta",
    "Publicación;p1;;;01/03/2024 09:00;Panadería Doña Inés;¡Pan de elote recién horneado!;;1.234",
    'Comentario;c1;p1;;01/03/2024 14:05;José Núñez;"¿Tienen sin azúcar;\nsin gluten?";;3',
    "Respuesta;c2;p1;c1;01/03/2024 14:30;Panadería Doña Inés;Sí, los martes.;;0",
    "Reseña;r1;;;02/03/2024 10:15;Mónica Peña;Excelente atención, volveré;4,5;",
    ";;;;;;;;",
    "Comentario;;p1;;02/03/2024 11:00;Ana;Sin id;;",
    "Comentario;c3;p1;;;Ana;Sin fecha;;",
    "Comentario;c4;p1;;13/03/2024 08:00;Luis Ávila;¿A qué hora abren?;;",
]


def test_excel_es_mx_csv_is_read_whole_and_its_rows_without_an_id_or_a_date_are_reported(
    tmp_path: Path,
) -> None:
    (tmp_path / "comentarios.csv").write_bytes(("\r\n".join(ES_MX_ROWS) + "\r\n").encode("cp1252"))
    pages = read(connector(tmp_path, "comentarios.csv", business_authors=["Panadería Doña Inés"]))
    found = records(pages)
    assert list(found) == ["p1", "c1", "c2", "r1", "c4"]
    p1, c1, c2, r1, c4 = (found[key] for key in ("p1", "c1", "c2", "r1", "c4"))
    assert isinstance(p1, PostRecord) and (p1.like_count, p1.is_business) == (1234, True)
    assert p1.created_at == utc(2024, 3, 1, 15)  # 09:00 in Mexico City
    assert isinstance(c1, CommentRecord)
    assert (c1.text, c1.author_name, c1.post_id) == ("¿Tienen sin azúcar;\nsin gluten?", "José Núñez", "p1")
    assert c1.created_at == utc(2024, 3, 1, 20, 5)
    assert isinstance(c2, CommentRecord) and (c2.parent_id, c2.is_business) == ("c1", True)
    assert isinstance(r1, CommentRecord) and (r1.kind, r1.rating, r1.author_name) == (
        "review",
        4.5,
        "Mónica Peña",
    )
    assert c4.created_at == utc(2024, 3, 13, 14)  # 13/03: the 13th of March
    # The empty row costs nothing; each bad row is named by its line, the field, and skipped.
    assert rejected(pages) == [
        ("comentarios.csv line 8", "id: Field required"),
        ("comentarios.csv line 9", "created_at: Field required"),
    ]


PT_BR_ROWS = [
    "Tipo;ID;ID da publicação;Resposta a;Data;Autor;Texto;Nota;Curtidas;É da empresa",
    "Publicação;p1;;;01/03/2024 09:00;Padaria São João;Pão de queijo quentinho;;2.500;VERDADEIRO",
    'Comentário;c1;p1;;01/03/2024 14:05;Conceição;"Vocês abrem\ndomingo; feriado também?";;3;FALSO',
    "Resposta;c2;p1;c1;01/03/2024 15:00;Padaria São João;Sim, das 8h às 12h.;;;VERDADEIRO",
    "Avaliação;r1;;;02/03/2024 10:15;João Guimarães;Ótimo atendimento;4,5;;FALSO",
]


def test_excel_pt_br_csv_is_read_whole_in_the_brands_time_zone(tmp_path: Path) -> None:
    (tmp_path / "comentarios.csv").write_bytes(("\r\n".join(PT_BR_ROWS) + "\r\n").encode("cp1252"))
    pages = read(connector(tmp_path, "comentarios.csv", zone=SAO_PAULO))
    assert rejected(pages) == []
    found = records(pages)
    assert (found["p1"].author_name, found["p1"].like_count, found["p1"].is_business) == (
        "Padaria São João",
        2500,
        True,
    )
    assert found["c1"].text == "Vocês abrem\ndomingo; feriado também?"
    assert found["c1"].created_at == utc(2024, 3, 1, 17, 5)  # 14:05 in São Paulo
    assert (found["c2"].parent_id, found["c2"].is_business) == ("c1", True)
    assert review_rows({"r1": found["r1"]}) == [
        ("r1", "João Guimarães", "Ótimo atendimento", utc(2024, 3, 2, 13, 15), 4.5)
    ]


def test_excel_csv_of_a_sheet_with_title_rows_above_the_header_is_read(tmp_path: Path) -> None:
    """A sheet with a title (and a blank row under it) saved as CSV: Excel writes them as lines of
    one cell and empty separators above the header."""
    title = ["Reseñas de clientes — marzo 2024;;;;;;;;", ";;;;;;;;"]
    (tmp_path / "resenas.csv").write_bytes(("\r\n".join(title + ES_MX_ROWS[:5]) + "\r\n").encode("cp1252"))
    pages = read(connector(tmp_path, "resenas.csv"))
    assert rejected(pages) == []
    assert list(records(pages)) == ["p1", "c1", "c2", "r1"]
    assert records(pages)["r1"].created_at == utc(2024, 3, 2, 16, 15)


def test_a_header_cell_wrapped_over_two_lines_is_one_column_name(tmp_path: Path) -> None:
    """A long column title wrapped in its cell with Alt+Enter: Excel saves it in quotes, with an LF."""
    rows = [
        'Tipo;ID;"Fecha\nde creación";"Nombre del\nautor"',
        "Reseña;r1;01/03/2024 14:05;Ana",
        "Reseña;r2;;Luis",
    ]
    (tmp_path / "resenas.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    pages = read(connector(tmp_path, "resenas.csv"))
    assert [(r.author_name, r.created_at) for r in records(pages).values()] == [
        ("Ana", utc(2024, 3, 1, 20, 5))
    ]
    assert rejected(pages) == [("resenas.csv line 5", "created_at: Field required")]


def test_a_csv_whose_first_line_names_its_separator_for_excel_is_read(tmp_path: Path) -> None:
    """`sep=;`, the line that makes Excel split a CSV on `;` whatever its locale."""
    (tmp_path / "export.csv").write_bytes(
        ("sep=;\r\n" + "\r\n".join(ES_MX_ROWS[:3]) + "\r\n").encode("utf-8")
    )
    pages = read(connector(tmp_path, "export.csv"))
    assert rejected(pages) == []
    assert records(pages)["c1"].text == "¿Tienen sin azúcar;\nsin gluten?"


def test_rows_appended_under_a_header_found_below_a_title_are_read_with_it(tmp_path: Path) -> None:
    path = tmp_path / "resenas.csv"
    path.write_bytes(("Reseñas\r\n" + "\r\n".join(ES_MX_ROWS[:2]) + "\r\n").encode("utf-8"))
    source = connector(tmp_path, "resenas.csv")
    first = read(source)
    assert list(records(first)) == ["p1"]
    with path.open("ab") as handle:
        handle.write(ES_MX_ROWS[4].encode("utf-8") + b"\r\n")
    again = read(source, first[-1].cursor)
    assert list(records(again)) == ["r1"] and rejected(again) == []


def test_a_csv_with_no_header_in_its_first_lines_still_names_what_it_found(tmp_path: Path) -> None:
    (tmp_path / "export.csv").write_text("Reseñas\nfecha,texto\n2024-03-01,hola\n", encoding="utf-8")
    error = failure(connector(tmp_path, "export.csv"))
    assert "export.csv: the first line must be a header with at least 'type' and 'id'" in error.args[0]
    assert "'Reseñas'" in error.args[0]


# --- Excel's "CSV UTF-8", Excel for Mac, "Unicode Text" ------------------------------------------------

ES_ES_ROWS = [
    "tipo;id;fecha;autor;texto;valoración",
    "reseña;r1;01/03/2024 14:05;Íñigo;Muy rico el roscón 🍰;5",
    'reseña;r2;15/04/2024 14:05;Begoña;"Bien;\nalgo caro";3,5',
]


def test_excel_csv_utf8_with_its_bom_is_read_in_the_brands_zone_across_daylight_saving(
    tmp_path: Path,
) -> None:
    (tmp_path / "resenas.csv").write_bytes(codecs.BOM_UTF8 + ("\r\n".join(ES_ES_ROWS) + "\r\n").encode())
    pages = read(connector(tmp_path, "resenas.csv", zone=MADRID))
    assert review_rows(records(pages)) == [
        ("r1", "Íñigo", "Muy rico el roscón 🍰", utc(2024, 3, 1, 13, 5), 5.0),  # CET
        ("r2", "Begoña", "Bien;\nalgo caro", utc(2024, 4, 15, 12, 5), 3.5),  # CEST
    ]


def test_excel_for_mac_csv_utf8_with_a_bom_and_cr_line_ends_is_read(tmp_path: Path) -> None:
    (tmp_path / "resenas.csv").write_bytes(codecs.BOM_UTF8 + ("\r".join(ES_ES_ROWS) + "\r").encode())
    pages = read(connector(tmp_path, "resenas.csv", zone=MADRID))
    assert rejected(pages) == []
    assert [r.text for r in records(pages).values()] == ["Muy rico el roscón 🍰", "Bien;\nalgo caro"]


def unicode_text(rows: list[list[str]]) -> bytes:
    """Excel's "Unicode Text": UTF-16LE after its BOM, tab-separated, CRLF."""
    return codecs.BOM_UTF16_LE + ("\r\n".join("\t".join(row) for row in rows) + "\r\n").encode("utf-16-le")


def test_excel_unicode_text_saved_as_txt_is_read_when_the_channel_names_it(tmp_path: Path) -> None:
    rows = [
        ["tipo", "id", "fecha", "autor", "texto", "valoración"],
        ["reseña", "r1", "01/03/2024 14:05", "Íñigo", "Muy rico el roscón 🍰", "5"],
        ["reseña", "r2", "15/04/2024 14:05", "Begoña", "Bien; algo caro", "3,5"],
    ]
    (tmp_path / "resenas.txt").write_bytes(unicode_text(rows))
    pages = read(connector(tmp_path, "resenas.txt", zone=MADRID))
    assert rejected(pages) == []
    assert review_rows(records(pages)) == [
        ("r1", "Íñigo", "Muy rico el roscón 🍰", utc(2024, 3, 1, 13, 5), 5.0),
        ("r2", "Begoña", "Bien; algo caro", utc(2024, 4, 15, 12, 5), 3.5),
    ]
    # Through a glob too; a folder's .txt files are not taken for exports (WhatsApp chats, notes).
    assert list(records(read(connector(tmp_path, "*.txt", zone=MADRID)))) == ["r1", "r2"]


def test_a_txt_file_that_is_no_table_asks_for_its_format(tmp_path: Path) -> None:
    (tmp_path / "notas.txt").write_text("Llamar al proveedor el lunes\n", encoding="utf-8")
    error = failure(connector(tmp_path, "notas.txt"))
    assert error.args[0].startswith("cannot tell the format of notas.txt; set format =")


def test_excel_tab_delimited_text_in_windows_1252_saved_as_txt_is_read(tmp_path: Path) -> None:
    rows = ["Tipo\tID\tFecha\tTexto", "Reseña\tr1\t01/03/2024 14:05\t¡Qué pan tan rico!"]
    (tmp_path / "resenas.txt").write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    pages = read(connector(tmp_path, "resenas.txt"))
    assert [(r.text, r.created_at) for r in records(pages).values()] == [
        ("¡Qué pan tan rico!", utc(2024, 3, 1, 20, 5))
    ]


# --- LibreOffice Calc and Google Sheets ------------------------------------------------------------


def test_libreoffice_calc_csv_export_defaults_are_read(tmp_path: Path) -> None:
    """UTF-8, `,`, LF; a cell holding the separator (`4,5`, a comma in a text) in quotes; the
    dates as a Spanish locale shows them, with a two-digit year."""
    rows = [
        "Tipo,ID,Fecha,Autor,Texto,Calificación",
        'Reseña,r1,01/03/24 14:05,Mónica,"Muy bien, gracias","4,5"',
        "Reseña,r2,13/03/24 09:00,Luis,Mal servicio,1",
    ]
    (tmp_path / "resenas.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    pages = read(connector(tmp_path, "resenas.csv"))
    assert review_rows(records(pages)) == [
        ("r1", "Mónica", "Muy bien, gracias", utc(2024, 3, 1, 20, 5), 4.5),
        ("r2", "Luis", "Mal servicio", utc(2024, 3, 13, 15), 1.0),
    ]


@pytest.mark.parametrize(
    ("header", "first", "second"),
    [
        # A sheet in English (United States) showing ISO-like dates.
        (
            "type,id,post_id,created_at,author_name,text,rating,like_count",
            'post,p1,,2024-03-01 09:00:00,Bakery,Fresh bread,,"1,234"',
            'comment,c1,p1,2024-03-01 14:05:00,José,"Hi,\nare you open?",,3',
        ),
        # A sheet in Spanish (Mexico): d/m/yyyy H:mm:ss, Spanish names.
        (
            "tipo,id,id publicación,fecha,autor,texto,calificación,me gusta",
            'publicación,p1,,1/3/2024 9:00:00,Bakery,Fresh bread,,"1.234"',
            'comentario,c1,p1,1/3/2024 14:05:00,José,"Hi,\nare you open?",,3',
        ),
    ],
)
def test_google_sheets_csv_download_is_read_and_its_unterminated_last_row_not_lost(
    tmp_path: Path, header: str, first: str, second: str
) -> None:
    path = tmp_path / "sheet.csv"
    path.write_bytes("\r\n".join([header, first, second]).encode())  # no line end after the last row
    source = connector(tmp_path, "sheet.csv")
    pages = read(source)
    assert rejected(pages) == []
    found = records(pages)
    assert (found["p1"].like_count, found["p1"].created_at) == (1234, utc(2024, 3, 1, 15))
    assert (found["c1"].text, found["c1"].created_at) == ("Hi,\nare you open?", utc(2024, 3, 1, 20, 5))
    # Downloaded again with one more row: the new row is read, nothing is lost.
    path.write_bytes("\r\n".join([header, first, second, second.replace("c1", "c2")]).encode())
    again = records(read(source, pages[-1].cursor))
    assert "c2" in again and "p1" not in again


# --- headers as people type them; empty rows and columns --------------------------------------------


def test_headers_with_spaces_case_accents_and_trailing_empty_columns_are_read(tmp_path: Path) -> None:
    rows = [
        "TIPO ;Id ; FECHA  ;AUTOR\u00a0;Texto;CALIFICACION;;",
        "reseña;r1;01/03/2024 14:05;Ana;bien;5;;",
        ";;;;;;;",
        "   ;  ;;;;;;",
        "reseña;r2;2024-03-01T14:05:00Z;Ana;en UTC;4;;",
        "reseña;r3;2024-03-01 14:05:00-03:00;Ana;con su desfase;4;;",
        "reseña;r4;01/03/2024 02:05 p.\u00a0m.;Ana;a. m./p. m. de Windows en español;4;;",
    ]
    (tmp_path / "resenas.csv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    pages = read(connector(tmp_path, "resenas.csv"))
    assert rejected(pages) == []
    assert {key: r.created_at for key, r in records(pages).items()} == {
        "r1": utc(2024, 3, 1, 20, 5),  # naive: Mexico City
        "r2": utc(2024, 3, 1, 14, 5),  # Z kept
        "r3": utc(2024, 3, 1, 17, 5),  # its offset kept
        "r4": utc(2024, 3, 1, 20, 5),
    }


# --- .xlsx workbooks as Excel saves them -------------------------------------------------------------

openpyxl = pytest.importorskip("openpyxl")


def spanish_workbook(path: Path, *, title: bool) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Reseñas"
    if title:
        sheet["A1"] = "Reseñas de clientes — marzo 2024"
        sheet.merge_cells("A1:F1")
        sheet.append([])
    sheet.append(["Tipo", "ID ", "Fecha", "Autor", "Texto", "Calificación"])
    sheet.append(["Reseña", "r1", datetime(2024, 3, 1, 14, 5), "Mónica", "Excelente", 4.5])
    sheet.append(["Reseña", "r2", "02/03/2024 10:15", "Luis", "Bien", "4,5"])  # a date typed as text
    # The date column turned to Text after the fact: the cells keep the serial number, as text.
    sheet.append(["Reseña", "r3", "45352.5868055556", "Ana", "Serial con punto", 5])
    sheet.append(["Reseña", "r4", "45352,5868055556", "Ana", "Serial con coma", 5])
    sheet.append(["Reseña", "r5", 45352.5868055556, "Ana", "Serial como número", 5])
    sheet.append([None] * 6)
    sheet.append(["Reseña", None, datetime(2024, 3, 1, 14, 5), "Sin id", "Falta el id", 3])
    sheet.append(["Reseña", "r6", "13/03/2024 08:00", 12345, 10, 4])  # numbers in text columns
    for row in range(30, 40):  # trailing rows and columns formatted but empty
        sheet.cell(row=row, column=9).value = None
        sheet.cell(row=row, column=9).number_format = "0.00"
    sheet.cell(row=35, column=12).value = " "
    book.create_sheet("Notas").append(["Solo notas del equipo"])
    book.save(path)


@pytest.mark.parametrize("title", [False, True])
def test_an_excel_workbook_is_read_with_its_dates_in_every_form_excel_keeps_them(
    tmp_path: Path, title: bool
) -> None:
    spanish_workbook(tmp_path / "resenas.xlsx", title=title)
    pages = read(connector(tmp_path, "resenas.xlsx"))
    found = records(pages)
    at = utc(2024, 3, 1, 20, 5)  # 14:05 in Mexico City
    assert review_rows(found) == [
        ("r1", "Mónica", "Excelente", at, 4.5),
        ("r2", "Luis", "Bien", utc(2024, 3, 2, 16, 15), 4.5),
        ("r3", "Ana", "Serial con punto", at, 5.0),
        ("r4", "Ana", "Serial con coma", at, 5.0),
        ("r5", "Ana", "Serial como número", at, 5.0),
        ("r6", "12345", "10", utc(2024, 3, 13, 14), 4.0),
    ]
    offset = 2 if title else 0
    assert rejected(pages) == [(f"resenas.xlsx line {8 + offset}", "id: Field required")]


def test_a_workbook_whose_title_rows_hide_no_header_names_its_first_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Reseñas de clientes"])
    book.active.append(["fecha", "texto"])
    book.save(tmp_path / "resenas.xlsx")
    error = failure(connector(tmp_path, "resenas.xlsx"))
    assert error.args[0].startswith("resenas.xlsx: the first row of its first sheet must be a header")
    assert "'Reseñas de clientes'" in error.args[0]


def test_a_number_typed_in_a_workbooks_date_column_far_past_serials_is_still_unix_seconds(
    tmp_path: Path,
) -> None:
    book = openpyxl.Workbook()
    book.active.append(["type", "id", "created_at"])
    book.active.append(["post", "p1", "1709323500"])
    book.save(tmp_path / "posts.xlsx")
    assert records(read(connector(tmp_path, "posts.xlsx")))["p1"].created_at == utc(2024, 3, 1, 20, 5)


# --- JSON exports --------------------------------------------------------------------------------

JSON_RECORDS = [
    {
        "type": "post",
        "id": "p1",
        "created_at": "2024-03-01T09:00:00",
        "text": "Pan de elote",
        "author_name": "Inés",
    },
    {
        "type": "comment",
        "id": "c1",
        "post_id": "p1",
        "created_at": "2024-03-01T14:05:00Z",
        "text": "¡Qué rico!",
    },
    {"type": "review", "id": "r1", "created_at": "2024-03-02T10:15:00-03:00", "rating": 4.5, "text": "Bien"},
]


def assert_json_records(pages: list[Page]) -> None:
    assert rejected(pages) == []
    found = records(pages)
    assert {key: r.created_at for key, r in found.items()} == {
        "p1": utc(2024, 3, 1, 15),  # naive: the brand's zone
        "c1": utc(2024, 3, 1, 14, 5),  # Z
        "r1": utc(2024, 3, 2, 13, 15),  # its offset
    }
    assert (found["c1"].text, found["r1"].rating, found["p1"].author_name) == ("¡Qué rico!", 4.5, "Inés")


@pytest.mark.parametrize("name", ["export.jsonl", "export.ndjson"])
def test_json_lines_with_a_bom_crlf_and_a_blank_last_line_are_read(tmp_path: Path, name: str) -> None:
    lines = [json.dumps(record, ensure_ascii=False) for record in JSON_RECORDS]
    (tmp_path / name).write_bytes(codecs.BOM_UTF8 + ("\r\n".join(lines) + "\r\n\r\n").encode())
    assert_json_records(read(connector(tmp_path, name)))


def test_json_lines_from_windows_powershell_in_utf16_are_read_and_appended_lines_too(tmp_path: Path) -> None:
    """`$records | ForEach-Object { $_ | ConvertTo-Json -Compress } | Out-File export.jsonl` in Windows
    PowerShell 5.1: UTF-16LE with a BOM, CRLF."""
    lines = [json.dumps(record, ensure_ascii=False) for record in JSON_RECORDS]
    path = tmp_path / "export.jsonl"
    path.write_bytes(codecs.BOM_UTF16_LE + ("\r\n".join(lines[:2]) + "\r\n").encode("utf-16-le"))
    source = connector(tmp_path, "export.jsonl")
    first = read(source)
    assert list(records(first)) == ["p1", "c1"] and rejected(first) == []
    with path.open("ab") as handle:  # `Out-File -Append`
        handle.write((lines[2] + "\r\n").encode("utf-16-le"))
    again = read(source, first[-1].cursor)
    assert list(records(again)) == ["r1"] and rejected(again) == []


def python_json(value: Any) -> bytes:
    return json.dumps(value, indent=2, ensure_ascii=False).encode()


def javascript_json(value: Any) -> bytes:
    """`JSON.stringify(value, null, 2)` written by Node with a BOM (as Windows tools add)."""
    return codecs.BOM_UTF8 + json.dumps(value, indent=2, ensure_ascii=False, separators=(",", ": ")).encode()


def powershell_json(value: Any) -> bytes:
    """Windows PowerShell 5.1's `ConvertTo-Json | Out-File`: UTF-16LE with a BOM, CRLF, four spaces."""
    text = json.dumps(value, indent=4, ensure_ascii=False).replace("\n", "\r\n")
    return codecs.BOM_UTF16_LE + (text + "\r\n").encode("utf-16-le")


@pytest.mark.parametrize(
    "document",
    [
        python_json(JSON_RECORDS),
        javascript_json(JSON_RECORDS),
        python_json({"data": JSON_RECORDS, "paging": {"next": None}, "count": 3}),
        javascript_json({"exported_at": "2024-03-05", "comments": JSON_RECORDS}),
        python_json({"type": "export", "version": 2, "records": JSON_RECORDS[:1], "more": JSON_RECORDS[1:]}),
        powershell_json(JSON_RECORDS),
        json.dumps(JSON_RECORDS).encode(),  # compact, one line
        b"\n".join(json.dumps(record).encode() for record in JSON_RECORDS) + b"\n",  # JSON Lines in a .json
    ],
    ids=[
        "array",
        "array-bom",
        "object-data",
        "object-comments",
        "two-lists",
        "powershell-utf16",
        "compact",
        "lines",
    ],
)
def test_a_json_document_is_read_as_its_records(tmp_path: Path, document: bytes) -> None:
    (tmp_path / "export.json").write_bytes(document)
    source = connector(tmp_path, "export.json")
    pages = read(source)
    assert_json_records(pages)
    assert records(read(source, pages[-1].cursor)) == {}  # unchanged: nothing read again


def test_a_json_document_rewritten_with_one_more_record_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(python_json({"data": JSON_RECORDS[:2]}))
    source = connector(tmp_path, "export.json")
    first = read(source)
    path.write_bytes(python_json({"data": JSON_RECORDS}))
    assert "r1" in records(read(source, first[-1].cursor))


def test_a_bad_record_of_a_json_document_is_reported_by_its_line_and_the_rest_kept(tmp_path: Path) -> None:
    document = [
        JSON_RECORDS[0],
        {"type": "comment", "post_id": "p1", "text": "sin id ni fecha"},
        JSON_RECORDS[2],
    ]
    (tmp_path / "export.json").write_bytes(python_json({"data": document}))
    pages = read(connector(tmp_path, "export.json"))
    assert list(records(pages)) == ["p1", "r1"]
    [(location, reason)] = rejected(pages)
    assert location == "export.json line 10"  # where the record opens
    assert reason.startswith("id: Field required")


@pytest.mark.parametrize(
    ("document", "said"),
    [
        (b'{"data": [1, 2], "total": 2}', "no list of records"),
        (b"[1, 2]", "no list of records"),
        (b'"hola"', "no list of records"),
        (b'{"type": "post", "id": "p1"', "not valid JSON"),
    ],
)
def test_a_json_document_without_records_fails_naming_the_file(
    tmp_path: Path, document: bytes, said: str
) -> None:
    (tmp_path / "export.json").write_bytes(document)
    error = failure(connector(tmp_path, "export.json"))
    assert error.args[0].startswith(f"export.json: {said}")


@pytest.mark.parametrize("document", [b"", b"  \r\n", b"[]", b"{}", b'{"data": [], "count": 0}'])
def test_an_empty_json_export_holds_no_records_and_fails_nothing(tmp_path: Path, document: bytes) -> None:
    (tmp_path / "export.json").write_bytes(document)
    pages = read(connector(tmp_path, "export.json"))
    assert records(pages) == {} and rejected(pages) == []


def test_one_record_pretty_printed_as_a_json_document_is_read(tmp_path: Path) -> None:
    (tmp_path / "export.json").write_bytes(python_json(JSON_RECORDS[0]))
    assert list(records(read(connector(tmp_path, "export.json")))) == ["p1"]


# --- .ods, LibreOffice Calc's own format ---------------------------------------------------------

ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
    'office:version="1.3"'
)


def ods_cell(value: Any, shown: str | None = None) -> str:
    """A cell as LibreOffice writes it: its value in attributes, the text it shows in `text:p`."""
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        word = "true" if value else "false"
        return (
            f'<table:table-cell office:value-type="boolean" office:boolean-value="{word}" '
            f'calcext:value-type="boolean"><text:p>{shown or word.upper()}</text:p></table:table-cell>'
        )
    if isinstance(value, datetime):
        return (
            f'<table:table-cell table:style-name="ce1" office:value-type="date" '
            f'office:date-value="{value.isoformat()}" calcext:value-type="date">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}" calcext:value-type="float">'
            f"<text:p>{shown or value}</text:p></table:table-cell>"
        )
    paragraphs = "".join(f"<text:p>{line}</text:p>" for line in value.split("\n"))
    return f'<table:table-cell office:value-type="string" calcext:value-type="string">{paragraphs}</table:table-cell>'


def ods_row(*cells: str) -> str:
    return f'<table:table-row table:style-name="ro1">{"".join(cells)}<table:table-cell table:number-columns-repeated="1018"/></table:table-row>'


def ods_file(path: Path, rows: list[str], *, second_sheet: bool = True) -> None:
    import zipfile

    tables = (
        '<table:table table:name="Reseñas" table:style-name="ta1">'
        '<table:table-column table:style-name="co1" table:number-columns-repeated="6" '
        'table:default-cell-style-name="Default"/>'
        + "".join(rows)
        + '<table:table-row table:style-name="ro1" table:number-rows-repeated="1048560">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table>"
    )
    if second_sheet:
        tables += (
            '<table:table table:name="Notas"><table:table-row>'
            + ods_cell("Notas del equipo")
            + "</table:table-row></table:table>"
        )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<office:document-content {ODS_NAMESPACES}><office:body><office:spreadsheet>"
        f"{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")  # first, stored
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"/>',
        )


LIBREOFFICE_ROWS = [
    # A title merged across the six columns, then an empty row, then the header.
    '<table:table-row table:style-name="ro1"><table:table-cell table:number-columns-spanned="6" '
    'table:number-rows-spanned="1" office:value-type="string" calcext:value-type="string">'
    "<text:p>Reseñas de clientes — marzo 2024</text:p></table:table-cell>"
    '<table:covered-table-cell table:number-columns-repeated="5"/>'
    '<table:table-cell table:number-columns-repeated="1018"/></table:table-row>',
    '<table:table-row table:style-name="ro1"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>',
    ods_row(*(ods_cell(name) for name in ["Tipo", "ID", "Fecha", "Autor", "Texto", "Calificación", "Me gusta", "Es de la empresa"])),
    ods_row(  # "Reseña" merged down over this row and the next one
        ods_cell("Reseña").replace("<table:table-cell ", '<table:table-cell table:number-rows-spanned="2" ', 1),
        ods_cell("r1"), ods_cell(datetime(2024, 3, 1, 14, 5), "01/03/24 14:05"),
        ods_cell("Mónica"), ods_cell("Muy buena atención,\nvolveré pronto"), ods_cell(4.5, "4,5"),
        ods_cell(1234, "1.234"), ods_cell(False),
    ),
    ods_row(
        "<table:covered-table-cell/>", ods_cell("r2"), ods_cell("02/03/2024 10:15"), ods_cell(12345),
        '<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>Bien'
        '<text:s text:c="2"/>y <text:span text:style-name="T1">rápido</text:span></text:p></table:table-cell>',
        ods_cell(4.0, "4"), ods_cell(None), ods_cell(None),
    ),
    '<table:table-row table:style-name="ro1" table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>',
    ods_row(ods_cell("Reseña"), ods_cell(None), ods_cell(datetime(2024, 3, 3, 9, 0), "03/03/24 09:00"), ods_cell("Sin id")),
    ods_row(ods_cell("Reseña"), ods_cell("r3"), ods_cell(45354.375, "45354,375"), ods_cell("Ana"), ods_cell("Fecha sin formato"), ods_cell(5)),
]  # fmt: skip


def test_a_libreoffice_ods_workbook_is_read_as_its_cells_show(tmp_path: Path) -> None:
    ods_file(tmp_path / "resenas.ods", LIBREOFFICE_ROWS)
    source = connector(tmp_path, "resenas.ods")
    pages = read(source)
    found = records(pages)
    assert review_rows(found) == [
        ("r1", "Mónica", "Muy buena atención,\nvolveré pronto", utc(2024, 3, 1, 20, 5), 4.5),
        ("r2", "12345", "Bien  y rápido", utc(2024, 3, 2, 16, 15), 4.0),
        ("r3", "Ana", "Fecha sin formato", utc(2024, 3, 3, 15), 5.0),
    ]
    assert (found["r1"].like_count, found["r1"].is_business) == (1234, False)
    # LibreOffice's row numbers: the title 1, the empty row 2, the header 3, two empty rows 6 and 7.
    assert rejected(pages) == [("resenas.ods line 8", "id: Field required")]
    assert records(read(source, pages[-1].cursor)) == {}  # unchanged: nothing read again
    # In a folder, beside a CSV.
    (tmp_path / "mas.csv").write_text("type,id,created_at\npost,p1,2024-03-01 09:00\n", encoding="utf-8")
    assert sorted(records(read(connector(tmp_path, ".")))) == ["p1", "r1", "r2", "r3"]


def test_an_ods_whose_first_sheet_is_empty_fails_naming_its_sheets(tmp_path: Path) -> None:
    ods_file(tmp_path / "resenas.ods", [])
    error = failure(connector(tmp_path, "resenas.ods"))
    assert error.args[0] == (
        "resenas.ods: its first sheet ('Reseñas') is empty; socialmon reads only the first sheet (this "
        "workbook has 2 sheets: 'Reseñas', 'Notas')"
    )


def test_a_file_named_ods_that_is_no_workbook_fails_saying_so(tmp_path: Path) -> None:
    (tmp_path / "resenas.ods").write_text("type,id\n", encoding="utf-8")
    error = failure(connector(tmp_path, "resenas.ods"))
    assert error.args[0].startswith("resenas.ods: not a readable .ods workbook (BadZipFile")


def test_a_year_typed_as_text_in_a_workbooks_date_column_is_no_serial_date(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["type", "id", "created_at"])
    book.active.append(["post", "p1", "2026"])
    book.active.append(["post", "p2", "46000"])  # a serial date: 2025-12-09
    book.save(tmp_path / "posts.xlsx")
    pages = read(connector(tmp_path, "posts.xlsx"))
    assert records(pages)["p2"].created_at == utc(2025, 12, 9, 6)
    assert [location for location, _ in rejected(pages)] == ["posts.xlsx line 2"]


def test_an_ods_cell_whose_value_attribute_is_broken_rejects_its_row_not_the_file(tmp_path: Path) -> None:
    rows = [
        ods_row(*(ods_cell(name) for name in ["type", "id", "created_at", "like_count"])),
        ods_row(ods_cell("post"), ods_cell("p1"), ods_cell(datetime(2024, 3, 1, 9), "01/03/24 09:00"), ods_cell(3)),
        ods_row(
            ods_cell("post"), ods_cell("p2"),
            '<table:table-cell office:value-type="date" office:date-value="mañana"><text:p>mañana</text:p></table:table-cell>',
            '<table:table-cell office:value-type="float"><text:p>muchos</text:p></table:table-cell>',
        ),
    ]  # fmt: skip
    ods_file(tmp_path / "posts.ods", rows, second_sheet=False)
    pages = read(connector(tmp_path, "posts.ods"))
    assert list(records(pages)) == ["p1"]
    [(location, reason)] = rejected(pages)
    assert location == "posts.ods line 3" and reason.startswith("created_at: 'mañana' is not a date")


# --- through a scan --------------------------------------------------------------------------------


def test_a_scan_of_an_excel_csv_with_bad_rows_stores_the_rest_and_counts_the_skipped(tmp_path: Path) -> None:
    from socialmon.config import BrandConfig, ChannelConfig, ResolvedChannel
    from socialmon.database import open_database
    from socialmon.scan import run_scan
    from socialmon.sentiment import get_scorer
    from socialmon.storage import Store

    (tmp_path / "comentarios.csv").write_bytes(("\r\n".join(ES_MX_ROWS) + "\r\n").encode("cp1252"))
    resolved = ResolvedChannel(
        brand=BrandConfig(name="Panadería Doña Inés", slug="panaderia", timezone=MEXICO),
        channel=ChannelConfig(name="export", platform="file", account="Doña Inés"),
        connector_class=FileConnector,
        settings=FileSettings(path="comentarios.csv"),
        context=ChannelContext(
            brand="panaderia", channel="export", account="Doña Inés", base_dir=tmp_path, timezone=MEXICO
        ),
    )
    database = open_database(f"sqlite:///{tmp_path / 'test.db'}")
    try:
        store = Store(database, get_scorer("vader"))
        [outcome] = asyncio.run(run_scan([resolved], store, concurrency=1, scoring_workers=0))
        assert outcome.status != "failed"  # (whether skipped rows make it "partial" is the scan's to say)
        result = outcome.result
        assert (result.new_posts, result.new_comments, result.rejected) == (1, 4, 2)
    finally:
        database.dispose()
