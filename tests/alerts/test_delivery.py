"""Delivery to a real SMTP server and real webhook receivers on 127.0.0.1: shapes, retries, exactly once."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from alerts.helpers_alerts import NOW, alerts, run_rules, seed_comments
from alerts.servers import PASSWORD, USER, HookServer, SmtpServer, start_smtp_server
from analytics.seeding import Seed
from helpers import self_signed_certificate
from sqlalchemy import Connection, text

from socialmon.alerts import acknowledge, send_alerts
from socialmon.config import Config, load_config
from socialmon.database import Database, open_database

ANGRY = "¡Una <b>ESTAFA</b>! Me cobraron de más & nadie responde"


def write(tmp_path: Path, alerts_toml: str, *, language: str = "es", smtp: str = "") -> Config:
    path = tmp_path / "socialmon.toml"
    path.write_text(
        f'{smtp}\n[[brands]]\nname = "Café Uno"\nslug = "cafe"\nlanguage = "{language}"\n'
        f'response_sla = "2h"\n\n[brands.alerts]\n{alerts_toml}',
        encoding="utf-8",
    )
    return load_config(path)


def smtp_section(server: SmtpServer, security: str = "none", extra: str = "") -> str:
    return (
        f'[smtp]\nhost = "127.0.0.1"\nport = {server.port}\nsecurity = "{security}"\n'
        f'username = "${{SMTP_USER}}"\npassword = "${{SMTP_PASSWORD}}"\nfrom = "{USER}"\n{extra}'
    )


SMTP_ENV = {"SMTP_USER": USER, "SMTP_PASSWORD": PASSWORD}


# The SQLite database `angry_customer` leaves for each brand (but where its alerts go), kept in
# memory with its channel's id. A test after the first with the same brand gets a copy of it in its
# own database file (SQLite's backup API) instead of the same three rows judged again: the rules'
# first run on a new database was a third of the delivery tests' CPU (35 tests call this).
_ANGRY: dict[str, tuple[sqlite3.Connection, int]] = {}


def angry_customer(seed: Seed, config: Config) -> None:
    """A Spanish brand with one customer waiting 3 h for an answer to a comment with a watch-list word."""
    brand = config.brands[0]
    # All the rules read of the brand: where its alerts go is for the tests to say.
    key = brand.model_dump_json(exclude={"alerts": {"email", "webhooks"}})
    if key in _ANGRY and _copied(_ANGRY[key][0], seed.database):
        seed.channels["cafe/fb"] = _ANGRY[key][1]
        return
    seed.brand("cafe", name=brand.name, language=brand.language)
    fb = seed.channel()
    seed.comment(
        fb, "c1", (NOW - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M"), label="negative", text=ANGRY
    )
    run_rules(seed.database, brand)
    if seed.database.sqlite_path is not None and key not in _ANGRY:
        kept = sqlite3.connect(":memory:", check_same_thread=False)
        raw = seed.database.engine.raw_connection()
        try:
            raw.driver_connection.backup(kept)
        finally:
            raw.close()
        _ANGRY[key] = (kept, fb)


def _copied(kept: sqlite3.Connection, database: Database) -> bool:
    """`kept` copied into `database` if it is a new SQLite file (no brand yet): True once done."""
    if database.sqlite_path is None:
        return False
    with database.read() as connection:
        if connection.execute(text("SELECT count(*) FROM brand")).scalar_one():
            return False
    raw = database.engine.raw_connection()
    try:
        kept.backup(raw.driver_connection)
    finally:
        raw.close()
    return True


def test_email_reaches_a_real_smtp_server_with_text_and_html_in_the_brands_language(
    sqlite_seed: Seed, smtp: SmtpServer, tmp_path: Path
) -> None:
    config = write(
        tmp_path, '[brands.alerts.email]\nto = ["duena@cafe.example"]\n[brands.alerts.watch_list]\nterms = ["estafa"]\n',
        smtp=smtp_section(smtp),
    )  # fmt: skip
    angry_customer(sqlite_seed, config)

    result = send_alerts(sqlite_seed.database, config, config.brands, now=NOW, environ=SMTP_ENV)

    assert result.failed == [] and result.sent == 2
    (message,) = smtp.messages
    assert smtp.logins == [USER] and smtp.envelopes == [(USER, ["duena@cafe.example"])]
    assert message["Subject"] == "[socialmon] Café Uno: 2 alertas"
    assert message["Content-Language"] == "es"
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Palabra vigilada “estafa”" in plain and "Espera respuesta desde hace 3 h" in plain
    assert ANGRY in plain  # the text part quotes the comment as written
    assert "&lt;b&gt;ESTAFA&lt;/b&gt;" in html and "<b>ESTAFA</b>" not in html  # the HTML part escapes it
    assert 'href="https://example.com/c1"' in html and "Abrir" in html
    assert all(alert["sent_at"] is not None for alert in alerts(sqlite_seed.database))


@pytest.mark.skipif(shutil.which("openssl") is None, reason="makes its certificate with the openssl command")
def test_email_over_starttls_verifies_the_server_with_its_ca(sqlite_seed: Seed, tmp_path: Path) -> None:
    import ssl

    cert, key = self_signed_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = start_smtp_server(tls_context=context)
    try:
        config = write(
            tmp_path, '[brands.alerts.email]\nto = "duena@cafe.example"\n', language="en",
            smtp=smtp_section(server, "starttls", f'ca_file = "{cert}"\n'),
        )  # fmt: skip
        angry_customer(sqlite_seed, config)
        result = send_alerts(sqlite_seed.database, config, config.brands, now=NOW, environ=SMTP_ENV)
        assert result.failed == [] and len(server.messages) == 1 and server.logins == [USER]
        assert server.messages[0]["Subject"].startswith("[socialmon] Café Uno: Waiting 3")

        untrusted = write(
            tmp_path,
            '[brands.alerts.email]\nto = "duena@cafe.example"\n',
            smtp=smtp_section(server, "starttls"),
        )
        sqlite_seed.comment(sqlite_seed.channels["cafe/fb"], "c2", "2026-11-19 11:00", label="negative")
        run_rules(sqlite_seed.database, untrusted.brands[0])
        failed = send_alerts(sqlite_seed.database, untrusted, untrusted.brands, now=NOW, environ=SMTP_ENV)
        assert "TLS" in failed.failed[0].error and len(server.messages) == 1
    finally:
        server.stop()


WEBHOOKS = """
[[brands.alerts.webhooks]]
kind = "slack"
url = "${HOOKS}/slack"
[[brands.alerts.webhooks]]
kind = "discord"
url = "${HOOKS}/discord"
[[brands.alerts.webhooks]]
kind = "teams"
url = "${HOOKS}/teams"
[[brands.alerts.webhooks]]
kind = "json"
name = "ops"
url = "${HOOKS}/json"
headers = { Authorization = "Bearer ${OPS_TOKEN}" }
"""


def test_each_webhook_gets_the_payload_shape_its_service_expects(
    sqlite_seed: Seed, hooks: HookServer, tmp_path: Path
) -> None:
    config = write(
        tmp_path,
        '[brands.alerts.waiting]\nenabled = false\n[brands.alerts.watch_list]\nterms = ["estafa"]\n'
        + WEBHOOKS,
    )
    angry_customer(sqlite_seed, config)
    hooks.answers["/discord"] = [204]
    hooks.answers["/teams"] = [202]

    result = send_alerts(
        sqlite_seed.database,
        config,
        config.brands,
        now=NOW,
        environ={"HOOKS": hooks.base, "OPS_TOKEN": "t0k"},
    )

    assert result.failed == [] and sorted(d.destination for d in result.deliveries) == [
        "discord",
        "ops",
        "slack",
        "teams",
    ]
    (slack,) = hooks.bodies("/slack")
    assert slack["text"].startswith("socialmon encontró 1 asunto")
    assert [block["type"] for block in slack["blocks"]] == ["header", "section", "context"]
    section = slack["blocks"][1]["text"]
    assert section["type"] == "mrkdwn" and "&lt;b&gt;ESTAFA&lt;/b&gt;" in section["text"]
    assert "<https://example.com/c1|Abrir>" in section["text"]

    (discord,) = hooks.bodies("/discord")
    assert discord["allowed_mentions"] == {"parse": []}
    (embed,) = discord["embeds"]
    assert (
        embed["title"].startswith("[CRÍTICA] Palabra vigilada") and embed["url"] == "https://example.com/c1"
    )
    assert embed["color"] == 0xCF222E and datetime.fromisoformat(embed["timestamp"]).tzinfo is not None

    (teams,) = hooks.bodies("/teams")
    assert teams["type"] == "message"
    (attachment,) = teams["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["body"][1]["items"][-1]["actions"][0] == {
        "type": "Action.OpenUrl",
        "title": "Abrir",
        "url": "https://example.com/c1",
    }

    (generic,) = hooks.bodies("/json")
    assert (
        generic["source"] == "socialmon"
        and generic["version"] == 1
        and generic["brand"] == {"slug": "cafe", "name": "Café Uno"}
    )
    (alert,) = generic["alerts"]
    assert (
        alert["rule"] == "watch-list"
        and alert["severity"] == "critical"
        and alert["facts"]["terms"] == ["estafa"]
    )
    assert alert["text"] == ANGRY
    (headers,) = [h for path, h, _ in hooks.received if path == "/json"]
    assert headers["Authorization"] == "Bearer t0k"


def test_a_failed_delivery_stays_unsent_and_the_next_run_sends_it_once_everywhere(
    seed: Seed, hooks: HookServer, smtp: SmtpServer, tmp_path: Path
) -> None:
    config = write(
        tmp_path, '[brands.alerts.email]\nto = "duena@cafe.example"\n' + WEBHOOKS.split("[[brands.alerts.webhooks]]\nkind = \"discord\"")[0],
        smtp=smtp_section(smtp),
    )  # fmt: skip
    angry_customer(seed, config)
    env = {"HOOKS": hooks.base, **SMTP_ENV}
    hooks.answers["/slack"] = [500, 200]

    first = send_alerts(seed.database, config, config.brands, now=NOW, environ=env)
    assert [d.destination for d in first.failed] == ["slack"] and "HTTP 500" in first.failed[0].error
    assert hooks.base not in first.failed[0].error  # the URL is a secret
    assert len(smtp.messages) == 1 and hooks.bodies("/slack") == []
    assert all(alert["sent_at"] is None for alert in alerts(seed.database))

    second = send_alerts(seed.database, config, config.brands, now=NOW + timedelta(minutes=15), environ=env)
    assert second.failed == [] and [d.destination for d in second.deliveries] == ["slack"]
    assert len(smtp.messages) == 1 and len(hooks.bodies("/slack")) == 1  # e-mail not sent twice
    assert all(alert["sent_at"] is not None for alert in alerts(seed.database))

    third = send_alerts(seed.database, config, config.brands, now=NOW + timedelta(minutes=30), environ=env)
    assert third.deliveries == [] and len(hooks.bodies("/slack")) == 1


def test_an_unreachable_webhook_is_a_reported_failure(sqlite_seed: Seed, tmp_path: Path) -> None:
    config = write(
        tmp_path, '[[brands.alerts.webhooks]]\nkind = "json"\nurl = "http://127.0.0.1:9/hook?key=SECRET"\n'
    )
    angry_customer(sqlite_seed, config)
    result = send_alerts(sqlite_seed.database, config, config.brands, now=NOW, http=httpx.Client(timeout=5))
    (failure,) = result.failed
    assert failure.destination == "json" and "cannot reach" in failure.error and "SECRET" not in failure.error


def test_quiet_hours_hold_non_critical_alerts_until_morning(
    sqlite_seed: Seed, hooks: HookServer, tmp_path: Path
) -> None:
    config = write(
        tmp_path,
        'quiet_hours = "22:00-07:00"\n[brands.alerts.watch_list]\nterms = ["estafa"]\n'
        f'[[brands.alerts.webhooks]]\nkind = "json"\nurl = "{hooks.base}/json"\n',
    )
    angry_customer(sqlite_seed, config)  # a critical watch-list alert and a warning about the wait
    night = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    held = send_alerts(sqlite_seed.database, config, config.brands, now=night)
    assert held.held == {"cafe": 1}
    assert [a["rule"] for a in hooks.bodies("/json")[0]["alerts"]] == ["watch-list"]

    morning = send_alerts(
        sqlite_seed.database, config, config.brands, now=datetime(2026, 11, 21, 7, 5, tzinfo=UTC)
    )
    assert morning.held == {} and [a["rule"] for a in hooks.bodies("/json")[1]["alerts"]] == ["waiting"]


def test_dry_run_sends_nothing_and_marks_nothing(
    sqlite_seed: Seed, hooks: HookServer, tmp_path: Path
) -> None:
    config = write(tmp_path, f'[[brands.alerts.webhooks]]\nkind = "slack"\nurl = "{hooks.base}/slack"\n')
    angry_customer(sqlite_seed, config)
    preview = send_alerts(sqlite_seed.database, config, config.brands, now=NOW, dry_run=True)
    assert hooks.received == [] and preview.deliveries == []
    assert len(preview.previews) == 1 and '"blocks"' in preview.previews[0].content
    assert all(alert["sent_at"] is None for alert in alerts(sqlite_seed.database))
    assert send_alerts(sqlite_seed.database, config, config.brands, now=NOW).sent == 1


def test_an_acknowledged_alert_is_not_sent(sqlite_seed: Seed, hooks: HookServer, tmp_path: Path) -> None:
    config = write(tmp_path, f'[[brands.alerts.webhooks]]\nkind = "json"\nurl = "{hooks.base}/json"\n')
    angry_customer(sqlite_seed, config)
    acknowledge(sqlite_seed.database, alerts(sqlite_seed.database)[0]["id"])
    assert send_alerts(sqlite_seed.database, config, config.brands, now=NOW).deliveries == []
    assert hooks.received == []


@pytest.mark.parametrize("missing", ["SMTP_PASSWORD", "HOOKS"])
def test_a_missing_secret_is_a_config_error_before_anything_is_sent(
    sqlite_seed: Seed, smtp: SmtpServer, hooks: HookServer, tmp_path: Path, missing: str
) -> None:
    from socialmon.config import ConfigError

    config = write(
        tmp_path, '[brands.alerts.email]\nto = "a@b.example"\n[[brands.alerts.webhooks]]\nkind = "json"\nurl = "${HOOKS}/j"\n',
        smtp=smtp_section(smtp),
    )  # fmt: skip
    angry_customer(sqlite_seed, config)
    env = {"HOOKS": hooks.base, **SMTP_ENV}
    del env[missing]
    with pytest.raises(ConfigError) as error:
        send_alerts(sqlite_seed.database, config, config.brands, now=NOW, environ=env)
    (problem,) = error.value.problems
    assert missing in problem.message
    assert problem.field == ("smtp.password" if missing == "SMTP_PASSWORD" else "alerts.webhooks[0].url")
    assert smtp.messages == [] and hooks.received == []


# --- many alerts at once: one message a person can read, within each service's limits ---------------


def waiting_customers(seed: Seed, config: Config, count: int, text: str = ANGRY) -> None:
    """A brand with `count` negative comments unanswered for 3 hours."""
    brand = config.brands[0]
    seed.brand("cafe", name=brand.name, language=brand.language)
    fb = seed.channel()
    written = (NOW - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    rows = [(f"c{i}", written, {"label": "negative", "text": f"{text} #{i}"}) for i in range(count)]
    seed_comments(seed, fb, rows)
    run_rules(seed.database, brand)


def test_a_wave_of_120_late_comments_is_one_alert_that_lists_the_worst_everywhere(
    sqlite_seed: Seed, hooks: HookServer, smtp: SmtpServer, tmp_path: Path
) -> None:
    """Issue 13 point 10: 120 comments past the SLA used to be 120 alerts; they are one wave."""
    config = write(
        tmp_path,
        '[brands.alerts.email]\nto = "duena@cafe.example"\n' + WEBHOOKS,
        smtp=smtp_section(smtp),
    )
    waiting_customers(sqlite_seed, config, 120)
    hooks.answers["/discord"] = [204]

    result = send_alerts(
        sqlite_seed.database, config, config.brands, now=NOW,
        environ={"HOOKS": hooks.base, "OPS_TOKEN": "t", **SMTP_ENV},
    )  # fmt: skip

    (wave,) = alerts(sqlite_seed.database)
    assert result.failed == [] and wave["sent_at"] is not None and wave["facts"]["count"] == 120
    title = "120 comentarios esperan respuesta desde hace más de 2 h (escritos el 20 nov 2026)"
    command = f"socialmon alerts show {wave['id']}"
    (slack,) = hooks.bodies("/slack")
    section = slack["blocks"][1]["text"]["text"]
    assert title in section and "Los 5 peores de 120:" in section and command in section
    assert section.count("> ¡Una &lt;b&gt;ESTAFA") == 5
    (discord,) = hooks.bodies("/discord")
    (embed,) = discord["embeds"]
    assert embed["description"].count("> ¡Una") == 5 and command in embed["description"]
    (teams,) = hooks.bodies("/teams")
    assert json.dumps(teams, ensure_ascii=False).count("“¡Una <b>ESTAFA") == 5
    (message,) = smtp.messages
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert message["Subject"] == f"[socialmon] Café Uno: {title}"
    assert plain.count("“¡Una <b>ESTAFA") == 5 and command in plain and "esperan respuesta" in plain
    assert html.count("“¡Una &lt;b&gt;ESTAFA") == 5 and "<b>ESTAFA" not in html
    ((alert,),) = [body["alerts"] for body in hooks.bodies("/json")]
    assert alert["facts"]["count"] == 120 and len(alert["facts"]["comments"]) == 5
    assert "comment_ids" not in alert["facts"]  # `socialmon alerts show ID` lists them all


def test_a_json_webhook_gets_a_thousand_alerts_in_few_posts(
    sqlite_seed: Seed, hooks: HookServer, tmp_path: Path
) -> None:
    """Issue 13 point 11: every alert once, a list per POST, up to JSON_BATCH (200) in each."""
    from sqlalchemy import insert

    from socialmon.alerts.webhooks import JSON_BATCH
    from socialmon.models import Alert

    config = write(tmp_path, f'[[brands.alerts.webhooks]]\nkind = "json"\nurl = "{hooks.base}/json"\n')
    sqlite_seed.brand("cafe", name="Café Uno", language="es")
    facts = {"channel": "fb", "kind": "failing", "failures": 3, "error": "HTTP 500"}
    rows = [
        {
            "brand_id": 1,
            "rule": "connector-trouble",
            "dedup_key": f"k{i}",
            "severity": "warning",
            "title": "t",
            "facts": facts,
            "created_at": NOW,
        }
        for i in range(1000)
    ]
    with sqlite_seed.database.write() as connection:
        connection.execute(insert(Alert.__table__), rows)

    result = send_alerts(sqlite_seed.database, config, config.brands, now=NOW)

    bodies = hooks.bodies("/json")
    assert JSON_BATCH >= 200 and len(bodies) == 5 and all(len(b["alerts"]) == 200 for b in bodies)
    assert sorted(a["id"] for b in bodies for a in b["alerts"]) == list(range(1, 1001))
    assert result.sent == 1000 and send_alerts(sqlite_seed.database, config, config.brands, now=NOW).sent == 0


def test_one_alert_is_worded_in_the_singular(sqlite_seed: Seed, hooks: HookServer, tmp_path: Path) -> None:
    config = write(tmp_path, f'[[brands.alerts.webhooks]]\nkind = "slack"\nurl = "{hooks.base}/slack"\n')
    waiting_customers(sqlite_seed, config, 1)
    send_alerts(sqlite_seed.database, config, config.brands, now=NOW)
    (slack,) = hooks.bodies("/slack")
    assert slack["text"] == "socialmon encontró 1 asunto que requiere su atención en Café Uno."


def long_alerts(count: int, quote: str) -> list:
    from socialmon.alerts.wording import word
    from socialmon.render.i18n import Lang

    facts = {
        "channel": "facebook", "platform": "facebook", "author": "Ana " * 40, "text": quote, "label": "negative",
        "url": "https://example.com/c1", "written_at": NOW.isoformat(), "terms": ["estafa", "fraude", "robo"],
    }  # fmt: skip
    return [word(i, "watch-list", "critical", facts, NOW, Lang("es")) for i in range(1, count + 1)]


@pytest.mark.parametrize("quote", ["Me estafaron, nadie responde. " * 17, "😡🤬💀" * 170])
def test_chat_payloads_stay_within_each_services_limits(quote: str) -> None:
    import json

    from socialmon.alerts.webhooks import build_payload
    from socialmon.alerts.wording import Batch
    from socialmon.config import WebhookDestination
    from socialmon.render.i18n import Lang

    alerts_ = long_alerts(10, quote[:500])  # a chat message's worth
    brand = {"slug": "cafe", "name": "Café Uno"}

    def payload(kind: str) -> dict:
        hook = WebhookDestination(kind=kind, url="https://hooks.example/x")
        return build_payload(hook, brand, Batch(alerts_, []), Lang("es"), {})

    discord = payload("discord")  # 6,000 characters in all the embeds, 2,000 in content, 10 embeds
    embeds = discord["embeds"]
    assert 0 < len(embeds) <= 10 and len(discord["content"]) <= 2000
    assert sum(len(e["title"]) + len(e["description"]) + len(e["footer"]["text"]) for e in embeds) <= 6000
    teams = payload("teams")  # about 28 KB a message
    assert len(json.dumps(teams, ensure_ascii=False).encode()) <= 28_000
    slack = payload("slack")  # 50 blocks, 3,000 characters a section
    assert len(slack["blocks"]) <= 50
    assert all(len(b["text"]["text"]) <= 3000 for b in slack["blocks"] if b["type"] == "section")
    shown = [("discord", len(embeds), discord["content"])]
    containers = [b for b in teams["attachments"][0]["content"]["body"] if b["type"] == "Container"]
    shown.append(("teams", len(containers), json.dumps(teams, ensure_ascii=False)))
    for kind, detailed, message in shown:  # what is not detailed is summed up, never dropped
        assert detailed == 10 or f"y {10 - detailed} alerta" in message, kind


def test_a_claim_is_a_lease_on_the_clock_not_on_the_moment_the_rules_judged(
    sqlite_seed: Seed, hooks: HookServer, tmp_path: Path
) -> None:
    """Another run holds the delivery right now: a send told to judge a later moment must not take it."""
    from socialmon.alerts import store

    config = write(tmp_path, f'[[brands.alerts.webhooks]]\nkind = "json"\nurl = "{hooks.base}/json"\n')
    angry_customer(sqlite_seed, config)
    ids = [a["id"] for a in alerts(sqlite_seed.database)]
    assert store.claim(sqlite_seed.database, ids, "json", "another-run", 50) == ids

    later = send_alerts(
        sqlite_seed.database, config, config.brands, now=datetime.now(UTC) + timedelta(hours=1)
    )

    assert later.deliveries == [] and hooks.received == []


def test_the_webhook_url_never_reaches_the_logs(
    sqlite_seed: Seed, hooks: HookServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = write(tmp_path, '[[brands.alerts.webhooks]]\nkind = "slack"\nurl = "${HOOK}"\n')
    angry_customer(sqlite_seed, config)
    secret = f"{hooks.base}/services/T000/B000/XXXXSECRET"
    with caplog.at_level("DEBUG"):
        result = send_alerts(sqlite_seed.database, config, config.brands, now=NOW, environ={"HOOK": secret})
    assert result.sent == 1 and "HTTP Request: POST ***" in caplog.text
    assert "XXXXSECRET" not in caplog.text


class _PausedBeforeCommit:
    """A database whose write transactions stop before committing until `go` is set."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.dialect = database.dialect
        self.backend_pid: int | None = None
        self.written = threading.Event()
        self.go = threading.Event()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.database.write() as connection:
            self.backend_pid = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
            yield connection
            self.written.set()
            assert self.go.wait(timeout=60), "the test never let the transaction commit"


