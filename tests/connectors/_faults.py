"""Faults the conformance suite derives from a case's healthy source, for every connector alike.

An API case's healthy source is a respx router. `FaultRouter` answers each request
through that router, records what was asked and answered (`Exchange`), and hands each
answer to a `Fault` that may change its JSON body, fail it, or leave it alone. A fault
names requests by `request_key` (method, host, path and sorted query), so a fault
derived from one healthy run applies to the same request of a later run.

A file case's healthy source is export files: `export_files` finds them and the
helpers below shuffle or break their lines.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import respx
from respx.models import AllMockedAssertionError

JSONPath = tuple[str | int, ...]
RequestKey = tuple[str, str, str, tuple[tuple[str, str], ...]]

#: the body of a request a fault leads the connector to make that the healthy source never saw
NOT_MOCKED = {"error": {"message": "no such object (not in the case's healthy source)", "code": 404}}
#: an answer of the wrong shape names itself, so a message that quotes it is easy to read
WRONG_OBJECT = {"conformance": "an object where a list was expected"}


def request_key(request: httpx.Request) -> RequestKey:
    url = request.url
    return (request.method, url.host, url.path, tuple(sorted(url.params.multi_items())))


def describe(key: RequestKey) -> str:
    method, host, path, query = key
    shown = "&".join(f"{k}={v if len(v) <= 40 else v[:37] + '...'}" for k, v in query)
    return f"{method} {host}{path}" + (f"?{shown}" if shown else "")


@dataclass
class Exchange:
    """One request of a run and the healthy answer to it."""

    key: RequestKey
    request: httpx.Request
    status: int
    headers: list[tuple[str, str]]
    body: Any  # the parsed JSON, or None when the answer is not JSON

    @property
    def is_json_success(self) -> bool:
        return 200 <= self.status < 300 and self.body is not None

    def relative_path(self, base_url: str) -> str:
        """The request's path below the case's base URL, as connectors name endpoints ("123/posts")."""
        base = httpx.URL(base_url).path.rstrip("/")
        path = self.request.url.path
        return path[len(base) :].strip("/") if path.startswith(base) else path.strip("/")


#: What a fault does to one answer: return a new response, or None to keep the healthy one.
Fault = Callable[[Exchange], httpx.Response | None]


def respond(exchange: Exchange, body: Any, status: int | None = None) -> httpx.Response:
    """The healthy answer's status and headers (a `Link` header, rate-limit headers) with `body`."""
    dropped = {"content-length", "content-type", "content-encoding", "transfer-encoding"}
    headers = [(k, v) for k, v in exchange.headers if k.lower() not in dropped]
    return httpx.Response(exchange.status if status is None else status, headers=headers, json=body)


