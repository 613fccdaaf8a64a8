"""Report renderers: they take the computed `BrandReport`s and only format them.

terminal (rich), JSON (documented schema), CSV (formula-safe), Markdown, self-contained
HTML with SVG charts, and PDF from that HTML when the `pdf` extra is installed.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from socialmon.render.csv import render_csv, safe_cell
    from socialmon.render.html import render_html, render_pdf
    from socialmon.render.i18n import Lang
    from socialmon.render.json import SCHEMA_VERSION, render_json
    from socialmon.render.markdown import render_markdown
    from socialmon.render.tables import report_tables, rules_lines
    from socialmon.render.terminal import render_terminal

# Imported on first use: a JSON report need not load jinja2 and pygal (see `python -X importtime`).
_HOMES = {
    "render_csv": "csv",
    "safe_cell": "csv",
    "render_html": "html",
    "render_pdf": "html",
    "Lang": "i18n",
    "SCHEMA_VERSION": "json",
    "render_json": "json",
    "render_markdown": "markdown",
    "report_tables": "tables",
    "rules_lines": "tables",
    "render_terminal": "terminal",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


__all__ = [
    "SCHEMA_VERSION",
    "Lang",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "render_pdf",
    "render_terminal",
    "report_tables",
    "rules_lines",
    "safe_cell",
]
