"""A Spanish scan says socialmon's own words in Spanish: the hint a connector adds after " — " and
the count of threads a partial channel left, while the platform's own error text stays as written."""

from __future__ import annotations

import ast
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import respx
from helpers import REPO, write_config
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.cli._config_words import said_error

CONNECTORS = REPO / "connectors"
FIXTURES = Path(__file__).parent / "connectors" / "fixtures"
XRPC = "https://public.api.bsky.app/xrpc"
POST_A = "at://did:plc:cornerbistro123/app.bsky.feed.post/3kq2abcxyz22"
BLUESKY = (
    '[[brands.channels]]\nname = "bsky"\nplatform = "bluesky"\naccount = "cornerbistro.bsky.social"\n'
    "max_retries = 1\nretry_backoff = 0\n"
)


def _hint_expressions(tree: ast.AST) -> Iterator[ast.expr]:
    """Where connectors write a hint: `*_HINT = …`, `hint = …`, `hint=…`, `…_hint=…`, `Rule(action, …)`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            names = [target.id for target in node.targets if isinstance(target, ast.Name)]
            if any(name.endswith("_HINT") or name == "hint" for name in names):
                yield node.value
        elif isinstance(node, ast.Call):
            yield from (kw.value for kw in node.keywords if kw.arg and kw.arg.endswith("hint"))
            if isinstance(node.func, ast.Name) and node.func.id == "Rule" and len(node.args) >= 2:
                yield node.args[1]


def connector_hints() -> set[str]:
    """Every hint in connectors/ as the user reads it: each expression evaluated in its module
    (constants, f-strings of constants); those built at run time, from their functions."""
    hints: set[str] = set()
    for path in sorted(CONNECTORS.glob("*.py")):
        module = importlib.import_module(f"socialmon_connectors.{path.stem}")
        for node in _hint_expressions(ast.parse(path.read_text(encoding="utf-8"))):
            try:
                value = eval(compile(ast.Expression(node), str(path), "eval"), vars(module))
            except NameError:  # a parameter or a local (auth_hint, rule.hint): its values are found above
                continue
            if isinstance(value, str) and value:
                hints.add(value)
    from socialmon_connectors import _meta, file, reddit

    hints |= {reddit.public_forbidden_hint(""), reddit.public_forbidden_hint("cornerbistro")}
    hints.add(_meta.graph_options(_meta.GraphSettings(access_token="t"), "x")["errors"].less_data_hint)
    hints.add("the other files were read; the next scan reads the file(s) named again, until fixed")
    hints.add(file._UNREADABLE_HINT)
    return hints


def test_the_search_finds_the_hints_of_every_kind() -> None:
    from socialmon_connectors import mastodon, reddit
    from socialmon_connectors.errors import RateLimited

    hints = connector_hints()
    assert len(hints) >= 60
    assert {RateLimited.hint, mastodon.AUTH_HINT, mastodon.NOT_FOUND_HINT, reddit.GONE_HINT} <= hints
    assert "Bluesky took the account down" in hints  # an error table's rule


def test_every_connector_hint_is_said_in_spanish(cli_in_spanish: None) -> None:
    """A new hint fails here until it has its `N_` line in `_config_words.HINTS` and its entry in
    socialmon/locale (see its README)."""
    untranslated = sorted(
        hint for hint in connector_hints() if said_error(f"AuthError: Platform text — {hint}").endswith(hint)
    )
    assert not untranslated, untranslated


def test_a_hint_is_said_in_spanish_and_the_platforms_text_stays_as_written(cli_in_spanish: None) -> None:
    error = (
        "RateLimited: Mastodon error 429 (HTTP 429) on https://m.example/api/v1/accounts/lookup: "
        "Too many requests — the channel resumes from where it stopped on the next scan"
    )
    assert said_error(error) == (
        "RateLimited: Mastodon error 429 (HTTP 429) on https://m.example/api/v1/accounts/lookup: "
        "Too many requests — el canal continúa desde donde se detuvo en el próximo escaneo"
    )
    # The hints of several files, joined after a hint that leads to them.
    joined = said_error(
        "a.csv: bad; b.xlsx: needs openpyxl — the other files were read; the next scan reads the file(s) "
        "named again, until fixed: set the channel's format option; pip install 'socialmon[spreadsheets]', "
        "or save the sheet as CSV"
    )
    assert joined == (
        "a.csv: bad; b.xlsx: needs openpyxl — se leyeron los demás archivos; el próximo escaneo vuelve a "
        "leer los archivos nombrados hasta que se corrijan: defina la opción format del canal; "
        "pip install 'socialmon[spreadsheets]', o guarde la hoja como CSV"
    )


def test_the_threads_a_partial_scan_left_are_counted_in_spanish(cli_in_spanish: None) -> None:
    one = said_error("1 thread(s) left for the next scan: 1002: Mastodon error 502 (HTTP 502) on x: HTTP 502")
    assert one == "1 hilo por leer en el próximo escaneo: 1002: Mastodon error 502 (HTTP 502) on x: HTTP 502"
    assert said_error("3 thread(s) left for the next scan: a: b").startswith(
        "3 hilos por leer en el próximo escaneo: a: b"
    )


def test_english_stays_as_the_scan_wrote_it() -> None:
    error = "1 thread(s) left for the next scan: 1002: boom — the channel resumes from where it stopped on the next scan"
    assert said_error(error) == error


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_a_spanish_scan_says_its_partial_line_in_spanish(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("SOCIALMON_LANG", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")  # the brand's language decides: es
    config = write_config(tmp_path, channels=BLUESKY)
    with respx.mock(base_url=XRPC, assert_all_called=False) as router:
        router.get("/app.bsky.actor.getProfile").respond(json=fixture("bluesky_profile.json"))
        first = {key: value for key, value in fixture("bluesky_feed_1.json").items() if key != "cursor"}
        router.get("/app.bsky.feed.getAuthorFeed").respond(json=first)
        router.get("/app.bsky.feed.getPostThread", params={"uri": POST_A}).respond(
            502, json={"error": "InternalServerError", "message": "upstream failed"}
        )
        router.get("/app.bsky.feed.getPostThread").respond(json=fixture("bluesky_thread_small.json"))
        result = cli.invoke(app, ["scan", "--config", str(config)])
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("cafe/bsky: ")][-1:]
    assert result.exit_code == 1, result.output
    assert line.startswith("cafe/bsky: INCOMPLETO, "), line
    assert "1 hilo por leer en el próximo escaneo: " in line, line
    assert "upstream failed" in line  # Bluesky's own words
    assert "thread(s)" not in line
