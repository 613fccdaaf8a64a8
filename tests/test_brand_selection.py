"""--brand and --channel as a consultant types them: a brand by its slug or its name, in any case,
with or without accents, in every command that takes one; a mistyped or ambiguous one is a usage
error (exit 2) naming the closest brands or channels, in the CLI's language."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import clean_environment, comment, copy_project, post, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.config import load_config

# Three brands of one consultant; two are called alike, so a name typed loosely can name two.
BRANDS = """
database = "socialmon.db"

[[brands]]
name = "Café La Esquina"
timezone = "America/Mexico_City"
language = "es"
[brands.alerts.watch_list]
terms = ["estafa"]
[[brands.channels]]
name = "facebook"
platform = "file"
path = "esquina.jsonl"
[[brands.channels]]
name = "google"
platform = "file"
path = "esquina-google.jsonl"

[[brands]]
name = "Cafe La Esquina Norte"
timezone = "America/Mexico_City"
language = "es"
[brands.alerts.watch_list]
terms = ["estafa"]
[[brands.channels]]
name = "facebook"
platform = "file"
path = "norte.jsonl"

[[brands]]
name = "Pizzería Roma"
timezone = "America/Mexico_City"
language = "es"
[brands.alerts.watch_list]
terms = ["estafa"]
[[brands.channels]]
name = "facebook"
platform = "file"
path = "roma.jsonl"
"""

SLUGS = ("cafe-la-esquina", "cafe-la-esquina-norte", "pizzeria-roma")


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def _write_project(folder: Path, extra: str = "") -> Path:
    recent = (datetime.now(UTC) - timedelta(hours=3)).isoformat()  # within the watch list's lookback
    for file, prefix in (
        ("esquina.jsonl", "e"),
        ("esquina-google.jsonl", "g"),
        ("norte.jsonl", "n"),
        ("roma.jsonl", "r"),
    ):
        write_jsonl(
            folder / file,
            [
                post(f"{prefix}p", created_at=recent),
                comment(f"{prefix}c", post_id=f"{prefix}p", created_at=recent, text="Esto es una estafa"),
            ],
        )
    path = folder / "socialmon.toml"
    path.write_text(BRANDS + extra, encoding="utf-8")
    return path.resolve()


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three brands scanned, their alerts checked, once for the module; each test gets a copy."""
    folder = tmp_path_factory.mktemp("brands")
    with clean_environment(folder, COLUMNS="200"):
        config = _write_project(folder)
        assert CliRunner().invoke(app, ["scan", "-q", "--config", str(config)]).exit_code == 0
        assert CliRunner().invoke(app, ["alerts", "check", "--config", str(config)]).exit_code == 0
    return folder


@pytest.fixture
def project(tmp_path: Path, scanned: Path) -> Path:
    return copy_project(scanned, tmp_path).resolve()


