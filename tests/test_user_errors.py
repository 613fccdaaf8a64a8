"""Mistakes a user makes get a clear answer, never a traceback nor a silent wrong result (issue 14, point 3)."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest
import respx
from helpers import clean_environment, comment, copy_project, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.cli.try_account import target_from_url

TWO_CHANNELS = (
    '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n'
    '[[brands.channels]]\nname = "second"\nplatform = "file"\npath = "second.jsonl"\n'
)


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def invoke(cli: CliRunner, *args: str) -> Any:
    result = cli.invoke(app, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def said(result: Any) -> str:
    """stderr with rich's line breaks undone."""
    return " ".join(result.stderr.split())


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project scanned once for the module; each test gets a copy."""
    folder = tmp_path_factory.mktemp("scanned")
    with clean_environment(folder, COLUMNS="200"):
        write_jsonl(
            folder / "export.jsonl", [post("p1", author_id="biz"), comment("c1", text="Terrible, awful.")]
        )
        write_jsonl(folder / "second.jsonl", [post("s1")])
        config = write_config(folder, channels=TWO_CHANNELS).resolve()
        assert invoke(CliRunner(), "scan", "-q", "--config", str(config)).exit_code == 0
    return folder


@pytest.fixture
def project(tmp_path: Path, scanned: Path) -> Path:
    return copy_project(scanned, tmp_path).resolve()


# --- output files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["report", "-o", "nodir/x.html"],
        ["report", "trends", "-o", "nodir/x.json"],
        ["pending", "-o", "nodir/x.csv"],
        ["export-labels", "-o", "nodir/x.csv"],
    ],
)
def test_an_output_file_in_a_missing_folder_is_a_usage_error(
    project: Path, cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(cli, *command, "--config", str(project))
    assert result.exit_code == 2, result.output
    assert f"the folder {tmp_path / 'nodir'} does not exist" in said(result)
    assert not (tmp_path / "nodir").exists()


@pytest.mark.parametrize(
    ("name", "looks_like"),
    [
        ("informe.html", "<!doctype html"),
        ("informe.json", "{"),
        ("informe.md", "# "),
        ("informe.csv", "cafe: Tiempos de respuesta\nCanal,Comentarios"),
        ("informe.txt", "╭─ Café Uno"),
    ],
)
def test_the_format_comes_from_the_extension(
    project: Path, cli: CliRunner, tmp_path: Path, name: str, looks_like: str
) -> None:
    target = tmp_path / name
    result = invoke(cli, "report", "-o", str(target), "--since", "2026-09-01", "--config", str(project))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.lower().startswith(looks_like.lower()), text[:200]
    if name.endswith(".json"):
        assert json.loads(text)["brands"][0]["name"] == "Café Uno"
    if not name.endswith(".txt"):
        assert "━" not in text and "│" not in text  # no terminal table in a file of another format


def test_a_pdf_name_never_gets_terminal_text(project: Path, cli: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "informe.pdf"
    result = invoke(cli, "report", "-o", str(target), "--config", str(project))
    if result.exit_code == 0:  # WeasyPrint is installed: a real PDF
        assert target.read_bytes().startswith(b"%PDF")
    else:  # without it: the PDF extra is named, and nothing is written
        assert result.exit_code == 2, result.output
        assert "pdf" in said(result).lower()
        assert not target.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "json", "-o", "x.csv"], "--format json does not match x.csv"),
        (["-f", "table", "-o", "x.html"], "--format table does not match x.html"),
        (["-o", "x.docx"], "cannot tell the format of x.docx"),
    ],
)
def test_a_format_the_extension_contradicts_is_refused(
    project: Path,
    cli: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(cli, "report", *args, "--config", str(project))
    assert result.exit_code == 2, result.output
    assert message in said(result)
    assert not any(tmp_path.glob("x.*"))


def test_a_format_given_with_an_unknown_extension_is_kept(
    project: Path, cli: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "data.tsv"
    result = invoke(cli, "report", "-f", "csv", "-o", str(target), "--config", str(project))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("cafe: Tiempos de respuesta\nCanal,")


# --- unknown brand or channel ------------------------------------------------------------------


@pytest.mark.parametrize("command", [["report"], ["report", "-f", "json"], ["pending"], ["report", "trends"]])
def test_an_unknown_brand_is_named_with_the_known_ones(
    project: Path, cli: CliRunner, command: list[str]
) -> None:
    result = invoke(cli, *command, "--brand", "nope", "--config", str(project))
    assert result.exit_code == 2, result.output
    assert "unknown brand 'nope'" in said(result) and "known brands: cafe" in said(result)
    assert "no data yet" not in result.output


@pytest.mark.parametrize("command", [["report"], ["pending"]])
def test_an_unknown_channel_is_named_with_the_known_ones(
    project: Path, cli: CliRunner, command: list[str]
) -> None:
    result = invoke(cli, *command, "--channel", "nope", "--config", str(project))
    assert result.exit_code == 2, result.output
    assert "unknown channel 'nope'" in said(result)
    assert "known channels: cafe/export, cafe/second" in said(result)
    assert invoke(cli, *command, "--channel", "cafe/second", "--config", str(project)).exit_code == 0


# --- check verifies everything the config references ---------------------------------------------

ALERTS = (
    "[brands.alerts.email]\n"
    'host = "smtp.example.com"\nfrom = "alerts@example.com"\nto = "owner@example.com"\n'
    'username = "alerts@example.com"\npassword = "${SMTP_PASSWORD}"\n'
    '[[brands.alerts.webhooks]]\nkind = "slack"\nurl = "${SLACK_WEBHOOK_URL}"\n'
)


def test_check_names_every_missing_secret_file_and_logo(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SMTP_PASSWORD", raising=False)
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    write_jsonl(tmp_path / "export.jsonl", [post("p1")])
    channels = 'logo = "missing-logo.png"\n' + TWO_CHANNELS + ALERTS  # second.jsonl does not exist
    path = write_config(tmp_path, channels=channels).resolve()
    result = invoke(cli, "check", "--config", str(path))
    assert result.exit_code == 2, result.output
    lines = [" ".join(line.split()) for line in result.stderr.splitlines() if line.startswith("problem:")]
    expected = [
        "brand 'cafe', field 'alerts.email.password': environment variable SMTP_PASSWORD is not set",
        "brand 'cafe', field 'alerts.webhooks[0].url': environment variable SLACK_WEBHOOK_URL is not set",
        f"brand 'cafe', channel 'second', field 'path': export file not found: {tmp_path / 'second.jsonl'}",
        f"brand 'cafe', field 'logo': file not found: {tmp_path / 'missing-logo.png'}",
    ]
    for fragment in expected:
        assert any(f"{path}: {fragment}" in line for line in lines), (fragment, lines)
    assert len(lines) == len(expected), lines
    assert "all valid" not in result.output

    monkeypatch.setenv("SMTP_PASSWORD", "x")
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.example/T1")
    write_jsonl(tmp_path / "second.jsonl", [post("s1")])
    (tmp_path / "missing-logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    fixed = invoke(cli, "check", "--config", str(path))
    assert fixed.exit_code == 0, fixed.output
    assert "all valid" in fixed.stdout


def test_check_leaves_a_disabled_channels_file_alone(tmp_path: Path, cli: CliRunner) -> None:
    write_jsonl(tmp_path / "export.jsonl", [post("p1")])
    path = write_config(tmp_path, channels=TWO_CHANNELS + "enabled = false\n").resolve()
    assert invoke(cli, "check", "--config", str(path)).exit_code == 0


# --- one channel's missing secret does not stop the others ------------------------------------------


def test_a_channel_missing_its_secret_is_skipped_and_the_rest_scanned(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EXPORT_TOKEN", raising=False)
    write_jsonl(tmp_path / "export.jsonl", [post("p1"), comment("c1")])
    channels = TWO_CHANNELS.replace('path = "second.jsonl"', 'path = "${EXPORT_TOKEN}/second.jsonl"')
    path = write_config(tmp_path, channels=channels).resolve()
    for quiet in ([], ["--quiet"]):
        result = invoke(cli, "scan", *quiet, "--config", str(path))
        assert result.exit_code == 1, result.output
        assert (
            f"cafe/second not scanned: {path}: brand 'cafe', channel 'second', field 'path': "
            "environment variable EXPORT_TOKEN is not set; set EXPORT_TOKEN in the environment"
        ) in said(result)
    report = json.loads(invoke(cli, "report", "-f", "json", "--config", str(path)).stdout)
    # The channel left out is in the report, its last scan failed: not missing as if not configured.
    assert [(c["channel"], c["posts"], c["last_status"]) for c in report["channels"]] == [
        ("export", 1, "ok"),
        ("second", 0, "failed"),
    ]


# --- try: no network, and pasted profile addresses -----------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_try_without_a_connection_says_so_at_once(cli: CliRunner) -> None:
    port = closed_port()
    started = time.monotonic()
    result = invoke(cli, "try", "mastodon:@cornerbistro", "--set", f"instance=http://127.0.0.1:{port}")
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert f"cannot reach 127.0.0.1:{port}" in said(result) and "check your connection" in said(result)
    assert elapsed < 8, elapsed  # not after the scan's retries (~20 s)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://bsky.app/profile/cornerbistro.bsky.social", ("bluesky", "cornerbistro.bsky.social", {})),
        ("https://bsky.app/profile/did:plc:abc123/post/3k", ("bluesky", "did:plc:abc123", {})),
        ("https://mastodon.social/@cornerbistro", ("mastodon", "@cornerbistro@mastodon.social", {})),
        (
            "https://mastodon.social/@cornerbistro@fosstodon.org",
            ("mastodon", "@cornerbistro@fosstodon.org", {}),
        ),
        ("https://www.reddit.com/r/cornerbistro", ("reddit", "r/cornerbistro", {})),
        ("https://old.reddit.com/user/cornerbistro/", ("reddit", "u/cornerbistro", {})),
        ("https://example.com/about", None),
    ],
)
def test_profile_addresses_name_platform_and_account(url: str, expected: Any) -> None:
    assert target_from_url(url) == expected


def test_try_accepts_a_pasted_mastodon_address_and_checks_its_host(cli: CliRunner) -> None:
    port = closed_port()  # the address names the instance: that is where try goes
    result = invoke(cli, "try", f"http://127.0.0.1:{port}/@cornerbistro")
    assert result.exit_code == 1, result.output
    assert f"cannot reach 127.0.0.1:{port}" in said(result)


def test_try_accepts_a_pasted_reddit_address(cli: CliRunner) -> None:
    listing = {"kind": "Listing", "data": {"after": None, "children": []}}
    with respx.mock(base_url="https://www.reddit.com", assert_all_called=False) as router:
        new = router.get("/r/cornerbistro/new.json").respond(json=listing)
        result = invoke(cli, "try", "https://www.reddit.com/r/cornerbistro/", "-f", "json")
    assert result.exit_code == 0, result.output
    assert new.called
    assert json.loads(result.stdout)["brands"][0]["name"] == "r/cornerbistro"


def test_try_accepts_a_pasted_bluesky_address(cli: CliRunner) -> None:
    with respx.mock(base_url="https://public.api.bsky.app/xrpc", assert_all_called=False) as router:
        profile = router.get("/app.bsky.actor.getProfile").respond(
            400, json={"error": "InvalidRequest", "message": "Profile not found"}
        )
        result = invoke(cli, "try", "https://bsky.app/profile/nobody.bsky.social")
    assert profile.calls.last.request.url.params["actor"] == "nobody.bsky.social"
    assert result.exit_code == 1  # the account does not exist: the platform says so, by name
    assert "nobody-bsky-social/bluesky: FAILED" in said(result)


@pytest.mark.parametrize(
    ("args", "refused"),
    [
        (["report", "--format", "xml"], "'xml' is not one of 'table', 'json', 'csv'"),
        (["report", "--period", "13x"], "'13x' is not one of 'day', 'week', 'month'"),
    ],
)
def test_a_refused_option_value_is_said_plainly(cli: CliRunner, args: list[str], refused: str) -> None:
    result = invoke(cli, *args)
    assert result.exit_code == 2
    assert refused in said(result) and "Value error" not in said(result)
