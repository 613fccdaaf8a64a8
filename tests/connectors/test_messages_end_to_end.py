"""`socialmon scan` (the real CLI, a real SQLite file) reading Messenger conversations from a fake Graph
API on loopback that refuses one conversation's messages with its 100/33."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fake_platform import Answer, meta_time, serve_json
from helpers import run_cli, write_config

PAGE = "304512345678903"
TOKEN = "EAABendTOKEN321"
CUSTOMERS = {"t_900": ("8880001", "Lucía Paz"), "t_800": ("8880002", "Iván Soto")}
REFUSED = {
    "error": {
        "message": "Unsupported get request. Object with ID 't_900' does not exist, cannot be loaded due to "
        "missing permissions, or does not support this operation.",
        "type": "GraphMethodException",
        "code": 100,
        "error_subcode": 33,
        "fbtrace_id": "Qq1",
    }
}


class Inbox:
    """Two conversations, each one question; the first has its older messages on a second page."""

    def __init__(self) -> None:
        now = datetime.now(UTC).replace(microsecond=0)
        self.times = {"t_900": now - timedelta(hours=3), "t_800": now - timedelta(hours=5)}
        self.refusing = True

    def message(self, conversation: str, n: int) -> dict[str, Any]:
        person, name = CUSTOMERS[conversation]
        when = self.times[conversation] - timedelta(minutes=n)
        return {
            "id": f"m_{conversation}_{n}",
            "message": f"pregunta {n}",
            "from": {"id": person, "name": name},
            "created_time": meta_time(when),
        }

    def conversation(self, conversation: str) -> dict[str, Any]:
        person, name = CUSTOMERS[conversation]
        paging: dict[str, Any] = {"cursors": {"before": "YQ", "after": "Mg"}}
        if conversation == "t_900":
            paging["next"] = f"http://x/v25.0/{conversation}/messages?access_token={TOKEN}&after=Mg"
        return {
            "id": conversation,
            "updated_time": meta_time(self.times[conversation]),
            "participants": {"data": [{"id": person, "name": name}, {"id": PAGE, "name": "Tienda"}]},
            "messages": {"data": [self.message(conversation, 0)], "paging": paging},
        }

    def respond(self, request: BaseHTTPRequestHandler) -> Answer:
        path = urlsplit(request.path).path
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return 400, {"error": {"message": "Invalid OAuth access token.", "code": 190}}, {}
        if path == f"/v25.0/{PAGE}/conversations":
            return 200, {"data": [self.conversation("t_900"), self.conversation("t_800")], "paging": {}}, {}
        if path == "/v25.0/t_900/messages":
            if self.refusing:
                return 400, REFUSED, {}
            return 200, {"data": [self.message("t_900", 1)], "paging": {"cursors": {"after": "Mw"}}}, {}
        return 404, {"error": {"message": f"unknown path {path}", "code": 803}}, {}


def rows(database: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchall()


@pytest.mark.slow
def test_a_refused_conversation_leaves_the_channel_partial_and_is_read_on_the_next_scan(
    tmp_path: Path,
) -> None:
    inbox = Inbox()
    server = serve_json(inbox.respond)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/v25.0"
        channels = (
            '[[brands.channels]]\nname = "dm"\nplatform = "facebook_messages"\n'
            f'account = "{PAGE}"\naccess_token = "${{FB_TOKEN}}"\nbase_url = "{base}"\n'
            'retry_backoff = 0.01\nfolders = ["inbox"]\n'
        )
        config = write_config(tmp_path, channels=channels)
        first = run_cli("scan", "--config", str(config), env={"FB_TOKEN": TOKEN, "SOCIALMON_LANG": "en"})
        database = tmp_path / "socialmon.db"
        after_first = rows(database, "select platform_id from comment order by platform_id")
        status_first = rows(database, "select last_status from channel")
        inbox.refusing = False
        second = run_cli("scan", "--config", str(config), env={"FB_TOKEN": TOKEN, "SOCIALMON_LANG": "en"})
    finally:
        server.shutdown()
    assert status_first == [("partial",)], first.stderr
    assert "t_900" in first.stderr + first.stdout
    # the other conversation is stored whole; the refused one keeps what came inline
    assert after_first == [("m_t_800_0",), ("m_t_900_0",)]
    assert second.returncode == 0, second.stderr
    assert rows(database, "select last_status from channel") == [("ok",)]
    assert rows(database, "select platform_id from comment order by platform_id") == [
        ("m_t_800_0",),
        ("m_t_900_0",),
        ("m_t_900_1",),
    ]
    assert rows(database, "select count(*) from post") == [(2,)]
    assert TOKEN not in json.dumps(rows(database, "select * from channel"))
