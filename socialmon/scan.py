"""Running the enabled channels: fetch pages from each connector and store them.

Channels run concurrently, at most `concurrency` at a time. Each channel is scanned
by one process at a time (see `locking`); one failing channel never stops the others.
Storage and scoring run in a worker thread so the event loop keeps serving the other
channels' network requests; on SQLite, writes from this process are serialised. The
pages that arrive while one transaction is written go together in the next (`PageWriter`).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import sys
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import quote, quote_plus

from pydantic import BaseModel, SecretStr

from socialmon.config import DEFAULT_CHANNEL_TIMEOUT, DEFAULT_CONCURRENCY, ResolvedChannel
from socialmon.locking import ChannelLockLost, ChannelLocks
from socialmon.scoring import ScoringPool
from socialmon.sentiment import Sentiment
from socialmon.storage import PageResult, PreparedPage, RunStart, Store
from socialmon_connectors.base import Deadline
from socialmon_connectors.errors import ConnectorError, Incomplete
from socialmon_connectors.records import Page, Progress, RejectedRecord

if TYPE_CHECKING:  # the alert rules are loaded when they run, after the channels are scanned
    from socialmon.alerts.rules import HalfImported

# ok: everything read; partial: stored, but some threads are left for the next scan (see
# `ThreadFailure`); failed: the channel stopped (its cursor stays where its last stored page left it).
Status = Literal["ok", "partial", "failed", "busy"]


@dataclass
class ChannelOutcome:
    label: str  # "brand/channel"
    platform: str
    status: Status
    result: PageResult = field(default_factory=PageResult)
    pages: int = 0
    error: str | None = None
    # Threads of the channel waiting to be read again, and why (the first few), after this scan.
    pending_threads: int = 0
    pending_reasons: list[str] = field(default_factory=list)


class ScanReporter(Protocol):
    """What the scan tells its caller as it goes (the CLI draws progress from it)."""

    def channel_started(self, label: str) -> None: ...
    def page_saved(self, label: str, totals: PageResult, progress: Progress | None) -> None: ...
    def record_rejected(self, label: str, rejected: RejectedRecord) -> None: ...
    def channel_finished(self, outcome: ChannelOutcome) -> None: ...

    # Optional: `alerts_checked(brand, created, resolved, error, skipped=())` after the alert rules ran,
    # `skipped` the half-imported channels they left out (passed only to a method that takes it).


class SilentReporter:
    def channel_started(self, label: str) -> None:
        pass

    def page_saved(self, label: str, totals: PageResult, progress: Progress | None) -> None:
        pass

    def record_rejected(self, label: str, rejected: RejectedRecord) -> None:
        pass

    def channel_finished(self, outcome: ChannelOutcome) -> None:
        pass

    def alerts_checked(
        self,
        brand: str,
        created: int,
        resolved: int,
        error: str | None,
        skipped: Sequence[HalfImported] = (),
    ) -> None:
        pass


def secret_values(settings: BaseModel) -> list[str]:
    """Every secret in a connector's settings, to scrub from messages."""
    found: list[str] = []

    def visit(value: Any) -> None:
        if isinstance(value, SecretStr):
            secret = value.get_secret_value()
            if secret:
                found.append(secret)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                visit(getattr(value, name))
        elif isinstance(value, list | tuple):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)

    visit(settings)
    return found


def redact(message: str, secrets: Sequence[str]) -> str:
    """Replace each secret, as written and as it looks inside a URL, with ***."""
    forms = {form for secret in secrets for form in (secret, quote(secret, safe=""), quote_plus(secret))}
    for form in sorted(forms, key=len, reverse=True):
        message = message.replace(form, "***")
    return message


