"""What a person reads in an alert message: counts that add up, quotes cut cleanly, nothing that
only makes sense on a terminal, and the CLI's lines about alerts in its language."""

from __future__ import annotations

import email.utils
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alerts.helpers_alerts import NOW
from alerts.servers import USER, HookServer, free_port
from alerts.test_cli_alerts import cli, export, project
from alerts.test_delivery import write
from analytics.seeding import Seed
from helpers import comment, write_config, write_jsonl
from sqlalchemy import create_engine, insert, text

from socialmon.alerts import send_alerts, webhooks
from socialmon.alerts.webhooks import build_payload, fits
from socialmon.alerts.wording import Batch, Summary, word
from socialmon.config import WebhookDestination
from socialmon.render.i18n import Lang

ES = Lang("es", None, "America/Guayaquil")
BRAND = {"slug": "cafe", "name": "Café Uno"}


def waiting_group(alert_id: int, quote: str, authors: str = "Cliente", shown: int = 5, count: int = 9) -> Any:
    comments = [
        {
            "channel": "fb", "platform": "file", "author": f"{authors} {i}", "text": quote, "label": "negative",
            "url": f"https://www.facebook.com/cafe/posts/p2?comment_id=c{i}",
            "written_at": "2026-12-04T14:00:00+00:00", "waited_minutes": 500.0,
        }
        for i in range(shown)
    ]  # fmt: skip
    facts = {
        "sla_minutes": 120.0, "business_hours": False, "day": "2026-12-04", "count": count, "negative": count,
        "channel_ids": [1], "comment_ids": list(range(count)), "comments": comments,
    }  # fmt: skip
    return word(alert_id, "waiting", "warning", facts, NOW, ES)


def chat(kind: str, alerts: list[Any]) -> dict[str, Any]:
    hook = WebhookDestination(kind=kind, url="https://hooks.example/x")
    return build_payload(hook, BRAND, Batch(alerts, []), ES, {})


# --- 1. a digest is counted as the alerts it holds ------------------------------------------------


def test_a_chat_sums_up_a_digest_by_the_rules_of_the_alerts_it_holds(
    sqlite_seed: Seed, hooks: HookServer, tmp_path: Path
) -> None:
    """QA: 10 alerts in detail, the digest 11th: "…y 1 alerta más (resumen: 1)" and "11 asuntos"
    for 15 alerts; the 5 it holds appeared in no message."""
    config = write(tmp_path, f'[[brands.alerts.webhooks]]\nkind = "slack"\nurl = "{hooks.base}/slack"\n'
                   f'[[brands.alerts.webhooks]]\nkind = "discord"\nurl = "{hooks.base}/discord"\n')  # fmt: skip
    hooks.answers["/discord"] = [204]
    sqlite_seed.brand("cafe", name="Café Uno", language="es")
    facts = {"channel": "fb", "kind": "failing", "failures": 3, "error": "HTTP 500"}
    row = {"brand_id": 1, "severity": "warning", "title": "t", "created_at": NOW}
    rows = [{**row, "rule": "connector-trouble", "dedup_key": f"k{i}", "facts": facts} for i in range(1, 11)]
    held = {
        "rules": {"waiting": 4, "heating-up": 1},
        "count": 5,
        "alert_ids": list(range(12, 17)),
        "titles": [],
    }
    rows.append({**row, "rule": "digest", "dedup_key": "d", "facts": held})
    rows += [
        {**row, "rule": rule, "dedup_key": f"h{i}", "facts": {**facts, "digest_id": 11}}
        for i, rule in enumerate(["waiting"] * 4 + ["heating-up"])
    ]
    with sqlite_seed.database.write() as connection:
        connection.execute(insert(_alert_table()), rows)

    result = send_alerts(sqlite_seed.database, config, config.brands, now=NOW)

    assert result.failed == []
    (slack,) = hooks.bodies("/slack")
    summary = slack["blocks"][-1]["text"]["text"]
    assert "…y 5 alertas más (espera de respuesta: 4, interacción en aumento: 1)" in summary
    assert slack["text"] == "socialmon encontró 15 asuntos que requieren su atención en Café Uno."
    (discord,) = hooks.bodies("/discord")
    assert "encontró 15 asuntos" in discord["content"]
    assert "(espera de respuesta: 4, interacción en aumento: 1)" in discord["content"]


