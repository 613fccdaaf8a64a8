"""A business with only private messages (a WhatsApp chat, no posts): every section of its report
says something. The posts and engagement sections used to be a bare heading in HTML and PDF and a
header row over nothing in the terminal, which reads as a broken report."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import clean_environment
from rich.console import Console
from typer.testing import CliRunner

from socialmon.analytics.results import BrandReport
from socialmon.cli import app
from socialmon.config import load_config
from socialmon.database import Database
from socialmon.render import render_html, terminal
from socialmon.render.i18n import Lang
from socialmon.report import build_reports

WINDOW = {"since": "2026-10-01", "until": "2026-10-07", "period": "week"}
# A chat exported by WhatsApp Business (Android, Spanish): "dd/mm/yy, h:mm a. m. - Name: text".
CHAT = (
    "01/10/26, 8:02 a. m. - Rosa Mite: Buenos días, ¿tienen pan de yuca hoy?\n"
    "01/10/26, 8:41 a. m. - Panadería La Espiga: ¡Buenos días, Rosa! Sí, recién salido\n"
    "02/10/26, 9:00 a. m. - Rosa Mite: El pastel llegó aplastado, muy mal\n"
)
NO_DATA = "No hay datos en este periodo."


@pytest.fixture(scope="module")
def messages_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("messages-only")
    (folder / "chat.txt").write_text(CHAT, encoding="utf-8")
    config = folder / "socialmon.toml"
    config.write_text(
        'database = "socialmon.db"\n\n[[brands]]\nname = "Panadería La Espiga"\nslug = "espiga"\n'
        'timezone = "America/Guayaquil"\nlanguage = "es"\n\n[[brands.channels]]\nname = "whatsapp"\n'
        'platform = "whatsapp_export"\npath = "chat.txt"\nbusiness_names = ["Panadería La Espiga"]\n'
        'locale = "es"\n',
        encoding="utf-8",
    )
    # The environment each test gets (conftest.py's clean_environ comes after a module's fixture):
    # none of the developer's SOCIALMON_* settings, such as $SOCIALMON_DATABASE.
    with clean_environment(folder):
        result = CliRunner().invoke(app, ["scan", "-q", "--config", str(config)])
    assert result.exit_code == 0, result.output
    return config


@pytest.fixture(scope="module")
def reports(messages_only: Path) -> list[tuple[BrandReport, Lang]]:
    """The brand's reports, computed once: rendering them leaves them as they are."""
    with clean_environment(messages_only.parent):
        loaded = load_config(messages_only)
        database = Database(loaded.database_url(None))
        reports = build_reports(database, loaded, **WINDOW)
    return [(r, Lang(r.language, None, r.timezone)) for r in reports]


class _Sections(HTMLParser):
    """Each <h2>'s title and the text and tables between it and the next heading."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[list[str]] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "h3", "footer"):
            self.sections.append([])
            self._in_title = tag == "h2"
        elif tag == "table" and self.sections:
            self.sections[-1].append("<table>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self.sections and data.strip():
            self.sections[-1].append(("# " if self._in_title else "") + data.strip())


def test_no_html_section_is_a_bare_heading(reports: list[tuple[BrandReport, Lang]]) -> None:
    parser = _Sections()
    parser.feed(render_html(reports))
    bare = [section[0] for section in parser.sections if section and len(section) == 1]
    assert bare == []
    posts = next(s for s in parser.sections if s[0] == "# Publicaciones")
    assert posts[1:] == [NO_DATA]
    engagement = next(s for s in parser.sections if s[0] == "# Interacción")
    assert engagement[-1].endswith(NO_DATA) and "<table>" not in engagement


@pytest.mark.parametrize("width", [80, 120])
def test_the_terminal_says_there_are_no_posts_instead_of_an_empty_table(
    reports: list[tuple[BrandReport, Lang]], width: int
) -> None:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    for report, lang in reports:
        console.print(terminal.render_terminal(report, lang))
    text = console.export_text()
    assert f"Publicaciones: {NO_DATA}" in text
    # No header row of the posts table over nothing.
    assert not re.search(r"Publicada\s+Texto", text)
