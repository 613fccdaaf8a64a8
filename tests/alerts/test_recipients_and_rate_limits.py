"""Alert delivery as a shop meets it over months: a recipient written another way in the config, the
same mailbox listed twice, a recipient added after an upgrade, and a chat service that answers 429
"too many requests" with the time to wait (Slack's `Retry-After` header; Discord's header and its
JSON body `{"message", "retry_after", "global"}`). Nothing reaches a mailbox twice, nobody is left
out, and no test sleeps: the wait the retry asks for is recorded instead. What records deliveries
runs on SQLite and PostgreSQL (`seed`)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from alerts.helpers_alerts import NOW, alerts
from alerts.servers import HookServer, SmtpServer
from alerts.test_delivery import angry_customer
from alerts.test_delivery_real_answers import mail_config
from analytics.seeding import Seed

from socialmon.alerts import send_alerts, store
from socialmon.alerts import webhooks as webhooks_module
from socialmon.config import Config

MANAGER = "g@cafe.example"
OWNER = "duena@cafe.example"
CHEF = "chef@cafe.example"
SLACK_HOOK = '[[brands.alerts.webhooks]]\nkind = "slack"\nurl = "${HOOKS}/slack"\n'


def mailed(smtp: SmtpServer) -> list[list[str]]:
    """Each message's envelope recipients, as the server took them."""
    return [sorted(recipients) for _, recipients in smtp.envelopes]


def with_slack(tmp_path: Path, smtp: SmtpServer, to: list[str]) -> Config:
    """E-mail to `to` and a Slack webhook (on the test's hook server): while Slack fails, the alerts
    stay unsent and every run looks at what each recipient already has."""
    return mail_config(tmp_path, smtp.port, to=to, extra=SLACK_HOOK)


def old_delivery(seed: Seed, destination: str, destinations: list[str]) -> list[int]:
    """Every alert recorded as delivered to `destination`, as an earlier version wrote it."""
    ids = [alert["id"] for alert in alerts(seed.database)]
    assert store.claim(seed.database, ids, destination, "old-run", 50) == ids
    store.mark_delivered(seed.database, ids, destination, "old-run", destinations)
    return ids


# --- 1. a recipient is its mailbox, not the text that names it --------------------------------


@pytest.mark.parametrize("written_now", [MANAGER, "G@Cafe.Example", "El Gerente <G@CAFE.EXAMPLE>"])
def test_a_recipient_written_another_way_is_not_sent_the_same_alerts_again(
    seed: Seed, smtp: SmtpServer, hooks: HookServer, tmp_path: Path, written_now: str
) -> None:
    """The config said "Gerente <g@cafe.example>"; someone tidies it to another spelling of the same
    mailbox while Slack is down. The manager already has these alerts."""
    env = {"HOOKS": hooks.base}
    hooks.answers["/slack"] = [500, 500, 200]
    config = with_slack(tmp_path, smtp, [f"Gerente <{MANAGER}>"])
    angry_customer(seed, config)
    first = send_alerts(seed.database, config, config.brands, now=NOW, environ=env)
    assert [d.destination for d in first.failed] == ["slack"] and mailed(smtp) == [[MANAGER]]

    config = with_slack(tmp_path, smtp, [written_now])
    preview = send_alerts(seed.database, config, config.brands, now=NOW, environ=env, dry_run=True)
    assert [p.destination for p in preview.previews] == ["slack"]
    second = send_alerts(seed.database, config, config.brands, now=NOW, environ=env)

    assert [d.destination for d in second.deliveries] == ["slack"] and mailed(smtp) == [[MANAGER]]
    third = send_alerts(seed.database, config, config.brands, now=NOW, environ=env)
    assert third.failed == [] and mailed(smtp) == [[MANAGER]]
    assert all(alert["sent_at"] is not None for alert in alerts(seed.database))


@pytest.mark.parametrize("stored_as", [f"Gerente <{MANAGER}>", "G@Cafe.Example"])
def test_deliveries_stored_under_the_old_text_still_count_after_the_upgrade(
    seed: Seed, smtp: SmtpServer, hooks: HookServer, tmp_path: Path, stored_as: str
) -> None:
    """A database written when a recipient's destination was the entry as written
    (`email:Gerente <g@cafe.example>`): read as that mailbox, no migration, nothing mailed again."""
    env = {"HOOKS": hooks.base}
    hooks.answers["/slack"] = [200]
    config = with_slack(tmp_path, smtp, [stored_as])
    angry_customer(seed, config)
    old_delivery(seed, f"email:{stored_as}", [f"email:{stored_as}", "slack"])

    result = send_alerts(seed.database, config, config.brands, now=NOW, environ=env)

    assert [d.destination for d in result.deliveries] == ["slack"] and smtp.envelopes == []
    assert all(alert["sent_at"] is not None for alert in alerts(seed.database))


