"""A scan whose channel lock went with its PostgreSQL session (a restart, a dropped network,
`pg_terminate_backend`): it takes the lock again before its next write, or, if another scan has
it now, stores nothing more. Two scans never write one channel at once."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest
from sqlalchemy import create_engine, text

import socialmon.scan as scan_module
from socialmon.config import BrandConfig, ChannelConfig, ResolvedChannel
from socialmon.database import Database, open_database
from socialmon.locking import ChannelLockLost, channel_lock
from socialmon.scan import MAX_PAGES_IN_FLIGHT, run_scan
from socialmon.sentiment import get_scorer
from socialmon.storage import PageResult, Store
from socialmon_connectors.base import ChannelContext, Connector, ConnectorSettings
from socialmon_connectors.records import CommentRecord, Page

WHEN = datetime(2026, 10, 1, 12, tzinfo=UTC)
PAGES = 3


class ThreePages(Connector):
    """Three pages; before each page after the first, `before_page(number)` runs: the test's doing."""

    name = "three-pages"
    before_page: ClassVar[Callable[[int], None]] = staticmethod(lambda number: None)

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        for number in range(PAGES):
            if number:
                await asyncio.to_thread(ThreePages.before_page, number)
            yield Page(
                comments=[CommentRecord(platform_id=f"c{number}", post_id="p", created_at=WHEN, text="ok")],
                cursor={"page": number},
            )


class NotingStore(Store):
    """Stores as usual; tells when each page's write is over, stored or not."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.written = [threading.Event() for _ in range(PAGES)]

    def save_pages(self, pages: Sequence[tuple[int, Page]]) -> list[PageResult]:
        try:
            return super().save_pages(pages)
        finally:
            for _, page in pages:
                self.written[page.cursor["page"]].set()


def the_channel() -> ResolvedChannel:
    brand = BrandConfig(name="Café Uno")
    channel = ChannelConfig(name="fb", platform="three-pages", account="x")
    return ResolvedChannel(
        brand=brand,
        channel=channel,
        connector_class=ThreePages,
        settings=ConnectorSettings(),
        context=ChannelContext(brand=brand.slug, channel=channel.name, account="x"),
    )


def end_the_lock_session(url: str, channel_id: int) -> None:
    """What a database restart or a dropped network does to the scan's lock session, to it alone."""
    admin = create_engine(url)
    try:
        with admin.begin() as connection:
            ended = connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND objsubid = 2 AND objid = :channel "
                    "AND classid = hashtext('socialmon-scan:' || current_schema())::oid"
                ),
                {"channel": channel_id},
            ).all()
        assert ended == [(True,)]
    finally:
        admin.dispose()