MAX_PAGES_IN_FLIGHT = 3  # pages of a channel fetched but not yet stored; bounds memory
# A channel's big pages (scored in a worker) are written together, the oldest ones until they hold
# this many records, in one transaction; up to twice as many records are read ahead, so that the
# worker scores the next ones while these are written. On SQLite a page's transaction writes
# thousands of index pages whatever its size: on the scan benchmark (2,000-comment pages, 200,000
# comments) storing one page per transaction cost 58-61 us of CPU per comment, 3 pages 44-53, 5 pages
# 40-44.
RECORDS_PER_WRITE = 6_000
MAX_PAGES_PER_TRANSACTION = 50
SCAN_SWITCH_INTERVAL = 0.001  # seconds; see run_scan
# Seconds a write waits for other channels' pages to join its transaction, unless a channel is
# waiting for one of its pages to be stored. Against a platform that answers in 100 ms, 20 channels
# at once hand over a page every 5 ms or so: written as they came, nearly each had a transaction,
# a trip to a storage thread and a wake-up of its own (bench_connectors: 4.3-4.9 ms of CPU per page;
# waiting 30 ms: 3.3-3.8; 50 ms: 2.9-3.3; 100 ms: 3.2; the wall time the same). On another host
# (a Python loop of 10 million steps 0.34-0.47 s), interleaved, 3 runs each: 50 ms 4.1-4.9 ms per
# page in 181-212 transactions, 150 ms 3.7-3.9 in 97-113, wall time 1.17-1.23 and 1.19-1.21 times
# the ideal; 250 ms: 3.9, but 1.34-1.35 times the ideal.
WRITE_LINGER = 0.15
# A time-limited channel is asked to stop between two items (`ChannelContext.deadline`) this long
# before `channel_timeout` cancels it: the item it is reading then has that long to finish. The
# cancellation loses what the connector read since its last yielded page (a generator cancelled
# inside a request cannot yield what it finished), and a channel cancelled in the same listing
# page on every scan never gets past it; it stays, for a connector stuck in one request or one
# that never checks. A tenth of the limit, at most 5 minutes (a thread of a few hundred comment
# pages on a slow network): the default 2 h stops between items from 1 h 55 min.
STOP_MARGIN_SHARE = 0.1
STOP_MARGIN_MAX = 300.0


def soft_time_limit(limit: float) -> float:
    """Seconds after which a channel allowed `limit` seconds of fetching stops between items."""
    return limit - min(limit * STOP_MARGIN_SHARE, STOP_MARGIN_MAX)


def item_time_limit(limit: float) -> float:
    """Seconds after which a thread still being read stops between two of its pages: half way through
    the margin, the other half left for the page in hand (`2h`: from 1 h 57 min 30 s)."""
    soft = soft_time_limit(limit)
    return soft + (limit - soft) / 2


