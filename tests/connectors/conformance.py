"""The conformance suite every connector runs, by one line:

    TestConformance = conformance_suite(FacebookCase())

A case says how to build the connector and how to arrange its source: respx routes for
an API connector (`HttpCase`), files for the `file` connector (`ConnectorCase`). The
suite checks the contract: pages yield valid records with unique non-null ids, each page
carries a cursor and the cursor moves, a second run from the saved cursor brings nothing
new (nothing at all, for a source that is not re-read), a run resumed from any page's
cursor loses nothing, a repeated platform cursor stops the run, and each failure
surfaces as the right error class.

Faults derived from the healthy source (see `_faults.py`), so a third-party connector
gets them for free: every list of every answer in another order, and the pages of a
listing in another order, store the same records; a platform error on any one request
either stops the channel or leaves one thread to read again (`failed_threads`), which a
next run with `pending_threads` reads; an item whose time is missing or of the wrong
type, or whose id is missing, is rejected naming the field while the rest is stored; a
second scan stores nothing twice and reads each record as the first did; a 200 answer of the
wrong shape is a `PlatformError` naming the endpoint. For the `file` connector the rows
are shuffled and broken in the export files instead.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import itertools
import json
import random
import re
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import httpx
import pytest
import respx
from _faults import (
    WRONG_OBJECT,
    Exchange,
    Fault,
    FaultRouter,
    JSONPath,
    as_time,
    delete_at,
    describe,
    export_files,
    export_lines,
    get_at,
    lists,
    outer_list,
    page_chains,
    respond,
    rewrite_line,
    scalars,
    set_at,
    shuffle_export,
    shuffled,
)

from socialmon_connectors import (
    CommentRecord,
    Connector,
    ConnectorError,
    Page,
    PlatformError,
    PostRecord,
    ThreadFailure,
)
from socialmon_connectors._paging import SweepConnector

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2024, 6, 1, tzinfo=UTC)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


async def no_sleep(seconds: float) -> None:
    SLEPT.append(seconds)


SLEPT: list[float] = []


def collect(connector: Connector, cursor: dict[str, Any] | None = None, limit: int = 500) -> list[Page]:
    async def run() -> list[Page]:
        pages = []
        async for page in connector.pages(cursor):
            pages.append(page)
            if len(pages) >= limit:
                raise AssertionError(f"more than {limit} pages: the connector does not stop")
        return pages

    return asyncio.run(asyncio.wait_for(run(), timeout=20))


def records(pages: list[Page]) -> list[PostRecord | CommentRecord]:
    return [r for page in pages for r in [*page.posts, *page.comments]]


def keys(pages: list[Page]) -> set[tuple[str, str]]:
    return {(type(r).__name__, r.platform_id) for r in records(pages)}


Key = tuple[str, str]


def by_key(pages: list[Page]) -> dict[Key, PostRecord | CommentRecord]:
    return {(type(r).__name__, r.platform_id): r for r in records(pages)}


def differences(expected: dict[Key, Any], got: dict[Key, Any], limit: int = 4) -> str:
    """What `got` lacks, adds or changes against `expected`, briefly, for an assertion message."""
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    changed = sorted(k for k in set(expected) & set(got) if expected[k] != got[k])
    parts = []
    for name, found in (("missing", missing), ("extra", extra), ("changed", changed)):
        if found:
            shown = ", ".join(f"{kind} {pid}" for kind, pid in found[:limit])
            parts.append(
                f"{name} {shown}" + (f" and {len(found) - limit} more" if len(found) > limit else "")
            )
    if changed:
        first = changed[0]
        before, after = expected[first].model_dump(), got[first].model_dump()
        fields = {f: (before[f], after[f]) for f in before if before[f] != after[f]}
        parts.append(f"({first[1]}: {fields})")
    return "; ".join(parts) or "no difference"


def rejections(pages: list[Page]) -> list[str]:
    return [f"{r.location}: {r.reason}" for page in pages for r in page.rejected]


def failed(pages: list[Page]) -> list[ThreadFailure]:
    return [failure for page in pages for failure in page.failed_threads]


class Run(NamedTuple):
    """A run's pages (as far as it got), the exception that stopped it, and the requests it made."""

    pages: list[Page]
    error: BaseException | None
    trace: list[Exchange]


