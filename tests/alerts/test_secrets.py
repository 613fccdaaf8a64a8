"""A failing webhook whose error body echoes the request: no secret reaches the output or the database.

Issue 13, point 6. A real HTTP server on 127.0.0.1 answers 500 with everything it was sent
(request line, headers, body), as a misconfigured proxy or a chatty service does.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from helpers import comment, post, write_config, write_jsonl
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon.config import WebhookDestination

PATH_TOKEN = "s3cretPathToken9876xyz"  # as in a Slack or Discord webhook URL
QUERY_KEY = "QUERYKEY-4242-abcdef"  # ?key=… as some JSON endpoints take it
BEARER = "opsBearerToken-7777"  # a header value
SECRETS = (PATH_TOKEN, QUERY_KEY, BEARER)


@pytest.fixture
def echo() -> Iterator[str]:
    """A server answering every POST with HTTP 500 and the whole request in the body."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            echoed = (
                f"internal error while handling {self.command} {self.path} "
                f"http://{self.headers['Host']}{self.path}\n{self.headers}\n"
            ).encode() + body[:300]
            self.send_response(500)
            self.send_header("Content-Length", str(len(echoed)))
            self.end_headers()
            self.wfile.write(echoed)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def project(folder: Path, base: str) -> Path:
    written = (datetime.now(UTC) - timedelta(hours=3)).isoformat()  # past the brand's 2 h SLA
    write_jsonl(
        folder / "export.jsonl",
        [post("p1", author_id="biz"), comment("c1", text="Nobody answers me", created_at=written)],
    )
    alerts = (
        "[brands.alerts]\n"
        '[[brands.alerts.webhooks]]\nkind = "slack"\nname = "team-chat"\n'
        f'url = "{base}/services/T0123ABC/B0456DEF/{PATH_TOKEN}"\n'
        '[[brands.alerts.webhooks]]\nkind = "json"\nname = "ops"\n'
        f'url = "{base}/hook?key={QUERY_KEY}&team=cafe"\n'
        'headers = { Authorization = "Bearer ${OPS_TOKEN}" }\n'
    )
    channels = '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n\n'
    return write_config(folder, channels=channels + alerts)


def test_a_webhook_error_echoing_the_request_is_printed_and_stored_without_its_secrets(
    tmp_path: Path, echo: str
) -> None:
    config = project(tmp_path, echo)
    runner = CliRunner()
    env = {"COLUMNS": "200", "OPS_TOKEN": BEARER}
    assert runner.invoke(app, ["scan", "--quiet", "--config", str(config)], env=env).exit_code == 0

    result = runner.invoke(app, ["alerts", "send", "--config", str(config)], env=env)

    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "delivery to team-chat FAILED" in result.output and "delivery to ops FAILED" in result.output
    assert "HTTP 500: internal error while handling POST" in result.output  # the cause is still said
    for secret in SECRETS:
        assert secret not in result.output
    connection = sqlite3.connect(tmp_path / "socialmon.db")
    try:
        errors = [row[0] for row in connection.execute("SELECT last_error FROM alert_delivery")]
    finally:
        connection.close()
    assert len(errors) >= 2 and all("HTTP 500" in error for error in errors), errors
    for secret in SECRETS:
        assert not any(secret in error for error in errors), errors


def test_scrub_hides_every_form_of_a_destinations_secrets() -> None:
    from socialmon.alerts.webhooks import hook_secrets, scrub

    hook = WebhookDestination(
        kind="discord",
        url=f"https://discord.com/api/webhooks/123456789012345678/{PATH_TOKEN}?key={QUERY_KEY}",
        headers={"X-Api-Key": BEARER},
    )
    echoed = (
        f"POST /api/webhooks/123456789012345678/{PATH_TOKEN}?key={QUERY_KEY} "
        f'{{"url": "https:\\/\\/discord.com\\/api\\/webhooks\\/123456789012345678\\/{PATH_TOKEN}", '
        f'"x-api-key": "{BEARER}", "authorization": "Bearer abcdef123456", "token": "zzzzzz999"}} '
        f"key%3D{QUERY_KEY}"
    )
    scrubbed = scrub(echoed, hook_secrets(hook))
    for secret in (*SECRETS, "123456789012345678", "abcdef123456", "zzzzzz999"):
        assert secret not in scrubbed, scrubbed
    assert scrubbed.startswith("POST /api/webhooks/")  # what is not secret stays readable
