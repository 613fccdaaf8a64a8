"""A Portuguese brand's alerts in Brazilian Portuguese, as its reports are: the e-mail (subject, text
and HTML, `lang="pt-BR"`), the chats' payloads, group and digest alerts, with pt-BR numbers and
dates and no English word left; English and Spanish alerts as before."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alerts.helpers_alerts import NOW, alerts, comments_at, run_rules
from alerts.servers import HookServer, SmtpServer
from alerts.test_delivery import SMTP_ENV, smtp_section, write
from analytics.seeding import Seed

from socialmon.alerts import send_alerts
from socialmon.alerts.email import build_email
from socialmon.alerts.wording import PORTUGUESE, STRINGS, Batch, say, summarise, word
from socialmon.config import Config, EmailDestination
from socialmon.render.i18n import Lang

PT = Lang("pt", None, "America/Sao_Paulo")
ANGRY = "Foi um golpe, quero meu dinheiro de volta"

# English words a Portuguese alert must not carry, as whole words in any case.
ENGLISH = [
    "comment", "comments", "waiting", "waited", "open", "minutes", "hours", "days", "reply", "replies",
    "found", "things", "more", "update", "full", "worst", "likes", "negative", "alert", "watch",
    "heating", "warning", "critical", "info", "written", "someone", "the", "of", "on", "in", "see",
    "acknowledge", "trouble", "digest", "window", "failed", "sign", "last", "error", "lists", "spiking",
    "usual", "standard", "deviations", "business", "post", "brand", "channel", "scans", "closes",
]  # fmt: skip
# What a message names as written whatever its language: the commands it gives. (A chat's context
# line or footer names the rule in Portuguese too: "alerta nº 3 · aguardando resposta".)
COMMANDS = re.compile(r"`[^`]*`|socialmon alerts show \d+")

HOOKS = """
[[brands.alerts.webhooks]]
kind = "slack"
url = "${HOOKS}/slack"
[[brands.alerts.webhooks]]
kind = "teams"
url = "${HOOKS}/teams"
[[brands.alerts.webhooks]]
kind = "discord"
url = "${HOOKS}/discord"
"""


def english_left(text: str) -> list[str]:
    """The English words of what a person reads: an HTML part's text, without its tags."""
    read = COMMANDS.sub(" ", re.sub(r"<[^>]*>", " ", text))
    return [word for word in ENGLISH if re.search(rf"\b{word}\b", read, re.IGNORECASE)]


def strings_of(payload: Any) -> str:
    """What a person reads of a chat's payload: its texts, titles and descriptions, one a line
    (not the card's settings: Teams' `"color": "Warning"`)."""
    if isinstance(payload, list):
        return "\n".join(strings_of(value) for value in payload)
    if not isinstance(payload, dict):
        return ""
    read = [value for key, value in payload.items() if key in READ and isinstance(value, str)]
    return "\n".join(
        read + [strings_of(value) for value in payload.values() if isinstance(value, dict | list)]
    )


READ = ("text", "title", "content", "description")