class PageWriter:
    """Stores the pages of every channel a scan reads at once, several in one transaction.

    Pages that arrive while a transaction is being written wait, and go together in the
    next one (group commit): one trip to a storage thread, one transaction and one
    statement per table for all of them, each page still with its own cursor. Pages are
    written in the order they were handed over. Should that transaction fail, its pages
    are stored one by one, so a page that cannot be stored fails only its own channel —
    and every later page of that channel fails with it, so that no cursor ever moves past
    a page that was not stored. `lock` serialises this process's writes on SQLite.

    A write first waits up to `linger` seconds for more pages, unless a channel is waiting for
    one of its pages to be stored (`hurry`): a channel held up by its writes never waits for
    the linger, and one that reads on meanwhile loses nothing by it.
    """

    def __init__(self, store: Store, lock: Any, linger: float | None = None) -> None:
        self.store = store
        self.lock = lock
        self.linger = WRITE_LINGER if linger is None else linger
        self._hurry = asyncio.Event()
        self._urgent: set[asyncio.Future[PageResult]] = set()  # pages a channel waits for, until stored
        self._waiting: list[tuple[int, Page, asyncio.Future[PageResult]]] = []
        self._writing: asyncio.Task[None] | None = None
        self._failed: dict[int, Exception] = {}  # channel id → why one of its pages was not stored

    def enqueue(self, channel_id: int, page: Page) -> asyncio.Future[PageResult]:
        """Hand `page` over to be compared, scored and stored with its cursor; the future is its result."""
        saved: asyncio.Future[PageResult] = asyncio.get_running_loop().create_future()
        if channel_id in self._failed:
            saved.set_exception(_earlier_page_failed(self._failed[channel_id]))
            return saved
        self._waiting.append((channel_id, page, saved))
        if len(self._waiting) >= MAX_PAGES_PER_TRANSACTION:
            self._hurry.set()  # a full transaction's worth: no need to wait for more
        if self._writing is None or self._writing.done():
            self._writing = asyncio.create_task(self._write_waiting())
        return saved

    def forget(self, channel_id: int) -> None:
        """The channel's scan is over: a later scan of it starts with a clean slate."""
        self._failed.pop(channel_id, None)

    async def write(self, prepared: PreparedPage, sentiments: list[Sentiment]) -> PageResult:
        """Store a page prepared and scored apart (see `Store.write_page`)."""
        return (await self.write_many([(prepared, sentiments)]))[0]

    async def write_many(self, pages: list[tuple[PreparedPage, list[Sentiment]]]) -> list[PageResult]:
        """Store pages prepared and scored apart, in order, in one transaction (see `Store.write_pages`)."""
        async with self.lock:
            return await asyncio.to_thread(self.store.write_pages, pages)

    def hurry(self, saved: asyncio.Future[PageResult]) -> None:
        """A channel waits for the page `saved` stands for: the write that holds it does not linger."""
        if saved.done():
            return
        self._urgent.add(saved)
        saved.add_done_callback(self._urgent.discard)
        self._hurry.set()

    async def _write_waiting(self) -> None:
        while self._waiting:
            # A channel's wait is remembered until its page is stored: a hurry for a page left
            # for the next transaction (more than one transaction's worth waiting) still counts.
            if (
                self.linger > 0
                and len(self._waiting) < MAX_PAGES_PER_TRANSACTION
                and not any(saved in self._urgent for _, _, saved in self._waiting)
            ):
                self._hurry.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.linger):
                        await self._hurry.wait()
            batch = self._waiting[:MAX_PAGES_PER_TRANSACTION]
            del self._waiting[:MAX_PAGES_PER_TRANSACTION]
            try:
                async with self.lock:
                    results = await asyncio.to_thread(
                        self.store.save_pages, [(channel_id, page) for channel_id, page, _ in batch]
                    )
            except Exception as problem:
                if len(batch) == 1:
                    self._fail(batch[0][0], batch[0][2], problem)
                    continue
                for channel_id, page, saved in batch:
                    if channel_id in self._failed:
                        _settle(saved, error=_earlier_page_failed(self._failed[channel_id]))
                        continue
                    try:
                        async with self.lock:
                            _settle(saved, await asyncio.to_thread(self.store.save_page, channel_id, page))
                    except Exception as alone:
                        self._fail(channel_id, saved, alone)
                continue
            for (_, _, saved), result in zip(batch, results, strict=True):
                _settle(saved, result)

    def _fail(self, channel_id: int, saved: asyncio.Future[PageResult], problem: Exception) -> None:
        self._failed[channel_id] = problem
        _settle(saved, error=problem)
        for waiting_channel, _, later in self._waiting:
            if waiting_channel == channel_id:
                _settle(later, error=_earlier_page_failed(problem))
        self._waiting = [entry for entry in self._waiting if entry[0] != channel_id]


class StorageFailed(Exception):
    """A page of the channel could not be stored; the channel's scan stops there."""


@dataclass
class _ScoredPage:
    """A big page compared with what is stored, its texts being scored in a worker; written in its turn."""

    prepared: PreparedPage
    scores: asyncio.Future[list[Sentiment]]

    @property
    def records(self) -> int:
        return len(self.prepared.post_rows) + len(self.prepared.comment_rows)

    def ready(self) -> bool:
        """Scored without error: it can join the write of the pages before it."""
        return self.scores.done() and not self.scores.cancelled() and self.scores.exception() is None


def _discard(saving: Awaitable[PageResult] | _ScoredPage) -> None:
    """Drop a page that will not be stored, without leaving an unretrieved error or an unawaited coroutine."""
    if isinstance(saving, _ScoredPage):
        saving.scores.cancel()
    elif isinstance(saving, asyncio.Future):
        if saving.done() and not saving.cancelled():
            saving.exception()  # retrieved: it was reported through the page before it
        saving.cancel()
    elif inspect.iscoroutine(saving):
        saving.close()


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


