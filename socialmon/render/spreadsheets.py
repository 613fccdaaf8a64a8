"""The report's tables for a spreadsheet: one CSV per table (a folder or a zip), or one xlsx.

`render_csv` (socialmon/render/csv.py) writes every table into one file with raw values; these
files are for a person opening them in Excel or LibreOffice in the brand's locale:

- one file (or sheet) per table, named `<brand>-<table>.csv` (`cafe-response_by_channel.csv`),
  a table without rows too (its heading row alone), so the same files come every week;
- headings in the report language, with the unit of a column: "Mediana (min)", "Tasa de
  respuesta (%)", whatever the window's values (none at all too);
- dates and times in the brand's time zone: "2026-10-01 09:15" (a period: its first day);
- numbers with the locale's decimal separator and no thousands separator; where the decimal
  separator is a comma (es_EC, es_ES) the delimiter is `;`, as Excel expects in those locales;
- UTF-8 with a byte-order mark, so Excel reads accents and emoji;
- a text cell that a spreadsheet would run as a formula is prefixed with `'` (see `safe_cell`).

The xlsx (`openpyxl`, the `spreadsheets` extra) has one sheet per table, named in short (Excel
allows 31 characters: "Publicaciones negativas", "cafe Respuesta por canal"), with the
table's full title in its first row and the headings in the second; numbers as numbers,
shares as percentages, minutes as numbers under "(min)", and dates and times as date cells
in the brand's time zone; a text starting with = + - @ is stored as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from socialmon.render.csv import kept_columns, safe_cell
from socialmon.render.i18n import STRINGS, Lang
from socialmon.render.tables import Cell, TableData, column_kind

BOM = "\ufeff"
UNITS = {"minutes": "min", "share": "%"}


def decimal_separator(lang: Lang) -> str:
    return str(lang.locale.number_symbols.get("latn", {}).get("decimal", "."))


def delimiter(lang: Lang) -> str:
    """`;` where the decimal separator is a comma (as Excel in es locales expects), else `,`."""
    return ";" if decimal_separator(lang) == "," else ","


def heading(table: TableData, index: int) -> str:
    """The column's heading with its unit: "Mediana (min)", "Tasa de respuesta (%)". Told by what
    the column holds, never by whether this window gave it a value: a brand with no answer yet gets
    "Mediana (min)" too, and a consultant's query over last week's file still finds its column."""
    unit = UNITS.get(column_kind(table, index))
    name = table.columns[index]
    return f"{name} ({unit})" if unit and f"({unit})" not in name else name


def _local(value: str, lang: Lang) -> datetime:
    return datetime.fromisoformat(value).astimezone(lang.zone)


def _text_of(cell: Cell) -> str:
    """A text cell: the whole text (the tables shorten long ones with "…"), or its localized word."""
    if isinstance(cell.value, str) and cell.text.endswith("…") and cell.value != cell.text:
        return cell.value
    return cell.text


def _number(value: float, digits: int, separator: str) -> str:
    text = f"{value:.{digits}f}"
    if digits:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", separator) if text not in ("-0",) else "0"


def csv_value(cell: Cell, lang: Lang) -> str:
    """A cell as a spreadsheet in the brand's locale reads it."""
    if cell.value is None:
        return ""
    separator = decimal_separator(lang)
    if cell.kind == "minutes":
        return _number(float(cell.value), 1, separator)
    if cell.kind == "share":
        return _number(float(cell.value) * 100, 1, separator)
    if cell.kind == "number":
        return _number(float(cell.value), 2, separator)
    if cell.kind == "datetime":
        return _local(str(cell.value), lang).strftime("%Y-%m-%d %H:%M")
    if cell.kind == "date":
        return str(cell.value)
    return str(safe_cell(_text_of(cell)))


def file_name(brand: str, table: TableData) -> str:
    return f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', brand)}-{table.key}.csv"


