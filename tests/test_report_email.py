"""Issue 15, point 5: `socialmon report … --email` through the alerts' SMTP settings, to a real
SMTP server on 127.0.0.1 (aiosmtpd): HTML body, PDF attached with the `pdf` extra, once per
brand and window (`--force` sends again), and a clear exit code on SMTP failure, password scrubbed."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alerts.servers import PASSWORD, USER, SmtpServer, start_smtp_server
from helpers import clean_environment, comment, copy_project, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app

WINDOW = ("--since", "2026-10-01", "--until", "2026-10-07")
CHANNEL = '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n'
RECIPIENTS = '\n[brands.alerts.email]\nto = ["duena@cafe.example"]\n'


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[SmtpServer]:
    """One real SMTP server on 127.0.0.1 for the module (`smtp` gives it to a test)."""
    server = start_smtp_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> SmtpServer:
    """The module's server with nothing received yet: what a test reads, its own commands sent."""
    for received in (smtp_server.messages, smtp_server.envelopes, smtp_server.logins):
        received.clear()
    return smtp_server


def _smtp(port: int, password: str = "${SMTP_PASSWORD}") -> str:
    return (
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        f'username = "{USER}"\npassword = "{password}"\nfrom = "{USER}"\n'
    )


def project(tmp_path: Path, cli: CliRunner, port: int, *, recipients: bool = True) -> Path:
    write_jsonl(
        tmp_path / "export.jsonl",
        [
            post("p1", author_id="biz", like_count=4),
            comment("c1", text="I love this place, wonderful!"),
            comment("r1", type="reply", parent_id="c1", is_business=True, created_at="2026-10-01T14:00:00Z"),
            comment("c2", text="Terrible, awful service. <b>=cmd</b>", created_at="2026-10-02T13:00:00Z"),
        ],
    )
    config = write_config(
        tmp_path, extra=_smtp(port), channels=CHANNEL + (RECIPIENTS if recipients else "")
    ).resolve()
    assert cli.invoke(app, ["scan", "-q", "--config", str(config)]).exit_code == 0
    return config


def _scanned_once(factory: pytest.TempPathFactory, port: int, *, recipients: bool) -> Path:
    """`project(…)` written and scanned once for the module, in the environment a test has
    (SMTP_PASSWORD set); each test works on a copy (`copy_project`)."""
    folder = factory.mktemp("project")
    with clean_environment(folder, SMTP_PASSWORD=PASSWORD):
        project(folder, CliRunner(), port, recipients=recipients)
    return folder


@pytest.fixture(scope="module")
def without_recipients_scanned(tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpServer) -> Path:
    return _scanned_once(tmp_path_factory, smtp_server.port, recipients=False)


@pytest.fixture(scope="module")
def serverless_scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _scanned_once(tmp_path_factory, 2525, recipients=True)


@pytest.fixture
def without_recipients(tmp_path: Path, without_recipients_scanned: Path) -> Path:
    """`project(tmp_path, cli, smtp.port, recipients=False)` (its scan asserted): a copy, its config."""
    return copy_project(without_recipients_scanned, tmp_path).resolve()


@pytest.fixture
def serverless(tmp_path: Path, serverless_scanned: Path) -> Path:
    """`project(tmp_path, cli, 2525)` (its scan asserted), a port no test server listens on: a copy."""
    return copy_project(serverless_scanned, tmp_path).resolve()


@pytest.fixture(autouse=True)
def smtp_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)