def _earlier_page_failed(problem: Exception) -> Exception:
    """Why a page after one that could not be stored is not stored either: raised from that page's
    problem, so that a lost channel lock is still known as one (`_lost_lock`)."""
    failed = RuntimeError(
        f"not stored, as an earlier page of the channel could not be: {_described(problem)}"
    )
    failed.__cause__ = problem
    return failed


def _lost_lock(problem: BaseException) -> ChannelLockLost | None:
    """The lost channel lock a page's failure comes from, anywhere in its chain of causes (a later
    page's failure is raised from the earlier page's): another scan has the channel now."""
    seen: set[int] = set()
    cause: BaseException | None = problem
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, ChannelLockLost):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__
    return None


def _settle(
    future: asyncio.Future[PageResult], result: PageResult | None = None, error: Exception | None = None
) -> None:
    if future.done():  # its channel was cancelled meanwhile
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


@dataclass
class StopRequest:
    """Asked from a signal handler (SIGTERM) to stop the scan cleanly.

    Each channel stops after the page it is reading; the pages already fetched are stored
    with their cursors, so the next scan resumes there. Channels not started yet are not
    started, and the alert rules do not run on the half-read channels. Only a plain
    attribute is set, which is safe to do from a signal handler.
    """

    reason: str | None = None

    def request(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason

    @property
    def requested(self) -> bool:
        return self.reason is not None


@dataclass
class ScanShared:
    """What the channels of one scan share: storage, scoring, the HTTP client, the locks."""

    store: Store
    scoring: ScoringPool
    reporter: ScanReporter
    writer: PageWriter
    locks: ChannelLocks
    http: Any = None
    channel_timeout: float | None = None  # seconds one channel may spend fetching; None: no limit
    stop: StopRequest = field(default_factory=StopRequest)


async def scan_channel(resolved: ResolvedChannel, shared: ScanShared) -> ChannelOutcome:
    store, scoring, reporter, writer = shared.store, shared.scoring, shared.reporter, shared.writer
    label = resolved.label
    platform = resolved.channel.platform
    row = await asyncio.to_thread(store.sync_channel, resolved.brand, resolved.channel)
    with shared.locks.hold(row.id) as held:
        if not held:
            outcome = ChannelOutcome(
                label, platform, "busy", error="another socialmon process is scanning it"
            )
            reporter.channel_finished(outcome)
            return outcome
        reporter.channel_started(label)
        # The cursor is read under the lock, with the run recorded: another process may have moved it.
        started: RunStart | None = None
        try:
            started = await asyncio.to_thread(store.begin_run, row.id)
            run_id = started.run_id
        except Exception as problem:  # an unreadable cursor or thread: rolled back with the run
            unreadable = problem
            run_id = await asyncio.to_thread(store.start_run, row.id)  # the run fails below, recorded
        totals = PageResult()
        pages = 0
        error: str | None = None
        stopped = False  # a stop was requested: the channel's later pages are left for the next scan
        # A page is stored while the next ones are fetched (at most MAX_PAGES_IN_FLIGHT ahead),
        # but strictly in the order the connector yielded them, each with its cursor. A small
        # page goes straight to the writer's queue. A big one is scored in a worker process
        # while the next pages are read, and written when its turn comes; a small page after
        # it waits until it is written, as the writer's queue would otherwise overtake it.
        in_flight: deque[tuple[Awaitable[PageResult] | _ScoredPage, Progress | None]] = deque()
        # The channel's time: a connector stops itself between items at `time_up` (it ends partial), and
        # inside a long thread, between two of its pages, a little later; one still fetching at `cut_off`
        # is cancelled (it fails).
        loop = asyncio.get_running_loop()
        limit = shared.channel_timeout
        begun = loop.time()
        cut_off = None if limit is None else begun + limit
        time_up = (
            None
            if limit is None
            else Deadline(begun + soft_time_limit(limit), loop.time, item_at=begun + item_time_limit(limit))
        )

        def saved(result: PageResult, progress: Progress | None) -> None:
            nonlocal pages
            totals.add(result)
            pages += 1
            reporter.page_saved(label, totals, progress)

        async def store_oldest() -> None:
            saving, progress = in_flight.popleft()
            if isinstance(saving, _ScoredPage):
                await store_scored(saving, progress)
                return
            if isinstance(saving, asyncio.Future):
                writer.hurry(saving)
            try:
                result = await saving
            except Exception as problem:
                raise StorageFailed(_described(problem)) from problem
            saved(result, progress)

        async def store_scored(oldest: _ScoredPage, progress: Progress | None) -> None:
            """Write the oldest page with the big pages right after it, up to RECORDS_PER_WRITE records,
            once scored: in one transaction, or one by one should it fail. A page whose scoring failed
            is not stored, and the channel stops there."""
            batch = [(oldest, progress)]
            records = oldest.records
            while in_flight and isinstance(in_flight[0][0], _ScoredPage) and records < RECORDS_PER_WRITE:
                batch.append(in_flight.popleft())  # type: ignore[arg-type]
                records += batch[-1][0].records
            scored: list[tuple[_ScoredPage, list[Sentiment], Progress | None]] = []
            failed: BaseException | None = None
            for position, (page, page_progress) in enumerate(batch):
                try:
                    scored.append((page, await page.scores, page_progress))
                except BaseException as problem:
                    for later, _ in batch[position:]:
                        later.scores.cancel()
                    failed = problem
                    break
            if scored:
                await write_scored(scored)
            if failed is not None:
                if isinstance(failed, Exception):
                    raise StorageFailed(_described(failed)) from failed
                raise failed

        async def write_scored(scored: list[tuple[_ScoredPage, list[Sentiment], Progress | None]]) -> None:
            try:
                results = await writer.write_many([(page.prepared, scores) for page, scores, _ in scored])
            except Exception as problem:
                if len(scored) == 1:
                    raise StorageFailed(_described(problem)) from problem
            else:
                for (_, _, page_progress), result in zip(scored, results, strict=True):
                    saved(result, page_progress)
                return
            for page, scores, page_progress in scored:
                try:
                    result = await writer.write(page.prepared, scores)
                except Exception as problem:  # the pages after it are dropped with the channel's later ones
                    raise StorageFailed(_described(problem)) from problem
                saved(result, page_progress)

        async def read_pages(source: AsyncIterator[Page]) -> None:
            """Hand each page over to be stored, at most MAX_PAGES_IN_FLIGHT ahead of the writes (big
            pages: also up to 2 × RECORDS_PER_WRITE records).

            `channel_timeout` bounds the fetching only: a write is never cut off half way, so no
            cursor can move past a page that was not stored.
            """
            nonlocal stopped
            while True:
                try:
                    async with asyncio.timeout_at(cut_off):
                        page = await anext(source)
                except StopAsyncIteration:
                    return
                for rejected in page.rejected:
                    reporter.record_rejected(label, rejected)
                if scoring.scores_inline(len(page.comments)):
                    while any(isinstance(saving, _ScoredPage) for saving, _ in in_flight):
                        await store_oldest()
                    in_flight.append((writer.enqueue(row.id, page), page.progress))
                else:
                    prepared = await asyncio.to_thread(store.prepare_page, row.id, page)
                    scores = asyncio.ensure_future(
                        scoring.score(prepared.texts_to_score, resolved.brand.language)
                    )
                    scores.add_done_callback(_retrieve)  # its page may be dropped before it is awaited
                    in_flight.append((_ScoredPage(prepared, scores), page.progress))
                if len(in_flight) >= MAX_PAGES_IN_FLIGHT and (
                    not isinstance(in_flight[0][0], _ScoredPage)
                    or sum(saving.records for saving, _ in in_flight if isinstance(saving, _ScoredPage))
                    >= 2 * RECORDS_PER_WRITE
                ):
                    await store_oldest()
                if shared.stop.requested:
                    stopped = True
                    return

        stopped_early: str | None = None  # an `Incomplete`: the channel ends partial
        lost_lock: ChannelLockLost | None = None  # another scan has the channel now: it ends partial
        try:
            if started is None:
                raise unreadable
            connector = resolved.connector_class(
                resolved.settings,
                replace(
                    resolved.context,
                    http=shared.http,
                    pending_threads=started.pending_threads,
                    deadline=time_up,
                ),
            )
            source = connector.pages(started.cursor)
            try:
                await read_pages(source)
            finally:
                with contextlib.suppress(Exception):
                    await source.aclose()
        except Incomplete as problem:
            stopped_early = str(problem)
        except TimeoutError:
            minutes = (shared.channel_timeout or 0) / 60
            error = (
                f"stopped after {minutes:g} min (channel_timeout); the next scan resumes from the last "
                "stored page"
            )
        except ConnectorError as problem:
            error = f"{type(problem).__name__}: {problem}"
        except StorageFailed as problem:
            lost_lock = _lost_lock(problem)
            if lost_lock is None:
                error = f"storing failed: {problem}"
        except Exception as problem:  # a connector bug must not stop the other channels
            error = f"unexpected {_described(problem)}"
        try:
            while in_flight and lost_lock is None:  # what was fetched before a failure is still stored
                await store_oldest()
        except StorageFailed as problem:
            lost_lock = _lost_lock(problem)
            if lost_lock is None:
                error = error or f"storing failed: {problem}"
        for saving, _ in in_flight:  # later pages are not stored: no cursor moves past a lost page
            _discard(saving)
        in_flight.clear()
        if lost_lock is not None:
            stopped_early = stopped_early or str(lost_lock)
        writer.forget(row.id)
        try:
            pending, reasons = await asyncio.to_thread(store.pending_summary, row.id)
        except Exception as problem:  # the database went away: the run is still recorded as failed
            pending, reasons = 0, []
            error = error or f"storing failed: {_described(problem)}"
        if error is None and stopped and stopped_early is None:
            stopped_early = f"{shared.stop.reason} after {pages} page(s); the next scan resumes there"
        status: Status = "ok" if error is None else "failed"
        if error is None and (pending or stopped_early):
            status = "partial"
            parts = [stopped_early] if stopped_early else []
            if pending:
                parts.append(f"{pending} thread(s) left for the next scan: " + "; ".join(reasons))
            error = "; ".join(parts)
        if error is not None:
            error = redact(error, secret_values(resolved.settings))
            reasons = [redact(reason, secret_values(resolved.settings)) for reason in reasons]
        await asyncio.to_thread(
            store.finish_run, run_id, row.id, status, totals, pages, error, lock_lost=lost_lock is not None
        )
    outcome = ChannelOutcome(label, platform, status, totals, pages, error, pending, reasons)
    reporter.channel_finished(outcome)
    return outcome


async def run_scan(
    channels: Sequence[ResolvedChannel],
    store: Store,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    reporter: ScanReporter | None = None,
    scoring_workers: int | None = None,
    channel_timeout: float | None = DEFAULT_CHANNEL_TIMEOUT,
    stop: StopRequest | None = None,
) -> list[ChannelOutcome]:
    """Scan every channel given, at most `concurrency` at a time; outcomes in the order given.

    Once `stop` is requested, each channel stops after the page it is reading (see `StopRequest`).

    A channel is asked to stop between two items a margin before `channel_timeout` seconds
    (`soft_time_limit`): one that does ends partial, with what it read in full stored and the
    next scan resuming after it. A thread still being read half way through that margin
    (`item_time_limit`) stops between two of its pages, what it read stored and the thread left
    for the next scan. One still fetching at `channel_timeout` is cancelled (failed);
    the pages it yielded are stored, and the next scan resumes from its last stored page.
    """
    limit = asyncio.Semaphore(concurrency)
    shared = ScanShared(
        store=store,
        scoring=ScoringPool(store.scorer, scoring_workers),
        reporter=reporter or SilentReporter(),
        # SQLite has one writer; PostgreSQL takes concurrent page writes.
        writer=PageWriter(store, asyncio.Lock() if store.database.dialect == "sqlite" else _NoLock()),
        locks=ChannelLocks(store.database),
        # One client, shared by every channel, on aiohttp's pool (see socialmon_connectors.http.new_client);
        # none for a scan of local exports only (aiohttp and the client take ~0.25 s to load and build).
        http=_shared_client(channels, concurrency),
        channel_timeout=channel_timeout,
        stop=stop or StopRequest(),
    )

    async def bounded(resolved: ResolvedChannel) -> ChannelOutcome:
        async with limit:
            if shared.stop.requested:
                return _not_started(resolved, shared)
            return await scan_channel(resolved, shared)

    # Storage threads keep the GIL for up to the switch interval (5 ms by default) each time
    # the event loop gives it up for a system call; with many channels in flight the loop
    # then waits longer than it works. A shorter interval hands it back sooner.
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, SCAN_SWITCH_INTERVAL))
    try:
        outcomes = list(await asyncio.gather(*(bounded(channel) for channel in channels)))
        shared.locks.close()
        if not shared.stop.requested:  # the rules do not run on half-read channels
            await asyncio.to_thread(check_alerts, channels, store, shared.reporter)
        return outcomes
    finally:
        sys.setswitchinterval(switch_interval)
        shared.locks.close()
        if shared.http is not None:
            await shared.http.aclose()
        scoring = shared.scoring
        scoring.close()
        store.timings.scoring += scoring.inline_seconds + scoring.worker_cpu_seconds
        store.timings.scoring_workers_peak_rss = max(
            store.timings.scoring_workers_peak_rss, scoring.worker_peak_rss
        )