def test_two_runs_marking_the_same_alerts_at_once_leave_them_sent(postgres_url: str, tmp_path: Path) -> None:
    """Run A records the Slack delivery while run B records the JSON one, their transactions overlapping.

    Each transaction alone sees one destination of two done; the alert must still end up sent, so
    the second to mark has to see the first's delivery (PostgreSQL's READ COMMITTED would let both
    miss it). SQLite needs no such test: its write transactions never overlap (`BEGIN IMMEDIATE`).
    """
    from socialmon.alerts import store

    database = open_database(postgres_url)
    paused = _PausedBeforeCommit(database)
    try:
        config = write(tmp_path, '[brands.alerts.watch_list]\nterms = ["estafa"]\n')
        angry_customer(Seed(database), config)
        ids = [a["id"] for a in alerts(database)]
        destinations = ["slack", "json"]
        assert store.claim(database, ids, "slack", "run-a", 50) == ids
        assert store.claim(database, ids, "json", "run-b", 50) == ids

        run_a = threading.Thread(
            target=store.mark_delivered, args=(paused, ids, "slack", "run-a", destinations)
        )
        run_a.start()
        assert paused.written.wait(timeout=60)
        run_b = threading.Thread(
            target=store.mark_delivered, args=(database, ids, "json", "run-b", destinations)
        )
        run_b.start()
        # A commits once B has done all it can without A: finished, or waiting for a lock A holds
        # (pg_locks is read afresh each time; pg_stat_activity would be a snapshot per transaction).
        blocked = text(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND :pid = ANY(pg_blocking_pids(pid))"
        )
        while run_b.is_alive():
            with database.read() as connection:
                if connection.execute(blocked, {"pid": paused.backend_pid}).scalar_one():
                    break
            run_b.join(timeout=0.01)
        paused.go.set()
        run_a.join(timeout=60)
        run_b.join(timeout=60)

        assert [a["id"] for a in alerts(database) if a["sent_at"] is not None] == ids
        with database.read() as connection:
            marked = connection.execute(text("SELECT count(*) FROM alert_delivery WHERE sent_at IS NOT NULL"))
            assert marked.scalar_one() == 2 * len(ids)
    finally:
        paused.go.set()
        database.dispose()