def stored_comments(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT platform_id FROM comment ORDER BY 1")).scalars())
    finally:
        engine.dispose()


@pytest.fixture
def scan(postgres_url: str) -> Iterator[Callable[[Callable[[int, Database, int], None]], Any]]:
    """Scan the channel, running `before_page(number, rival, channel id)` once the page before
    `number` was written (the rival: another process's view of the database); gives the scan's
    outcome and the channel's cursor."""
    database, rival = open_database(postgres_url), Database(postgres_url)
    store = NotingStore(database, get_scorer("vader"))
    channel_id = store.sync_channel(the_channel().brand, the_channel().channel).id

    def run(before_page: Callable[[int, Database, int], None]) -> Any:
        def after_the_page_before(number: int) -> None:
            assert store.written[number - 1].wait(10)
            before_page(number, rival, channel_id)

        ThreePages.before_page = staticmethod(after_the_page_before)
        [outcome] = asyncio.run(run_scan([the_channel()], store, concurrency=1))
        return outcome, store.cursor(channel_id)

    try:
        yield run
    finally:
        ThreePages.before_page = staticmethod(lambda number: None)
        rival.dispose()
        database.dispose()


@pytest.mark.postgres
def test_a_scan_whose_lock_session_ended_takes_its_lock_again_before_its_next_write(
    postgres_url: str, scan: Any
) -> None:
    rival_got_it: list[bool] = []

    def before_page(number: int, rival: Database, channel_id: int) -> None:
        if number == 1:
            end_the_lock_session(postgres_url, channel_id)
        else:  # page 1 was written: the scan holds its lock again, on a new session
            with channel_lock(rival, channel_id) as held:
                rival_got_it.append(held)

    outcome, cursor = scan(before_page)
    assert (outcome.status, outcome.error, outcome.pages) == ("ok", None, PAGES)
    assert rival_got_it == [False]
    assert cursor == {"page": 2}
    assert stored_comments(postgres_url) == ["c0", "c1", "c2"]


@pytest.mark.postgres
def test_a_scan_whose_lock_another_scan_took_meanwhile_stores_nothing_more(
    postgres_url: str, scan: Any
) -> None:
    with contextlib.ExitStack() as rival_scan:

        def before_page(number: int, rival: Database, channel_id: int) -> None:
            if number == 1:
                end_the_lock_session(postgres_url, channel_id)
                # Another scan takes the channel before this one writes again, and keeps it.
                assert rival_scan.enter_context(channel_lock(rival, channel_id))

        outcome, cursor = scan(before_page)
    assert outcome.status == "partial"  # not failed: the other scan carries on from here
    assert "lost its channel lock to another scan" in (outcome.error or "")
    assert outcome.pages == 1
    assert cursor == {"page": 0}  # not moved past what was stored before the lock was lost
    assert stored_comments(postgres_url) == ["c0"]


# --- the same on SQLite: the lock lost to another scan is simulated in the write's lock check ---

LOST = "lost its channel lock to another scan (the database ended the session that held it)"
MANY_PAGES = 3 * MAX_PAGES_IN_FLIGHT  # several pages waiting to be stored when the lock is lost


class ManyPages(Connector):
    """MANY_PAGES pages; once the first is stored, `after_first_page()` runs (the test's doing)."""

    name = "many-pages"
    after_first_page: ClassVar[Callable[[], None]] = staticmethod(lambda: None)

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        for number in range(MANY_PAGES):
            if number == 1:
                await asyncio.to_thread(ManyPages.after_first_page)
            yield Page(
                comments=[CommentRecord(platform_id=f"c{number}", post_id="p", created_at=WHEN, text="ok")],
                cursor={"page": number},
            )


class FirstPageNotingStore(Store):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.first_written = threading.Event()

    def save_pages(self, pages: Sequence[tuple[int, Page]]) -> list[PageResult]:
        try:
            return super().save_pages(pages)
        finally:
            self.first_written.set()


@dataclass
class LostLockScan:
    outcome: Any
    cursor: Any
    channel: tuple[str | None, str | None]  # last_status, last_error
    runs: list[tuple[str, str | None]]  # status, error of each scan_run, oldest first
    seen_by_the_other_scan: tuple[str, str | None]  # this scan's run, when the other one began


@pytest.fixture
def scan_losing_its_lock(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[[], LostLockScan]:
    """Scan ManyPages on SQLite; once its first page is stored, another scan takes the channel, scans
    it to the end (ok) while this one still runs, and every later write of this one finds its lock lost."""
    url = f"sqlite:///{tmp_path / 'test.db'}"
    monkeypatch.setattr(scan_module, "WRITE_LINGER", 0)  # no waiting for more pages to write together
    database = open_database(url)
    store = FirstPageNotingStore(database, get_scorer("vader"))
    resolved = replace(the_channel(), connector_class=ManyPages)
    channel_id = store.sync_channel(resolved.brand, resolved.channel).id
    lost = threading.Event()
    seen: list[tuple[str, str | None]] = []

    def confirm_locks(connection: Any, channel_ids: Any) -> None:
        if lost.is_set():
            raise ChannelLockLost(f"{LOST}; nothing more of it stored")

    monkeypatch.setattr(database, "confirm_locks", confirm_locks)

    def the_other_scan_takes_the_channel() -> None:
        assert store.first_written.wait(10)
        lost.set()
        other = Store(Database(url), get_scorer("vader"))
        try:
            started = other.begin_run(channel_id)
            seen.extend(runs(other.database)[:-1])
            other.finish_run(started.run_id, channel_id, "ok", PageResult(), 0, None)
        finally:
            other.database.dispose()

    monkeypatch.setattr(ManyPages, "after_first_page", staticmethod(the_other_scan_takes_the_channel))

    def run() -> LostLockScan:
        [outcome] = asyncio.run(run_scan([resolved], store, concurrency=1))
        with database.read() as connection:
            channel = connection.execute(
                text("SELECT last_status, last_error FROM channel WHERE id = :id"), {"id": channel_id}
            ).one()
        return LostLockScan(outcome, store.cursor(channel_id), tuple(channel), runs(database), seen[0])

    try:
        yield run
    finally:
        database.dispose()


def runs(database: Database) -> list[tuple[str, str | None]]:
    with database.read() as connection:
        return [
            tuple(row) for row in connection.execute(text("SELECT status, error FROM scan_run ORDER BY id"))
        ]


def test_a_scan_that_lost_its_lock_with_several_pages_waiting_ends_partial(
    scan_losing_its_lock: Callable[[], LostLockScan],
) -> None:
    scanned = scan_losing_its_lock()
    assert scanned.outcome.status == "partial"  # not failed: the other scan carries on from here
    assert scanned.outcome.error == f"{LOST}; nothing more of it stored"
    assert scanned.outcome.pages == 1
    assert scanned.cursor == {"page": 0}  # not moved past what was stored before the lock was lost


def test_a_scan_that_lost_its_lock_leaves_the_channel_status_to_the_scan_that_took_it(
    scan_losing_its_lock: Callable[[], LostLockScan],
) -> None:
    scanned = scan_losing_its_lock()
    assert scanned.channel == ("ok", None)  # what the other scan said, not this one's lost lock
    assert scanned.runs == [("partial", f"{LOST}; nothing more of it stored"), ("ok", None)]
    # While it still ran, the other scan took it for a killed one: its run says why it may have stopped.
    status, error = scanned.seen_by_the_other_scan
    assert status == "interrupted" and "lost its channel lock" in (error or "")


def test_a_later_pages_failure_does_not_repeat_the_sql_and_customers_words_of_the_first() -> None:
    """A database error carries its statement and parameters (customers' texts): the reason a later
    page gives, stored and printed, keeps only the error's cause."""
    from sqlalchemy.exc import OperationalError

    from socialmon.scan import _earlier_page_failed

    first = OperationalError(
        "INSERT INTO comment (text) VALUES (?)", ("my private complaint",), Exception("disk I/O error")
    )
    said = str(_earlier_page_failed(first))
    assert "disk I/O error" in said
    assert "my private complaint" not in said and "INSERT" not in said
