"""CSV: every table of the report, one after another, each under a row naming it.

Values are raw (numbers with a dot, ISO dates) so a spreadsheet reads them as numbers;
headings follow the report language. A text cell that a spreadsheet would run as a
formula — starting with =, +, -, @, a tab or a carriage return — is prefixed with an
apostrophe (OWASP's advice), so it shows as text.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from socialmon.render.tables import TableData

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


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
            writer.writerow([safe_cell(f"{brand}: {table.title}")])
        writer.writerow([safe_cell(c) for c in table.columns if c != ""])
        keep = [i for i, c in enumerate(table.columns) if c != ""]
        for row in table.rows:
            writer.writerow([safe_cell(row[i].value) for i in keep])
    return buffer.getvalue()