def invoke(cli: CliRunner, config: Path, *args: str) -> Any:
    result = cli.invoke(app, [*args, "--config", str(config)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def said(result: Any) -> str:
    """stderr with rich's line breaks undone."""
    return " ".join(result.stderr.split())


# --- the lookup itself ------------------------------------------------------------------------


def test_a_brand_is_found_by_slug_or_name_in_any_case_with_or_without_accents(tmp_path: Path) -> None:
    config = load_config(_write_project(tmp_path))
    for typed in (
        "cafe-la-esquina",
        "Café La Esquina",
        "CAFE LA ESQUINA",
        "cafe la esquina",
        "CAFÉ-LA-ESQUINA",
    ):
        assert [b.slug for b in config.brands_named(typed)] == ["cafe-la-esquina"], typed
    assert [b.slug for b in config.brands_named("PIZZERIA ROMA")] == ["pizzeria-roma"]
    assert config.brands_named("esquina") == []  # a word of a name is no name
    assert config.brands_named("") == []


def test_two_brands_called_alike_make_a_loose_name_ambiguous_but_never_their_slugs(tmp_path: Path) -> None:
    alike = (
        '\n[[brands]]\nname = "Pizzeria Roma"\nslug = "roma-centro"\ntimezone = "UTC"\n'
        '[[brands.channels]]\nname = "facebook"\nplatform = "file"\npath = "roma.jsonl"\n'
    )
    config = load_config(_write_project(tmp_path, alike))
    assert [b.slug for b in config.brands_named("pizzeria roma")] == ["pizzeria-roma", "roma-centro"]
    assert [b.slug for b in config.brands_named("pizzeria-roma")] == ["pizzeria-roma"]  # a slug, exactly
    assert [b.slug for b in config.brands_named("Pizzeria Roma")] == ["roma-centro"]  # a name, exactly


# --- every command's --brand ------------------------------------------------------------------

TYPED = ["cafe-la-esquina", "Café La Esquina", "CAFE LA ESQUINA", "cafe la esquina"]
READING_COMMANDS = [
    ["report", "-f", "json"],
    ["report", "response-times", "-f", "json"],
    ["report", "trends", "-f", "json"],
    ["pending", "-f", "json"],
]


@pytest.mark.parametrize("typed", TYPED)
@pytest.mark.parametrize("command", READING_COMMANDS, ids=" ".join)
def test_reports_take_the_brand_as_typed(
    project: Path, cli: CliRunner, command: list[str], typed: str
) -> None:
    result = invoke(cli, project, *command, "--brand", typed)
    assert result.exit_code == 0, result.output
    assert [b["brand"] for b in json.loads(result.stdout)["brands"]] == ["cafe-la-esquina"]


@pytest.mark.parametrize("typed", TYPED[1:])
def test_scan_takes_the_brand_as_typed(project: Path, cli: CliRunner, typed: str) -> None:
    (project.parent / "roma.jsonl").unlink()  # scanning another brand would fail on it
    result = invoke(cli, project, "scan", "-q", "--brand", typed)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("typed", TYPED[1:])
@pytest.mark.parametrize("command", [["alerts"], ["alerts", "list"]], ids=" ".join)
def test_alerts_lists_the_brand_as_typed(
    project: Path, cli: CliRunner, command: list[str], typed: str
) -> None:
    result = invoke(cli, project, *command, "--brand", typed)
    assert result.exit_code == 0, result.output
    assert "cafe-la-esquina" in result.stdout or "estafa" in result.stdout
    assert "pizzeria-roma" not in result.stdout
    assert "No open alerts" not in result.stdout


@pytest.mark.parametrize("command", [["alerts", "check"], ["alerts", "send", "--dry-run"]], ids=" ".join)
def test_alerts_check_and_send_take_the_brand_as_typed(
    project: Path, cli: CliRunner, command: list[str]
) -> None:
    result = invoke(cli, project, *command, "--brand", "PIZZERIA ROMA")
    assert result.exit_code == 0, result.output
    assert "cafe-la-esquina" not in result.output


ALL_COMMANDS = [
    *READING_COMMANDS,
    ["scan"],
    ["scan", "--enqueue"],
    ["alerts"],
    ["alerts", "list"],
    ["alerts", "check"],
    ["alerts", "send", "--dry-run"],
]


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=" ".join)
def test_a_mistyped_brand_names_the_closest_ones(project: Path, cli: CliRunner, command: list[str]) -> None:
    result = invoke(cli, project, *command, "--brand", "cafe-la-esquna")
    assert result.exit_code == 2, result.output
    assert "unknown brand 'cafe-la-esquna'" in said(result)
    assert "did you mean cafe-la-esquina, cafe-la-esquina-norte?" in said(result)
    assert "pizzeria-roma" not in said(result)  # the closest, not the whole list
    word = invoke(cli, project, *command, "--brand", "roma")
    assert word.exit_code == 2 and "did you mean pizzeria-roma?" in said(word)


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=" ".join)
def test_an_ambiguous_brand_names_both_and_asks_for_the_slug(
    tmp_path: Path, cli: CliRunner, command: list[str]
) -> None:
    alike = '\n[[brands]]\nname = "Cafe la esquina"\nslug = "esquina-2"\ntimezone = "UTC"\n'
    config = _write_project(tmp_path, alike)
    result = invoke(cli, config, *command, "--brand", "CAFE LA ESQUINA")
    assert result.exit_code == 2, result.output
    assert "brand 'CAFE LA ESQUINA'" in said(result) and "could be any of" in said(result)
    assert "cafe-la-esquina (Café La Esquina), esquina-2 (Cafe la esquina): give its slug" in said(result)


