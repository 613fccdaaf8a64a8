"""CSV: every table of the report, one after another, each under a row naming it.

Each table's title row carries its note (how many rows of how many a cut table lists, why one
is empty). Values are raw (numbers with a dot, ISO dates, shares as fractions, waits in minutes) so a
spreadsheet reads them as numbers; headings follow the report language, a column of minutes
with the unit as `--csv-dir` gives it ("Mediana (min)"). A text cell that a spreadsheet would run as a
formula — starting with =, +, -, @, a tab or a carriage return — is prefixed with an
apostrophe (OWASP's advice), so it shows as text.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from socialmon.render.tables import TableData, column_kind

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def heading(table: TableData, index: int) -> str:
    """A column's heading, with "(min)" on a column of minutes as `--csv-dir` writes it: "Mediana (min)".

    Shares keep a bare heading: their values here are fractions (0.5), not the folder's percentages.
    Told by what the column holds (`column_kind`), not by its values, so a heading does not change
    with the window's data: an empty table's "Espera (min)" too.
    """
    from socialmon.render.spreadsheets import UNITS  # (spreadsheets imports this module)

    name = table.columns[index]
    minutes = column_kind(table, index) == "minutes"
    unit = UNITS["minutes"]
    return f"{name} ({unit})" if minutes and f"({unit})" not in name else name


def kept_columns(table: TableData) -> list[int]:
    """The columns a machine reads: those with a heading, less the trend's text bar (a picture of
    the negative share beside it, never a value: a column always empty)."""
    return [i for i, c in enumerate(table.columns) if c and column_kind(table, i) != "bar"]


def title_row(brand: str, table: TableData) -> str:
    """ "cafe: Needs a reply — 10,001 waiting, … (showing the first 20 of 10,001)": the table's title
    with its note as a document prints it (no sparklines), so a table cut to its first rows, or
    empty, says so in the CSV too. One cell, as a title row has always been."""
    note = table.note if table.html_note is None else table.html_note
    return f"{brand}: {table.title}" + (f" — {note}" if note else "")


def render_csv(sections: list[tuple[str, list[TableData]]]) -> str:
    """`sections`: (brand slug, its tables). One table alone is written without a title row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    tables = [(brand, table) for brand, brand_tables in sections for table in brand_tables]
    titled = len(tables) > 1
    for index, (brand, table) in enumerate(tables):
        if titled:
            if index:
                writer.writerow([])
            writer.writerow([safe_cell(title_row(brand, table))])
        keep = kept_columns(table)
        writer.writerow([safe_cell(heading(table, i)) for i in keep])
        for row in table.rows:
            writer.writerow([safe_cell(row[i].value) for i in keep])
    return buffer.getvalue()
