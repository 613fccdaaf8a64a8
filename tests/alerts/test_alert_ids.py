"""An alert id no alert has — however large — is "no alert n.º …" and exit 2, in the user's language,
never a driver's OverflowError (SQLite holds 64-bit integers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import comment, copy_project, post, scanned_project
from typer.testing import CliRunner

from socialmon.alerts import AlertNotFound, acknowledge
from socialmon.cli import app
from socialmon.database import Database

HUGE = ["99999999999999999999999", "9223372036854775808", "-9223372036854775809", "9223372036854775807"]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project every test asks about, scanned once for the module (no test changes its
    database: each looks up ids no alert has); each test works on a copy."""
    folder = tmp_path_factory.mktemp("alert-ids")
    scanned_project(folder, [post("p1", author_id="biz"), comment("c1", text="Muy rico")])
    return folder


@pytest.fixture
def config(scanned: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLUMNS", "200")
    return copy_project(scanned, tmp_path)


def run(config: Path, command: str, alert_id: str) -> Any:
    """`alerts <command> <alert_id>`; after `--`, so that a negative id is not read as an option."""
    result = CliRunner().invoke(app, ["alerts", command, "--config", str(config), "--", alert_id])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


@pytest.mark.parametrize("command", ["show", "ack"])
@pytest.mark.parametrize("alert_id", HUGE)
def test_an_id_too_large_for_the_database_is_no_alert(config: Path, command: str, alert_id: str) -> None:
    result = run(config, command, alert_id)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == f"error: no alert with id {alert_id}: `socialmon alerts` lists them"


@pytest.mark.parametrize("command", ["show", "ack"])
def test_an_unknown_id_is_said_in_the_brands_language(
    config: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOCIALMON_LANG")  # the brand (language es) decides
    monkeypatch.setenv("LANG", "C.UTF-8")
    for alert_id in ("99999", HUGE[0]):
        result = run(config, command, alert_id)
        assert result.exit_code == 2, result.output
        assert (
            result.stderr.strip()
            == f"error: no hay ninguna alerta n.º {alert_id}: `socialmon alerts` las lista"
        )


def test_acknowledge_says_an_id_too_large_is_not_found(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'alerts.db'}")
    database.upgrade()
    with pytest.raises(AlertNotFound) as raised:
        acknowledge(database, 2**63)
    assert raised.value.alert_id == 2**63


def test_the_groups_config_given_before_the_command_is_the_commands(config: Path, tmp_path: Path) -> None:
    """`socialmon alerts --config F show N` reads F (it used to say "no config file")."""
    shown = CliRunner().invoke(app, ["alerts", "--config", str(config), "show", "99999"])
    assert shown.exit_code == 2
    assert shown.stderr.strip() == "error: no alert with id 99999: `socialmon alerts` lists them"
    listed = CliRunner().invoke(app, ["alerts", "--config", str(config), "list"])
    assert listed.exit_code == 0, listed.output
    # an option after the command still wins
    elsewhere = ["show", "1", "--config", str(tmp_path / "missing.toml")]
    assert "missing.toml" in CliRunner().invoke(app, ["alerts", "--config", str(config), *elsewhere]).stderr


def test_a_group_option_the_command_does_not_take_is_refused(config: Path) -> None:
    result = CliRunner().invoke(app, ["alerts", "--brand", "cafe", "--config", str(config), "ack", "1"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: `socialmon alerts ack` takes no --brand"


def test_all_and_limit_before_the_command_are_its_own_or_refused(config: Path) -> None:
    listed = CliRunner().invoke(app, ["alerts", "--all", "--limit", "1", "--config", str(config), "list"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.strip() == "No alerts yet."  # --all reached it, not "No open alerts."
    refused = CliRunner().invoke(app, ["alerts", "--all", "--config", str(config), "show", "1"])
    assert refused.exit_code == 2
    assert refused.stderr.strip() == "error: `socialmon alerts show` takes no --all"
