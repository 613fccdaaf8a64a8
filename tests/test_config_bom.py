"""Configs as people leave them: saved with a UTF-8 byte-order mark (Windows Notepad writes one),
read like any other (the mark is not TOML, and is dropped before parsing); a secret's variable
exported empty, reported by `check` like an unset one."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import comment, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.config import load_config

BOM = "\ufeff"


@pytest.fixture
def bom_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COLUMNS", "200")
    write_jsonl(tmp_path / "export.jsonl", [post("p1", author_id="biz"), comment("c1", text="Muy rico")])
    path = write_config(tmp_path)
    path.write_text(BOM + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    return path


def test_load_config_reads_a_file_with_a_byte_order_mark(bom_config: Path) -> None:
    loaded = load_config(bom_config)
    assert [brand.slug for brand in loaded.brands] == ["cafe"]
    assert loaded.settings.database == "socialmon.db"  # the first line, right after the mark


def test_check_and_scan_accept_a_config_with_a_byte_order_mark(bom_config: Path) -> None:
    checked = CliRunner().invoke(app, ["check", "--config", str(bom_config)])
    assert checked.exit_code == 0, checked.output
    assert "1 brand, 1 channel, all valid" in checked.output
    scanned = CliRunner().invoke(app, ["scan", "-q", "--config", str(bom_config)])
    assert scanned.exit_code == 0, scanned.output


def test_check_reports_a_secret_whose_variable_is_set_but_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    channels = (
        '[[brands.channels]]\nname = "fb"\nplatform = "facebook"\naccount = "123"\n'
        'access_token = "${FB_TOKEN}"\n'
    )
    config = write_config(tmp_path, channels=channels)
    monkeypatch.setenv("FB_TOKEN", "")
    result = CliRunner().invoke(app, ["check", "--config", str(config)])
    assert result.exit_code == 2, result.output
    assert "environment variable FB_TOKEN is set but empty" in " ".join(result.output.split())


def test_an_empty_smtp_password_is_taken_for_a_local_relay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a channel's options refuse an empty variable: a relay on this machine needs no password."""
    write_jsonl(tmp_path / "export.jsonl", [post("p1", author_id="biz")])
    config = write_config(tmp_path)
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text + '\n[brands.alerts.email]\nto = ["owner@example.com"]\n\n'
        '[smtp]\nhost = "localhost"\nport = 2525\nsecurity = "none"\nfrom = "alertas@example.com"\n'
        'username = "alertas"\npassword = "${SMTP_PASSWORD}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SMTP_PASSWORD", "")
    result = CliRunner().invoke(app, ["check", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "SMTP_PASSWORD" not in result.output