def _alert_table() -> Any:
    from socialmon.models import Alert

    return Alert.__table__


# --- 3. a Slack section or Discord description over its limit shortens the quotes first ------------


def test_a_slack_section_over_3000_characters_shortens_its_quotes_and_keeps_every_link() -> None:
    """QA's slack_cut.py: the section was cut at 3,000 mid-name, with an open `*`, no links."""
    alert = waiting_group(
        7, 'Me cobraron de más <<< >>> & && "precio" > < ' * 10, authors="Cliente Muy Enojado " * 12
    )
    payload = chat("slack", [alert])
    section = payload["blocks"][1]["text"]["text"]
    assert fits("slack", payload) and len(section) <= 3000
    assert section.count("• *") == 5 and section.count("|Abrir>") == 5  # every comment, every link
    assert section.count("> Me cobraron") == 5 and "…" in section  # quoted, shortened
    assert not re.search(r"&[a-z]*$|<[^>]*$", section)


def test_a_section_still_too_long_without_quotes_is_cut_at_a_line_never_inside_markup() -> None:
    alert = waiting_group(7, "", authors="&<>" * 400, shown=5)
    section = chat("slack", [alert])["blocks"][1]["text"]["text"]
    assert len(section) <= 3000 and section.endswith("\n…")
    assert all(line.count("*") % 2 == 0 for line in section.splitlines()[:-1])  # bold closed on each
    description = chat("discord", [alert])["embeds"][0]["description"]
    assert len(description) <= 4096 and description.endswith("\n…")


def test_a_summary_over_a_slack_section_is_cut_whole_entities_and_characters() -> None:
    """The "and N more" section was sliced at 3,000: `&gt;` lost its end, and Slack showed `&g`."""
    for filler in (2998, 2999, 3000):
        more = Summary(60, "a" * filler + "> &<" + " 🇪🇨" * 10)
        section = webhooks.slack(BRAND, [], ES, more)["blocks"][-1]["text"]["text"]
        assert len(section) <= 3000 and section.endswith("…"), filler
        assert not re.search(r"&(?!amp;|lt;|gt;)|\U0001f1ea(?!\U0001f1e8)", section), section[-20:]


def test_a_discord_message_over_2000_characters_is_cut_whole_escapes_and_characters() -> None:
    for name in ("_" * 1000, "x" + "_" * 1000, "🇪🇨" * 1000, "x" + "🇪🇨" * 1000):
        content = webhooks.discord({"slug": "cafe", "name": name}, [], ES, None)["content"]
        kept = content.removesuffix("…")
        assert len(content) <= 2000 and kept != content, name[:3]
        escapes = len(kept) - len(kept.rstrip("\\"))
        assert escapes % 2 == 0 and not re.search("\U0001f1ea$", kept), kept[-10:]


def test_a_long_brand_name_in_a_slack_header_is_cut_between_whole_characters() -> None:
    brand = {"slug": "cafe", "name": "x" + "🇪🇨" * 100}
    header = webhooks.slack(brand, [], ES, None)["blocks"][0]["text"]["text"]
    assert len(header) <= 150 and header.endswith("🇪🇨…"), header[-5:]


def test_a_discord_description_over_4096_characters_shortens_its_quotes() -> None:
    alert = waiting_group(7, "*_~`|>[]()<# " * 22, authors="Cliente **Muy** Enojado " * 20)
    payload = chat("discord", [alert])
    (embed,) = payload["embeds"]
    assert fits("discord", payload) and len(embed["description"]) <= 4096
    assert embed["description"].count("• **") == 5 and embed["description"].count("\n> ") == 5


# --- 4. a quoted comment cut ends in "…", at a word, never inside an emoji -----------------------------


def test_a_group_quotes_a_long_comment_cut_at_a_word_with_an_ellipsis() -> None:
    quote = "La atención fue pésima y nadie responde los mensajes " * 10
    (first, *_) = waiting_group(7, quote).comments
    assert len(first.text) <= 280 and first.text.endswith("…")
    assert quote.startswith(first.text[:-1]) and quote[len(first.text) - 1] == " "  # a whole word


