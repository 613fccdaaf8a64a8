"""Delivery against what real servers answer: an SMTP server refusing one recipient of several (for
now, 4xx, or for good, 5xx, RFC 5321 4.2.1), credentials outside ASCII, webhook addresses and
headers httpx cannot send, a retired Teams connector that wraps its error in a 200, and Slack's
and Teams' own error answers. Nothing is lost, nothing reaches a recipient twice, nothing crashes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from alerts.helpers_alerts import NOW, alerts
from alerts.servers import HookServer, free_port
from alerts.test_delivery import angry_customer, write
from analytics.seeding import Seed

from socialmon.alerts import send_alerts

OWNER, MANAGER, CHEF = "duena@cafe.example", "gerente@cafe.example", "chef@cafe.example"


@dataclass
class Answering:
    """An SMTP server whose RCPT answers per address are given in turn (the last one repeats)."""

    rcpt: dict[str, list[str]] = field(default_factory=dict)
    password: str = ""
    envelopes: list[list[str]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        answers = self.rcpt.get(address, ["250 OK"])
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if answer.startswith("250"):
            envelope.rcpt_tos.append(address)
        return answer

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(sorted(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.password == self.password.encode()
        if ok:
            self.logins.append(data.login.decode())
        # handled=False: aiosmtpd answers "535 5.7.8" itself (handled=True would leave it unanswered)
        return AuthResult(success=ok, handled=False)


@pytest.fixture
def answering() -> Iterator[tuple[Answering, int]]:
    handler = Answering()
    port = free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=handler.authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def mail_config(tmp_path: Path, port: int, *, to: list[str], login: bool = False, extra: str = "") -> Any:
    smtp = f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nfrom = "alertas@cafe.example"\n'
    if login:
        smtp += 'username = "${SMTP_USER}"\npassword = "${SMTP_PASSWORD}"\n'
    addresses = ", ".join(f'"{a}"' for a in to)
    return write(tmp_path, f"[brands.alerts.email]\nto = [{addresses}]\n{extra}", smtp=smtp)


def test_a_recipient_refused_for_now_gets_the_alerts_next_run_and_the_others_only_once(
    sqlite_seed: Seed, answering: tuple[Answering, int], tmp_path: Path
) -> None:
    """451 at RCPT for one of three: the other two have it; the third is told next run, alone."""
    server, port = answering
    server.rcpt[MANAGER] = ["451 4.3.0 Mailbox temporarily unavailable, try again later", "250 OK"]
    config = mail_config(tmp_path, port, to=[OWNER, MANAGER, CHEF])
    angry_customer(sqlite_seed, config)

    first = send_alerts(sqlite_seed.database, config, config.brands, now=NOW)

    assert server.envelopes == [sorted([OWNER, CHEF])]
    (failure,) = first.failed  # partial: never "ok"
    assert (
        MANAGER in failure.destination and "451" in (failure.error or "") and MANAGER in (failure.error or "")
    )
    assert all(alert["sent_at"] is None for alert in alerts(sqlite_seed.database))

    second = send_alerts(sqlite_seed.database, config, config.brands, now=NOW + timedelta(minutes=15))

    assert second.failed == [] and server.envelopes[1:] == [[MANAGER]]  # the manager only, once
    assert all(alert["sent_at"] is not None for alert in alerts(sqlite_seed.database))
    third = send_alerts(sqlite_seed.database, config, config.brands, now=NOW + timedelta(minutes=30))
    assert third.deliveries == [] and len(server.envelopes) == 2


def test_a_recipient_refused_for_good_is_a_failure_that_names_it_and_the_others_are_not_sent_again(
    sqlite_seed: Seed, answering: tuple[Answering, int], tmp_path: Path
) -> None:
    server, port = answering
    server.rcpt[CHEF] = ["550 5.1.1 <chef@cafe.example>: Recipient address rejected: User unknown"]
    config = mail_config(tmp_path, port, to=[OWNER, MANAGER, CHEF])
    angry_customer(sqlite_seed, config)

    first = send_alerts(sqlite_seed.database, config, config.brands, now=NOW)

    assert server.envelopes == [sorted([OWNER, MANAGER])]
    assert [d.destination for d in first.deliveries if d.ok] == [f"email ({OWNER}, {MANAGER})"]
    (failure,) = first.failed
    assert (
        CHEF in failure.destination
        and "550" in (failure.error or "")
        and "User unknown" in (failure.error or "")
        and "check the address in alerts.email.to" in (failure.error or "")
    )

    second = send_alerts(sqlite_seed.database, config, config.brands, now=NOW + timedelta(minutes=15))
    assert len(second.failed) == 1 and server.envelopes[1:] == []  # the others never get it twice


def test_every_recipient_refused_is_a_failure_for_each_and_all_get_it_once_the_server_takes_them(
    sqlite_seed: Seed, answering: tuple[Answering, int], tmp_path: Path
) -> None:
    server, port = answering
    server.rcpt[OWNER] = ["452 4.2.2 Mailbox full", "250 OK"]
    server.rcpt[MANAGER] = ["450 4.7.1 Greylisted, please try again", "250 OK"]
    config = mail_config(tmp_path, port, to=[OWNER, MANAGER])
    angry_customer(sqlite_seed, config)

    first = send_alerts(sqlite_seed.database, config, config.brands, now=NOW)
    assert server.envelopes == [] and first.sent == 0 and first.failed

    second = send_alerts(sqlite_seed.database, config, config.brands, now=NOW + timedelta(minutes=15))
    assert second.failed == [] and server.envelopes == [sorted([OWNER, MANAGER])]


def test_a_password_outside_ascii_logs_in_instead_of_crashing(
    sqlite_seed: Seed, answering: tuple[Answering, int], tmp_path: Path
) -> None:
    """smtplib encodes credentials as ASCII (a UnicodeEncodeError); AUTH PLAIN is UTF-8 (RFC 4616)."""
    server, port = answering
    server.password = "contraseña-añeja"
    config = mail_config(tmp_path, port, to=[OWNER], login=True)
    angry_customer(sqlite_seed, config)
    env = {"SMTP_USER": "dueña", "SMTP_PASSWORD": server.password}

    result = send_alerts(sqlite_seed.database, config, config.brands, now=NOW, environ=env)

    assert result.failed == [] and server.logins == ["dueña"] and server.envelopes == [[OWNER]]


def test_a_wrong_password_outside_ascii_is_a_failure_naming_the_setting(
    sqlite_seed: Seed, answering: tuple[Answering, int], tmp_path: Path
) -> None:
    server, port = answering
    server.password = "the-right-one"
    config = mail_config(tmp_path, port, to=[OWNER], login=True)
    angry_customer(sqlite_seed, config)
    env = {"SMTP_USER": "u", "SMTP_PASSWORD": "contraseña"}

    (failure,) = send_alerts(sqlite_seed.database, config, config.brands, now=NOW, environ=env).failed

    assert "535" in (failure.error or "") and "username/password" in (failure.error or "")
    assert "contraseña" not in (failure.error or "")


@pytest.mark.parametrize(
    ("variable", "value", "why"),
    [
        ("HOOK_URL", "https://[::1/hook", "address"),  # pasted with a bracket missing
        ("OPS_TOKEN", "tok\u00e9n-with-an-accent", "header"),  # httpx sends headers as ASCII
    ],
)
def test_a_webhook_httpx_cannot_send_is_a_failure_and_the_others_still_get_theirs(
    sqlite_seed: Seed, hooks: HookServer, tmp_path: Path, variable: str, value: str, why: str
) -> None:
    config = write(
        tmp_path,
        '[[brands.alerts.webhooks]]\nkind = "json"\nname = "ops"\nurl = "${HOOK_URL}"\n'
        'headers = { Authorization = "Bearer ${OPS_TOKEN}" }\n'
        f'[[brands.alerts.webhooks]]\nkind = "slack"\nurl = "{hooks.base}/slack"\n',
    )
    angry_customer(sqlite_seed, config)
    env = {"HOOK_URL": f"{hooks.base}/json", "OPS_TOKEN": "t0ken-ok", variable: value}

    result = send_alerts(sqlite_seed.database, config, config.brands, now=NOW, environ=env)

    (failure,) = result.failed
    assert failure.destination == "ops" and why in (failure.error or "")
    assert value not in (failure.error or "")  # the URL and the header values are secrets
    assert len(hooks.bodies("/slack")) == 1


TEAMS_URL = "https://prod-12.westeurope.logic.azure.com/workflows/0a1b/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Zm9vYmFyc2lnbmF0dXJl"
CONNECTOR_URL = (
    "https://cafeuno.webhook.office.com/webhookb2/1111-2222@3333-4444/IncomingWebhook/5555aaaa/6666-bbbb"
)


@respx.mock
def test_a_retired_teams_connector_that_wraps_its_error_in_a_200_is_a_failure(
    sqlite_seed: Seed, tmp_path: Path
) -> None:
    """An Office 365 connector answers 200 with "Webhook message delivery failed with error: …" in the
    body (MicrosoftDocs/msteams-docs#400): the message did not reach the channel."""
    config = write(tmp_path, f'[[brands.alerts.webhooks]]\nkind = "teams"\nurl = "{CONNECTOR_URL}"\n')
    angry_customer(sqlite_seed, config)
    respx.post(CONNECTOR_URL).respond(
        200,
        text="Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 400 "
        "with ContextId tcid=0,server=msgapi-production-weu-azsc2-3-18,cv=xyz",
    )

    result = send_alerts(sqlite_seed.database, config, config.brands, now=NOW)

    (failure,) = result.failed
    assert "delivery failed" in (failure.error or "") and "5555aaaa" not in (failure.error or "")
    assert all(alert["sent_at"] is None for alert in alerts(sqlite_seed.database))


SLACK_URL = "https://hooks.slack.com/services/T0CAFE001/B0CAFE002/abcdefghijklmnopqrstuvwx"


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (404, "no_service"),
        (410, "channel_is_archived"),
        (403, "invalid_token"),
        (403, "action_prohibited"),
        (400, "invalid_payload"),
        (429, "rate_limited"),
        (500, "rollup_error"),
    ],
)
@respx.mock
def test_slacks_error_answers_keep_the_alerts_for_the_next_run_which_sends_them_once(
    sqlite_seed: Seed, tmp_path: Path, status: int, body: str
) -> None:
    """Slack's incoming webhooks answer errors as a status and a plain-text code, "ok" on success."""
    config = write(tmp_path, f'[[brands.alerts.webhooks]]\nkind = "slack"\nurl = "{SLACK_URL}"\n')
    angry_customer(sqlite_seed, config)
    route = respx.post(SLACK_URL)
    route.side_effect = [
        httpx.Response(status, text=body, headers={"Retry-After": "30"} if status == 429 else {}),
        httpx.Response(200, text="ok"),
    ]

    (failure,) = send_alerts(sqlite_seed.database, config, config.brands, now=NOW).failed
    assert f"HTTP {status}: {body}" in (failure.error or "") and "abcdefghij" not in (failure.error or "")
    later = send_alerts(sqlite_seed.database, config, config.brands, now=NOW + timedelta(minutes=15))
    assert later.failed == [] and route.call_count == 2
    assert send_alerts(sqlite_seed.database, config, config.brands, now=NOW).deliveries == []
    assert route.call_count == 2


