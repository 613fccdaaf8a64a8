"""A channel whose last scan failed (or was partial) is named, with its reason, in every report format
and in the e-mailed report — not shown as an ordinary row of zeros."""

from __future__ import annotations

from pathlib import Path

import pytest
from alerts.servers import USER, SmtpServer, start_smtp_server
from helpers import clean_environment, comment, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app

WINDOW = ("--since", "2026-10-01", "--until", "2026-10-07")
CHANNELS = (
    '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n'
    '[[brands.channels]]\nname = "instagram"\nplatform = "file"\npath = "missing.jsonl"\n'
)
# The stored reason is said in the brand's language, as the scan said it.
SAID = "cafe/instagram: último escaneo falló — no se encontró el archivo de exportación"


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scan-problems")
    write_jsonl(
        folder / "export.jsonl",
        [post("p1", author_id="biz"), comment("c1", text="I love this place, wonderful!")],
    )
    smtp = f'[smtp]\nhost = "127.0.0.1"\nport = 1\nsecurity = "none"\nfrom = "{USER}"\n'
    config = write_config(
        folder, channels=CHANNELS + '\n[brands.alerts.email]\nto = ["d@cafe.example"]\n', extra=smtp
    )
    # The environment each test gets (conftest.py's clean_environ comes after a module's fixture):
    # none of the developer's SOCIALMON_* settings, such as $SOCIALMON_DATABASE.
    with clean_environment(folder):
        CliRunner().invoke(app, ["scan", "-q", "--config", str(config)])  # exit 1: one channel failed
    return config


def _report(cli: CliRunner, config: Path, output: Path, *args: str) -> str:
    result = cli.invoke(app, ["report", *WINDOW, "-o", str(output), *args, "--config", str(config)])
    assert result.exit_code == 0, result.output
    return output.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("suffix", [".html", ".md", ".csv"])
def test_every_file_format_names_the_failed_channel_and_why(
    tmp_path: Path, cli: CliRunner, scanned: Path, suffix: str
) -> None:
    text = _report(cli, scanned, tmp_path / f"report{suffix}")
    if suffix == ".csv":
        assert "cafe/instagram,failed,no se encontró el archivo de exportación" in text
        assert "Canales cuyo último escaneo falló" in text
    else:
        assert SAID in text
        assert "export: último escaneo" not in text  # the channel that scanned well is not named


def test_other_views_say_it_too(tmp_path: Path, cli: CliRunner, scanned: Path) -> None:
    result = cli.invoke(app, ["report", "trends", *WINDOW, "-f", "md", "--config", str(scanned)])
    assert result.exit_code == 0, result.output
    assert SAID in result.stdout


def test_the_emailed_report_says_it_in_its_subject_text_and_html(
    tmp_path: Path, cli: CliRunner, scanned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # no PDF: not what this test is about
    server: SmtpServer = start_smtp_server()
    try:
        config = tmp_path / "socialmon.toml"
        config.write_text(
            scanned.read_text(encoding="utf-8")
            .replace("port = 1\n", f"port = {server.port}\n")
            .replace('database = "socialmon.db"', f'database = "{scanned.parent / "socialmon.db"}"'),
            encoding="utf-8",
        )
        result = cli.invoke(app, ["report", "--email", *WINDOW, "--config", str(config)])
        assert result.exit_code == 0, result.output
        (message,) = server.messages
    finally:
        server.stop()
    assert message["Subject"].endswith("— 1 canal con problemas de escaneo")
    assert message["Date"].endswith("+0000")
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Atención: el último escaneo de estos canales falló" in plain
    assert SAID in plain and SAID in html
