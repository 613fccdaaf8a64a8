"""A fake Facebook Graph API on 127.0.0.1, with a real HTTP stack, for end-to-end tests and benchmarks.

    with FakeGraph(latency=0.1) as graph:
        graph.add_page("111", token="tok-a", posts=60, comments_per_post=5)
        graph.fail("111", "429", "500", "truncated")   # the next requests for page 111 fail so
        graph.expire("tok-b", after=3)                 # the 4th request with tok-b gets code 190
        graph.misbehave("111", "cursor_loop")          # a standing fault: see `MISBEHAVIOURS`
        ... point a `facebook` channel's base_url at graph.url ...

It serves `/{page}/posts` newest first (with `since`/`until`, `limit`, `after`), each post
with its first comments inline (`filter=stream` style: replies carry `parent`), and
`/{post}/comments` for the rest, in the documented Graph shapes. Like Meta, its `paging.next`
links carry `access_token` in the query. It runs in a thread (stdlib `ThreadingHTTPServer`),
one thread per connection, so a latency per request overlaps across connections.

A benchmark serves it from a child process instead (`serve_in_process`), so that its
CPU time is not spent under the scanning process's GIL: a real platform's servers are
not in our process either.

    graph = FakeGraph(latency=0.1)
    graph.add_page("111", token="tok-a", posts=100)
    with graph.serve_in_process() as served:
        ... served.url ...; len(served.log())
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

VERSION = "v25.0"
# Standing faults of a page's post listing: a cursor that cycles, a listing that never ends, a body
# trickled 4 bytes a second, an error whose message carries markup, terminal escapes and the token.
MISBEHAVIOURS = ("cursor_loop", "endless", "trickle", "hostile_error")
HOSTILE_MESSAGE = (
    "Invalid [/] request [bold red]x[/] \x1b]0;pwned\x07\x1b[2J\x1b]8;;https://evil.example/\x1b\\link"
    "\x1b]8;;\x1b\\ \u202eevil (token {token})"
)
EPOCH = datetime(2024, 5, 20, 12, 0, tzinfo=UTC)


def meta_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S+0000")


# What a responder returns: HTTP status, a JSON-able body (or raw bytes, or a `Trickle`), extra headers.
Answer = tuple[int, Any, dict[str, str]]


@dataclass(frozen=True)
class Trickle:
    """A body sent `step` bytes at a time, one step every `interval` seconds (a server stuck half way)."""

    body: bytes
    step: int = 4
    interval: float = 1.0


def serve_json(respond: Callable[[BaseHTTPRequestHandler], Answer]) -> ThreadingHTTPServer:
    """Serve `respond`'s answers to GET requests on 127.0.0.1, from a background thread, until
    the returned server is shut down. A real HTTP/1.1 stack with keep-alive, as platforms have."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are separate writes: don't wait for ACKs

        def do_GET(self) -> None:
            status, body, headers = respond(self)
            trickle = body if isinstance(body, Trickle) else None
            if trickle is not None:
                body = trickle.body
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client went away
                if trickle is None:
                    self.wfile.write(payload)
                    return
                for start in range(0, len(payload), trickle.step):
                    time.sleep(trickle.interval)
                    self.wfile.write(payload[start : start + trickle.step])
                    self.wfile.flush()

        def log_message(self, *_: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256

        def handle_error(self, request: Any, client_address: Any) -> None:
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a client killed mid-request
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@dataclass
class FakePage:
    page_id: str
    token: str
    posts: list[dict[str, Any]] = field(default_factory=list)  # newest first
    post_times: list[float] = field(default_factory=list)  # epoch seconds of `posts`, for since/until
    comments: dict[str, list[dict[str, Any]]] = field(
        default_factory=dict
    )  # post id -> comments, oldest first

    def comment_ids(self) -> set[str]:
        return {c["id"] for thread in self.comments.values() for c in thread}

    def post_ids(self) -> set[str]:
        return {p["id"] for p in self.posts}


class FakeGraph:
    def __init__(self, *, latency: float = 0.0, comment_page: int = 25) -> None:
        self.latency = latency
        self.comment_page = comment_page
        self.pages: dict[str, FakePage] = {}
        self.faults: dict[str, deque[str]] = defaultdict(deque)
        self.expire_after: dict[str, int] = {}
        self.misbehaving: dict[str, str | None] = {}
        self.used: dict[str, int] = defaultdict(int)
        self.log: list[tuple[str, int]] = []  # (path, status) of every request
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    # --- scripting ------------------------------------------------------------------------

    def add_page(
        self, page_id: str, *, token: str, posts: int, comments_per_post: int = 3, start: datetime = EPOCH
    ) -> FakePage:
        page = FakePage(page_id, token)
        for i in range(posts):
            created = start - timedelta(hours=i)
            post_id = f"{page_id}_{i}"
            page.post_times.append(created.timestamp())
            page.posts.append(
                {
                    "id": post_id,
                    "message": f"Post {i} de la página {page_id} 🍞",
                    "created_time": meta_time(created),
                    "permalink_url": f"https://www.facebook.com/{page_id}/posts/{i}",
                    "reactions": {"data": [], "summary": {"total_count": i % 7}},
                }
            )
            thread = []
            for j in range(comments_per_post):
                comment = {
                    "id": f"{i}_{page_id}{j:03d}",
                    "message": f"¿Comentario {j}? ¡Qué rico! 😋",
                    "created_time": meta_time(created + timedelta(minutes=j + 1)),
                    "from": {"id": f"user{j}", "name": f"Cliente {j}"},
                    "like_count": j % 3,
                    "comment_count": 0,
                }
                if j % 3 == 2:  # the Page answers the comment before it
                    comment["from"] = {"id": page_id, "name": "La Panadería"}
                    comment["parent"] = {"id": thread[-1]["id"]}
                    comment["message"] = "¡Gracias! Te esperamos."
                thread.append(comment)
            page.comments[post_id] = thread
        self.pages[page_id] = page
        return page

    def fail(self, page_id: str, *kinds: str) -> None:
        """The next requests about this page fail, one kind each: 429, 500, truncated, malformed, deprecated."""
        self.faults[page_id].extend(kinds)

    def misbehave(self, page_id: str, kind: str | None) -> None:
        """A standing fault of the page's post listing (one of `MISBEHAVIOURS`), or None to behave."""
        if kind is not None and kind not in MISBEHAVIOURS:
            raise ValueError(f"unknown misbehaviour {kind!r}; one of {', '.join(MISBEHAVIOURS)}")
        self.misbehaving[page_id] = kind

    def fail_thread(self, post_id: str, *kinds: str) -> None:
        """The next requests for this post's comments fail, one kind each (as `fail`, and "error100")."""
        self.faults[post_id].extend(kinds)

    def expire(self, token: str, after: int) -> None:
        """Requests with `token` succeed `after` times, then the token has expired."""
        self.expire_after[token] = after

    def statuses(self, status: int) -> int:
        return sum(1 for _, s in self.log if s == status)

    # --- serving --------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/{VERSION}"

    def __enter__(self) -> FakeGraph:
        self.server = serve_json(
            lambda request: self.respond(request.path, request.headers.get("Authorization", ""))
        )
        return self

    def __exit__(self, *_: object) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()

    @contextmanager
    def serve_in_process(self) -> Iterator[ServedGraph]:
        """Serve this graph (as scripted so far) from a child process until the block ends."""
        if self.server is not None:
            raise RuntimeError("already serving in this process")
        spawn = multiprocessing.get_context("spawn")  # the caller may have threads: don't fork them
        ours, theirs = spawn.Pipe()
        child = spawn.Process(target=_serve_child, args=(self, theirs), daemon=True)
        child.start()
        try:
            if not ours.poll(30):
                raise RuntimeError("the fake Graph API did not start within 30 s")
            yield ServedGraph(ours.recv(), ours, child.pid)
        finally:
            ours.send("stop")
            child.join(10)
            if child.is_alive():
                child.kill()

    def __getstate__(self) -> dict[str, Any]:  # what a child process needs: the script, not the server
        state = {k: v for k, v in self.__dict__.items() if k not in ("lock", "server")}
        return {**state, "faults": dict(self.faults), "used": dict(self.used)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.faults = defaultdict(deque, state["faults"])
        self.used = defaultdict(int, state["used"])
        self.lock = threading.Lock()
        self.server = None

    def respond(self, raw_path: str, authorization: str) -> tuple[int, Any, dict[str, str]]:
        if self.latency:
            time.sleep(self.latency)
        parts = urlsplit(raw_path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        segments = [s for s in parts.path.split("/") if s]
        status, body, headers = self._route(segments, query, authorization.removeprefix("Bearer ").strip())
        with self.lock:
            self.log.append((parts.path, status))
        return status, body, headers

    def _route(
        self, segments: list[str], query: dict[str, str], token: str
    ) -> tuple[int, Any, dict[str, str]]:
        if len(segments) != 3 or segments[0] != VERSION or segments[2] not in ("posts", "comments"):
            return 404, _error(803, "Unknown path components", "OAuthException"), {}
        object_id, edge = segments[1], segments[2]
        page_id = object_id.split("_", 1)[0]
        page = self.pages.get(page_id) if edge == "posts" else self._page_of_post(object_id)
        if page is None:
            return 400, _error(100, "Object does not exist", "GraphMethodException", subcode=33), {}
        if token != page.token:
            return 400, _error(190, f"Invalid OAuth access token - Cannot parse access token {token}"), {}
        with self.lock:
            self.used[token] += 1
            expired = token in self.expire_after and self.used[token] > self.expire_after[token]
            fault = self.faults[page.page_id].popleft() if self.faults[page.page_id] else None
            if fault is None and edge == "comments" and self.faults[object_id]:
                fault = self.faults[object_id].popleft()
        if expired:
            message = f"Error validating access token: Session has expired (token {token})"
            return 400, _error(190, message, subcode=463), {}
        if fault == "429":
            return 429, _error(4, "Application request limit reached"), {"Retry-After": "0"}
        if fault == "500":
            return 500, _error(2, "Service temporarily unavailable"), {}
        if fault == "error100":  # what Graph answers for one post's comments it will not serve
            return 400, _error(100, "Unsupported get request. Please read the Graph API documentation"), {}
        if fault == "deprecated":  # a permanent error that, like some of Meta's, echoes the request
            return 400, _error(12, f"(#12) fields deprecated for this version (access_token={token})"), {}
        misbehaving = self.misbehaving.get(page.page_id)
        if edge == "posts" and misbehaving is not None:
            return self._misbehave(misbehaving, page, query, token)
        status, body = (
            self._posts(page, query, token)
            if edge == "posts"
            else self._comments(page, object_id, query, token)
        )
        headers = {"X-App-Usage": json.dumps({"call_count": 5, "total_cputime": 1, "total_time": 2})}
        if fault == "truncated":
            return status, json.dumps(body).encode()[:40], headers
        if fault == "malformed":
            return status, b"<html><body>Bad gateway</body></html>", headers
        return status, body, headers

    def _misbehave(
        self, kind: str, page: FakePage, query: dict[str, str], token: str
    ) -> tuple[int, Any, dict[str, str]]:
        if kind == "hostile_error":
            return 400, _error(100, HOSTILE_MESSAGE.format(token=token)), {}
        status, body = self._posts(page, query, token)
        if kind == "trickle":
            return status, Trickle(json.dumps(body).encode()), {}
        after = int(query.get("after", "0") or 0)
        if kind == "cursor_loop":  # the third page points back at the second, for ever
            if after >= 2 * int(query.get("limit", 25)):
                body["paging"]["cursors"]["after"] = query.get("limit", "25")
                body["paging"]["next"] = f"{self.url}/{page.page_id}/posts?after={query.get('limit', '25')}"
            return status, body, {}
        # endless: every page has fresh posts and a next page, however far one reads
        limit = int(query.get("limit", 25))
        made = []
        for i in range(after, after + limit):
            made.append(
                {
                    "id": f"{page.page_id}_endless{i}",
                    "message": f"endless post {i}",
                    "created_time": meta_time(EPOCH - timedelta(minutes=i)),
                    "comments": {"data": [], "summary": {"total_count": 0}},
                }
            )
        return (
            200,
            {
                "data": made,
                "paging": {
                    "cursors": {"after": str(after + limit)},
                    "next": f"{self.url}/{page.page_id}/posts?after={after + limit}",
                },
            },
            {},
        )

    def _page_of_post(self, post_id: str) -> FakePage | None:
        page = self.pages.get(post_id.split("_", 1)[0])
        return page if page is not None and post_id in page.comments else None

    def _posts(self, page: FakePage, query: dict[str, str], token: str) -> tuple[int, Any]:
        since = int(query.get("since", 0))
        until = int(query.get("until", 2**40))
        chosen = [p for p, when in zip(page.posts, page.post_times, strict=True) if since <= when < until]
        limit = int(query.get("limit", 25))
        start = int(query.get("after", "0") or 0)
        window = chosen[start : start + limit]
        data = []
        for post in window:
            thread = page.comments[post["id"]]
            inline = self._comment_page(thread, 0, page.page_id, post["id"], token)
            inline["summary"] = {"order": "chronological", "total_count": len(thread), "can_comment": True}
            data.append({**post, "comments": inline})
        return 200, {
            "data": data,
            "paging": self._paging(start, limit, len(chosen), f"{page.page_id}/posts", token),
        }

    def _comments(self, page: FakePage, post_id: str, query: dict[str, str], token: str) -> tuple[int, Any]:
        start = int(query.get("after", "0") or 0)
        return 200, self._comment_page(page.comments[post_id], start, page.page_id, post_id, token)

    def _comment_page(
        self, thread: list[dict[str, Any]], start: int, page_id: str, post_id: str, token: str
    ) -> dict[str, Any]:
        size = self.comment_page
        return {
            "data": thread[start : start + size],
            "paging": self._paging(start, size, len(thread), f"{post_id}/comments", token),
        }

    def _paging(self, start: int, size: int, total: int, path: str, token: str) -> dict[str, Any]:
        paging: dict[str, Any] = {"cursors": {"before": str(start), "after": str(start + size)}}
        if start + size < total:  # like Meta, the next link carries the token
            query = urlencode({"limit": size, "after": start + size, "access_token": token})
            paging["next"] = f"{self.url}/{path}?{query}"
        return paging


@dataclass
class ServedGraph:
    """A FakeGraph running in a child process: its URL, and its request log on demand."""

    url: str
    _pipe: Any
    pid: int | None = None  # the child process (a benchmark reads its CPU time)

    def log(self) -> list[tuple[str, int]]:
        """(path, status) of every request served so far."""
        self._pipe.send("log")
        return self._pipe.recv()


def _serve_child(graph: FakeGraph, pipe: Any) -> None:
    with graph:
        pipe.send(graph.url)
        while (command := pipe.recv()) != "stop":
            if command == "log":
                with graph.lock:
                    pipe.send(list(graph.log))


def _error(
    code: int, message: str, kind: str = "OAuthException", subcode: int | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEf123"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}
