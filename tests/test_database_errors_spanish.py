"""The database, as a command meets it: its errors said in the CLI's language by every command that
opens it (`report`, `pending`, `alerts`: `database_or_exit`), as `check` already said them; and the
`${ENV}` references of the config's `database`, read by the one implementation that reads a
channel's secrets, with the same rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_config
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.config import ConfigError, check_channels, load_config
from socialmon.plugins import default_registry

# A port nothing listens on, on this machine: the server refuses at once.
REFUSED = "postgresql+psycopg://shop:secret@127.0.0.1:1/shop"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, " ".join(result.output.split())


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")


@pytest.fixture
def spanish(monkeypatch: pytest.MonkeyPatch, cli_in_spanish: None) -> None:
    """`SOCIALMON_LANG=es`: the CLI speaks Spanish whatever the brands' language."""
    monkeypatch.setenv("SOCIALMON_LANG", "es")


@pytest.fixture
def spanish_brand(monkeypatch: pytest.MonkeyPatch) -> None:
    """No $SOCIALMON_LANG and a locale without a language: the config's brand (Spanish) decides."""
    monkeypatch.delenv("SOCIALMON_LANG", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


# --- the database's errors in Spanish -----------------------------------------------------------


@pytest.mark.parametrize(
    ("database", "said", "english"),
    [
        (
            "sqlite:///{folder}/no-such-folder/shop.db",
            "error: no existe la carpeta de la base de datos SQLite: {folder}/no-such-folder",
            "does not exist",
        ),
        (
            REFUSED,
            "error: no se puede conectar a postgresql+psycopg://shop:***@127.0.0.1:1/shop: ningún "
            "servidor PostgreSQL responde en 127.0.0.1:1; ",
            "cannot connect",
        ),
        (
            "mysql://shop@127.0.0.1/shop",
            "error: no hay controlador para mysql: ",
            "no driver",
        ),
    ],
)
@pytest.mark.parametrize("command", [["report"], ["pending"], ["alerts", "list"]])
def test_a_database_that_cannot_be_opened_is_said_in_spanish(
    tmp_path: Path, spanish: None, command: list[str], database: str, said: str, english: str
) -> None:
    config = write_config(tmp_path)
    code, output = run(*command, "--config", str(config), "--database", database.format(folder=tmp_path))
    assert code == 2, output
    assert said.format(folder=tmp_path) in output
    assert english not in output
    assert "secret" not in output


def test_a_spanish_brand_hears_its_database_errors_in_spanish(tmp_path: Path, spanish_brand: None) -> None:
    config = write_config(tmp_path)
    code, output = run("report", "--config", str(config), "--database", REFUSED)
    assert code == 2
    assert "no se puede conectar a" in output and "cannot connect" not in output


def test_a_file_that_is_no_database_is_said_in_spanish(tmp_path: Path, spanish: None) -> None:
    config = write_config(tmp_path)
    (tmp_path / "socialmon.db").write_text("not a database, a note\n" * 200, encoding="utf-8")
    code, output = run("pending", "--config", str(config))
    assert code == 2
    assert f"error: el archivo de base de datos {tmp_path / 'socialmon.db'} está dañado" in output, output


def test_english_stays_english(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    code, output = run("report", "--config", str(config), "--database", REFUSED)
    assert code == 2
    assert "error: cannot connect to postgresql+psycopg://shop:***@127.0.0.1:1/shop: no PostgreSQL" in output


# --- the database setting's ${ENV} references ---------------------------------------------------

WITH_PASSWORD = "postgresql+psycopg://shop:${DB_PASSWORD}@127.0.0.1/shop"


@pytest.mark.parametrize(
    ("database", "environment", "url"),
    [
        ("shop.db", {}, "sqlite:///{folder}/shop.db"),
        (WITH_PASSWORD, {"DB_PASSWORD": "p%40ss"}, "postgresql+psycopg://shop:p%40ss@127.0.0.1/shop"),
        ("sqlite:///${DB_DIR}/shop.db", {"DB_DIR": "/srv/data"}, "sqlite:////srv/data/shop.db"),
        # Shaped like references, but the environment holds no such name: taken as written.
        (
            "postgresql://shop:%Verano2024%@127.0.0.1/shop",
            {},
            "postgresql://shop:%Verano2024%@127.0.0.1/shop",
        ),
        ("postgresql://shop:x9${Lm2@127.0.0.1/shop", {}, "postgresql://shop:x9${Lm2@127.0.0.1/shop"),
    ],
)
def test_a_working_database_setting_gives_the_url_it_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: str, environment: dict[str, str], url: str
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    config = load_config(write_config(tmp_path, database=database))
    assert config.database_url() == url.replace("{folder}", str(tmp_path.resolve()))


@pytest.mark.parametrize(
    ("environment", "said"),
    [
        ({}, "environment variable DB_PASSWORD is not set"),
        ({"DB_PASSWORD": " "}, "environment variable DB_PASSWORD is set but empty"),
    ],
)
def test_the_url_refuses_what_loading_the_config_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], said: str
) -> None:
    """`database_url` put an unset or empty variable in as nothing (a URL without its password),
    where `load_config`'s check, with its own reading of the references, refused it."""
    path = write_config(tmp_path, database=WITH_PASSWORD)
    monkeypatch.setenv("DB_PASSWORD", "s3cret")
    config = load_config(path)
    monkeypatch.delenv("DB_PASSWORD")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as raised:
        config.database_url()
    assert [str(problem) for problem in raised.value.problems] == [
        f"{path.resolve()}: field 'database': {said}"
    ]
    with pytest.raises(ConfigError) as loading:
        load_config(path)
    assert [str(problem) for problem in loading.value.problems] == [
        str(problem) for problem in raised.value.problems
    ]


def test_a_reference_written_wrong_is_judged_on_the_environment_given(tmp_path: Path) -> None:
    """The references' rules read the environment they are given, not the process's: a channel's
    "${FB_TOKEN" (no closing brace) checked against an environment holding FB_TOKEN is a reference
    written wrong even where this process has no FB_TOKEN."""
    channel = '[[brands.channels]]\nname = "fb"\nplatform = "facebook"\naccount = "123"\naccess_token = "${FB_TOKEN"\n'
    config = load_config(write_config(tmp_path, channels=channel))
    problems = check_channels(config, default_registry(), environ={"FB_TOKEN": "EAAB-token"})
    assert [str(problem) for problem in problems] == [
        f"{config.path}: brand 'cafe', channel 'fb', field 'access_token': '${{FB_TOKEN' is not read from "
        "the environment: write '${FB_TOKEN}'"
    ]
