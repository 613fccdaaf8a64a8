"""Config mistakes a QA pass found said wrong or not at all, through the real commands: a misspelt
scorer said by `scan` as `check` says it, `check`'s database problems in the brand's language, a
misspelt platform under [scan.limits], a config with nothing to scan, and a channel without the
account its connector reads."""

from __future__ import annotations

from pathlib import Path

import pytest
import respx
from helpers import write_config
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.config import ConfigError, check_channels, load_config
from socialmon.plugins import ConnectorRegistry, default_registry
from socialmon_connectors.base import Connector
from socialmon_connectors.file import FileConnector


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")


@pytest.fixture
def spanish_brand(monkeypatch: pytest.MonkeyPatch) -> None:
    """No $SOCIALMON_LANG and a locale without a language: the config's brand (Spanish) decides."""
    monkeypatch.delenv("SOCIALMON_LANG", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, " ".join(result.output.split())


def an_export(config: Path) -> Path:
    (config.parent / "export.jsonl").write_text("", encoding="utf-8")
    return config


# --- 1. a misspelt scorer ---------------------------------------------------------------------


def test_scan_says_a_misspelt_scorer_as_check_does_in_spanish(tmp_path: Path, spanish_brand: None) -> None:
    config = an_export(write_config(tmp_path, extra='[sentiment]\nscorer = "multilingal"\n'))
    scan_code, scan_output = run("scan", "--config", str(config))
    assert not (tmp_path / "socialmon.db").exists()  # refused before anything was done
    check_code, check_output = run("check", "--config", str(config))
    said = "campo 'sentiment.scorer': analizador desconocido 'multilingal' (disponibles: multilingual, vader)"
    assert (check_code, scan_code) == (2, 2)
    assert said in check_output
    assert f"error de configuración: {config}: {said}" in scan_output
    assert "unknown scorer" not in scan_output


def test_scan_says_a_misspelt_scorer_in_english_for_an_english_cli(tmp_path: Path) -> None:
    config = an_export(write_config(tmp_path, extra='[sentiment]\nscorer = "vadr"\n'))
    code, output = run("scan", "--config", str(config))
    assert code == 2
    assert (
        f"config error: {config}: field 'sentiment.scorer': unknown scorer 'vadr' "
        "(available: multilingual, vader)" in output
    )


# --- 2. check's database problems in Spanish --------------------------------------------------


def test_check_says_a_missing_database_folder_in_spanish(tmp_path: Path, spanish_brand: None) -> None:
    config = an_export(write_config(tmp_path, database="no-such-folder/socialmon.db"))
    code, output = run("check", "--config", str(config))
    assert code == 2
    assert (
        f"problema: no existe la carpeta de la base de datos SQLite: {tmp_path / 'no-such-folder'}" in output
    )


def test_check_says_a_database_it_cannot_open_in_spanish(tmp_path: Path, spanish_brand: None) -> None:
    (tmp_path / "a-folder.db").mkdir()  # named as the database: SQLite cannot open a folder
    config = an_export(write_config(tmp_path, database="a-folder.db"))
    code, output = run("check", "--config", str(config))
    assert code == 2
    assert (
        f"problema: no se puede comprobar la base de datos sqlite:///{tmp_path / 'a-folder.db'}: "
        "no se puede abrir el archivo de la base de datos" in output
    )
    assert "unable to open" not in output


# --- 3. a misspelt platform under [scan.limits] -----------------------------------------------


class TikTok(Connector):
    """A plugin's connector: a platform socialmon does not ship."""

    name = "tiktok"
    summary = "a plugin's"

    async def pages(self, cursor):  # type: ignore[no-untyped-def,override]
        return
        yield


LIMITS = "[scan.limits.{platform}]\nchannels = 2\n"


def test_a_misspelt_platform_under_scan_limits_is_a_problem_naming_the_one_meant(tmp_path: Path) -> None:
    config = write_config(tmp_path, extra=LIMITS.format(platform="facebok"))
    with pytest.raises(ConfigError) as raised:
        load_config(config, default_registry())
    [found] = raised.value.problems
    assert (found.where, found.field) == ("", "scan.limits.facebok")
    assert found.message.startswith("unknown platform 'facebok'; did you mean 'facebook'? (known: ")


def test_a_plugins_platform_under_scan_limits_is_taken(tmp_path: Path) -> None:
    config = write_config(tmp_path, extra=LIMITS.format(platform="tiktok"))
    loaded = load_config(config, ConnectorRegistry.of(FileConnector, TikTok))
    assert loaded.settings.scan.limits["tiktok"].channels == 2
    with pytest.raises(ConfigError, match=r"field 'scan.limits.tiktok': unknown platform 'tiktok'"):
        load_config(config, ConnectorRegistry.of(FileConnector))


def test_scan_limits_are_not_judged_without_a_registry(tmp_path: Path) -> None:
    """A command that reads no channel (a report) knows no connectors: it refuses no platform."""
    config = write_config(tmp_path, extra=LIMITS.format(platform="facebok"))
    assert "facebok" in load_config(config).settings.scan.limits


def test_check_says_a_misspelt_limits_platform_in_spanish(tmp_path: Path, spanish_brand: None) -> None:
    config = an_export(write_config(tmp_path, extra=LIMITS.format(platform="facebok")))
    code, output = run("check", "--config", str(config))
    assert code == 2
    assert (
        f"error de configuración: {config}: campo 'scan.limits.facebok': plataforma desconocida "
        "'facebok'; ¿quiso decir 'facebook'?" in output
    )


# --- 4. nothing to scan -----------------------------------------------------------------------


def brands(folder: Path, *channels: str) -> Path:
    """A config with one Spanish brand per entry of `channels` (raw TOML of its channels)."""
    body = 'database = "socialmon.db"\n'
    for index, written in enumerate(channels):
        body += f'\n[[brands]]\nname = "Marca {index}"\nlanguage = "es"\n{written}'
    config = folder / "socialmon.toml"
    config.write_text(body, encoding="utf-8")
    return an_export(config)


EXPORT = '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n'


@pytest.mark.parametrize(
    "channels",
    [(), ("",), (EXPORT + "enabled = false\n",)],
    ids=["no brand", "a brand without channels", "every channel off"],
)
def test_check_refuses_what_scan_refuses_a_config_with_nothing_to_scan(
    tmp_path: Path, spanish_brand: None, channels: tuple[str, ...]
) -> None:
    config = brands(tmp_path, *channels)
    scan_code, scan_output = run("scan", "--config", str(config))
    check_code, check_output = run("check", "--config", str(config))
    assert (scan_code, check_code) == (2, 2)
    said = "no tiene canales activos" if channels else "has no enabled channels"  # no brand: no language
    assert said in scan_output
    assert f"{config} {said}" in check_output
    assert "todo válido" not in check_output and "all valid" not in check_output


def test_check_warns_of_one_brand_without_enabled_channels_among_others(
    tmp_path: Path, spanish_brand: None
) -> None:
    config = brands(tmp_path, EXPORT, EXPORT + "enabled = false\n")
    code, output = run("check", "--config", str(config))
    assert code == 0  # `scan` scans the other brand
    assert "advertencia: la marca 'marca-1' no tiene canales activos: no se escanea nada de ella" in output
    assert "2 marcas, 2 canales, todo válido" in output


# --- 5. a channel without the account its connector reads -------------------------------------

NEEDS_ACCOUNT = {
    "facebook": "page_id",
    "facebook_messages": "page_id",
    "instagram": "ig_user_id",
    "instagram_messages": "ig_user_id",
    "youtube": "channel_id",
    "google_reviews": "location_id",
    "mastodon": "",
    "bluesky": "",
    "reddit": "",
}


def channel_problems(folder: Path, channel: str) -> list[str]:
    config = load_config(write_config(folder, channels=channel), default_registry())
    return [str(found) for found in check_channels(config, default_registry(), environ={})]


@pytest.mark.parametrize("platform", sorted(NEEDS_ACCOUNT))
def test_a_channel_without_the_account_its_connector_reads_is_a_problem(
    tmp_path: Path, platform: str
) -> None:
    found = channel_problems(tmp_path, f'[[brands.channels]]\nname = "c"\nplatform = "{platform}"\n')
    setting = NEEDS_ACCOUNT[platform]
    hint = f"; or set '{setting}' in its place" if setting else ""
    assert f"brand 'cafe', channel 'c', field 'account': required but missing{hint}" in " | ".join(found)


@pytest.mark.parametrize("platform", sorted(setting for setting in NEEDS_ACCOUNT if NEEDS_ACCOUNT[setting]))
def test_the_setting_that_names_the_account_stands_in_for_it(tmp_path: Path, platform: str) -> None:
    setting = NEEDS_ACCOUNT[platform]
    channel = f'[[brands.channels]]\nname = "c"\nplatform = "{platform}"\n{setting} = "${{ACCOUNT_ID}}"\n'
    found = channel_problems(tmp_path, channel)
    assert not [line for line in found if "field 'account'" in line]


@pytest.mark.parametrize(
    "channel",
    [
        '[[brands.channels]]\nname = "c"\nplatform = "file"\npath = "export.jsonl"\n',
        '[[brands.channels]]\nname = "c"\nplatform = "whatsapp_export"\npath = "chat.txt"\n',
    ],
    ids=["file", "whatsapp_export"],
)
def test_the_export_connectors_read_a_path_not_an_account(tmp_path: Path, channel: str) -> None:
    assert not [line for line in channel_problems(tmp_path, channel) if "field 'account'" in line]


def test_a_plugins_connector_reads_no_account_unless_it_says_so(tmp_path: Path) -> None:
    registry = ConnectorRegistry.of(FileConnector, TikTok)
    config = load_config(
        write_config(tmp_path, channels='[[brands.channels]]\nplatform = "tiktok"\n'), registry
    )
    assert check_channels(config, registry) == []


def test_a_facebook_channel_without_account_is_refused_before_any_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FB_TOKEN", "token")
    channel = '[[brands.channels]]\nname = "fb"\nplatform = "facebook"\naccess_token = "${FB_TOKEN}"\n'
    config = write_config(tmp_path, channels=channel)
    check_code, check_output = run("check", "--config", str(config))
    with respx.mock(assert_all_mocked=True) as platform:  # any request would fail the test
        scan_code, scan_output = run("scan", "--config", str(config))
    assert (check_code, scan_code) == (2, 2)
    said = "brand 'cafe', channel 'fb', field 'account': required but missing; or set 'page_id' in its place"
    assert said in check_output
    assert said in scan_output
    assert not platform.calls