def _not_started(resolved: ResolvedChannel, shared: ScanShared) -> ChannelOutcome:
    """A channel still waiting for its turn when the scan was asked to stop: left alone."""
    outcome = ChannelOutcome(
        resolved.label, resolved.channel.platform, "failed", error=f"{shared.stop.reason}: not scanned"
    )
    shared.reporter.channel_finished(outcome)
    return outcome


def _shared_client(channels: Sequence[ResolvedChannel], concurrency: int) -> Any:
    if not any(getattr(channel.connector_class, "uses_http", True) for channel in channels):
        return None
    from socialmon_connectors.http import new_client

    return new_client(max_connections=max(10, concurrency * 2), shared=True)


def check_alerts(channels: Sequence[ResolvedChannel], store: Store, reporter: ScanReporter) -> None:
    """Run the alert rules of every brand scanned; a rules failure is reported, the scan stands."""
    brands = {channel.brand.slug: channel.brand for channel in channels}
    if not brands:
        return
    notify = getattr(reporter, "alerts_checked", None)
    try:
        from socialmon.alerts import evaluate_alerts, reply_windows

        # The windows of every platform the brands have channels on, not only those scanned (`scan
        # --channel`): `alerts send` passes them all, and the rules' reach and settings digest
        # (`alerts.progress`) must not change with the command.
        from socialmon.plugins import default_registry

        loaded = {channel.connector_class.name: channel.connector_class for channel in channels}
        platforms = sorted({c.platform for brand in brands.values() for c in brand.channels} - set(loaded))
        others = [default_registry().get(platform) for platform in platforms]
        windows = reply_windows([*loaded.values(), *(c for c in others if c is not None)])
        evaluations = evaluate_alerts(store.database, list(brands.values()), channels[0].reports, windows)
    except Exception as problem:  # the scan's data is stored whatever the rules do
        message = f"alert rules failed: {_described(problem)}"
        if notify is not None:
            for slug in brands:
                notify(slug, 0, 0, message, skipped=[])
        else:
            print(f"{', '.join(brands)}: {message}", file=sys.stderr)
        return
    if notify is not None:
        for evaluation in evaluations:
            notify(
                evaluation.brand,
                len(evaluation.created),
                evaluation.resolved,
                None,
                skipped=evaluation.skipped_channels,
            )


def _described(problem: BaseException) -> str:
    """An exception for a stored error and the summary: a database error gives its cause, not its SQL
    (a statement with its parameters runs to kilobytes of customers' text; it goes to the debug log)."""
    from socialmon.render._safe_text import error_summary

    return error_summary(problem)


class _NoLock:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *_: object) -> None:
        return None