def test_a_cut_never_splits_a_flag_a_skin_tone_or_a_joined_emoji() -> None:
    from socialmon.render.shorten import shorten

    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    for unit in ("🇪🇨", "👍🏽", family, "é"):  # "é" as e and a combining accent
        body = unit * 200
        for limit in range(5, 40):
            cut = shorten(body, limit)[:-1]
            assert len(cut) < limit and len(cut) % len(unit) == 0, (unit, limit)


# --- 5. a channel's error without the terminal's words -----------------------------------------------


def test_a_connector_trouble_alert_names_the_command_that_shows_the_rejected_rows() -> None:
    error = (
        "SourceError: bad.jsonl: none of its 1 row(s) could be read (the first: created_at: 'bad' is not "
        "a date) — see the rejected rows above; fix the file, or the channel's options (format, timezone)"
    )
    facts = {"channel": "fb", "platform": "file", "kind": "failing", "failures": 3, "error": error}
    alert = word(1, "connector-trouble", "warning", facts, NOW, ES)
    ((label, said),) = alert.lines
    assert label == "Último error" and "above" not in said
    assert "`socialmon scan --channel fb` muestra las filas rechazadas; fix the file" in said


# --- 8. the worst few's heading right above them -------------------------------------------------------


def test_the_worst_comments_heading_is_right_above_their_list() -> None:
    alert = waiting_group(3, "Nadie responde", count=14)
    assert alert.lines[-1] == ("", "Los 5 peores de 14:")
    assert ("Lista completa", "socialmon alerts show 3") in alert.lines


# --- 7. the e-mail's Date says its zone -----------------------------------------------------------------


def test_the_email_date_header_is_utc_not_an_unknown_zone() -> None:
    from socialmon.alerts.email import build_email
    from socialmon.config import EmailDestination

    message = build_email(
        EmailDestination(to=["a@cafe.example"], sender="b@cafe.example"), "Café", Batch([], ["waiting"]), ES
    )
    assert message["Date"].endswith("+0000")
    moment = email.utils.parsedate_to_datetime(message["Date"])
    assert moment.tzinfo is not None and abs(moment - datetime.now(UTC)) < timedelta(minutes=1)


# --- 6. `alerts check` and `alerts send` in the CLI's language ----------------------------------------


def test_check_says_the_spike_figures_as_percentages_in_the_clis_language() -> None:
    from socialmon.alerts.spike import WindowCount, spike_statistic
    from socialmon.cli._i18n import use
    from socialmon.cli.alerts import _note
    from socialmon.config import NegativeSpikeRule

    baseline = [WindowCount(100, 8), WindowCount(100, 9)] * 4
    storm = spike_statistic(WindowCount(100, 29), baseline, NegativeSpikeRule())
    before = use("es")
    try:
        said = _note(storm.reason)
    finally:
        use(before)
    assert re.fullmatch(r"29,0 % supera lo habitual: 8,5 % \+ 3σ \(\d+,\d %\)", said), said
    assert str(storm.reason).startswith("29.0% is above the baseline 8.5% + 3σ (")


def test_a_delivery_failure_is_said_in_spanish_when_its_shape_is_known() -> None:
    from socialmon.cli._config_words import said
    from socialmon.cli._i18n import use

    before = use("es")
    try:
        refused = said("e-mail: the server refused every recipient: a@x.example, b@x.example")
        unreached = said("webhook 'ops (día)' (slack): cannot reach it: ConnectError: [Errno 111] refused")
        unknown = said("webhook 'ops' (json): HTTP 500: oops")
    finally:
        use(before)
    assert refused == "correo: el servidor rechazó a todos los destinatarios: a@x.example, b@x.example"
    assert unreached == "webhook 'ops (día)' (slack): no se puede conectar: ConnectError: [Errno 111] refused"
    assert unknown == "webhook 'ops' (json): HTTP 500: oops"


