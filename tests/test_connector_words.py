"""`socialmon connectors` says what each built-in connector pulls in the CLI's language.

Each connector's `summary` is English (connectors/ is a library, with no catalogue), so a
Portuguese or Spanish user read the table's headers in their language and every row in English.
The built-ins' summaries are said again from the catalogue (`_config_words.CONNECTOR_SUMMARIES`);
a connector from another package keeps its summary as its authors wrote it.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import entry_points

import pytest
from babel.messages.pofile import read_po
from helpers import REPO
from typer.testing import CliRunner

from socialmon import plugins
from socialmon.cli import app
from socialmon.cli._config_words import CONNECTOR_SUMMARIES, said_summary
from socialmon.plugins import ENTRY_POINT_GROUP, ConnectorRegistry
from socialmon_connectors import Connector
from socialmon_connectors.facebook import FacebookConnector
from socialmon_connectors.file import FileConnector

LOCALE = REPO / "socialmon" / "locale"


def built_ins() -> dict[str, type[Connector]]:
    """The connectors this repository registers (pyproject.toml's entry points)."""
    return {
        entry.name: entry.load()
        for entry in entry_points(group=ENTRY_POINT_GROUP)
        if entry.value.startswith("socialmon_connectors.")
    }


class AcmeConnector(Connector):
    """Another package's connector, with its own English words."""

    name = "acme"
    summary = "posts from the Acme network"


class CopycatConnector(Connector):
    """Another package's connector whose summary happens to be a built-in's, word for word."""

    name = "copycat"
    summary = FacebookConnector.summary


class LocalFileConnector(FileConnector):
    """Another package's connector that keeps the built-in's summary by inheriting it."""

    name = "local_file"


@pytest.fixture
def listed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`socialmon connectors` over these connectors, not whatever is installed."""
    found = ConnectorRegistry.of(FacebookConnector, FileConnector, AcmeConnector, CopycatConnector)
    found.sources.update(facebook="socialmon", file="socialmon", acme="acme-socialmon", copycat="copycat")
    monkeypatch.setattr(plugins, "_default", found)
    yield


def rows(output: str) -> dict[str, str]:
    """The table's rows by platform, each row's wrapped lines joined."""
    found: dict[str, str] = {}
    last = ""
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) != 3:
            continue
        last = cells[0] or last
        found[last] = " ".join(filter(None, [found.get(last, ""), cells[2]]))
    return found


def test_every_built_in_connector_has_its_summary_in_the_catalogue() -> None:
    """A built-in connector added, or its summary reworded, without the catalogue fails here."""
    connectors = built_ins()
    assert len(connectors) >= 11
    summaries = {name: connector.summary for name, connector in connectors.items()}
    assert {name: s for name, s in summaries.items() if s not in CONNECTOR_SUMMARIES} == {}
    # and no entry is left of a summary no connector says any more
    assert sorted(set(CONNECTOR_SUMMARIES) - set(summaries.values())) == []
    for language in ("es", "pt"):
        po = read_po((LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb"), locale=language)
        for summary in CONNECTOR_SUMMARIES:
            entry = po.get(summary)
            assert entry is not None and entry.string and not entry.fuzzy, (language, summary)
            assert entry.string != summary, (language, summary)


@pytest.mark.parametrize(
    ("language", "facebook", "file"),
    [
        (
            "pt",
            "as publicações, comentários e respostas de uma Página do Facebook (Graph API)",
            "publicações, comentários e avaliações de exportações JSON, JSON Lines ou CSV e planilhas "
            "do Excel ou do LibreOffice (offline)",
        ),
        (
            "es",
            "las publicaciones, comentarios y respuestas de una página de Facebook (Graph API)",
            "publicaciones, comentarios y reseñas de exportaciones JSON, JSON Lines o CSV y libros de "
            "Excel o LibreOffice (sin conexión)",
        ),
    ],
)
def test_connectors_says_the_built_ins_in_the_clis_language(
    cli: CliRunner, listed: None, language: str, facebook: str, file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    result = cli.invoke(app, ["connectors"], env={"SOCIALMON_LANG": language})
    assert result.exit_code == 0, result.output
    found = rows(result.output)
    assert found["facebook"] == facebook
    assert found["file"] == file
    # Another package's words, as its authors wrote them, even when they are a built-in's.
    assert found["acme"] == "posts from the Acme network"
    assert found["copycat"] == FacebookConnector.summary


def test_connectors_in_english_is_the_summaries_as_written(cli: CliRunner, listed: None) -> None:
    result = cli.invoke(app, ["connectors"], env={"SOCIALMON_LANG": "en", "COLUMNS": "250"})
    assert rows(result.output)["facebook"] == FacebookConnector.summary


def test_a_built_ins_summary_inherited_by_another_packages_connector_is_socialmons_words(
    cli_in_portuguese: None,
) -> None:
    assert said_summary(LocalFileConnector) == said_summary(FileConnector) != FileConnector.summary
    assert said_summary(CopycatConnector) == FacebookConnector.summary


@pytest.fixture
def cli_in_portuguese() -> Iterator[None]:
    from socialmon.cli import _i18n

    _i18n.use("pt")
    try:
        yield
    finally:
        _i18n.use_environment()


def test_a_connector_that_fails_to_load_is_a_warning_in_the_clis_language(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`connectors` and `check` warn of it: the warning's words are socialmon's (the registry's),
    the import error's text is Python's and stays as written."""
    from importlib.metadata import EntryPoint

    found = ConnectorRegistry.of(FileConnector)
    found.sources["file"] = "socialmon"
    found._unloaded["broken"] = EntryPoint("broken", "no_such_module_xyz:Connector", ENTRY_POINT_GROUP)
    found._unloaded["odd"] = EntryPoint(
        "odd", "socialmon_connectors.file:FileConnector.name", ENTRY_POINT_GROUP
    )
    monkeypatch.setattr(plugins, "_default", found)
    result = cli.invoke(app, ["connectors"], env={"SOCIALMON_LANG": "pt", "COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert (
        "atenção: o conector 'broken' de ? não pôde ser carregado: No module named 'no_such_module_xyz'"
        in result.output
    ), result.output
    assert "atenção: o conector 'odd' de ? não é uma subclasse de Connector" in result.output
    assert list(rows(result.output)) == ["file"]


def test_an_account_written_wrong_is_said_whole_in_the_clis_language(cli: CliRunner) -> None:
    """`try` and `check` say how to write the account in the user's language, not only the sentence
    around it (the form, each connector's ACCOUNT_FORM, stayed English)."""
    import importlib

    from socialmon.cli._config_words import ACCOUNT_FORMS

    forms = {
        name: importlib.import_module(f"socialmon_connectors.{name}").ACCOUNT_FORM
        for name in ("bluesky", "mastodon", "reddit")
    }
    assert set(forms.values()) == set(ACCOUNT_FORMS)
    for target, lang, expected in (
        ("bluesky:bad handle!", "es", "escriba un handle como nombre.bsky.social (o un DID como did:plc:…)"),
        ("mastodon:bad", "pt", "escreva-a como @nome@instância, por exemplo @cornerbistro@mastodon.social"),
        ("reddit:bad", "es", "escriba r/<subreddit> o u/<usuario>, p. ej. r/cornerbistro"),
    ):
        result = cli.invoke(app, ["try", target, "--lang", lang])
        assert result.exit_code == 2, result.output
        assert expected in " ".join(result.output.split()), result.output