@respx.mock
def test_teams_workflows_accepted_with_an_empty_body_is_delivered_and_its_json_error_is_kept(
    sqlite_seed: Seed, tmp_path: Path
) -> None:
    config = write(tmp_path, f'[[brands.alerts.webhooks]]\nkind = "teams"\nurl = "{TEAMS_URL}"\n')
    angry_customer(sqlite_seed, config)
    route = respx.post(TEAMS_URL)
    route.side_effect = [
        httpx.Response(
            400,
            json={
                "error": {
                    "code": "TriggerInputSchemaMismatch",
                    "message": "The input body for trigger 'manual' of type 'Request' did not match its "
                    "schema definition.",
                }
            },
        ),
        httpx.Response(202),
    ]

    (failure,) = send_alerts(sqlite_seed.database, config, config.brands, now=NOW).failed
    assert "TriggerInputSchemaMismatch" in (failure.error or "") and "Zm9vYmFy" not in (failure.error or "")
    later = send_alerts(sqlite_seed.database, config, config.brands, now=NOW + timedelta(minutes=15))
    assert later.failed == [] and later.sent == 1
    assert all(alert["sent_at"] is not None for alert in alerts(sqlite_seed.database))


def test_alerts_sent_to_the_whole_list_before_recipients_were_told_apart_are_not_sent_again(
    sqlite_seed: Seed, answering: tuple[Answering, int], tmp_path: Path
) -> None:
    """A database from before: the e-mail recorded as plain "email", a webhook still owed."""
    from socialmon.alerts import store

    server, port = answering
    config = mail_config(tmp_path, port, to=[OWNER, MANAGER])
    angry_customer(sqlite_seed, config)
    ids = [alert["id"] for alert in alerts(sqlite_seed.database)]
    assert store.claim(sqlite_seed.database, ids, "email", "old-run", 50) == ids
    store.mark_delivered(sqlite_seed.database, ids, "email", "old-run", ["email", "slack"])

    preview = send_alerts(sqlite_seed.database, config, config.brands, now=NOW, dry_run=True)
    assert preview.previews == []
    result = send_alerts(sqlite_seed.database, config, config.brands, now=NOW)

    assert result.deliveries == [] and server.envelopes == []
    assert all(alert["sent_at"] is not None for alert in alerts(sqlite_seed.database))