def test_an_unknown_brand_with_nothing_close_lists_the_brands(project: Path, cli: CliRunner) -> None:
    result = invoke(cli, project, "report", "--brand", "xyz")
    assert result.exit_code == 2
    assert f"known brands: {', '.join(SLUGS)}" in said(result)


def test_the_mistake_is_said_in_spanish(
    project: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOCIALMON_LANG")
    monkeypatch.delenv("LANGUAGE")
    monkeypatch.setenv("LANG", "es_MX.UTF-8")
    brand = invoke(cli, project, "scan", "--brand", "cafe-la-esquna")
    assert brand.exit_code == 2
    assert "marca desconocida 'cafe-la-esquna'" in said(brand) and "¿quiso decir cafe-la-esquina" in said(
        brand
    )
    channel = invoke(cli, project, "pending", "--channel", "facebok")
    assert channel.exit_code == 2
    assert "canal desconocido 'facebok'" in said(channel) and "¿quiso decir facebook?" in said(channel)


# --- --channel --------------------------------------------------------------------------------


def test_a_channel_by_its_brands_name_and_in_any_case(project: Path, cli: CliRunner) -> None:
    for typed in ("Café La Esquina/Facebook", "CAFE LA ESQUINA/facebook", "cafe-la-esquina/FACEBOOK"):
        result = invoke(cli, project, "report", "-f", "json", "--channel", typed)
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert [(c["brand"], c["channel"]) for c in data["channels"]] == [("cafe-la-esquina", "facebook")]
        scanned = invoke(cli, project, "scan", "-q", "--channel", typed)  # `scan` took only the slug
        assert scanned.exit_code == 0, scanned.output


def test_a_channel_name_covers_only_the_brands_that_have_it(project: Path, cli: CliRunner) -> None:
    """Twenty brands, seven with a "google" channel: seven reports, not thirteen empty ones besides."""
    result = invoke(cli, project, "report", "-f", "json", "--channel", "google")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [b["brand"] for b in data["brands"]] == ["cafe-la-esquina"]
    assert [c["brand"] for c in data["channels"]] == ["cafe-la-esquina"]
    every = json.loads(invoke(cli, project, "report", "-f", "json", "--channel", "Facebook").stdout)
    assert [b["brand"] for b in every["brands"]] == list(SLUGS)


@pytest.mark.parametrize("command", [["report"], ["pending"], ["scan"]], ids=" ".join)
def test_a_mistyped_channel_names_the_closest_ones(project: Path, cli: CliRunner, command: list[str]) -> None:
    typo = invoke(cli, project, *command, "--channel", "facebok")
    assert typo.exit_code == 2, typo.output
    assert "unknown channel 'facebok'" in said(typo) and "did you mean facebook?" in said(typo)
    nothing = invoke(cli, project, *command, "--channel", "nope")
    assert nothing.exit_code == 2
    assert "known channels: facebook, google" in said(nothing)  # each name once, not once per brand
    other = invoke(cli, project, *command, "--brand", "pizzeria roma", "--channel", "google")
    assert other.exit_code == 2
    assert "unknown channel 'google' of brand 'pizzeria-roma'" in said(other)
    assert "known channels: pizzeria-roma/facebook" in said(other)
    brand_typo = invoke(cli, project, *command, "--channel", "pizzeria-rma/facebook")
    assert brand_typo.exit_code == 2 and "did you mean pizzeria-roma/facebook?" in said(brand_typo)


def test_help_says_what_brand_and_channel_take(cli: CliRunner) -> None:
    for command in (["scan"], ["report"], ["report", "trends"], ["pending"], ["alerts", "send"]):
        text = " ".join(cli.invoke(app, [*command, "--help"]).output.split())
        assert "its slug or its name, in any case, with or without accents" in text, command


# --- a name that is another brand's slug; a channel whose own name holds a slash ---------------

# "roma" is the first brand's NAME and the second brand's SLUG: the slug names one brand only.
NAME_IS_A_SLUG = """
database = "socialmon.db"

[[brands]]
name = "roma"
slug = "pizzeria-roma"
timezone = "America/Mexico_City"
[[brands.channels]]
name = "facebook"
platform = "file"
path = "pizzeria.jsonl"

[[brands]]
name = "Roma Centro"
slug = "roma"
timezone = "America/Mexico_City"
[[brands.channels]]
name = "facebook"
platform = "file"
path = "centro.jsonl"
"""

# A channel named as the business names its Page's sales inbox, slash and all.
SLASHED_CHANNEL = """
database = "socialmon.db"

[[brands]]
name = "Café La Esquina"
timezone = "America/Mexico_City"
[[brands.channels]]
name = "fb/ventas"
platform = "file"
path = "ventas.jsonl"
[[brands.channels]]
name = "facebook"
platform = "file"
path = "esquina.jsonl"

[[brands]]
name = "Pizzería Roma"
timezone = "America/Mexico_City"
[[brands.channels]]
name = "facebook"
platform = "file"
path = "roma.jsonl"
"""


def _scanned_project(folder: Path, body: str) -> Path:
    recent = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
    for file in ("pizzeria.jsonl", "centro.jsonl", "ventas.jsonl", "esquina.jsonl", "roma.jsonl"):
        prefix = file.partition(".")[0]
        write_jsonl(
            folder / file,
            [
                post(f"{prefix}-p", created_at=recent),
                comment(f"{prefix}-c", post_id=f"{prefix}-p", created_at=recent),
            ],
        )
    config = folder / "socialmon.toml"
    config.write_text(body, encoding="utf-8")
    assert CliRunner().invoke(app, ["scan", "-q", "--config", str(config)]).exit_code == 0
    return config.resolve()


def _scanned_once(factory: pytest.TempPathFactory, name: str, body: str) -> Path:
    """`body`'s project scanned once for the module, in the environment a test has; each test
    works on a copy (`copy_project`)."""
    folder = factory.mktemp(name)
    with clean_environment(folder, COLUMNS="200"):
        _scanned_project(folder, body)
    return folder


@pytest.fixture(scope="module")
def name_is_a_slug_scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _scanned_once(tmp_path_factory, "name-is-a-slug", NAME_IS_A_SLUG)


@pytest.fixture(scope="module")
def slashed_channel_scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _scanned_once(tmp_path_factory, "slashed-channel", SLASHED_CHANNEL)


@pytest.fixture
def name_is_a_slug(tmp_path: Path, name_is_a_slug_scanned: Path) -> Path:
    """NAME_IS_A_SLUG scanned (`_scanned_project`), a copy for the test: its config."""
    return copy_project(name_is_a_slug_scanned, tmp_path).resolve()


@pytest.fixture
def slashed_channel(tmp_path: Path, slashed_channel_scanned: Path) -> Path:
    """SLASHED_CHANNEL scanned (`_scanned_project`), a copy for the test: its config."""
    return copy_project(slashed_channel_scanned, tmp_path).resolve()


def test_a_brand_named_as_another_brands_slug_is_reported_once(name_is_a_slug: Path, cli: CliRunner) -> None:
    config = name_is_a_slug
    every = invoke(cli, config, "report", "-f", "json")
    assert every.exit_code == 0, every.output
    assert [b["brand"] for b in json.loads(every.stdout)["brands"]] == ["pizzeria-roma", "roma"]
    one = invoke(cli, config, "report", "-f", "json", "--brand", "roma")
    assert one.exit_code == 0, one.output
    data = json.loads(one.stdout)
    assert [b["brand"] for b in data["brands"]] == ["roma"]
    assert [c["brand"] for c in data["channels"]] == ["roma"]
    by_channel = json.loads(invoke(cli, config, "report", "-f", "json", "--channel", "roma/facebook").stdout)
    assert [b["brand"] for b in by_channel["brands"]] == ["roma"]
    assert [c["brand"] for c in by_channel["channels"]] == ["roma"]


def test_the_library_takes_a_slug_before_a_name(name_is_a_slug: Path) -> None:
    from socialmon.database import Database
    from socialmon.report import build_reports, channel_summaries

    config_path = name_is_a_slug
    config = load_config(config_path)
    assert config.brand("roma").slug == "roma"
    assert config.brand("Roma Centro").slug == "roma" and config.brand("pizzeria-roma").name == "roma"
    assert [b.slug for b, _ in config.select(brand="roma")] == ["roma"]
    assert [b.slug for b, _ in config.select(channel="roma/facebook")] == ["roma"]
    database = Database(config.database_url())
    try:
        assert [r.slug for r in build_reports(database, config, brand="roma", view="summary")] == ["roma"]
        assert [r.slug for r in build_reports(database, config, channel="roma/facebook")] == ["roma"]
        assert [s.brand for s in channel_summaries(database, "roma")] == ["roma"]
        assert [s.brand for s in channel_summaries(database, None, "roma/facebook")] == ["roma"]
    finally:
        database.dispose()


@pytest.mark.parametrize(
    "typed",
    ["cafe-la-esquina/fb/ventas", "fb/ventas", "Café La Esquina/fb/ventas", "CAFE LA ESQUINA/FB/Ventas"],
)
def test_a_channel_whose_name_holds_a_slash(slashed_channel: Path, cli: CliRunner, typed: str) -> None:
    config = slashed_channel
    scanned = invoke(cli, config, "scan", "-q", "--channel", typed)
    assert scanned.exit_code == 0, scanned.output
    result = invoke(cli, config, "report", "-f", "json", "--channel", typed)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [b["brand"] for b in data["brands"]] == ["cafe-la-esquina"]
    assert [(c["brand"], c["channel"]) for c in data["channels"]] == [("cafe-la-esquina", "fb/ventas")]
    assert [c.name for _, c in load_config(config).select(channel=typed)] == ["fb/ventas"]


def test_a_slash_after_no_brand_is_a_mistyped_channel(slashed_channel: Path, cli: CliRunner) -> None:
    config = slashed_channel
    typo = invoke(cli, config, "report", "--channel", "cafe-la-esquina/fb/venta")
    assert typo.exit_code == 2, typo.output
    assert "did you mean cafe-la-esquina/fb/ventas" in said(typo) or "cafe-la-esquina/fb/ventas" in said(typo)
    assert "pizzeria-roma" not in said(typo)


def test_the_brand_report_covers_a_channel_whose_name_holds_a_slash(
    slashed_channel: Path, cli: CliRunner
) -> None:
    config = slashed_channel
    result = invoke(cli, config, "report", "-f", "json", "--channel", "fb/ventas")
    (report,) = json.loads(result.stdout)["brands"]
    assert report["channels"] == ["fb/ventas"]


def test_the_cli_speaks_the_language_of_the_brand_a_slug_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--brand roma` is the brand whose slug is roma, for the language the CLI speaks too: not also
    the brand whose name is "roma" (whose other language left the choice to the locale)."""
    from socialmon.cli import _i18n

    monkeypatch.delenv("SOCIALMON_LANG", raising=False)
    monkeypatch.setattr(_i18n, "locale_language", lambda: "en")
    text = NAME_IS_A_SLUG.replace('slug = "roma"\n', 'slug = "roma"\nlanguage = "es"\n', 1).replace(
        'slug = "pizzeria-roma"\n', 'slug = "pizzeria-roma"\nlanguage = "en"\n', 1
    )
    (tmp_path / "socialmon.toml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path / "socialmon.toml")
    try:
        assert _i18n.use_for(config, "roma") == "es"
        assert _i18n.use_for(config, "pizzeria-roma") == "en"
    finally:
        _i18n.use_environment()
