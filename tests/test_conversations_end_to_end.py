"""Issue 17, part B, point 3: comments and WhatsApp messages of one brand, end to end through the
real CLI into a real SQLite file: the report shows both response times, `pending` lists the waiting
WhatsApp customer once (by the first message of the turn), and an alert fires for that turn."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers import comment, post, run_cli, write_config, write_jsonl

GYE = ZoneInfo("America/Guayaquil")


def line(moment: datetime, sender: str, text: str) -> str:
    local = moment.astimezone(GYE)
    return f"{local:%d/%m/%y}, {local:%H:%M} - {sender}: {text}\n"


def project(folder: Path) -> Path:
    now = datetime.now(GYE).replace(second=0, microsecond=0)
    asked = now - timedelta(days=2)
    write_jsonl(
        folder / "export.jsonl",
        [
            post("p1", author_id="biz", created_at=(asked - timedelta(days=1)).isoformat()),
            comment("c1", created_at=asked.isoformat(), text="¿Abren el domingo?"),
            comment(
                "r1", parent_id="c1", author_id="biz", created_at=(asked + timedelta(hours=1)).isoformat()
            ),
        ],
    )
    waiting = now - timedelta(hours=5)
    chat = (
        line(asked, "Rosa Mite", "Hola, ¿tienen pan de yuca?")
        + line(asked + timedelta(minutes=1), "Rosa Mite", "Para hoy")
        + line(asked + timedelta(minutes=21), "Café Uno", "¡Sí, Rosa! Recién salido")
        + line(waiting, "Rosa Mite", "Me cobraron dos veces, ¿es una estafa?")
        + line(waiting + timedelta(minutes=2), "Rosa Mite", "Necesito que me devuelvan")
    )
    (folder / "Chat de WhatsApp con Rosa Mite.txt").write_text(chat, encoding="utf-8")
    channels = (
        '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n'
        'business_authors = ["biz"]\n\n'
        '[[brands.channels]]\nname = "whatsapp"\nplatform = "whatsapp_export"\n'
        'path = "Chat de WhatsApp con Rosa Mite.txt"\nbusiness_names = ["Café Uno"]\n\n'
        '[brands.alerts.watch_list]\nterms = ["estafa"]\n'
    )
    return write_config(folder, channels=channels)


@pytest.mark.slow
def test_comments_and_whatsapp_messages_end_to_end(tmp_path: Path) -> None:
    config = project(tmp_path)
    scan = run_cli("scan", "--config", str(config), env={"SOCIALMON_LANG": "en"})
    assert scan.returncode == 0, scan.stderr

    report = run_cli("report", "--config", str(config), "-f", "json")
    assert report.returncode == 0, report.stderr
    [brand] = json.loads(report.stdout)["brands"]
    kinds = {g["key"]: g for g in brand["response_times"]["by_kind"]}
    assert kinds["comments"]["median_minutes"] == 60 and kinds["comments"]["comments"] == 1
    assert kinds["messages"]["median_minutes"] == 21  # the turn's first message to the business's
    assert (kinds["messages"]["comments"], kinds["messages"]["answered"]) == (2, 1)  # turns
    assert [p["channel"] for p in brand["engagement"]["by_channel"]] == ["export"]  # no conversation posts

    wide = run_cli("report", "--config", str(config), env={"COLUMNS": "160"})
    assert "Mensajes (turnos)" in wide.stdout and "Comentarios públicos" in wide.stdout
    # Response times count turns; sentiment counts each message, and says so.
    markdown = run_cli("report", "--config", str(config), "-f", "md").stdout
    sentiment = markdown.split("Opiniones: comentarios y mensajes", 1)[1].split("\n#", 1)[0]
    assert "| Mensajes |" in sentiment and "turnos" not in sentiment

    pending = run_cli("pending", "--config", str(config), "-f", "json")
    assert pending.returncode == 0, pending.stderr
    items = json.loads(pending.stdout)["brands"][0]["needs_reply"]["items"]
    messages = [i for i in items if i.get("kind") == "message"]
    assert len(messages) == 1  # the waiting turn, once, by its first message
    assert messages[0]["text"] == "Me cobraron dos veces, ¿es una estafa?"
    assert messages[0]["conversation"] == "Rosa Mite" and messages[0]["turn_messages"] == 2
    table = run_cli("pending", "--config", str(config), env={"COLUMNS": "160"})
    assert "mensaje" in table.stdout and "Rosa Mite" in table.stdout

    with sqlite3.connect(tmp_path / "socialmon.db") as connection:
        first = connection.execute(
            "SELECT id FROM comment WHERE text = 'Me cobraron dos veces, ¿es una estafa?'"
        ).fetchone()[0]
        alerts = {
            rule: json.loads(facts)["comment_ids"]
            for rule, facts in connection.execute("SELECT rule, facts FROM alert")
        }
    assert alerts["waiting"] == [first]  # the late turn is one member of the waiting wave
    assert alerts["watch-list"] == [first]