@pytest.fixture
def html_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The report goes without its PDF, as without the `pdf` extra: rendering one took 1-2 s of
    each test below, which is about recipients, failures and retries, not the attachment (the
    first test, `slow`, checks the PDF)."""
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # `import weasyprint` raises ImportError


def _has_pdf() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@pytest.mark.slow
def test_the_report_reaches_the_brands_recipients_once_per_window(
    tmp_path: Path, cli: CliRunner, smtp: SmtpServer
) -> None:
    config = project(tmp_path, cli, smtp.port)
    first = cli.invoke(app, ["report", "--email", *WINDOW, "--config", str(config)])
    assert first.exit_code == 0, first.output
    assert first.stdout == ""  # for cron: the e-mail is the report
    assert "duena@cafe.example" in first.stderr and "2026-10-01 to 2026-10-07" in first.stderr
    (message,) = smtp.messages
    assert smtp.logins == [USER] and smtp.envelopes == [(USER, ["duena@cafe.example"])]
    assert message["Subject"] == "[socialmon] Café Uno: informe, del 1 oct 2026 al 7 oct 2026"
    html = message.get_body(("html",)).get_content()
    plain = message.get_body(("plain",)).get_content()
    assert "Esperan respuesta" in html and "&lt;b&gt;=cmd&lt;/b&gt;" in html and "<b>=cmd" not in html
    assert "Tiempos de respuesta (mediana): 1 h" in plain and "periodo anterior" in plain
    attachments = list(message.iter_attachments())
    if _has_pdf():
        (pdf,) = attachments
        assert pdf.get_content_type() == "application/pdf"
        assert pdf.get_filename() == "cafe-2026-10-01-2026-10-07.pdf"
        assert pdf.get_content().startswith(b"%PDF")
    else:
        assert attachments == []

    again = cli.invoke(app, ["report", "--email", *WINDOW, "--config", str(config)])
    assert again.exit_code == 0 and len(smtp.messages) == 1  # never twice for the same brand and window
    assert "already" in again.stderr and "--force" in again.stderr

    forced = cli.invoke(app, ["report", "--email", "--force", *WINDOW, "--config", str(config)])
    assert forced.exit_code == 0, forced.output
    assert len(smtp.messages) == 2

    other = cli.invoke(
        app, ["report", "--email", "--since", "2026-10-02", "--until", "2026-10-07", "--config", str(config)]
    )
    assert other.exit_code == 0 and len(smtp.messages) == 3  # another window: sent


def test_email_to_overrides_the_recipients_and_output_is_still_written(
    tmp_path: Path, without_recipients: Path, cli: CliRunner, smtp: SmtpServer, html_only: None
) -> None:
    config = without_recipients
    out = tmp_path / "report.json"
    result = cli.invoke(
        app,
        ["report", "--email-to", "consultora@example.org", "-o", str(out), *WINDOW, "--config", str(config)],
    )
    assert result.exit_code == 0, result.output
    assert smtp.envelopes == [(USER, ["consultora@example.org"])]
    assert out.read_text(encoding="utf-8").startswith("{")


def test_no_recipient_is_a_usage_error_before_anything_is_sent(
    without_recipients: Path, cli: CliRunner, smtp: SmtpServer
) -> None:
    config = without_recipients
    result = cli.invoke(app, ["report", "--email", *WINDOW, "--config", str(config)])
    assert result.exit_code == 2
    assert "--email-to" in result.stderr and smtp.messages == []


class Rejecting:
    """A server that refuses the message, quoting the password it was given (as some relays echo)."""

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        return f"554 5.7.1 refused: policy for {USER}:{PASSWORD}"


def test_an_smtp_failure_exits_1_with_the_password_scrubbed_and_the_next_run_retries(
    tmp_path: Path, cli: CliRunner, smtp: SmtpServer, html_only: None
) -> None:
    config = project(tmp_path, cli, smtp.port)
    accepting = smtp.controller.handler
    smtp.controller.handler = Rejecting()
    try:
        failed = cli.invoke(app, ["report", "--email", *WINDOW, "--config", str(config)])
    finally:  # the server is the module's: the next test finds it accepting
        smtp.controller.handler = accepting
    assert failed.exit_code == 1, failed.output
    assert "the report of cafe was not sent" in failed.stderr and "answered 554" in failed.stderr
    assert PASSWORD not in failed.output and "***" in failed.stderr and smtp.messages == []

    retried = cli.invoke(app, ["report", "--email", *WINDOW, "--config", str(config)])
    assert retried.exit_code == 0, retried.output
    assert len(smtp.messages) == 1  # the failed attempt did not count as sent


def test_a_server_that_is_down_exits_1(tmp_path: Path, cli: CliRunner, html_only: None) -> None:
    server = start_smtp_server()
    port = server.port
    server.stop()
    config = project(tmp_path, cli, port)
    result = cli.invoke(app, ["report", "--email", *WINDOW, "--config", str(config)])
    assert result.exit_code == 1
    assert f"cannot deliver through 127.0.0.1:{port}" in result.stderr


@pytest.mark.parametrize("address", ["x@y.test\r\nBcc: evil@z.test", "no es correo"])
def test_an_email_to_that_is_no_address_is_a_usage_error(address: str, serverless: Path) -> None:
    """A line break would write a header of its own into the message (a Bcc); words are no address."""
    config = serverless  # no server: nothing may be sent, or even tried
    result = CliRunner().invoke(app, ["report", "--config", str(config), "--email", "--email-to", address])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert f"--email-to: {address!r}" in said
    assert "is not an e-mail address" in said or "holds a line break" in said


def test_recipients_a_relay_takes_still_load(tmp_path: Path) -> None:
    """Only a line break is refused in the config: a local mailbox, a name, a ${VAR} load as before."""
    from socialmon.config import EmailDestination

    to = ["root", "Ana <ana@example.com>", '"Ana, Ventas" <ventas@example.com>', "${ALERT_TO}"]
    assert EmailDestination(to=to).to == to
    with pytest.raises(ValueError, match="line break"):
        EmailDestination(to=["a@example.com\r\nBcc: b@example.com"])
