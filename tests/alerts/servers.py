"""A real SMTP server (aiosmtpd) and a real HTTP webhook receiver, both on 127.0.0.1, started by tests."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "alerts@cafe.example", "s3cret-pw"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- webhooks -----------------------------------------------------------------------------------


@dataclass
class HookServer:
    """Records every POST; a path's status codes are answered in turn (the last one repeats)."""

    server: ThreadingHTTPServer
    received: list[tuple[str, dict[str, str], Any]] = field(default_factory=list)
    answers: dict[str, list[int]] = field(default_factory=dict)
    delay: float = 0.0  # seconds each answer takes: a slow service keeps two senders overlapping
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def bodies(self, path: str) -> list[Any]:
        with self.lock:
            return [body for where, _, body in self.received if where == path]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_hook_server() -> HookServer:
    holder: dict[str, HookServer] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            hook = holder["server"]
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"null")
            with hook.lock:
                queue = hook.answers.get(self.path, [200])
                status = queue.pop(0) if len(queue) > 1 else queue[0]
                if 200 <= status < 300:
                    hook.received.append((self.path, dict(self.headers), body))
            if hook.delay:
                time.sleep(hook.delay)
            payload = b"ok" if status == 200 else (b"" if status == 204 else b"server trouble")
            self.send_response(status)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload:
                self.wfile.write(payload)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook = HookServer(server)
    holder["server"] = hook
    # Polled often: shutdown() waits up to one poll interval (the default 0.5 s, after every test).
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return hook


# --- SMTP ---------------------------------------------------------------------------------------


@dataclass
class SmtpServer:
    controller: Controller
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    def stop(self) -> None:
        self.controller.stop()


class _Handler:
    def __init__(self, server: SmtpServer | None = None) -> None:
        self.server = server

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        assert self.server is not None
        self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.server.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


def start_smtp_server(tls_context: ssl.SSLContext | None = None) -> SmtpServer:
    handler = _Handler()
    port = free_port()
    holder: dict[str, SmtpServer] = {}

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            USER.encode(),
            PASSWORD.encode(),
        )
        if ok:
            holder["server"].logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)  # failed: aiosmtpd answers 535 itself

    options: dict[str, Any] = {"authenticator": authenticate}
    if tls_context is not None:
        options.update(tls_context=tls_context, require_starttls=True, auth_require_tls=True)
    else:
        options.update(auth_require_tls=False)
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    server = SmtpServer(controller, port)
    holder["server"] = server
    handler.server = server
    controller.start()
    return server