def test_the_same_mailbox_listed_twice_gets_one_copy(
    sqlite_seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    """`to = ["g@cafe.example", "Gerente <G@Cafe.Example>"]`: one mailbox, one e-mail, one To."""
    config = mail_config(tmp_path, smtp.port, to=[MANAGER, "Gerente <G@Cafe.Example>", OWNER])
    angry_customer(sqlite_seed, config)

    result = send_alerts(sqlite_seed.database, config, config.brands, now=NOW)

    assert result.failed == [] and mailed(smtp) == [sorted([MANAGER, OWNER])]
    (message,) = smtp.messages
    assert message["To"].addresses[0].addr_spec == MANAGER and len(message["To"].addresses) == 2
    assert send_alerts(sqlite_seed.database, config, config.brands, now=NOW).deliveries == []
    assert all(alert["sent_at"] is not None for alert in alerts(sqlite_seed.database))


# --- 2. a delivery to the whole list, from before recipients were told apart ------------------


def test_a_recipient_added_after_the_upgrade_gets_the_alerts_the_old_list_had(
    seed: Seed, smtp: SmtpServer, hooks: HookServer, tmp_path: Path
) -> None:
    """An earlier version mailed the alerts to the owner and the manager (one `email` row), Slack
    failing. The first run after the upgrade takes that list as theirs; the chef, added later, is
    owed the alerts still open like any new recipient, and the others are not mailed again."""
    env = {"HOOKS": hooks.base}
    hooks.answers["/slack"] = [500, 500, 200]
    config = with_slack(tmp_path, smtp, [OWNER, MANAGER])
    angry_customer(seed, config)
    old_delivery(seed, "email", ["email", "slack"])
    upgraded = send_alerts(seed.database, config, config.brands, now=NOW, environ=env)
    assert [d.destination for d in upgraded.deliveries] == ["slack"] and smtp.envelopes == []

    config = with_slack(tmp_path, smtp, [OWNER, MANAGER, CHEF])
    later = send_alerts(seed.database, config, config.brands, now=NOW, environ=env)

    assert mailed(smtp) == [[CHEF]]
    assert [d.destination for d in later.deliveries if d.ok] == [f"email ({CHEF})"]
    last = send_alerts(seed.database, config, config.brands, now=NOW, environ=env)
    assert last.failed == [] and mailed(smtp) == [[CHEF]]
    assert all(alert["sent_at"] is not None for alert in alerts(seed.database))


# --- 3. a chat service's 429 and the wait it asks for -----------------------------------------

SLACK_URL = "https://hooks.slack.com/services/T0CAFE001/B0CAFE002/abcdefghijklmnopqrstuvwx"
DISCORD_URL = "https://discord.com/api/webhooks/1234567890123456789/Zx9yW8vU7tS6rQ5pO4nM3lK2jI1hG0fE"
HOOKS = (
    f'[[brands.alerts.webhooks]]\nkind = "slack"\nurl = "{SLACK_URL}"\n'
    f'[[brands.alerts.webhooks]]\nkind = "discord"\nurl = "{DISCORD_URL}"\n'
)


def slack_429(retry_after: str) -> httpx.Response:
    """Slack's incoming webhook over its rate: 429, the seconds in `Retry-After`, a plain-text code."""
    return httpx.Response(429, text="rate_limited", headers={"Retry-After": retry_after})


def discord_429(retry_after: float, header: str | None) -> httpx.Response:
    """Discord's: 429 with a JSON body whose `retry_after` is in seconds (a float, API v8 on), and
    the whole seconds in `Retry-After` (with its own X-RateLimit-* headers)."""
    headers = {"X-RateLimit-Scope": "shared", "X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0"}
    if header is not None:
        headers["Retry-After"] = header
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
    return httpx.Response(429, json=body, headers=headers)


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the rate-limit retry asked for, none of them slept."""
    asked: list[float] = []
    monkeypatch.setattr(webhooks_module, "_pause", asked.append)
    return asked


def chat_config(tmp_path: Path) -> Config:
    from alerts.test_delivery import write

    return write(tmp_path, HOOKS)


@respx.mock
def test_a_short_retry_after_is_waited_once_and_the_message_goes_out_in_the_same_run(
    sqlite_seed: Seed, tmp_path: Path, waits: list[float]
) -> None:
    config = chat_config(tmp_path)
    angry_customer(sqlite_seed, config)
    slack = respx.post(SLACK_URL)
    slack.side_effect = [slack_429("3"), httpx.Response(200, text="ok")]
    discord = respx.post(DISCORD_URL)
    discord.side_effect = [discord_429(1.5, "2"), httpx.Response(204)]

    result = send_alerts(sqlite_seed.database, config, config.brands, now=NOW)

    assert result.failed == [] and [d.destination for d in result.deliveries] == ["slack", "discord"]
    assert waits == [3.0, 2.0] and slack.call_count == 2 and discord.call_count == 2
    assert all(alert["sent_at"] is not None for alert in alerts(sqlite_seed.database))


@respx.mock
def test_discords_body_gives_the_wait_when_no_header_does(
    sqlite_seed: Seed, tmp_path: Path, waits: list[float]
) -> None:
    config = chat_config(tmp_path)
    angry_customer(sqlite_seed, config)
    respx.post(SLACK_URL).respond(200, text="ok")
    discord = respx.post(DISCORD_URL)
    discord.side_effect = [discord_429(0.75, None), httpx.Response(204)]

    assert send_alerts(sqlite_seed.database, config, config.brands, now=NOW).failed == []
    assert waits == [0.75] and discord.call_count == 2


@respx.mock
def test_a_long_retry_after_fails_that_destination_saying_when_and_the_others_are_delivered(
    sqlite_seed: Seed, tmp_path: Path, waits: list[float]
) -> None:
    config = chat_config(tmp_path)
    angry_customer(sqlite_seed, config)
    slack = respx.post(SLACK_URL)
    slack.side_effect = [slack_429("120"), httpx.Response(200, text="ok")]
    discord = respx.post(DISCORD_URL).respond(204)

    result = send_alerts(sqlite_seed.database, config, config.brands, now=NOW)

    (failure,) = result.failed
    assert failure.destination == "slack" and slack.call_count == 1 and waits == []
    assert failure.error == (
        "webhook 'slack' (slack): HTTP 429: rate_limited; the service asks to wait 2 min before "
        "posting again: the first run after that sends these alerts"
    )
    assert [d.destination for d in result.deliveries if d.ok] == ["discord"] and discord.call_count == 1
    later = send_alerts(sqlite_seed.database, config, config.brands, now=NOW + timedelta(minutes=15))
    assert later.failed == [] and slack.call_count == 2 and discord.call_count == 1


@respx.mock
def test_still_rate_limited_after_the_wait_is_a_failure_without_a_second_wait(
    sqlite_seed: Seed, tmp_path: Path, waits: list[float]
) -> None:
    config = chat_config(tmp_path)
    angry_customer(sqlite_seed, config)
    respx.post(SLACK_URL).respond(200, text="ok")
    discord = respx.post(DISCORD_URL)
    discord.side_effect = [discord_429(1.2, "2"), discord_429(1.4, "2"), httpx.Response(204)]

    (failure,) = send_alerts(sqlite_seed.database, config, config.brands, now=NOW).failed

    assert failure.destination == "discord" and waits == [2.0] and discord.call_count == 2
    assert "HTTP 429: " in (failure.error or "") and "wait 2 s before posting again" in (failure.error or "")
    assert "Zx9yW8vU7tS6rQ5pO4nM3lK2jI1hG0fE" not in (failure.error or "")


@pytest.mark.parametrize(
    ("seconds", "wait"), [("45", "45 s"), ("3600", "60 min"), ("Wed, 21 Oct 2099 07:28:00 GMT", None)]
)
def test_the_wait_is_said_in_seconds_minutes_or_hours(seconds: str, wait: str | None) -> None:
    answer = httpx.Response(429, text="rate_limited", headers={"Retry-After": seconds})
    said = webhooks_module.rate_limit_wait(answer)
    assert said is not None and said > webhooks_module.RATE_LIMIT_WAIT
    assert wait is None or webhooks_module.said_wait(said) == wait


def test_the_rate_limit_failure_is_said_in_spanish(cli_in_spanish: Any) -> None:
    from socialmon.cli._config_words import said_error

    english = (
        "webhook 'avisos' (discord): HTTP 429: Too Many Requests; the service asks to wait 5 min before "
        "posting again: the first run after that sends these alerts"
    )
    assert said_error(english) == (
        "webhook 'avisos' (discord): HTTP 429: Too Many Requests; el servicio pide esperar 5 min antes "
        "de volver a publicar: la primera ejecución después de eso envía estas alertas"
    )


@respx.mock
def test_a_service_that_asked_to_wait_is_not_posted_to_again_in_the_same_run(
    waits: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A webhook several brands share, or a JSON hook's many batches: after a 429 the run did not
    wait out, the later posts fail at once, without a request nor a wait, until the time is up."""
    from socialmon.alerts._errors import DeliveryError
    from socialmon.config import WebhookDestination

    hook = WebhookDestination(kind="discord", url=DISCORD_URL, name="avisos")
    route = respx.post(DISCORD_URL)
    route.side_effect = [discord_429(95.0, "95"), httpx.Response(204)]
    clock = [1000.0]
    monkeypatch.setattr(webhooks_module.time, "monotonic", lambda: clock[0])
    limits = webhooks_module.RateLimits()
    with httpx.Client() as client:
        with pytest.raises(DeliveryError, match="wait 95 s before posting again"):
            webhooks_module.post(hook, {"content": "uno"}, client, limits)
        clock[0] += 30
        with pytest.raises(
            DeliveryError, match=r"HTTP 429: Too Many Requests; the service asks to wait 65 s"
        ):
            webhooks_module.post(hook, {"content": "dos"}, client, limits)
        assert route.call_count == 1 and waits == []
        clock[0] += 66
        webhooks_module.post(hook, {"content": "tres"}, client, limits)
    assert route.call_count == 2 and waits == []
