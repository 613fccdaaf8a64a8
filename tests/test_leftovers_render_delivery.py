"""Leftovers of the QA passes on reports and alert delivery.

1. The wide terminal report of a window without data printed "Mediana:" and "Sentimiento neto:"
   under its trend tables with nothing after them.
2. `-f csv` named its columns of minutes ("Mediana", "Espera") without the unit `--csv-dir` gives them.
3. With `security = "none"`, a server that asks for STARTTLS first failed with "SMTP AUTH extension
   not supported" (or "answered 530"), without saying which setting to change.
4. A webhook the service moved for good (301, 308) failed as a bare "HTTP 301".
"""

from __future__ import annotations

import csv
import io
import shutil
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
import respx
from alerts.servers import PASSWORD, USER, SmtpServer, start_smtp_server
from helpers import clean_environment, comment, post, self_signed_certificate, write_config, write_jsonl
from rich.console import Console
from typer.testing import CliRunner

from socialmon.alerts._errors import DeliveryError
from socialmon.alerts.email import send_email_each
from socialmon.alerts.webhooks import post as post_to_webhook
from socialmon.analytics.results import BrandReport
from socialmon.cli import _i18n, app
from socialmon.cli._config_words import said
from socialmon.config import EmailDestination, WebhookDestination, load_config
from socialmon.database import Database
from socialmon.render.i18n import Lang
from socialmon.render.terminal import render_terminal
from socialmon.report import build_reports

EMPTY_WINDOW = {"since": "2026-11-01", "until": "2026-11-07", "period": "week"}
WINDOW = ("--since", "2026-09-28", "--until", "2026-10-07")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One brand whose comments (1-2 Oct 2026, one answered) are outside EMPTY_WINDOW."""
    folder = tmp_path_factory.mktemp("leftovers")
    with clean_environment(folder):
        records = [
            post("p1", author_id="biz"),
            comment("c1", text="Muy rico"),
            comment("r1", type="reply", parent_id="c1", is_business=True, created_at="2026-10-01T14:00:00Z"),
            comment("c2", text="¿Abren el domingo?", created_at="2026-10-02T13:00:00Z"),
        ]
        write_jsonl(folder / "export.jsonl", records)
        path = write_config(folder)
        result = CliRunner().invoke(app, ["scan", "-q", "--config", str(path)])
        assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def empty_window(scanned: Path) -> list[BrandReport]:
    """The reports of EMPTY_WINDOW, computed once: each language and width prints them, which
    leaves them as they are."""
    with clean_environment(scanned.parent):
        loaded = load_config(scanned)
        database = Database(loaded.database_url(None))
        return build_reports(database, loaded, view="summary", **EMPTY_WINDOW)


def _terminal_report(reports: list[BrandReport], language: str, width: int) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    for report in reports:
        console.print(render_terminal(report, Lang(language, "EC", report.timezone)))
    return console.export_text()


@pytest.mark.parametrize("width", [80, 120, 160])
@pytest.mark.parametrize("language", ["es", "pt", "en"])
def test_an_empty_window_prints_no_label_without_its_figures(
    empty_window: list[BrandReport], language: str, width: int
) -> None:
    text = _terminal_report(empty_window, language, width)
    lang = Lang(language)
    for label in (lang("median"), lang("net_sentiment")):
        assert not any(line.rstrip().endswith(f"{label}:") for line in text.splitlines()), (label, text)
    assert f"{lang('volume')}: ▁" in text or width < 120  # the sparkline that has figures stays


def _csv_headings(text: str, delimiter: str = ",") -> set[str]:
    """Every column heading of a CSV: the row after each table's title (or the first row)."""
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    titled = len(rows[0]) == 1
    starts = [i + 1 for i, row in enumerate(rows) if titled and len(row) == 1] or [0]
    return {heading for i in starts for heading in rows[i]}


@pytest.mark.parametrize("language", ["es", "en"])
def test_csv_headings_give_the_unit_of_minutes_as_the_csv_folder_does(
    tmp_path: Path, cli: CliRunner, scanned: Path, language: str
) -> None:
    common = ["--config", str(scanned), "--lang", language, *WINDOW]
    report = cli.invoke(app, ["report", "-f", "csv", *common])
    pending = cli.invoke(app, ["pending", "-f", "csv", *common])
    folder = cli.invoke(app, ["report", "--csv-dir", str(tmp_path / "csv"), *common])
    assert report.exit_code == pending.exit_code == folder.exit_code == 0, report.output + folder.output
    shown = _csv_headings(report.stdout) | _csv_headings(pending.stdout)
    in_minutes = {
        heading
        for path in (tmp_path / "csv").glob("*.csv")
        for heading in _csv_headings(path.read_text(encoding="utf-8-sig"), ";" if language == "es" else ",")
        if heading.endswith("(min)")
    }
    lang = Lang(language)
    assert {f"{lang('median')} (min)", f"{lang('age')} (min)"} <= in_minutes
    assert in_minutes <= shown, in_minutes - shown
    assert lang("median") not in shown and lang("age") not in shown
    assert not any(heading.endswith("(%)") for heading in shown)  # shares stay fractions: 0.5, not 50