def table_csv(table: TableData, lang: Lang) -> str:
    """One table as a CSV file's text, BOM first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter(lang), lineterminator="\r\n")
    keep = kept_columns(table)
    writer.writerow([safe_cell(heading(table, i)) for i in keep])
    for row in table.rows:
        writer.writerow([csv_value(row[i], lang) for i in keep])
    return BOM + buffer.getvalue()


def csv_files(sections: Iterable[tuple[str, Lang, list[TableData]]]) -> list[tuple[str, str]]:
    """(file name, text) of every table of every brand: `sections` are (brand slug, its Lang, tables).

    A table without rows (nobody waiting, no post in the window) is a file too, its heading row
    alone: a folder whose files come and go week to week breaks the query or pivot built on it."""
    return [
        (file_name(brand, table), table_csv(table, lang))
        for brand, lang, tables in sections
        for table in tables
    ]


def write_csv_folder(files: list[tuple[str, str]], folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    for name, text in files:
        (folder / name).write_bytes(text.encode("utf-8"))


def csv_zip(files: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files:
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(table: TableData, lang: Lang) -> str:
    """The table's short name in the report language ("sheet_<key>" in `render.i18n`: short enough for
    Excel's 31 characters with a brand's slug in front; the full title is the sheet's first row), or
    its title for a table without one."""
    key = f"sheet_{table.key}"
    return lang(key) if key in STRINGS else table.title


def _with_brand(brand: str, name: str) -> str:
    """ "cafe Respuesta por canal": a long slug is cut ("panade… Publicaciones negativas"), not the name."""
    room = 31 - len(name) - 1
    if len(brand) > room:
        brand = brand[: max(room - 1, 1)] + "…"
    return f"{brand} {name}"


def _sheet_title(title: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", title).strip()[:31].strip() or "Sheet"
    name, number = base, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name


def _xlsx_value(cell: Cell, lang: Lang) -> tuple[Any, str | None]:
    """(value, number format) of a cell: real numbers, and dates as dates in the brand's time zone."""
    if cell.value is None:
        return None, None
    if cell.kind == "minutes":
        return float(cell.value), "0.0"
    if cell.kind == "share":
        return float(cell.value), "0.0%"
    if cell.kind == "number":
        return cell.value, None
    if cell.kind == "datetime":
        return _local(str(cell.value), lang).replace(tzinfo=None), "yyyy-mm-dd hh:mm"
    if cell.kind == "date":
        return date.fromisoformat(str(cell.value)), "yyyy-mm-dd"
    return _text_of(cell), None


def render_xlsx(sections: Iterable[tuple[str, Lang, list[TableData]]]) -> bytes:
    """One sheet per table; ImportError when openpyxl (the `spreadsheets` extra) is missing."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    used: set[str] = set()
    sections = list(sections)
    several = len(sections) > 1
    for brand, lang, tables in sections:
        for table in tables:  # an empty table too: its sheet with the headings, as the CSV files
            name = sheet_name(table, lang)
            sheet = workbook.create_sheet(_sheet_title(_with_brand(brand, name) if several else name, used))
            keep = kept_columns(table)
            sheet.append([f"{brand}: {table.title}" if several else table.title])
            sheet["A1"].font = Font(bold=True, size=12)
            sheet.append([heading(table, i) for i in keep])
            for cell in sheet[2]:
                cell.font = Font(bold=True)
            for row in table.rows:
                sheet.append([None] * len(keep))
                for column, index in enumerate(keep, start=1):
                    value, number_format = _xlsx_value(row[index], lang)
                    target = sheet.cell(row=sheet.max_row, column=column)
                    target.value = value
                    if isinstance(value, str):
                        target.data_type = "s"  # never a formula, whatever it starts with
                    if number_format:
                        target.number_format = number_format
            for column, index in enumerate(keep, start=1):
                widest = max([len(heading(table, index))] + [len(_text_of(r[index])) for r in table.rows])
                sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = min(
                    60, max(10, widest + 2)
                )
            sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
