"""A Brazilian owner's read of the Portuguese alerts: the chats' line under each alert in the
brand's language (Spanish too), a brand named without a guessed gender, watch-list terms joined by
"e" or "ou", moments "às 09:00" (crase), the platform with a capital, agreement for a count of one,
lower case after "Atualização:"; English and Spanish as before."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from socialmon.alerts.webhooks import build_payload
from socialmon.alerts.wording import PORTUGUESE, AlertText, Batch, intro, title, word
from socialmon.config import WebhookDestination
from socialmon.render.i18n import Lang

PT = Lang("pt", None, "America/Sao_Paulo")
ES = Lang("es", None, "America/Guayaquil")
EN = Lang("en", None, "America/Sao_Paulo")
WRITTEN = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
COMMENT = {
    "channel": "ig", "platform": "instagram", "author": "Ana", "text": "Péssimo",
    "url": "https://example.com/c9", "written_at": WRITTEN.isoformat(),
}  # fmt: skip
WAITING = {**COMMENT, "waited_minutes": 180, "sla_minutes": 120}
BRAND = {"slug": "padaria", "name": "Padaria Pão Quente"}


def _chat(kind: str, lang: Lang, alerts: list[AlertText]) -> dict[str, Any]:
    hook = WebhookDestination(kind=kind, url="https://example.com/hook")
    return build_payload(hook, BRAND, Batch(shown=alerts, hidden=[]), lang, {})


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (PT, ["alerta nº 3 · aguardando resposta", "alerta nº 4 · palavra monitorada"]),
        (ES, ["alerta n.º 3 · espera de respuesta", "alerta n.º 4 · palabra vigilada"]),
        (EN, ["#3 · waiting", "#4 · watch-list"]),  # English names the rule as the config spells it
    ],
)
def test_the_line_under_each_alert_in_slack_and_discord_is_in_the_brands_language(
    lang: Lang, expected: list[str]
) -> None:
    alerts = [
        word(3, "waiting", "warning", WAITING, WRITTEN, lang),
        word(4, "watch-list", "critical", {**COMMENT, "terms": ["golpe"]}, WRITTEN, lang),
    ]
    slack = _chat("slack", lang, alerts)
    contexts = [block["elements"][0]["text"] for block in slack["blocks"] if block["type"] == "context"]
    assert contexts == expected
    discord = _chat("discord", lang, alerts)
    assert [embed["footer"]["text"] for embed in discord["embeds"]] == expected


def test_a_rule_without_words_is_named_as_stored() -> None:
    alert = word(5, "waiting", "warning", WAITING, WRITTEN, PT)
    stored_by_another_version = replace(alert, rule="sentiment-drop")
    slack = _chat("slack", PT, [stored_by_another_version])
    contexts = [block["elements"][0]["text"] for block in slack["blocks"] if block["type"] == "context"]
    assert contexts == ["alerta nº 5 · sentiment-drop"]


def test_the_first_line_names_the_brand_as_a_brand() -> None:
    # "em Padaria Pão Quente" asked for an article ("na Padaria"), whose gender a name does not tell.
    assert intro(PT, 1, "Padaria Pão Quente") == (
        "O socialmon encontrou 1 assunto da marca Padaria Pão Quente que precisa da sua atenção."
    )
    assert intro(PT, 1234, "Café Uno") == (
        "O socialmon encontrou 1.234 assuntos da marca Café Uno que precisam da sua atenção."
    )
    assert intro(ES, 2, "Café Uno") == "socialmon encontró 2 asuntos que requieren su atención en Café Uno."


def test_watch_list_terms_are_joined_with_e_for_a_comment_and_ou_for_a_group() -> None:
    terms = ["golpe", "fraude", "roubo"]
    single = {**COMMENT, "terms": terms}
    assert title("watch-list", single, PT) == (
        "Palavra monitorada: Ana mencionou “golpe”, “fraude” e “roubo” no canal ig"
    )
    group = {"day": "2026-11-20", "count": 3, "comment_ids": [1, 2, 3], "terms": ["golpe", "fraude"]}
    # Each comment of the group mentions one of them at least: "ou", not "e".
    assert title("watch-list", group, PT) == (
        "Palavra monitorada: 3 comentários mencionam “golpe” ou “fraude” (feitos em 20 de nov. de 2026)"
    )
    assert title("watch-list", single, EN) == "Watch-list word “golpe”, “fraude”, “roubo”: Ana on ig"
    assert title("watch-list", group, ES).startswith("Palabras vigiladas “golpe”, “fraude” en 3 comentarios")


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        ("2026-12-01T12:00:00+00:00", "01/12/2026 às 09:00"),
        ("2026-12-01T04:30:00+00:00", "01/12/2026 à 01:30"),  # "à uma e meia": one o'clock is singular
        ("2026-12-01T03:15:00+00:00", "01/12/2026 à 00:15"),
        ("2026-12-01T05:00:00+00:00", "01/12/2026 às 02:00"),
    ],
)
def test_a_moment_inside_a_sentence_reads_as_brazilians_write_it(moment: str, said: str) -> None:
    token = {"channel": "ig", "kind": "token", "expires_at": moment}
    assert title("connector-trouble", token, PT) == f"O token de acesso do canal ig expira em {said}"


def test_the_reply_window_names_the_platform_and_its_deadline() -> None:
    facts = {**COMMENT, "minutes_left": 4320, "closes_at": "2026-11-23T12:00:00+00:00"}
    alert = word(6, "reply-window", "warning", facts, WRITTEN, PT)
    assert ("", "O Instagram permite responder por mensagem privada até 23/11/2026 às 09:00") in alert.lines
    comments = [{**COMMENT, "closes_at": "2026-11-21T12:00:00+00:00"}] * 2
    group = {"day": "2026-11-20", "count": 40, "comment_ids": list(range(40)), "comments": comments}
    grouped = word(7, "reply-window", "warning", group, WRITTEN, PT)
    assert grouped.title == (
        "O prazo para responder a 40 comentários está acabando: o primeiro termina em 21/11/2026 às 09:00"
    )
    assert grouped.comments[0].note == "prazo até 21/11/2026 às 09:00"
    # English and Spanish as before.
    english = word(6, "reply-window", "warning", facts, WRITTEN, EN)
    assert ("", "instagram allows a private reply until 11/23/26, 9:00\u202fAM") in english.lines


def test_a_count_of_one_agrees_in_portuguese() -> None:
    failing = {"channel": "ig", "kind": "failing", "failures": 1, "error": "HTTP 500"}
    assert title("connector-trouble", failing, PT) == "A última coleta do canal ig falhou"
    assert title("connector-trouble", {**failing, "failures": 2}, PT) == (
        "As últimas 2 coletas do canal ig falharam"
    )
    heating = {**COMMENT, "likes": 1, "replies": 0, "per_hour": 1.0}
    assert title("heating-up", heating, PT) == (
        "Um comentário negativo está ganhando repercussão: 1 curtida ou resposta (1,0 por hora) no canal ig"
    )
    group = {
        "day": "2026-11-20", "count": 3, "comment_ids": [1, 2, 3], "kind": "comments",
        "comments": [{**COMMENT, "likes": 1, "replies": 0}],
    }  # fmt: skip
    grouped = word(8, "heating-up", "warning", group, WRITTEN, PT)
    assert grouped.comments[0].note == "1 curtida ou resposta"
    assert ("", "O pior (1 de 3):") in grouped.lines
    assert title("connector-trouble", failing, EN) == "ig failed its last scan"  # and English, Spanish
    assert title("connector-trouble", failing, ES) == "ig falló en su último escaneo"
    assert title("connector-trouble", {**failing, "failures": 3}, EN) == "ig failed its last 3 scans"
    assert title("heating-up", heating, EN).startswith("A negative comment is heating up: 1 like or reply (")
    assert word(8, "heating-up", "warning", group, WRITTEN, ES).comments[0].note == "1 me gusta o respuesta"
    assert ("", "The worst (1 of 3):") in word(8, "heating-up", "warning", group, WRITTEN, EN).lines


def test_after_atualizacao_the_title_goes_on_in_lower_case() -> None:
    facts = {**WAITING, "update": 1}
    assert (
        title("waiting", facts, PT) == "Atualização: aguardando resposta há 3 h (prazo: 2 h): Ana no canal ig"
    )
    assert title("waiting", facts, ES).startswith("Actualización: Espera respuesta desde hace 3 h")
    assert title("waiting", facts, EN).startswith("Update: Waiting 3 h for a reply")


def test_no_portuguese_sentence_goes_on_in_upper_case_after_a_colon() -> None:
    # "Palavra monitorada: {author}" and "Atualização: {title}" go on with a name or a title.
    for key, text in PORTUGUESE.items():
        assert not re.search(r": [A-ZÀ-Ú]", text), key
