"""A customer's turn of several WhatsApp messages is listed by `pending` once: a negative turn
shows the message that made it negative, not its first.

A QA walkthrough: `pending` showed "negativo  A las 5 pm porfa" while the angry message of the
next day, "el pastel llegó aplastado 😡", appeared nowhere in `pending` or the report.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from helpers import write_config
from sqlalchemy import select
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.database import open_database
from socialmon.tables import ALERT

GYE = ZoneInfo("America/Guayaquil")


def line(moment: datetime, sender: str, text: str) -> str:
    return f"{moment:%d/%m/%y}, {moment:%H:%M} - {sender}: {text}\n"


def rosas_chat(folder: Path, extra: str = "") -> Path:
    """A chat whose last turn is two messages: a neutral one, then the next day a complaint."""
    now = datetime.now(GYE).replace(second=0, microsecond=0)
    asked = now - timedelta(days=2)
    chat = (
        line(asked - timedelta(hours=2), "Rosa Mite", "Hola, ¿me guardan un pastel de chocolate?")
        + line(asked - timedelta(hours=1), "Café Uno", "¡Claro, Rosa! ¿A qué hora pasa?")
        + line(asked, "Rosa Mite", "A las 5 pm porfa")
        + line(asked + timedelta(days=1), "Rosa Mite", "El pastel llegó aplastado 😡 pésimo servicio")
    )
    (folder / "Chat de WhatsApp con Rosa Mite.txt").write_text(chat, encoding="utf-8")
    config = write_config(
        folder,
        channels='[[brands.channels]]\nname = "whatsapp"\nplatform = "whatsapp_export"\n'
        'path = "Chat de WhatsApp con Rosa Mite.txt"\nbusiness_names = ["Café Uno"]\n\n' + extra,
    )
    return config


def waiting_alert(folder: Path, column: Any) -> Any:
    """`column` of the one `waiting` alert in the project's database."""
    database = open_database(f"sqlite:///{folder / 'socialmon.db'}")
    try:
        with database.read() as connection:
            (value,) = connection.execute(select(column).where(ALERT.c.rule == "waiting")).scalars().all()
    finally:
        database.dispose()
    return value


def test_a_negative_turn_is_listed_with_the_message_that_made_it_negative(tmp_path: Path) -> None:
    config = rosas_chat(tmp_path)
    cli = CliRunner()
    assert cli.invoke(app, ["scan", "-q", "--config", str(config)]).exit_code == 0
    result = cli.invoke(app, ["pending", "--config", str(config), "-f", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    (item,) = [entry for brand in listed["brands"] for entry in brand["needs_reply"]["items"]]
    assert item["label"] == "negative" and item["turn_messages"] == 2
    assert "aplastado" in item["text"], item
    # Its reference is the complaint's: correcting it corrects the message shown (it corrected the
    # turn's first message, and the turn stayed negative).
    assert cli.invoke(app, ["label", "--config", str(config), item["ref"], "neutral"]).exit_code == 0
    again = json.loads(cli.invoke(app, ["pending", "--config", str(config), "-f", "json"]).output)
    (item,) = [entry for brand in again["brands"] for entry in brand["needs_reply"]["items"]]
    assert item["label"] != "negative", item


def test_the_waiting_alert_quotes_the_complaint_of_a_negative_turn(tmp_path: Path) -> None:
    """The alert about the same turn said "neutral · A las 5 pm porfa" (reviewer): an e-mail or a
    webhook built from it never showed what the customer complained of."""
    config = rosas_chat(tmp_path, '[brands.alerts.waiting]\ninclude = "negative"\nlookback = "7d"\n')
    cli = CliRunner()
    assert cli.invoke(app, ["scan", "-q", "--config", str(config)]).exit_code == 0
    facts = waiting_alert(tmp_path, ALERT.c.facts)
    # What the e-mail and the webhooks are written from: the worst comments' details.
    said = json.dumps(facts if isinstance(facts, dict) else json.loads(facts), ensure_ascii=False)
    assert "aplastado" in said, said
    assert "A las 5 pm" not in said, said


def test_alerts_show_lists_a_negative_turn_by_its_complaint_as_the_alert_quotes_it(tmp_path: Path) -> None:
    """`alerts show` listed the turn's first message ("neutral · A las 5 pm porfa") while the
    alert's e-mail quoted the complaint: its reference, label and text are the complaint's now."""
    config = rosas_chat(tmp_path, '[brands.alerts.waiting]\ninclude = "negative"\nlookback = "7d"\n')
    cli = CliRunner()
    assert cli.invoke(app, ["scan", "-q", "--config", str(config)]).exit_code == 0
    pending = json.loads(cli.invoke(app, ["pending", "--config", str(config), "-f", "json"]).output)
    (item,) = [entry for brand in pending["brands"] for entry in brand["needs_reply"]["items"]]
    alert_id = waiting_alert(tmp_path, ALERT.c.id)
    result = cli.invoke(app, ["alerts", "show", str(alert_id), "--config", str(config)], terminal_width=200)
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())
    assert "aplastado" in shown and "A las 5 pm" not in shown, result.output
    assert item["ref"] in shown  # the reference `pending` gives and `label` takes
    assert "negative" in shown