def busy_day(seed: Seed, config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Brazilian shop's bad week, with room for 2 alerts a run: 1,234 negative comments of two
    days ago still waiting (a group), one of yesterday and one of today with a watch-list word
    (critical, shown first); the two single waits are left to a digest."""
    monkeypatch.setattr("socialmon.alerts.service.max_per_run", lambda brand: 2)
    brand = config.brands[0]
    seed.brand("cafe", name=brand.name, language=brand.language, timezone=brand.timezone)
    fb = seed.channel()
    written = NOW - timedelta(hours=3)
    comments_at(
        seed.database, fb, [(written - timedelta(days=2), "negative")] * 1234, "w",
        text="Atendimento péssimo", author_name="Cliente", url="https://example.com/w",
    )  # fmt: skip
    yesterday = (written - timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    seed.comment(fb, "d1", yesterday, label="negative", text="Ninguém atende", author_name="Rui")
    seed.comment(
        fb, "c1", written.strftime("%Y-%m-%d %H:%M"), label="negative", text=ANGRY, author_name="Joana"
    )
    run_rules(seed.database, brand)


def config_for(tmp_path: Path, language: str, smtp: SmtpServer) -> Config:
    return write(
        tmp_path,
        '[brands.alerts.email]\nto = ["dona@cafe.example"]\n[brands.alerts.watch_list]\nterms = ["golpe"]\n'
        + HOOKS,
        language=language,
        smtp=smtp_section(smtp),
    )


def test_a_portuguese_brands_email_and_chats_are_in_brazilian_portuguese(
    sqlite_seed: Seed, smtp: SmtpServer, hooks: HookServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = config_for(tmp_path, "pt", smtp)
    busy_day(sqlite_seed, config, monkeypatch)
    hooks.answers["/teams"] = [202]
    hooks.answers["/discord"] = [204]

    result = send_alerts(
        sqlite_seed.database, config, config.brands, now=NOW, environ={"HOOKS": hooks.base, **SMTP_ENV}
    )

    assert result.failed == []
    (message,) = smtp.messages
    subject = message["Subject"]
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert subject == "[socialmon] Café Uno: 4 alertas"
    assert message["Content-Language"] == "pt-BR" and '<html lang="pt-BR">' in html
    assert plain.startswith("O socialmon encontrou 4 assuntos da marca Café Uno que precisam da sua atenção.")
    # The group: a pt-BR count ("1.234") and date, agreement-free lines, its worst comments.
    assert "1.234 comentários aguardam resposta há mais de 2 h (feitos em 18 de nov. de 2026)" in plain
    assert "Negativos: 1.234 de 1.234" in plain and "Os piores (5 de 1.234):" in plain
    assert (
        "Lista completa: socialmon alerts show" in plain
        and "Cliente no canal fb · aguardando resposta há 2,1 d" in plain
    )
    assert "Palavra monitorada: Joana mencionou “golpe” no canal fb" in plain and f"“{ANGRY}”" in plain
    assert "[CRÍTICO]" in plain and "[ATENÇÃO]" in plain and re.search(r"\(alerta nº \d+\)", plain)
    # The digest of the single waits of yesterday and today, by its rules.
    assert "…e mais 2 alertas nesta execução (aguardando resposta: 2)" in plain
    assert "Veja todos os alertas em aberto com `socialmon alerts`" in plain
    assert ">Abrir</a>" in html and "crítico · #" in html
    for text in (subject, plain, html):
        assert english_left(text) == [], english_left(text)

    (slack,) = hooks.bodies("/slack")
    assert slack["text"] == "O socialmon encontrou 4 assuntos da marca Café Uno que precisam da sua atenção."
    slack_text = strings_of(slack)
    contexts = [b["elements"][0]["text"] for b in slack["blocks"] if b["type"] == "context"]
    assert contexts and all(re.fullmatch(r"alerta nº \d+ · [a-zà-ú ]+", c) for c in contexts), contexts
    assert any(c.endswith(" · palavra monitorada") for c in contexts), contexts
    assert "1.234 comentários aguardam resposta" in slack_text and "|Abrir>" in slack_text
    assert english_left(slack_text) == [], english_left(slack_text)

    (teams,) = hooks.bodies("/teams")
    teams_text = strings_of(teams)
    assert "1.234 comentários aguardam resposta" in teams_text and "Abrir" in teams_text
    assert "…e mais 2 alertas nesta execução" in teams_text
    assert english_left(teams_text) == [], english_left(teams_text)

    (discord,) = hooks.bodies("/discord")
    discord_text = strings_of(discord)
    assert "[CRÍTICO] Palavra monitorada: Joana mencionou “golpe”" in discord_text
    footers = [embed["footer"]["text"] for embed in discord["embeds"]]
    assert "alerta nº" in footers[0] and all(not re.search(r"#\d", f) for f in footers), footers
    assert english_left(discord_text) == [], english_left(discord_text)

    # `socialmon alerts` lists the titles as stored: in Portuguese too.
    titles = [alert["title"] for alert in alerts(sqlite_seed.database)]
    assert any(title.startswith("…e mais 2 alertas nesta execução") for title in titles), titles
    assert all(english_left(title) == [] for title in titles), titles


@pytest.mark.parametrize(
    ("language", "subject", "intro", "group"),
    [
        (
            "en",
            "[socialmon] Café Uno: 4 alerts",
            "socialmon found 4 things that need you at Café Uno.",
            "1,234 comments have waited longer than 2 h for a reply (written Nov 18, 2026)",
        ),
        (
            "es",
            "[socialmon] Café Uno: 4 alertas",
            "socialmon encontró 4 asuntos que requieren su atención en Café Uno.",
            "1.234 comentarios esperan respuesta desde hace más de 2 h (escritos el 18 nov 2026)",
        ),
    ],
)
def test_english_and_spanish_alerts_are_worded_as_before(
    sqlite_seed: Seed,
    smtp: SmtpServer,
    hooks: HookServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    subject: str,
    intro: str,
    group: str,
) -> None:
    config = config_for(tmp_path, language, smtp)
    busy_day(sqlite_seed, config, monkeypatch)
    hooks.answers["/teams"] = [202]
    hooks.answers["/discord"] = [204]
    send_alerts(
        sqlite_seed.database, config, config.brands, now=NOW, environ={"HOOKS": hooks.base, **SMTP_ENV}
    )
    (message,) = smtp.messages
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert message["Subject"] == subject and message["Content-Language"] == language
    assert f'<html lang="{language}">' in html
    assert plain.startswith(intro) and group in plain
    assert "comentários" not in plain and "aguardando" not in plain
    assert hooks.bodies("/slack")[0]["text"] == intro


# --- every sentence of an alert, worded in Portuguese ----------------------------------------------


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_alert_sentence_has_its_portuguese_with_the_same_placeholders() -> None:
    # Portuguese may have a `<key>_one` for a count of one where English and Spanish have none.
    extra = PORTUGUESE.keys() - STRINGS.keys()
    assert STRINGS.keys() <= PORTUGUESE.keys()
    assert all(key.endswith("_one") and key.removesuffix("_one") in STRINGS for key in extra), extra
    for key, (_, spanish) in STRINGS.items():  # as the other translation ("#3 · waiting" is English's)
        assert _fields(PORTUGUESE[key]) == _fields(spanish), key
    for key in extra:
        assert _fields(PORTUGUESE[key]) <= _fields(STRINGS[key.removesuffix("_one")][0]), key


WRITTEN = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
COMMENT = {
    "channel": "ig", "platform": "instagram", "author": "Ana", "text": "Péssimo", "label": "negative",
    "url": "https://example.com/c9", "written_at": WRITTEN.isoformat(),
}  # fmt: skip
GROUP = {"day": "2026-11-20", "count": 1234, "negative": 1000, "comment_ids": [1, 2]}
SINGLES: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "negative-spike", "critical",
        {
            "metric": "count", "observed": 1234.0, "baseline": 12.5, "window_minutes": 1440, "negative": 1234,
            "comments": 2000, "factor": 98.7, "z": 4.25, "k": 3.0, "baseline_days": 28, "worst": [COMMENT],
        },
        "Pico de comentários negativos: 1.234,0 em 24 h (o normal é 12,5)",
    ),
    ("waiting", "warning", {**COMMENT, "waited_minutes": 90, "sla_minutes": 45, "business_hours": True},
     "Aguardando resposta há 1,5 h (prazo: 45 min): Ana no canal ig"),
    ("watch-list", "critical", {**COMMENT, "terms": ["golpe", "fraude"]},
     "Palavra monitorada: Ana mencionou “golpe” e “fraude” no canal ig"),
    ("heating-up", "warning", {**COMMENT, "likes": 1200, "replies": 34, "per_hour": 1234.5},
     "Um comentário negativo está ganhando repercussão: 1.234 curtidas e respostas (1.234,5 por hora) "
     "no canal ig"),
    ("heating-up", "warning", {"channel": "ig", "negative": 7, "window_minutes": 360},
     "Uma publicação está atraindo comentários negativos: 7 em 6 h no canal ig"),
    ("reply-window", "warning",
     {**COMMENT, "minutes_left": 4320, "closes_at": "2026-11-23T12:00:00+00:00"},
     "O prazo para responder termina daqui a 3 d: Ana no canal ig"),
    ("connector-trouble", "warning",
     {"channel": "ig", "kind": "failing", "failures": 3, "error": "HTTP 500: see the rejected rows above"},
     "As últimas 3 coletas do canal ig falharam"),
    ("connector-trouble", "critical", {"channel": "ig", "kind": "auth"},
     "O canal ig não consegue se conectar: renove o token de acesso"),
    ("connector-trouble", "info", {"channel": "ig", "kind": "token", "expires_at": "2026-12-01T12:00:00+00:00"},
     "O token de acesso do canal ig expira em 01/12/2026 às 09:00"),
    ("waiting", "warning", {**GROUP, "sla_minutes": 120, "business_hours": True,
                            "comments": [{**COMMENT, "waited_minutes": 3000}]},
     "1.234 comentários aguardam resposta há mais de 2 h (feitos em 20 de nov. de 2026)"),
    ("watch-list", "critical", {**GROUP, "terms": ["golpe"], "comments": [{**COMMENT, "terms": ["golpe"]}]},
     "Palavra monitorada: 1.234 comentários mencionam “golpe” (feitos em 20 de nov. de 2026)"),
    ("heating-up", "warning", {**GROUP, "comments": [{**COMMENT, "likes": 1500, "replies": 2}]},
     "1.234 comentários negativos estão ganhando repercussão (feitos em 20 de nov. de 2026)"),
    ("reply-window", "warning", {**GROUP, "comments": [{**COMMENT, "closes_at": "2026-11-21T12:00:00+00:00"}]},
     "O prazo para responder a 1.234 comentários está acabando: o primeiro termina em 21/11/2026 às 09:00"),
    ("digest", "warning", {"count": 1, "rules": {"negative-spike": 1}, "titles": ["Pico"], "alert_ids": [3]},
     "…e mais 1 alerta nesta execução (pico de comentários negativos: 1)"),
    ("digest", "warning",
     {"count": 1234, "rules": {"waiting": 1230, "watch-list": 1, "heating-up": 1, "reply-window": 1,
                               "connector-trouble": 1}, "titles": [], "alert_ids": []},
     "…e mais 1.234 alertas nesta execução (aguardando resposta: 1.230, palavra monitorada: 1, "
     "repercussão em alta: 1, prazo para responder acabando: 1, problema em um canal: 1)"),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "severity", "facts", "expected"), SINGLES)
def test_each_kind_of_alert_reads_in_portuguese_in_the_email(
    rule: str, severity: str, facts: dict[str, Any], expected: str
) -> None:
    alert = word(9, rule, severity, facts, WRITTEN, PT)
    assert alert.title == expected
    other = word(10, rule, severity, {**facts, "update": 1}, WRITTEN, PT)
    # After the colon, the title goes on in lower case, as Portuguese writes it.
    assert other.title == f"Atualização: {expected[:1].lower()}{expected[1:]}"
    destination = EmailDestination(host="localhost", sender="a@example.com", to=["b@example.com"])
    hidden = ["waiting", "waiting", "digest"]
    message = build_email(destination, "Loja Sol", Batch(shown=[alert, other], hidden=hidden), PT)
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "(alerta nº 9)" in plain and '<html lang="pt-BR">' in html
    for text in (message["Subject"], plain, html):
        assert english_left(text) == [], (english_left(text), text)


def test_counts_of_one_and_many_agree_in_portuguese() -> None:
    assert (
        say(PT, "intro_one", brand="Loja")
        == "O socialmon encontrou 1 assunto da marca Loja que precisa da sua atenção."
    )
    one = summarise(PT, ["waiting"])
    assert one is not None and one.text.startswith("…e mais 1 alerta (aguardando resposta: 1).")
    many = summarise(PT, ["waiting"] * 1234)
    assert many is not None and many.text.startswith("…e mais 1.234 alertas (aguardando resposta: 1.234).")
    assert "(s)" not in " ".join(PORTUGUESE.values())