def in_context(connector: Connector, pending: tuple[ThreadFailure, ...], http: Any = None) -> Connector:
    """The connector, its channel context carrying the threads an earlier scan could not read
    and, like a scan's, a shared HTTP client."""
    changes: dict[str, Any] = {"pending_threads": pending} if pending else {}
    if http is not None:
        changes["http"] = http
    if changes:
        connector.context = dataclasses.replace(connector.context, **changes)
    return connector


@functools.cache
def shared_client() -> httpx.AsyncClient:
    """One client for the fault runs, as a scan shares one between channels (a client of its own
    per run would load the CA certificates each time: ~0.1 s a run). respx answers its requests."""
    from socialmon_connectors.http import new_client

    return new_client()


def gather(connector: Connector, cursor: dict[str, Any] | None) -> tuple[list[Page], BaseException | None]:
    """Like `collect`, but keeps the pages a failing run yielded before it failed."""
    pages: list[Page] = []

    async def run() -> None:
        async for page in connector.pages(cursor):
            pages.append(page)
            if len(pages) >= 500:
                raise AssertionError("more than 500 pages: the connector does not stop")

    try:
        asyncio.run(asyncio.wait_for(run(), timeout=20))
    except Exception as error:  # the checks decide which errors are allowed
        return pages, error
    return pages, None