def test_alerts_send_and_report_email_say_the_same_smtp_failure_in_spanish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing listens on the mail server's port: `alerts send` and `report --email` say it alike."""
    # No PDF (`import weasyprint` raises ImportError): the test is about the failure's words, and a
    # report's PDF cost 0.1 s of CPU, 0.6 s for a process's first (tests/render/test_pdf.py has them).
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    export(tmp_path)
    port = free_port()
    channels = '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n'
    alerts = (
        '[brands.alerts.watch_list]\nterms = ["scam"]\n[brands.alerts.email]\nto = ["duena@cafe.example"]\n'
    )
    mail = f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nfrom = "{USER}"\n'
    config = write_config(tmp_path, channels=f"{channels}[brands.alerts]\n{alerts}", extra=mail)
    assert cli(config, "scan", "--quiet").exit_code == 0
    spanish = {"SOCIALMON_LANG": "es"}
    said = f"correo: no se puede entregar a través de 127.0.0.1:{port}: ConnectionRefusedError: "

    sent = " ".join(cli(config, "alerts", "send", env=spanish).output.split())
    report = cli(config, "report", "--email", "--since", "2026-10-01", "--until", "2026-10-07", env=spanish)

    assert f"cafe: FALLÓ el envío a email, se reintenta en la próxima ejecución: {said}" in sent, sent
    assert f"error: el informe de cafe no se envió: {said}" in " ".join(report.output.split()), report.output
    assert report.exit_code == 1


# --- 2. a channel the rules did not judge is said by `scan` and `alerts send` --------------------------


def test_scan_and_send_say_which_channels_the_rules_did_not_judge_and_why(tmp_path: Path) -> None:
    """QA run4: a partial scan printed "nandu: sin alertas nuevas" and send "nada que enviar"."""
    config = project(tmp_path, "")
    assert cli(config, "scan", "--quiet").exit_code == 0
    write_jsonl(tmp_path / "export.jsonl", [comment("bad", created_at="bad")])  # nothing readable: failed
    scanned = cli(config, "scan", env={"SOCIALMON_LANG": "es"})
    assert scanned.exit_code == 1
    assert (
        "cafe: canales que las reglas de alertas no evalúan hasta su próximo escaneo completo: "
        "export (último escaneo fallido)" in scanned.output
    )
    engine = create_engine(f"sqlite:///{tmp_path / 'socialmon.db'}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE scan_run SET status = 'partial'"))
    engine.dispose()
    sent = cli(config, "alerts", "send", "--dry-run")
    assert (
        "cafe: not judged by the alert rules until their next complete scan: export (last scan partial)"
        in sent.output
    )
    checked = cli(config, "alerts", "check", env={"SOCIALMON_LANG": "es"})
    assert "se omitió export: último escaneo parcial (importado a medias" in checked.output
    assert "last scan" not in checked.output


@pytest.mark.parametrize("limit", [100, 101, 102, 103])
def test_a_cut_never_leaves_an_escape_open_after_a_run_of_backslashes(limit: int) -> None:
    """Discord's escaped "\\" is two characters: a cut at odd parity left one escaping the "…"."""
    from socialmon.alerts.webhooks import _cut_line

    cut = _cut_line("\\" * 1000, limit)
    assert cut.endswith("…") and len(cut) <= limit
    run = len(cut[:-1]) - len(cut[:-1].rstrip("\\"))
    assert run % 2 == 0, run


def test_a_portuguese_brands_alerts_are_brazilian_portuguese_throughout(tmp_path: Path) -> None:
    """A pt brand's alerts are worded in Portuguese with Brazil's numbers, as its reports (they were
    English; tests/alerts/test_portuguese_alerts.py reads the messages)."""
    from socialmon.alerts.wording import alert_lang
    from socialmon.config import load_config

    path = write_config(tmp_path)
    path.write_text(
        path.read_text(encoding="utf-8").replace('language = "es"', 'language = "pt"'), encoding="utf-8"
    )
    (brand,) = load_config(path).brands
    lang = alert_lang(brand)
    assert (lang.language, lang.tag, lang.number(1234.5, 1)) == ("pt", "pt-BR", "1.234,5")
    assert str(lang.zone) == brand.timezone  # still the brand's time