class FaultRouter:
    """A respx router answering through a case's healthy router, each answer passed through `fault`.

    `strict`: a request the healthy router has no route for fails the test (a healthy run);
    otherwise it is answered 404, as a platform answers for an object that does not exist.
    """

    def __init__(self, inner: respx.MockRouter, fault: Fault | None = None, *, strict: bool = False) -> None:
        self.inner = inner
        self.fault = fault
        self.strict = strict
        self.trace: list[Exchange] = []
        self.outer = respx.mock(assert_all_mocked=True, assert_all_called=False)
        self.outer.route().mock(side_effect=self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self.inner.resolve(request).response
        except AllMockedAssertionError:
            if self.strict:
                raise
            response = httpx.Response(404, json=NOT_MOCKED)
        assert isinstance(response, httpx.Response)
        try:
            body = json.loads(response.content) if response.content else None
        except ValueError:
            body = None
        exchange = Exchange(
            key=request_key(request),
            request=request,
            status=response.status_code,
            headers=list(response.headers.multi_items()),
            body=body,
        )
        self.trace.append(exchange)
        changed = self.fault(exchange) if self.fault is not None else None
        return changed if changed is not None else response

    def __enter__(self) -> FaultRouter:
        self.outer.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.outer.__exit__(*exc)


# --- JSON surgery ---------------------------------------------------------------------------


def get_at(body: Any, path: JSONPath) -> Any:
    for step in path:
        body = body[step]
    return body


def set_at(body: Any, path: JSONPath, value: Any) -> Any:
    """`body` with the node at `path` replaced (`path` () replaces the body)."""
    if not path:
        return value
    get_at(body, path[:-1])[path[-1]] = value
    return body


def delete_at(body: Any, path: JSONPath) -> Any:
    del get_at(body, path[:-1])[path[-1]]
    return body


def lists(body: Any, path: JSONPath = ()) -> Iterator[JSONPath]:
    """The path of every list in `body`, outermost first."""
    if isinstance(body, list):
        yield path
        for index, item in enumerate(body):
            yield from lists(item, (*path, index))
    elif isinstance(body, dict):
        for key, value in body.items():
            yield from lists(value, (*path, key))


def outer_list(body: Any) -> JSONPath | None:
    """The first list reached through objects only (the listing a page carries), or None."""
    queue: list[tuple[Any, JSONPath]] = [(body, ())]
    while queue:
        node, path = queue.pop(0)
        if isinstance(node, list):
            return path
        if isinstance(node, dict):
            queue.extend((value, (*path, key)) for key, value in node.items())
    return None


def shuffled(body: Any, rng: random.Random, keep: Callable[[JSONPath], bool]) -> Any:
    """A copy of `body` with the items of every list put in another order (unless `keep(path)`)."""
    body = copy.deepcopy(body)
    for path in sorted(lists(body), key=len, reverse=True):  # inner lists first: paths stay valid
        node = get_at(body, path)
        if len(node) > 1 and not keep(path):
            order = list(range(len(node)))
            while order == sorted(order):  # another order, not by chance the same one
                rng.shuffle(order)
            node[:] = [node[i] for i in order]
    return body


def scalars(node: Any, path: JSONPath = ()) -> Iterator[tuple[JSONPath, Any]]:
    """The scalar values of an object and of its nested objects (not inside its lists)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict):
                yield from scalars(value, (*path, key))
            elif not isinstance(value, list):
                yield (*path, key), value


def contains_value(node: Any, wanted: str, *, in_lists: bool) -> bool:
    """Whether a string or number equal to `wanted` is in `node` (outside lists unless `in_lists`)."""
    if isinstance(node, dict):
        return any(contains_value(v, wanted, in_lists=in_lists) for v in node.values())
    if isinstance(node, list):
        return in_lists and any(contains_value(v, wanted, in_lists=True) for v in node)
    return node is not None and not isinstance(node, bool) and str(node) == wanted


def as_time(value: Any) -> datetime | None:
    """`value` read as a platform timestamp, or None."""
    from socialmon_connectors._paging import parse_time

    if value is None or isinstance(value, bool):
        return None
    try:
        return parse_time(value)
    except (ValueError, TypeError, OverflowError, OSError):
        return None


# --- pages of one listing ---------------------------------------------------------------------


def page_chains(trace: list[Exchange]) -> list[list[Exchange]]:
    """Runs of requests that are the pages of one listing: each asks for the next page of the one before.

    A request is the next page of an earlier one to the same path when the parameters it adds
    or changes carry a value the earlier answer gave outside its lists (a cursor in the body,
    `paging.cursors.after`, `nextPageToken`) or in its `Link` header.
    """
    chains: list[list[Exchange]] = []
    follows: dict[int, int] = {}
    for later, exchange in enumerate(trace):
        if not exchange.is_json_success:
            continue
        query = dict(exchange.key[3])
        for earlier in range(later - 1, -1, -1):
            before = trace[earlier]
            if (
                before.key[:3] != exchange.key[:3]
                or not before.is_json_success
                or earlier in follows.values()
            ):
                continue
            old = dict(before.key[3])
            moved = {k: v for k, v in query.items() if old.get(k) != v}
            links = " ".join(v for k, v in before.headers if k.lower() == "link")
            if moved and all(
                contains_value(before.body, v, in_lists=False) or v in links for v in moved.values()
            ):
                follows[later] = earlier
                break
    starts = [i for i in range(len(trace)) if i not in follows and i in follows.values()]
    nexts = {earlier: later for later, earlier in follows.items()}
    for start in starts:
        chain, at = [trace[start]], start
        while at in nexts:
            at = nexts[at]
            chain.append(trace[at])
        chains.append(chain)
    return chains


# --- export files ---------------------------------------------------------------------------

EXPORT_SUFFIXES = (".jsonl", ".ndjson", ".csv")


def export_files(root: Path) -> list[Path]:
    """The JSON Lines and CSV files a file case's healthy source wrote under `root`."""
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES)


@dataclass
class ExportLine:
    path: Path
    number: int  # 1-based line number in the file
    fields: dict[str, Any]  # the record as the file gives it (a CSV row by its header)
    header: list[str] | None = field(default=None)


def export_lines(path: Path) -> tuple[list[str], list[ExportLine]]:
    """A file's lines and its records, by line number (a CSV file's header is line 1)."""
    import csv

    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    found: list[ExportLine] = []
    if path.suffix.lower() == ".csv":
        header = next(csv.reader([lines[0]]))
        for number, text in enumerate(lines[1:], start=2):
            row = next(csv.reader([text]), [])
            if len(row) == len(header):
                found.append(ExportLine(path, number, dict(zip(header, row, strict=True)), header))
    else:
        for number, text in enumerate(lines, start=1):
            try:
                item = json.loads(text)
            except ValueError:
                continue
            if isinstance(item, dict):
                found.append(ExportLine(path, number, item))
    return lines, found


def shuffle_export(path: Path, rng: random.Random) -> None:
    """The file's records in another order (a CSV header stays first)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [line if line.endswith("\n") else line + "\n" for line in lines]
    head, body = (lines[:1], lines[1:]) if path.suffix.lower() == ".csv" else ([], lines)
    if len(body) > 1:
        order = list(range(len(body)))
        while order == sorted(order):
            rng.shuffle(order)
        body = [body[i] for i in order]
    path.write_text("".join(head + body), encoding="utf-8")


def rewrite_line(line: ExportLine, fields: dict[str, Any]) -> None:
    """Write `fields` in place of the record at `line`."""
    import csv
    import io

    lines = line.path.read_text(encoding="utf-8").splitlines(keepends=True)
    if line.header is not None:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow([fields.get(name, "") for name in line.header])
        text = out.getvalue()
    else:
        text = json.dumps(fields, ensure_ascii=False) + "\n"
    lines[line.number - 1] = text
    line.path.write_text("".join(lines), encoding="utf-8")


__all__ = [
    "WRONG_OBJECT",
    "Exchange",
    "ExportLine",
    "Fault",
    "FaultRouter",
    "as_time",
    "delete_at",
    "describe",
    "export_files",
    "export_lines",
    "get_at",
    "outer_list",
    "page_chains",
    "request_key",
    "respond",
    "rewrite_line",
    "scalars",
    "set_at",
    "shuffle_export",
    "shuffled",
]