def described(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


#: (connector name, check) -> {text every such problem contains: why}: connector bugs being fixed
#: elsewhere. The check still runs and fails on any other problem; it is marked xfail only while
#: every problem it finds is a known one. Remove an entry once its connector passes.
KNOWN_BUGS: dict[tuple[str, str], dict[str, str]] = {}


def settle(case: ConnectorCase, tmp_path: Path, check: str, problems: list[str]) -> None:
    """Fail with every problem found, or xfail when each is a known bug of the connector."""
    if not problems:
        return
    report = f"{len(problems)} problem(s):\n- " + "\n- ".join(problems)
    known = KNOWN_BUGS.get((type(case.connector(tmp_path)).name, check), {})
    why = {reason for problem in problems for text, reason in known.items() if text in problem}
    if known and all(any(text in problem for text in known) for problem in problems):
        pytest.xfail("known connector bug: " + "; ".join(sorted(why)) + f"\n{report}")
    raise AssertionError(report)


class ConnectorCase(ABC):
    """What the suite needs from a connector's tests."""

    #: failure name -> the error class it must raise; `failing()` arranges each
    errors: ClassVar[dict[str, type[ConnectorError]]] = {}
    #: whether a run from the last cursor may read again what the run before read (API
    #: connectors re-read recent threads for new replies); if not, it must read nothing
    rereads: ClassVar[bool] = True

    @abstractmethod
    def connector(self, tmp_path: Path) -> Connector: ...

    @abstractmethod
    def healthy(self, tmp_path: Path, *, strict: bool = True) -> AbstractContextManager[Any]:
        """A source with at least two pages of data, arranged for the `with` block.

        `strict`: the run must use all of it (an HTTP case: every mocked route is called).
        Arranging it again, for a second run, gives the same data.
        """

    def repeating(self, tmp_path: Path) -> AbstractContextManager[Any] | None:
        """A source whose paging cursor repeats forever, or None when that cannot happen."""
        return None

    def failing(self, tmp_path: Path, failure: str) -> AbstractContextManager[Any]:
        raise NotImplementedError

    #: whether the connector reads a thread per listed item (requests that may fail alone);
    #: None derives it: a `SweepConnector` that implements `thread()`
    threads: ClassVar[bool | None] = None

    def reads_threads(self, tmp_path: Path) -> bool:
        if self.threads is not None:
            return self.threads
        made = self.connector(tmp_path)
        return not isinstance(made, SweepConnector) or type(made).thread is not SweepConnector.thread


class HttpCase(ConnectorCase):
    """A case for an API connector: respx routes, no sleeping, a fixed clock."""

    base_url: ClassVar[str]

    @abstractmethod
    def make(self) -> Connector: ...

    @abstractmethod
    def routes(self, router: respx.MockRouter) -> None: ...

    @abstractmethod
    def error_response(self, failure: str) -> httpx.Response: ...

    def connector(self, tmp_path: Path) -> Connector:
        made = self.make()
        made.sleep = no_sleep  # type: ignore[attr-defined]
        made.now = lambda: NOW  # type: ignore[attr-defined]
        return made

    def healthy(self, tmp_path: Path, *, strict: bool = True) -> AbstractContextManager[Any]:
        router = respx.mock(base_url=self.base_url, assert_all_called=strict, assert_all_mocked=True)
        self.routes(router)
        return router

    def failing(self, tmp_path: Path, failure: str) -> AbstractContextManager[Any]:
        router = respx.mock(base_url=self.base_url, assert_all_mocked=True)
        router.route().mock(return_value=self.error_response(failure))
        return router

    def positional(self, request: httpx.Request, path: JSONPath) -> bool:
        """Whether the list at `path` in the answer to `request` is a tuple, not a listing.

        The order checks put every list of every answer in another order; a list whose
        positions mean something (an answer that is [the post, its comments]) keeps its order.
        """
        return False

    def platform_failure(self) -> httpx.Response:
        """An answer that is a plain `PlatformError` (not auth, rate limit or not found).

        Derived from `errors`: the failure named "other platform error", else any failure
        whose class is `PlatformError`, else HTTP 400 with a generic error body.
        """
        names = [name for name, kind in self.errors.items() if kind is PlatformError]
        if names:
            return self.error_response(
                "other platform error" if "other platform error" in names else names[0]
            )
        return httpx.Response(400, json={"error": {"message": "an error injected by the conformance suite"}})


# --- faults derived from an API case's healthy routes ---------------------------------------


def http_run(
    case: HttpCase,
    tmp_path: Path,
    fault: Fault | None = None,
    *,
    strict: bool = False,
    cursor: dict[str, Any] | None = None,
    pending: tuple[ThreadFailure, ...] = (),
) -> Run:
    """A run against the case's healthy routes, each answer passed through `fault`."""
    source = case.healthy(tmp_path, strict=False)
    if not isinstance(source, respx.MockRouter):
        pytest.skip("the case's healthy() is not a respx router: the suite cannot derive faults from it")
    router = FaultRouter(source, fault, strict=strict)
    with router:
        pages, error = gather(in_context(case.connector(tmp_path), pending, shared_client()), cursor)
    return Run(pages, error, router.trace)


def healthy_run(case: HttpCase, tmp_path: Path) -> Run:
    run = http_run(case, tmp_path, strict=True)
    if run.error is not None:
        raise AssertionError(f"the healthy run failed: {described(run.error)}") from run.error
    assert records(run.pages), "the healthy source yields records"
    return run


def unique(trace: list[Exchange]) -> list[tuple[int, Exchange]]:
    """Each distinct request of a run once, with its position."""
    seen: set[Any] = set()
    found = []
    for index, exchange in enumerate(trace):
        if exchange.key not in seen:
            seen.add(exchange.key)
            found.append((index, exchange))
    return found


def reordered(case: HttpCase, trace: list[Exchange], *, pages: bool) -> Fault:
    """Every list of every answer in another order; with `pages`, each listing's pages reversed too."""
    swapped: dict[Any, tuple[JSONPath, list[Any]]] = {}
    if pages:
        for chain in page_chains(trace):
            paths = [outer_list(exchange.body) for exchange in chain]
            if paths[0] is None or any(path != paths[0] for path in paths):
                continue
            contents = [get_at(exchange.body, paths[0]) for exchange in chain]
            for exchange, content in zip(chain, reversed(contents), strict=True):
                swapped[exchange.key] = (paths[0], content)

    def fault(exchange: Exchange) -> httpx.Response | None:
        if not exchange.is_json_success:
            return None
        body = exchange.body
        if exchange.key in swapped:
            path, content = swapped[exchange.key]
            body = set_at(json.loads(json.dumps(body)), path, json.loads(json.dumps(content)))
        rng = random.Random(describe(exchange.key))  # the same request gets the same order every time
        return respond(exchange, shuffled(body, rng, lambda path: case.positional(exchange.request, path)))

    return fault


def failing_request(case: HttpCase, target: Exchange) -> Fault:
    def fault(exchange: Exchange) -> httpx.Response | None:
        return case.platform_failure() if exchange.key == target.key else None

    return fault


def changing(target: Exchange, change: Any) -> Fault:
    """The answer to `target` with its body replaced by `change(copy of the body)`."""

    def fault(exchange: Exchange) -> httpx.Response | None:
        if exchange.key != target.key:
            return None
        return respond(exchange, change(json.loads(json.dumps(exchange.body))))

    return fault


class Malformed(NamedTuple):
    """One item of one answer (or one line of a file) with one field broken."""

    where: str  # for messages
    record: Key  # the record the item made in the healthy run
    fields: tuple[str, ...]  # names a rejection may give the field by (raw and record names)
    how: str  # "missing" or "wrong type"
    times: frozenset[datetime]  # times the item gives: a record still made must take one of them


WRONG_TYPE = {"conformance": "a value of the wrong type"}


def item_fields(
    item: dict[str, Any], healthy: dict[Key, PostRecord | CommentRecord]
) -> tuple[Key, JSONPath, JSONPath | None] | None:
    """(the record the item made, the path of its id, the path of its time) or None.

    The id is the shallowest value equal to a healthy record's id; the time, the shallowest
    value that reads as that record's `created_at`.
    """
    ids = {record.platform_id: key for key, record in healthy.items()}
    found = [(path, value) for path, value in scalars(item)]
    by_depth = sorted(found, key=lambda pv: (len(pv[0]), pv[0][-1] != "id"))
    id_path = next((path for path, value in by_depth if value is not None and str(value) in ids), None)
    if id_path is None:
        return None
    key = ids[str(get_at(item, id_path))]
    created = healthy[key].created_at
    time_path = next((path for path, value in by_depth if as_time(value) == created), None)
    return key, id_path, time_path


def malformed_items(trace: list[Exchange], healthy: dict[Key, Any]) -> list[tuple[Exchange, Malformed, Any]]:
    """For the first identifiable item of each list of each answer: its time missing, of the
    wrong type, and its id missing (each with the change that makes it)."""
    found: list[tuple[Exchange, Malformed, Any]] = []
    made: set[Key] = set()
    for _, exchange in unique(trace):
        if not exchange.is_json_success:
            continue
        for list_path in lists(exchange.body):
            for index, item in enumerate(get_at(exchange.body, list_path)):
                if not isinstance(item, dict):
                    continue
                fields = item_fields(item, healthy)
                if fields is None or fields[0] in made:
                    continue
                key, id_path, time_path = fields
                made.add(key)
                base = (*list_path, index)
                times = frozenset(t for _, v in scalars(item) if (t := as_time(v)) is not None)
                where = f"{describe(exchange.key)} at {'.'.join(map(str, base)) or 'the body'}"
                plans: list[tuple[JSONPath, str, str]] = [(id_path, "missing", "platform_id")]
                if time_path is not None:
                    plans[:0] = [
                        (time_path, "missing", "created_at"),
                        (time_path, "wrong type", "created_at"),
                    ]
                for path, how, record_field in plans:
                    full = (*base, *path)
                    name = str(path[-1])

                    def change(body: Any, full: JSONPath = full, how: str = how) -> Any:
                        return delete_at(body, full) if how == "missing" else set_at(body, full, WRONG_TYPE)

                    found.append(
                        (
                            exchange,
                            Malformed(
                                f"{where}: {'.'.join(map(str, path))} {how}",
                                key,
                                (name, ".".join(map(str, path)), record_field),
                                how,
                                times,
                            ),
                            change,
                        )
                    )
                break  # one item per list
    return found


def descendants(root: Key, healthy: dict[Key, PostRecord | CommentRecord]) -> set[Key]:
    """The record and every comment under it (by post or parent), which a rejected item may take along."""
    gone = {root}
    ids = {root[1]}
    grew = True
    while grew:
        grew = False
        for key, record in healthy.items():
            if key in gone or not isinstance(record, CommentRecord):
                continue
            if record.post_id in ids or record.parent_id in ids:
                gone.add(key)
                ids.add(record.platform_id)
                grew = True
    return gone


def names_field(reason: str, fields: tuple[str, ...]) -> bool:
    """Whether a rejection's reason names one of `fields` as a field.

    As `'created_time'`, `…: created_at: …`, `field id`, or at the end of a dotted path
    (`'snippet.publishedAt'`); a word that merely occurs ("not a timestamp: …") does not count.
    """
    for name in fields:
        name = re.escape(name)
        path = rf"(?:[\w$]+\.)*{name}"
        quoted, labelled = rf"['\"]{path}['\"]", rf"(?:^|[:;,(]\s*){path}\s*[:=]"
        if re.search(rf"{quoted}|{labelled}|\bfield\s+{path}\b", reason):
            return True
    return False


def judge_malformed(
    broken: Malformed, run_pages: list[Page], error: BaseException | None, healthy: dict[Key, Any]
) -> str | None:
    """What is wrong with a run over one malformed item, or None."""
    if error is not None:
        if isinstance(error, ConnectorError):
            return None
        return f"{broken.where}: raised {described(error)} (only a ConnectorError may stop a channel)"
    got = by_key(run_pages)
    reasons = rejections(run_pages)
    may_lose = descendants(broken.record, healthy)
    lost = set(healthy) - set(got)
    if lost - may_lose:
        return f"{broken.where}: records besides the item's were lost: {differences(healthy, got)}"
    extra = set(got) - set(healthy)
    if extra:
        return f"{broken.where}: a record was made from the malformed value: {differences(healthy, got)}"
    changed = [k for k in set(got) & set(healthy) if got[k] != healthy[k] and k not in may_lose]
    if changed:
        return f"{broken.where}: other records changed: {differences(healthy, got)}"
    if broken.record in got:  # the parser had another source for the field (a fallback): fine if honest
        record = got[broken.record]
        if record.created_at != healthy[broken.record].created_at and record.created_at not in broken.times:
            return f"{broken.where}: the record was kept with a time the item does not give ({record.created_at})"
        return None
    if not any(names_field(reason, broken.fields) for reason in reasons):
        shown = "; ".join(reasons) or "no rejection"
        named = " or ".join(dict.fromkeys(broken.fields))
        return f"{broken.where}: the item was dropped without a rejection naming {named} ({shown})"
    return None


def wrong_shapes(exchange: Exchange) -> list[tuple[str, Any]]:
    """The answer's outermost list as an object, or, when it has no list, the whole answer as a list."""
    where = outer_list(exchange.body)
    if where is not None:
        return [("an object where a list is expected", lambda body: set_at(body, where, dict(WRONG_OBJECT)))]
    return [("a list where an object is expected", lambda body: [])]


def conformance_suite(case: ConnectorCase) -> type:
    class ConformanceSuite:
        def test_pages_yield_valid_records_with_unique_ids(self, tmp_path: Path) -> None:
            with case.healthy(tmp_path):
                pages = collect(case.connector(tmp_path))
            found = records(pages)
            assert found, "the healthy source yields records"
            for record in found:
                assert record.platform_id
                assert type(record).model_validate(record.model_dump()) == record
                assert record.created_at.utcoffset() is not None
            assert len(keys(pages)) == len(found), "an id appears twice in one run"

        def test_every_page_carries_a_json_cursor_that_moves(self, tmp_path: Path) -> None:
            with case.healthy(tmp_path):
                pages = collect(case.connector(tmp_path))
            cursors = [page.cursor for page in pages]
            assert all(cursor is not None for cursor in cursors)
            assert all(json.loads(json.dumps(cursor)) == cursor for cursor in cursors)
            assert all(a != b for a, b in itertools.pairwise(cursors)), "a page did not move the cursor"

        def test_second_run_from_the_saved_cursor_fetches_nothing_new(self, tmp_path: Path) -> None:
            with case.healthy(tmp_path):
                first = collect(case.connector(tmp_path))
            with case.healthy(tmp_path, strict=False):
                second = collect(case.connector(tmp_path), first[-1].cursor)
            assert len(records(first)) == len(keys(first)), "a record appears twice in the first run"
            assert len(records(second)) == len(keys(second)), "a record appears twice in the second run"
            assert keys(second) <= keys(first)
            before = by_key(first)
            for key, record in by_key(second).items():
                assert record == before[key], f"the second run read {key[1]} otherwise than the first"
            if not case.rereads:
                assert records(second) == [], "a run from the last cursor read records again"
            if second:
                assert second[-1].cursor == first[-1].cursor or second[-1].cursor is not None

        def test_resuming_from_any_page_loses_nothing(self, tmp_path: Path) -> None:
            with case.healthy(tmp_path):
                pages = collect(case.connector(tmp_path))
            everything = keys(pages)
            for stop in range(1, len(pages)):
                with case.healthy(tmp_path, strict=False):
                    rest = collect(case.connector(tmp_path), pages[stop - 1].cursor)
                assert keys(pages[:stop]) | keys(rest) == everything, (
                    f"resuming after page {stop} lost records"
                )

        def test_a_repeated_cursor_stops_the_run(self, tmp_path: Path) -> None:
            source = case.repeating(tmp_path)
            if source is None:
                pytest.skip("this source has no paging cursor to repeat")
            with source:
                pages, error = gather(case.connector(tmp_path), None)
            assert len(records(pages)) == len(keys(pages))
            # A repeated cursor is not the end of the listing: the channel must not be taken as read
            # in full (its watermark would move past what it never read).
            assert isinstance(error, ConnectorError) or failed(pages), (
                "a repeated cursor ended the run as if the listing were complete"
            )

        @pytest.mark.parametrize("failure", list(case.errors))
        def test_errors_map_to_their_class(self, tmp_path: Path, failure: str) -> None:
            expected = case.errors[failure]
            with case.failing(tmp_path, failure), pytest.raises(ConnectorError) as raised:
                collect(case.connector(tmp_path))
            assert type(raised.value) is expected or (
                isinstance(raised.value, expected) and expected is not ConnectorError
            )

        # --- faults derived from the healthy source ------------------------------------------

        def test_listing_order_is_not_trusted(self, tmp_path: Path) -> None:
            if not isinstance(case, HttpCase):
                file_records_in_any_order(case, tmp_path)
                return
            healthy = healthy_run(case, tmp_path)
            expected = by_key(healthy.pages)
            problems = []
            chains = page_chains(healthy.trace)
            for label, pages in (("every list shuffled", False), ("pages reversed, lists shuffled", True)):
                if pages and not chains:
                    continue
                run = http_run(case, tmp_path, reordered(case, healthy.trace, pages=pages))
                if run.error is not None:
                    problems.append(f"{label}: the run failed: {described(run.error)}")
                elif by_key(run.pages) != expected:
                    problems.append(f"{label}: {differences(expected, by_key(run.pages))}")
                elif len(records(run.pages)) != len(expected):
                    problems.append(f"{label}: a record appears twice")
            settle(case, tmp_path, "order", problems)

        def test_a_failed_thread_is_remembered_and_read_next_time(self, tmp_path: Path) -> None:
            if not isinstance(case, HttpCase):
                pytest.skip("a file source has no threads: no request can fail alone")
            healthy = healthy_run(case, tmp_path)
            expected = by_key(healthy.pages)
            posts = {key for key, record in expected.items() if isinstance(record, PostRecord)}
            problems: list[str] = []
            thread_failures = 0
            for _, target in unique(healthy.trace)[1:]:
                where = describe(target.key)
                run = http_run(case, tmp_path, failing_request(case, target))
                if run.error is not None:
                    if not isinstance(run.error, ConnectorError):
                        problems.append(
                            f"{where} failing: raised {described(run.error)}, not a ConnectorError"
                        )
                    continue  # a listing request: the channel stops
                failures = failed(run.pages)
                got = by_key(run.pages)
                if not failures:
                    problems.append(
                        f"{where} failing: the run ended normally and remembered no failed thread "
                        f"({differences(expected, got)})"
                    )
                    continue
                thread_failures += 1
                if not set(got) <= set(expected) or any(got[k] != expected[k] for k in got):
                    problems.append(
                        f"{where} failing: records differ from the healthy run: {differences(expected, got)}"
                    )
                if posts - set(got):
                    problems.append(f"{where} failing: the post of a failed thread was not stored")
                retry = http_run(case, tmp_path, cursor=run.pages[-1].cursor, pending=tuple(failures))
                if retry.error is not None:
                    problems.append(
                        f"{where} failing: the next run with pending_threads failed: {described(retry.error)}"
                    )
                    continue
                resolved = {key for page in retry.pages for key in page.resolved_threads}
                unresolved = {f.key for f in failures} - resolved
                if unresolved:
                    problems.append(f"{where} failing: the next run did not resolve {sorted(unresolved)}")
                if failed(retry.pages):
                    problems.append(
                        f"{where} failing: the next run failed threads again: {failed(retry.pages)}"
                    )
                in_retried = {k for page in retry.pages if page.resolved_threads for k in by_key([page])}
                missing = set(expected) - set(got)
                if missing - in_retried:
                    problems.append(
                        f"{where} failing: lost records that no remembered thread read again: "
                        f"{sorted(k[1] for k in missing - in_retried)}"
                    )
                union = {**by_key(retry.pages), **got}
                if set(union) != set(expected):
                    problems.append(f"{where} failing: both runs together: {differences(expected, union)}")
            if case.reads_threads(tmp_path) and not thread_failures:
                problems.append(
                    "no failing request reached the thread path (every one stopped the channel "
                    "or was swallowed): the check would pass vacuously"
                )
            settle(case, tmp_path, "thread failure", problems)

        @pytest.mark.parametrize("how", ["missing", "wrong type"])
        def test_a_malformed_item_is_rejected_naming_its_field(self, tmp_path: Path, how: str) -> None:
            if not isinstance(case, HttpCase):
                file_malformed_rows(case, tmp_path, how)
                return
            healthy = healthy_run(case, tmp_path)
            expected = by_key(healthy.pages)
            plans = malformed_items(healthy.trace, expected)
            assert plans, "no item of the healthy answers could be matched to a record by its id"
            problems = []
            for target, broken, change in plans:
                if broken.how != how:
                    continue
                run = http_run(case, tmp_path, changing(target, change))
                problem = judge_malformed(broken, run.pages, run.error, expected)
                if problem:
                    problems.append(problem)
            settle(case, tmp_path, f"malformed item: {how}", problems)

        def test_a_body_of_the_wrong_shape_is_a_platform_error(self, tmp_path: Path) -> None:
            if not isinstance(case, HttpCase):
                pytest.skip("a file source has no HTTP answers: a malformed file is the malformed-row check")
            healthy = healthy_run(case, tmp_path)
            expected = by_key(healthy.pages)
            problems = []
            for _, target in unique(healthy.trace):
                if not target.is_json_success:
                    continue
                path = target.relative_path(case.base_url)
                names = (path, path.rsplit(".", 1)[0]) if "." in path.rsplit("/", 1)[-1] else (path,)
                for shape, change in wrong_shapes(target):
                    where = f"{describe(target.key)} answering {shape}"
                    run = http_run(case, tmp_path, changing(target, change))
                    if run.error is not None:
                        if not isinstance(run.error, PlatformError):
                            problems.append(f"{where}: raised {described(run.error)}, not a PlatformError")
                        elif not any(name in str(run.error) for name in names):
                            problems.append(f"{where}: the PlatformError does not name {path!r}: {run.error}")
                        continue
                    reasons = [f.reason for f in failed(run.pages)]
                    if any(name in reason for reason in reasons for name in names):
                        continue  # a thread's answer: remembered, to read again
                    if reasons:
                        problems.append(
                            f"{where}: the failed thread's reason does not name {path!r}: {reasons}"
                        )
                    elif by_key(run.pages) != expected:
                        problems.append(
                            f"{where}: went unnoticed: {differences(expected, by_key(run.pages))}"
                        )
            settle(case, tmp_path, "wrong shape", problems)

    return ConformanceSuite


# --- faults derived from a file case's export files -------------------------------------------


def file_run(case: ConnectorCase, folder: Path) -> tuple[list[Page], BaseException | None]:
    return gather(case.connector(folder), None)


def arranged(case: ConnectorCase, folder: Path) -> list[Path]:
    """Arrange the case's healthy source in `folder` and find its export files (or skip)."""
    folder.mkdir()
    with case.healthy(folder):
        pass
    found = export_files(folder)
    if not found:
        pytest.skip(
            "neither respx routes nor export files: give the case an HttpCase or write .jsonl/.csv files"
        )
    return found


def file_records_in_any_order(case: ConnectorCase, tmp_path: Path) -> None:
    arranged(case, tmp_path / "healthy")
    pages, error = file_run(case, tmp_path / "healthy")
    assert error is None, f"the healthy run failed: {error}"
    expected = by_key(pages)
    for path in arranged(case, tmp_path / "shuffled"):
        shuffle_export(path, random.Random(path.name))
    got, error = file_run(case, tmp_path / "shuffled")
    assert error is None, f"the shuffled run failed: {described(error)}"
    assert by_key(got) == expected, f"rows shuffled: {differences(expected, by_key(got))}"
    assert len(records(got)) == len(expected), "a record appears twice"


def file_malformed_rows(case: ConnectorCase, tmp_path: Path, how: str) -> None:
    """In each export file, the first record's time missing and of the wrong type: rejected with file and line."""
    arranged(case, tmp_path / "healthy")
    pages, error = file_run(case, tmp_path / "healthy")
    assert error is None, f"the healthy run failed: {error}"
    expected = by_key(pages)
    ids = {record.platform_id: key for key, record in expected.items()}
    problems = []
    tried = 0
    for index, path in enumerate(export_files(tmp_path / "healthy")):
        _, found = export_lines(path)
        for line in found:
            key = next((ids[str(v)] for v in line.fields.values() if str(v) in ids), None)
            time_field = key and next(
                (name for name, v in line.fields.items() if as_time(v) == expected[key].created_at), None
            )
            if key is None or time_field is None:
                continue
            tried += 1
            folder = tmp_path / f"broken{index}-{how.replace(' ', '-')}"
            arranged(case, folder)
            target = dataclasses.replace(line, path=folder / path.relative_to(tmp_path / "healthy"))
            fields = dict(line.fields)
            if how == "missing":
                if line.header is None:
                    del fields[time_field]
                else:
                    fields[time_field] = ""
            else:
                fields[time_field] = dict(WRONG_TYPE) if line.header is None else "not a time"
            rewrite_line(target, fields)
            got_pages, error = file_run(case, folder)
            where = f"{path.name} line {line.number}: {time_field} {how}"
            broken = Malformed(where, key, (time_field, "created_at"), how, frozenset())
            problem = judge_malformed(broken, got_pages, error, expected)
            if problem is None and key not in by_key(got_pages):
                place = f"{path.name} line {line.number}"
                if not any(r.startswith(place) for r in rejections(got_pages)):
                    problem = f"{where}: no rejection located at {place!r}: {rejections(got_pages)}"
            if problem:
                problems.append(problem)
            break  # the first record of each file
    assert tried, "no record of the export files could be matched to a record by its id and time"
    settle(case, tmp_path, f"malformed item: {how}", problems)


__all__ = [
    "NOW",
    "SLEPT",
    "ConnectorCase",
    "HttpCase",
    "collect",
    "conformance_suite",
    "fixture",
    "nullcontext",
    "records",
]
