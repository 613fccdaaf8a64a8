"""`socialmon report --email` over a consultant's brands, some without recipients: every brand that
has recipients is sent, the others are named with the reason, and the run is partial (exit 1) —
where one brand without recipients used to stop the e-mail of all the others (exit 2)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alerts.servers import PASSWORD, USER, SmtpServer, start_smtp_server
from helpers import clean_environment, comment, copy_project, post, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app

WINDOW = ("--since", "2026-10-01", "--until", "2026-10-07")


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


@pytest.fixture(autouse=True)
def setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # no PDF: these tests are about recipients


def _brand(name: str, slug: str, recipients: str | None, extra: str = "") -> str:
    block = (
        f'\n[[brands]]\nname = "{name}"\nslug = "{slug}"\ntimezone = "America/Mexico_City"\nlanguage = "es"\n'
    )
    if recipients is not None:
        block += f'[brands.alerts.email]\nto = ["{recipients}"]\n{extra}'
    return block + f'[[brands.channels]]\nname = "facebook"\nplatform = "file"\npath = "{slug}.jsonl"\n'


def project(folder: Path, port: int, brands: list[tuple[str, str, str | None]], extra: str = "") -> Path:
    body = (
        'database = "socialmon.db"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        f'username = "{USER}"\npassword = "${{SMTP_PASSWORD}}"\nfrom = "{USER}"\n'
    )
    for name, slug, recipients in brands:
        body += _brand(name, slug, recipients, extra if slug == "optica" else "")
        write_jsonl(
            folder / f"{slug}.jsonl",
            [
                post("p1", author_id="biz"),
                comment("c1", text="Muy buena atención", created_at="2026-10-02T15:00:00Z"),
            ],
        )
    config = folder / "socialmon.toml"
    config.write_text(body, encoding="utf-8")
    assert CliRunner().invoke(app, ["scan", "-q", "--config", str(config)]).exit_code == 0
    return config.resolve()


CONSULTANT = [
    ("Café La Esquina", "esquina", "duena@esquina.example"),
    ("Óptica Visión", "optica", None),
    ("Pizzería Roma", "roma", "gerente@roma.example"),
    ("Librería Ñandú", "nandu", None),
]
# Every brand with recipients, Óptica's own password from a variable the tests leave unset.
EVERY_ONE = [(name, slug, recipients or f"{slug}@example.com") for name, slug, recipients in CONSULTANT]
OPTICA_PASSWORD = 'password = "${OPTICA_PASSWORD}"\n'


def _scanned_once(
    factory: pytest.TempPathFactory, port: int, brands: list[tuple[str, str, str | None]], extra: str = ""
) -> Path:
    """`project(…)` written and scanned once for the module, in the environment a test has
    (SMTP_PASSWORD set, OPTICA_PASSWORD not); each test works on a copy (`copy_project`)."""
    folder = factory.mktemp("project")
    clean = clean_environment(folder, COLUMNS="200", SMTP_PASSWORD=PASSWORD)
    with clean, pytest.MonkeyPatch.context() as patch:
        patch.delenv("OPTICA_PASSWORD", raising=False)
        project(folder, port, brands, extra)
    return folder


@pytest.fixture(scope="module")
def consultant_scanned(tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpServer) -> Path:
    return _scanned_once(tmp_path_factory, smtp_server.port, CONSULTANT)


@pytest.fixture(scope="module")
def every_one_scanned(tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpServer) -> Path:
    return _scanned_once(tmp_path_factory, smtp_server.port, EVERY_ONE, OPTICA_PASSWORD)


@pytest.fixture
def consultant(tmp_path: Path, consultant_scanned: Path) -> Path:
    """`project(tmp_path, smtp.port, CONSULTANT)` (its scan asserted): a copy for the test, its config."""
    return copy_project(consultant_scanned, tmp_path).resolve()


@pytest.fixture
def every_one(tmp_path: Path, every_one_scanned: Path) -> Path:
    """`project(tmp_path, smtp.port, EVERY_ONE, OPTICA_PASSWORD)` (its scan asserted): a copy, its config."""
    return copy_project(every_one_scanned, tmp_path).resolve()


def said(result: Any) -> str:
    return " ".join(result.stderr.split())


def test_every_brand_with_recipients_is_sent_and_the_others_named(
    consultant: Path, cli: CliRunner, smtp: SmtpServer
) -> None:
    config = consultant
    result = cli.invoke(app, ["report", "--email", *WINDOW, "--config", str(config)])
    assert result.exit_code == 1, result.output  # partial: not "ok", not "nothing done"
    assert sorted(to for _, (to,) in smtp.envelopes) == ["duena@esquina.example", "gerente@roma.example"]
    text = said(result)
    assert (
        "not sent: brands 'optica', 'nandu' have no e-mail recipients" in text
        and "--email-to ADDRESS" in text
    )
    assert "partial: the reports of 2 of 4 brands were not e-mailed: optica, nandu" in text
    assert result.stdout == ""

    again = cli.invoke(app, ["report", "--email", *WINDOW, "--config", str(config)])
    assert again.exit_code == 1  # still partial: the two are still not sent
    assert len(smtp.messages) == 2 and "e-mailed already" in said(again)


def test_the_brand_asked_for_without_recipients_is_a_usage_error(
    consultant: Path, cli: CliRunner, smtp: SmtpServer
) -> None:
    config = consultant
    result = cli.invoke(
        app, ["report", "--email", "--brand", "Optica Vision", *WINDOW, "--config", str(config)]
    )
    assert result.exit_code == 2, result.output
    assert "--email: brand 'optica' has no e-mail recipients" in said(result) and smtp.messages == []


def test_no_brand_with_recipients_is_a_usage_error_naming_them_all(
    tmp_path: Path, cli: CliRunner, smtp: SmtpServer
) -> None:
    config = project(tmp_path, smtp.port, [b for b in CONSULTANT if b[2] is None])
    result = cli.invoke(app, ["report", "--email", *WINDOW, "--config", str(config)])
    assert result.exit_code == 2, result.output
    assert "--email: brands 'optica', 'nandu' have no e-mail recipients" in said(result)
    assert smtp.messages == []
    given = cli.invoke(app, ["report", "--email-to", "a@b.example", *WINDOW, "--config", str(config)])
    assert given.exit_code == 0, given.output  # --email-to gives every brand its recipient
    assert len(smtp.messages) == 2


def test_a_brands_incomplete_mail_settings_leave_out_only_that_brand(
    every_one: Path, cli: CliRunner, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPTICA_PASSWORD", raising=False)
    config = every_one
    result = cli.invoke(app, ["report", "--email", *WINDOW, "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert len(smtp.messages) == 3
    assert "brand 'optica', field 'alerts.email.password'" in said(result) and "OPTICA_PASSWORD" in said(
        result
    )


def test_a_problem_of_every_brand_is_said_once(
    consultant: Path, cli: CliRunner, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = consultant
    monkeypatch.delenv("SMTP_PASSWORD")
    result = cli.invoke(app, ["report", "--email", *WINDOW, "--config", str(config)])
    assert result.exit_code == 2, result.output
    assert said(result).count("SMTP_PASSWORD") == 1
    assert "--email: esquina, roma:" in said(result) and smtp.messages == []


def test_the_report_file_is_still_written_when_the_email_is_partial(
    tmp_path: Path, consultant: Path, cli: CliRunner, smtp: SmtpServer
) -> None:
    config = consultant
    output = tmp_path / "report.json"
    result = cli.invoke(app, ["report", "--email", "-o", str(output), *WINDOW, "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert output.read_text(encoding="utf-8").startswith("{") and len(smtp.messages) == 2


def test_the_brands_not_sent_are_said_in_spanish(
    consultant: Path, cli: CliRunner, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = consultant
    monkeypatch.delenv("SOCIALMON_LANG")  # the brands' language: Spanish
    result = cli.invoke(app, ["report", "--email", *WINDOW, "--config", str(config)])
    assert result.exit_code == 1, result.output
    text = said(result)
    assert "no enviado: las marcas 'optica', 'nandu' no tienen destinatarios de correo" in text
    assert "los informes de 2 de 4 marcas no se enviaron por correo: optica, nandu" in text


def test_an_smtp_section_without_a_host_is_said_once_for_every_brand(
    consultant: Path, cli: CliRunner, smtp: SmtpServer
) -> None:
    """[smtp] without `host` is every brand's problem: one line naming the brands, where each
    brand had a line of its own (naming it twice) and the grouping never happened."""
    config = consultant
    text = config.read_text(encoding="utf-8").replace('host = "127.0.0.1"\n', "", 1)
    config.write_text(text, encoding="utf-8")
    result = cli.invoke(app, ["report", "--email", *WINDOW, "--config", str(config)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if "alerts.email.host" in line]
    assert len(lines) == 1, result.stderr
    assert "--email: esquina, roma:" in lines[0] and "brand '" not in lines[0]
    assert smtp.messages == []


def test_a_brands_own_problem_names_the_brand_once(
    every_one: Path, cli: CliRunner, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPTICA_PASSWORD", raising=False)
    config = every_one
    result = cli.invoke(app, ["report", "--email", *WINDOW, "--config", str(config)])
    assert result.exit_code == 1, result.output
    not_sent = said(result).partition(" partial: ")[0]  # the summary names the brand again
    (line,) = [line for line in not_sent.split("not sent: ") if "OPTICA_PASSWORD" in line]
    assert line.count("optica") == 1, line