def test_dry_run_previews_one_message_per_group_of_recipients_owed_the_same_alerts(
    sqlite_seed: Seed, answering: tuple[Answering, int], tmp_path: Path
) -> None:
    server, port = answering
    server.rcpt[MANAGER] = ["451 4.3.0 try later", "250 OK"]
    config = mail_config(tmp_path, port, to=[OWNER, MANAGER])
    angry_customer(sqlite_seed, config)
    send_alerts(sqlite_seed.database, config, config.brands, now=NOW)

    (preview,) = send_alerts(sqlite_seed.database, config, config.brands, now=NOW, dry_run=True).previews

    assert preview.destination == f"email ({MANAGER})" and f"To: {MANAGER}\n" in preview.content
    assert len(server.envelopes) == 1


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        (
            "e-mail: the server refused ana@example.com (550 5.1.1 no such user); check the address in "
            "alerts.email.to",
            "correo: el servidor rechazó ana@example.com (550 5.1.1 no such user); revise la dirección en "
            "alerts.email.to",
        ),
        (
            "e-mail: the server refused ana@example.com for now (451 4.7.1 try later)",
            "correo: el servidor rechazó ana@example.com por ahora (451 4.7.1 try later)",
        ),
        (
            "webhook 'equipo' (slack): its url is not a valid web address; check its url",
            "webhook 'equipo' (slack): su url no es una dirección web válida; revise su url",
        ),
    ],
)
def test_the_new_delivery_failures_are_said_in_spanish(
    cli_in_spanish: None, english: str, spanish: str
) -> None:
    """The CLI says a delivery's failure in its language, the server's own answer as written."""
    from socialmon.cli._config_words import said_error

    assert said_error(english) == spanish


def test_an_entry_naming_two_people_mails_both(
    sqlite_seed: Seed, answering: tuple[Answering, int], tmp_path: Path
) -> None:
    """`to = "a@x, b@x"`, as a mail program writes To:: both are recipients, each its own destination.
    (Per-recipient envelopes took the first address only, and marked the alert sent.)"""
    server, port = answering
    config = mail_config(tmp_path, port, to=[f"{OWNER}, Gerente <{MANAGER}>"])
    angry_customer(sqlite_seed, config)
    result = send_alerts(sqlite_seed.database, config, config.brands, now=NOW)
    assert not result.failed
    assert [sorted(envelope) for envelope in server.envelopes] == [sorted([OWNER, MANAGER])]