@pytest.fixture(scope="module")
def server_tls(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    """The servers' TLS: a certificate for 127.0.0.1 (a P-256 key made by the openssl command) in a
    context that loads the system's authorities, both made once; each test's server only uses it."""
    if shutil.which("openssl") is None:
        pytest.skip("makes its certificate with the openssl command")
    cert, key = self_signed_certificate(tmp_path_factory.mktemp("certificate"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture
def starttls_server(server_tls: ssl.SSLContext) -> Iterator[SmtpServer]:
    """A server that takes nothing but EHLO and STARTTLS before TLS, and offers AUTH only after it."""
    server = start_smtp_server(tls_context=server_tls)
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("username", [USER, None])
def test_security_none_against_a_server_asking_for_starttls_names_the_setting(
    starttls_server: SmtpServer, username: str | None
) -> None:
    destination = EmailDestination(
        host="127.0.0.1",
        port=starttls_server.port,
        security="none",
        username=username,
        password=PASSWORD if username else None,
        sender="alerts@cafe.example",
        to=["owner@cafe.example"],
    )
    message = EmailMessage()
    message["Subject"] = "prueba"
    message.set_content("hola")
    with pytest.raises(DeliveryError) as raised:
        send_email_each(destination, message)
    text = str(raised.value)
    assert f"127.0.0.1:{starttls_server.port}" in text and "STARTTLS" in text
    assert 'set security = "starttls" in [smtp] or [brands.alerts.email]' in text
    assert PASSWORD not in text and not starttls_server.messages
    _i18n.use("es")
    try:
        spanish = said(text)
    finally:
        _i18n.use_environment()
    assert spanish != text and 'security = "starttls"' in spanish, spanish


# Discord retired discordapp.com for discord.com (discord/discord-api-docs#1878); Microsoft moved
# Teams workflow URLs from logic.azure.com to api.powerplatform.com (end of 2025). Made-up tokens.
OLD_DISCORD = "https://discordapp.com/api/webhooks/1234567890123/Zq8vN2kLmP4xR7tYcW9bHs3Jd6Fg1Ae5"
NEW_DISCORD = "https://discord.com/api/webhooks/1234567890123/Zq8vN2kLmP4xR7tYcW9bHs3Jd6Fg1Ae5"
OLD_TEAMS = (
    "https://prod-42.westus.logic.azure.com:443/workflows/0f3c9a7e5b1d4c2a8e6f1b3d5a7c9e0f/triggers/manual"
    "/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Kx7Qm2Vn9Lp4Rt8Wy3Zb6Hc1Jd5Fg0Ae"
)
NEW_TEAMS = (
    "https://default0a1b2c3d.42.environment.api.powerplatform.com:443/powerautomate/automations/direct"
    "/workflows/0f3c9a7e5b1d4c2a8e6f1b3d5a7c9e0f/triggers/manual/paths/invoke?api-version=1"
    "&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Kx7Qm2Vn9Lp4Rt8Wy3Zb6Hc1Jd5Fg0Ae"
)


@pytest.mark.parametrize(
    ("kind", "old", "new", "status"),
    [("discord", OLD_DISCORD, NEW_DISCORD, 301), ("teams", OLD_TEAMS, NEW_TEAMS, 308)],
)
@respx.mock
def test_a_webhook_moved_for_good_says_to_update_its_url_without_printing_it(
    kind: str, old: str, new: str, status: int
) -> None:
    page = f'<html><body>Moved Permanently. Redirecting to <a href="{new}">{new}</a></body></html>'
    route = respx.post(old).respond(status, headers={"Location": new}, html=page)
    hook = WebhookDestination(kind=kind, url=old, name="equipo")
    with httpx.Client(follow_redirects=False) as client, pytest.raises(DeliveryError) as raised:
        post_to_webhook(hook, {"text": "hola"}, client)
    text = str(raised.value)
    assert route.call_count == 1  # not followed: a POST turned into a GET elsewhere delivers nothing
    assert text == (
        f"webhook 'equipo' ({kind}): HTTP {status}: the service moved this webhook for good; "
        "copy its new url from the service into the config"
    )
    for secret in (old, new, "Zq8vN2kLmP4x", "Kx7Qm2Vn9Lp4", "powerplatform", "discord.com"):
        assert secret not in text
    _i18n.use("es")
    try:
        spanish = said(text)
    finally:
        _i18n.use_environment()
    assert spanish != text and "equipo" in spanish and str(status) in spanish, spanish


@respx.mock
def test_a_temporary_redirect_is_still_said_as_the_service_answered() -> None:
    respx.post(OLD_DISCORD).respond(307, headers={"Location": NEW_DISCORD})
    hook = WebhookDestination(kind="discord", url=OLD_DISCORD, name="equipo")
    with httpx.Client(follow_redirects=False) as client, pytest.raises(DeliveryError) as raised:
        post_to_webhook(hook, {"text": "hola"}, client)
    assert str(raised.value) == "webhook 'equipo' (discord): HTTP 307"
