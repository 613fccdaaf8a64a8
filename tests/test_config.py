"""The TOML config: where it is found, how every mistake is reported, secrets, durations and hours."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO, post, write_config, write_jsonl
from pydantic import SecretStr
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.config import (
    ConfigError,
    check_channels,
    find_config_path,
    load_config,
    parse_hours,
    parse_minutes,
)
from socialmon.plugins import ConnectorRegistry
from socialmon_connectors import Connector, ConnectorSettings, Page, PlatformError, PostRecord
from socialmon_connectors.file import FileConnector

SECRET = "SECRET123"


class SecretSettings(ConnectorSettings):
    token: SecretStr
    retries: int = 3
    fail: bool = False


class SecretConnector(Connector):
    """A platform that needs a token; when told to fail, its error quotes the token (as a URL would)."""

    name = "secretive"
    Settings = SecretSettings
    summary = "a fake platform with a token"

    settings: SecretSettings

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        token = self.settings.token.get_secret_value()
        if self.settings.fail:
            raise PlatformError(f"GET https://api.example/feed?access_token={token} returned 500")
        created = datetime(2026, 10, 1, 12, tzinfo=UTC)
        yield Page(posts=[PostRecord(platform_id="s1", text="hello", created_at=created)], cursor={"n": 1})


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # rich tables and messages are not cut at 80 columns


def invoke(cli: CliRunner, *args: str) -> Any:
    result = cli.invoke(app, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def export(folder: Path) -> None:
    write_jsonl(folder / "export.jsonl", [post("p1")])


# --- discovery ----------------------------------------------------------------------


def test_discovery_prefers_explicit_then_environment_then_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_config_path() is None
    (tmp_path / "socialmon.toml").write_text("", encoding="utf-8")
    assert find_config_path() == tmp_path / "socialmon.toml"
    monkeypatch.setenv("SOCIALMON_CONFIG", str(tmp_path / "from-env.toml"))
    assert find_config_path() == tmp_path / "from-env.toml"
    assert find_config_path(Path("explicit.toml")) == Path("explicit.toml")
    assert find_config_path(environ={}) == tmp_path / "socialmon.toml"


def test_commands_use_the_config_that_discovery_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRunner
) -> None:
    configs = {}
    for name in ("cwd", "env", "flag"):
        folder = tmp_path / name
        folder.mkdir()
        export(folder)
        configs[name] = write_config(folder).resolve()
    monkeypatch.chdir(configs["cwd"].parent)
    assert str(configs["cwd"]) in invoke(cli, "check").stdout
    monkeypatch.setenv("SOCIALMON_CONFIG", str(configs["env"]))
    assert str(configs["env"]) in invoke(cli, "check").stdout
    assert str(configs["flag"]) in invoke(cli, "check", "--config", str(configs["flag"])).stdout


def test_no_config_anywhere_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRunner
) -> None:
    monkeypatch.chdir(tmp_path)
    for command in ("scan", "check", "report"):
        result = invoke(cli, command)
        assert result.exit_code == 2
        assert "no config file" in result.output
        assert "socialmon init" in result.output


def test_a_config_named_in_the_environment_that_does_not_exist_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRunner
) -> None:
    missing = tmp_path / "nowhere.toml"
    monkeypatch.setenv("SOCIALMON_CONFIG", str(missing))
    result = invoke(cli, "scan")
    assert result.exit_code == 2
    assert str(missing) in result.output
    assert "file not found" in result.output


# --- mistakes -------------------------------------------------------------------------

FILE_CHANNEL = '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n'
BRAND = '[[brands]]\nname = "Café Uno"\nslug = "cafe"\n'

MISTAKES = {
    "unknown platform": (
        {"channels": FILE_CHANNEL + '[[brands.channels]]\nname = "old"\nplatform = "myspace"\n'},
        [
            "brand 'cafe'",
            "channel 'old'",
            "field 'platform'",
            "unknown platform 'myspace'",
            "(known: ",
            "file",
        ],
    ),
    "bad brand time zone": (
        {"raw": BRAND + 'timezone = "Mars/Olympus"\n' + FILE_CHANNEL},
        ["brand 'cafe'", "field 'timezone'", "unknown time zone 'Mars/Olympus'"],
    ),
    "bad channel time zone": (
        {"channels": FILE_CHANNEL + 'timezone = "Mars/Olympus"\n'},
        ["brand 'cafe'", "channel 'export'", "field 'timezone'", "Mars/Olympus"],
    ),
    "missing environment variable": (
        {"channels": FILE_CHANNEL.replace('"export.jsonl"', '"${EXPORT_DIR}/export.jsonl"')},
        ["brand 'cafe'", "channel 'export'", "field 'path'", "environment variable EXPORT_DIR is not set"],
    ),
    "concurrency is not a number": (
        {"extra": '[scan]\nconcurrency = "many"\n'},
        ["field 'scan.concurrency'", "integer"],
    ),
    "page size is not a number": (
        {"channels": FILE_CHANNEL + 'page_size = "x"\n'},
        ["brand 'cafe'", "channel 'export'", "field 'page_size'", "integer"],
    ),
    "unknown channel option": (
        {"channels": FILE_CHANNEL + 'pathh = "other.jsonl"\n'},
        ["brand 'cafe'", "channel 'export'", "field 'pathh'", "unknown option"],
    ),
    "unknown top-level option": (
        {"extra": "[scan]\nconcurency = 2\n"},
        ["field 'scan.concurency'", "unknown option"],
    ),
    "bad response time": (
        {"raw": BRAND + 'response_sla = "soon"\n' + FILE_CHANNEL},
        ["brand 'cafe'", "field 'response_sla'", "'soon' is not a duration"],
    ),
    "invalid TOML": (
        {"raw": 'database = "unterminated\n' + BRAND},
        ["invalid TOML"],
    ),
    "duplicate channel names": (
        {"channels": FILE_CHANNEL + FILE_CHANNEL},
        ["brand 'cafe'", "two channels are named 'export'"],
    ),
}


def write_mistake(folder: Path, how: dict[str, str]) -> Path:
    export(folder)
    if "raw" in how:
        path = folder / "socialmon.toml"
        path.write_text(f'database = "socialmon.db"\n{how["raw"]}', encoding="utf-8")
        return path.resolve()
    return write_config(folder, channels=how.get("channels"), extra=how.get("extra", "")).resolve()


@pytest.mark.parametrize("command", ["scan", "check"])
@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_a_config_mistake_is_a_usage_error_that_names_file_place_and_field(
    tmp_path: Path, cli: CliRunner, command: str, mistake: str
) -> None:
    how, expected = MISTAKES[mistake]
    path = write_mistake(tmp_path, how)
    result = invoke(cli, command, "--config", str(path))
    assert result.exit_code == 2, result.output
    assert str(path) in result.output
    for fragment in expected:
        assert fragment in result.output
    assert not (tmp_path / "socialmon.db").exists() or command == "check"


def test_check_prints_one_line_per_channel_problem(tmp_path: Path, cli: CliRunner) -> None:
    channels = (
        FILE_CHANNEL
        + 'page_size = "x"\n'
        + '[[brands.channels]]\nname = "other"\nplatform = "file"\npath = "${NOPE}"\ntimezone = "Mars/Base"\n'
    )
    path = write_config(tmp_path, channels=channels).resolve()
    result = invoke(cli, "check", "--config", str(path))
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("problem:")]
    # Every problem at once: the unset variable no longer hides the other channel's options, nor a
    # wrong option the export file that is not there.
    assert len(lines) == 4, result.output
    assert all(str(path) in line for line in lines)
    assert any("channel 'export', field 'page_size'" in line for line in lines)
    assert any(
        "channel 'other', field 'path': environment variable NOPE is not set" in line for line in lines
    )
    assert any("channel 'other', field 'timezone': unknown time zone 'Mars/Base'" in line for line in lines)
    assert any("channel 'export', field 'path': export file not found" in line for line in lines)


def test_check_prints_one_line_per_problem_found_while_loading(tmp_path: Path, cli: CliRunner) -> None:
    path = tmp_path / "socialmon.toml"
    path.write_text(
        '[scan]\nconcurrency = "many"\n' + BRAND + 'timezone = "Mars/Olympus"\n' + FILE_CHANNEL,
        encoding="utf-8",
    )
    result = invoke(cli, "check", "--config", str(path))
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("config error:")]
    assert len(lines) == 2, result.output
    assert any("field 'scan.concurrency'" in line for line in lines)
    assert any("brand 'cafe', field 'timezone'" in line for line in lines)


def test_a_missing_file_is_a_problem_that_names_it() -> None:
    path = Path("/nowhere/socialmon.toml")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert raised.value.problems[0].path == path
    assert str(raised.value).startswith(f"{path}: ")


# What people get wrong when they write TOML by hand, said with the line and the fix.
HAND_WRITTEN_TOML = {
    "Windows path in double quotes": (
        'path = "C:\\Users\\ana\\export.csv"\n',
        'line 3: a backslash in a "…" string starts an escape; write a Windows path in single quotes',
    ),
    "other backslash escape": ('path = "C:\\datos\\x.csv"\n', "line 3: a backslash"),
    "quote not closed": ('name = "Café\n', "line 3: a text is not closed; check its quotes"),
    "set twice": ('name = "a"\nname = "b"\n', "line 4: this is set twice; keep one"),
    "text without quotes": ("name = Café\n", "line 3: a value is text in quotes"),
    "colon for equals": ('name: "Café"\n', "line 3: expected a setting as name = value"),
    "anything else": ("tags = [1 2]\n", "line 3, column 11: Unclosed array"),
    "at the end": ("tags = [1, 2\n", "invalid TOML at the end of the file: Unclosed array"),
}


@pytest.mark.parametrize("mistake", list(HAND_WRITTEN_TOML))
def test_a_toml_mistake_names_the_line_and_what_to_do(tmp_path: Path, mistake: str) -> None:
    text, expected = HAND_WRITTEN_TOML[mistake]
    path = tmp_path / "socialmon.toml"
    path.write_text(f'database = "x.db"\n[[brands]]\n{text}', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    (problem,) = raised.value.problems
    assert problem.message.startswith("invalid TOML")
    assert expected in problem.message


# --- secrets --------------------------------------------------------------------------

SECRET_CHANNEL = (
    '[[brands.channels]]\nname = "social"\nplatform = "secretive"\naccount = "acct"\ntoken = "${TOKEN}"\n'
)


def test_resolve_reads_the_secret_from_the_environment_and_hides_it(tmp_path: Path) -> None:
    path = write_config(tmp_path, channels=SECRET_CHANNEL)
    registry = ConnectorRegistry.of(SecretConnector)
    config = load_config(path, registry)
    brand, channel = config.select()[0]
    assert SECRET not in path.read_text(encoding="utf-8")
    resolved = config.resolve(brand, channel, registry, environ={"TOKEN": SECRET})
    assert isinstance(resolved.connector(), SecretConnector)
    assert resolved.settings.token.get_secret_value() == SECRET
    assert SECRET not in repr(resolved)
    assert SECRET not in str(resolved.settings)
    assert SECRET not in repr(config)  # the config keeps the reference, not the value
    with pytest.raises(ConfigError) as raised:
        config.resolve(brand, channel, registry, environ={})
    assert str(raised.value).endswith(
        "brand 'cafe', channel 'social', field 'token': environment variable TOKEN is not set"
    )
    assert check_channels(config, registry, environ={"TOKEN": SECRET}) == []


def test_a_secret_in_a_mistyped_option_is_not_quoted(tmp_path: Path) -> None:
    path = write_config(tmp_path, channels=SECRET_CHANNEL + 'retries = "${TOKEN}"\n')
    registry = ConnectorRegistry.of(SecretConnector)
    config = load_config(path, registry)
    problems = check_channels(config, registry, environ={"TOKEN": SECRET})
    assert [p.field for p in problems] == ["retries"]
    assert SECRET not in str(problems[0])


@pytest.fixture
def secret_registry(monkeypatch: pytest.MonkeyPatch) -> ConnectorRegistry:
    registry = ConnectorRegistry.of(FileConnector, SecretConnector)
    monkeypatch.setattr("socialmon.plugins.default_registry", lambda: registry)
    monkeypatch.setenv("TOKEN", SECRET)
    return registry


def test_a_secret_never_reaches_any_output_or_the_database(
    tmp_path: Path, cli: CliRunner, secret_registry: ConnectorRegistry
) -> None:
    export(tmp_path)
    failing = SECRET_CHANNEL.replace('"social"', '"broken"') + "fail = true\n"
    path = write_config(tmp_path, channels=FILE_CHANNEL + SECRET_CHANNEL + failing).resolve()
    outputs = []
    check = invoke(cli, "check", "--config", str(path))
    assert check.exit_code == 0, check.output
    scan = invoke(cli, "scan", "--config", str(path))
    assert scan.exit_code == 1, scan.output  # the failing channel
    assert "cafe/broken" in scan.output
    assert "access_token=***" in scan.output
    outputs += [check.output, scan.output]
    outputs += [invoke(cli, "report", "--config", str(path), *fmt).output for fmt in ([], ["-f", "json"])]
    for output in outputs:
        assert SECRET not in output
    with sqlite3.connect(tmp_path / "socialmon.db") as db:
        assert db.execute("select text from post where platform_id = 's1'").fetchone() == ("hello",)
        errors = [row[0] for row in db.execute("select error from scan_run where error is not null")]
    db.close()
    assert errors and all("***" in error for error in errors)
    stored = [path for path in tmp_path.rglob("socialmon.db*") if path.is_file()]
    assert tmp_path / "socialmon.db" in stored
    for path in stored:  # the database, its WAL if any, and the lock files
        assert SECRET.encode() not in path.read_bytes()


def test_a_missing_secret_stops_check_and_scan(
    tmp_path: Path, cli: CliRunner, secret_registry: ConnectorRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TOKEN")
    path = write_config(tmp_path, channels=SECRET_CHANNEL).resolve()
    for command in ("check", "scan"):
        result = invoke(cli, command, "--config", str(path))
        assert result.exit_code == 2
        assert (
            f"{path}: brand 'cafe', channel 'social', field 'token': environment variable TOKEN is not set"
            in result.output
        )


# --- the shipped configs ---------------------------------------------------------------


def test_the_example_config_loads_through_the_real_loader_and_registry() -> None:
    registry = ConnectorRegistry.from_entry_points()
    config = load_config(REPO / "config" / "socialmon.toml", registry)
    assert [b.slug for b in config.brands] == ["la-cosecha"]
    brand = config.brands[0]
    assert brand.response_sla == 240
    assert brand.business_hours is not None
    assert brand.business_hours.ranges()["saturday"] == [(time(7), time(13))]
    assert brand.business_hours.ranges()["sunday"] == []
    assert check_channels(config, registry, environ={}) == []
    resolved = config.resolve(brand, brand.channels[0], registry, environ={})
    connector = resolved.connector()
    assert isinstance(connector, FileConnector)
    assert connector.files() == [REPO / "config" / "sample-export.jsonl"]
    assert config.database_url() == f"sqlite:///{REPO / 'config' / 'sample.db'}"


def test_init_writes_a_config_that_loads_and_refuses_to_overwrite(tmp_path: Path, cli: CliRunner) -> None:
    path = tmp_path / "socialmon.toml"
    result = invoke(cli, "init", str(path))
    assert result.exit_code == 0, result.output
    registry = ConnectorRegistry.from_entry_points()
    config = load_config(path, registry)
    assert len(config.brands) == 1
    assert check_channels(config, registry, environ={}) == []

    path.write_text("# my own edits\n", encoding="utf-8")
    refused = invoke(cli, "init", str(path))
    assert refused.exit_code == 2
    assert "already exists" in refused.output
    assert "--force" in refused.output
    assert path.read_text(encoding="utf-8") == "# my own edits\n"

    forced = invoke(cli, "init", str(path), "--force")
    assert forced.exit_code == 0
    load_config(path, registry)


def test_init_makes_the_starters_exports_folder_and_check_says_it_is_empty(
    tmp_path: Path, cli: CliRunner
) -> None:
    """The starter channel reads exports/: made for the user's files, so the first `check` says
    the folder holds none yet, not "export file not found"; a missing folder is called a folder."""
    path = tmp_path / "socialmon.toml"
    result = invoke(cli, "init", "--lang", "en", str(path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "exports").is_dir()
    assert f"the empty folder {tmp_path / 'exports'}/ for your export files" in " ".join(
        result.output.split()
    )
    checked = invoke(cli, "check", "--config", str(path))
    assert checked.exit_code == 2
    said = " ".join(checked.output.split())
    assert f"no .json, .jsonl, .ndjson, .csv, .tsv, .xlsx or .ods files in {tmp_path / 'exports'}" in said
    (tmp_path / "exports").rmdir()
    path.write_text(path.read_text(encoding="utf-8").replace('"exports/"', '"exportes/"'), encoding="utf-8")
    said = " ".join(invoke(cli, "check", "--config", str(path)).output.split())
    assert f"export folder not found: {tmp_path / 'exportes'}" in said


def _settings_of(starter: str) -> list[str]:
    """The TOML of a starter config, commented examples included, without its comments' words:
    `key = value` and `[table]` lines as written, the text after a trailing `#` dropped."""
    found = []
    for line in starter.splitlines():
        line = line.removeprefix("# ")
        if line.startswith("[") or re.match(r"^[a-z_]+ = ", line):
            found.append(re.sub(r"\s+#.*$", "", line).strip())
    return found


def test_the_spanish_starter_config_has_the_english_ones_settings() -> None:
    """Two files, one set of settings: only the comments (and the example names) are translated."""
    from socialmon.cli.setup import starter_config

    english, spanish = _settings_of(starter_config("en")), _settings_of(starter_config("es"))
    assert len(english) > 40
    differ = [(e, s) for e, s in zip(english, spanish, strict=True) if e != s]
    assert differ == [
        ('name = "My Business"', 'name = "Mi Negocio"'),
        ('slug = "my-business"', 'slug = "mi-negocio"'),
        ('account = "My Business"', 'account = "Mi Negocio"'),
        ('business_authors = ["My Business"]', 'business_authors = ["Mi Negocio"]'),
        ('terms = ["estafa", "intoxicación", "refund"]', 'terms = ["estafa", "intoxicación", "reembolso"]'),
        ('to = ["owner@example.com"]', 'to = ["duenio@example.com"]'),
    ]


def test_init_writes_the_starter_in_the_clis_language(tmp_path: Path, cli: CliRunner) -> None:
    result = cli.invoke(app, ["init", str(tmp_path / "socialmon.toml")], env={"SOCIALMON_LANG": "es"})
    assert result.exit_code == 0, result.output
    written = (tmp_path / "socialmon.toml").read_text(encoding="utf-8")
    assert written.startswith("# Configuración de socialmon.")
    load_config(tmp_path / "socialmon.toml", ConnectorRegistry.from_entry_points())


def test_every_commented_example_of_the_starter_config_loads_once_uncommented(
    tmp_path: Path, cli: CliRunner
) -> None:
    """The Facebook example said `token`, which the connector refuses: a user who uncommented it got
    "unknown option" and "access_token required"."""
    path = tmp_path / "socialmon.toml"
    assert invoke(cli, "init", str(path)).exit_code == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("# [[brands.channels]]")
    block = []
    for line in lines[start:]:
        if not line.startswith("# ") or (block and line.startswith("# [") and "channels" not in line):
            break
        block.append(line.removeprefix("# "))
    path.write_text("\n".join([*lines, *block]) + "\n", encoding="utf-8")
    registry = ConnectorRegistry.from_entry_points()
    config = load_config(path, registry)
    assert [c.platform for c in config.brands[0].channels][-1] == "facebook"
    assert check_channels(config, registry, environ={"FB_PAGE_TOKEN": "EAAB-token"}) == []


def test_init_writes_socialmon_toml_in_the_working_directory_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: CliRunner
) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke(cli, "init").exit_code == 0
    assert find_config_path() == tmp_path / "socialmon.toml"


# --- durations and business hours ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "minutes"),
    [("2h", 120), ("30m", 30), ("1d", 1440), (90, 90), (1.5, 1.5), ("1.5h", 90), ("45min", 45), (" 10 ", 10)],
)
def test_durations(value: Any, minutes: float) -> None:
    assert parse_minutes(value) == minutes


@pytest.mark.parametrize("value", ["soon", "2 weeks", "h", "", "-5m", 0, "0h", -3, True])
def test_bad_durations(value: Any) -> None:
    with pytest.raises(ValueError):
        parse_minutes(value)


def test_response_sla_in_the_config_is_minutes(tmp_path: Path) -> None:
    assert load_config(write_config(tmp_path)).brands[0].response_sla == 120


@pytest.mark.parametrize(
    ("text", "ranges"),
    [
        ("closed", []),
        ("Cerrado", []),
        ("", []),
        ("09:00-18:00", [(time(9), time(18))]),
        ("9:00 - 13:00, 15:30-19:00", [(time(9), time(13)), (time(15, 30), time(19))]),
        ("00:00-24:00", [(time(0), time(23, 59, 59))]),
    ],
)
def test_business_hours(text: str, ranges: list[tuple[time, time]]) -> None:
    assert parse_hours(text) == ranges


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("9-5", "is not a range"),
        ("09:00-18:00,", "is not a range"),
        ("nine to five", "is not a range"),
        ("10:00-10:00", "opens and closes at the same time"),
        ("25:00-26:00", "not a valid time range"),
        ("09:60-10:00", "not a valid time range"),
    ],
)
def test_bad_business_hours(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_hours(text)


def test_a_closing_time_after_midnight_is_rejected() -> None:
    with pytest.raises(ValueError):
        parse_hours("10:00-24:30")


def test_bad_business_hours_in_the_config_name_the_day(tmp_path: Path) -> None:
    path = tmp_path / "socialmon.toml"
    path.write_text(
        BRAND + '[brands.business_hours]\nmonday = "9-5"\nfunday = "closed"\n' + FILE_CHANNEL,
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    problems = {(p.where, p.field): p.message for p in raised.value.problems}
    assert "is not a range" in problems["brand 'cafe'", "business_hours.monday"]
    assert problems["brand 'cafe'", "business_hours.funday"] == "unknown option (check the spelling)"


@pytest.mark.parametrize("country", ["XX", "Ecuador"])
def test_a_holidays_country_the_package_does_not_know_is_a_config_error(
    tmp_path: Path, cli: CliRunner, country: str
) -> None:
    # It used to pass `check` and then end `report` with a NotImplementedError traceback.
    path = tmp_path / "socialmon.toml"
    path.write_text(
        BRAND + f'[brands.business_hours]\nmonday = "09:00-17:00"\nholidays = "{country}"\n' + FILE_CHANNEL,
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    problems = {(p.where, p.field): p.message for p in raised.value.problems}
    assert (
        "is not a country the holidays package knows" in problems["brand 'cafe'", "business_hours.holidays"]
    )
    result = invoke(cli, "check", "--config", str(path))
    assert result.exit_code == 2 and "business_hours.holidays" in result.output


def test_a_holidays_country_is_taken_in_any_case(tmp_path: Path) -> None:
    path = tmp_path / "socialmon.toml"
    path.write_text(
        BRAND + '[brands.business_hours]\nmonday = "09:00-17:00"\nholidays = "ec"\n' + FILE_CHANNEL,
        encoding="utf-8",
    )
    hours = load_config(path).brands[0].business_hours
    assert hours is not None and hours.holidays == "EC"


def test_scan_with_a_good_config_and_check_agree(tmp_path: Path, cli: CliRunner) -> None:
    export(tmp_path)
    path = write_config(tmp_path).resolve()
    result = invoke(cli, "check", "--config", str(path))
    assert result.exit_code == 0, result.output
    assert "1 brand, 1 channel, all valid" in result.stdout
    assert invoke(cli, "scan", "--config", str(path), "--quiet").exit_code == 0
    assert "schema" in invoke(cli, "check", "--config", str(path)).stdout


def test_scan_channels_through_an_explicit_registry(tmp_path: Path) -> None:
    """A library caller builds channels without the CLI and without the installed plug-ins."""
    path = write_config(tmp_path, channels=SECRET_CHANNEL)
    registry = ConnectorRegistry.of(SecretConnector)
    config = load_config(path, registry)
    brand, channel = config.select("cafe", "cafe/social")[0]
    connector = config.resolve(brand, channel, registry, environ={"TOKEN": SECRET}).connector()

    async def pages() -> list[Page]:
        return [page async for page in connector.pages(None)]

    assert [p.platform_id for page in asyncio.run(pages()) for p in page.posts] == ["s1"]


@pytest.mark.parametrize(
    "name", ["America/Guayaquil", "UTC", "Mars/Olympus", "", "../etc/passwd", "America/"]
)
def test_the_config_checks_a_time_zone_as_the_connectors_do(name: str) -> None:
    """config.py keeps its own copy of the check so that loading a config loads no connector."""
    from socialmon.config import known_timezone as config_check
    from socialmon_connectors.base import known_timezone as connector_check

    def outcome(check: Any) -> str:
        try:
            return check(name)
        except ValueError as error:
            return f"error: {error}"

    assert outcome(config_check) == outcome(connector_check)


def test_a_toml_mistake_is_said_in_spanish(tmp_path: Path, cli: CliRunner) -> None:
    path = tmp_path / "socialmon.toml"
    path.write_text('[[brands]]\nslug = "cafe"\npath = "C:\\Users\\ana\\export.csv"\n', encoding="utf-8")
    result = cli.invoke(app, ["check", "--config", str(path)], env={"SOCIALMON_LANG": "es"})
    assert result.exit_code == 2
    assert "TOML no válido en la línea 3: una barra invertida" in result.output, result.output
    assert "comillas simples" in result.output


@pytest.mark.parametrize(
    ("environment", "language", "zone"),
    [
        ({"LANG": "pt_BR.UTF-8", "TZ": "America/Sao_Paulo"}, "pt", "America/Sao_Paulo"),
        ({"LANG": "en_US.UTF-8", "TZ": ":America/Mexico_City"}, "en", "America/Mexico_City"),
        # A server kept in UTC, a C locale: nothing is known of the business; the example's time
        # zone stays, and the brand speaks the English its config is written in (it kept the
        # example's Spanish, so every later command spoke Spanish to an English reader).
        ({"LANG": "C.UTF-8", "TZ": "UTC"}, "en", "America/Guayaquil"),
    ],
)
def test_init_starts_the_brand_in_the_machines_language_and_time_zone(
    tmp_path: Path,
    cli: CliRunner,
    environment: dict[str, str],
    language: str,
    zone: str,
    no_choice: pytest.MonkeyPatch,
) -> None:
    """A Brazilian consultant's first report was in Spanish and Ecuador's time."""
    path = tmp_path / "socialmon.toml"
    result = cli.invoke(app, ["init", str(path)], env={"LC_ALL": "", "LC_MESSAGES": "", **environment})
    assert result.exit_code == 0, result.output
    (brand,) = load_config(path).brands
    assert (brand.language, brand.timezone) == (language, zone)
