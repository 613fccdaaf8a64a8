"""Threads left for the next scan: remembered with their page, counted again, forgotten once read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socialmon.config import BrandConfig, ChannelConfig
from socialmon.database import open_database
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon_connectors.records import Page, PostRecord, ThreadFailure

WHEN = datetime(2026, 10, 1, 12, tzinfo=UTC)


@pytest.fixture
def store(database_url: str) -> Store:
    made = Store(open_database(database_url), get_scorer("vader"))
    yield made
    made.database.dispose()


def channel_id(store: Store) -> int:
    return store.sync_channel(BrandConfig(name="Café Uno"), ChannelConfig(name="fb", platform="x")).id


def failure(key: str, reason: str = "Facebook error 100") -> ThreadFailure:
    return ThreadFailure(key=key, item={"id": key, "note": reason}, reason=reason)


def test_a_failed_thread_is_stored_with_its_page_counted_again_and_forgotten_once_read(store: Store) -> None:
    channel = channel_id(store)
    post = PostRecord(platform_id="p1", created_at=WHEN, text="hola")
    store.save_page(channel, Page(posts=[post], failed_threads=[failure("p1")], cursor={"n": 1}))
    assert store.pending_threads(channel) == (failure("p1"),)
    assert store.pending_summary(channel) == (1, ["p1: Facebook error 100"])

    store.save_page(channel, Page(failed_threads=[failure("p1", "HTTP 500")], cursor={"n": 2}))
    [again] = store.pending_threads(channel)
    assert again.reason == "HTTP 500" and again.item["note"] == "HTTP 500"
    with store.database.read() as connection:
        assert connection.exec_driver_sql("select attempts from pending_thread").scalar_one() == 2

    store.save_page(channel, Page(resolved_threads=["p1"], cursor={"n": 3}))
    assert store.pending_threads(channel) == ()
    assert store.cursor(channel) == {"n": 3}


def test_a_key_too_long_for_its_column_is_stored_as_a_digest_that_matches_next_time(store: Store) -> None:
    channel = channel_id(store)
    long_key = "at://did:plc:" + "x" * 300
    store.save_page(channel, Page(failed_threads=[failure(long_key)], cursor={"n": 1}))
    [remembered] = store.pending_threads(channel)
    assert remembered.key.startswith("sha1:") and len(remembered.key) <= 200
    store.save_page(channel, Page(failed_threads=[failure(long_key)], cursor={"n": 2}))
    assert len(store.pending_threads(channel)) == 1
    store.save_page(channel, Page(resolved_threads=[remembered.key], cursor={"n": 3}))
    assert store.pending_threads(channel) == ()


def test_a_run_begins_with_its_row_recorded_and_the_cursor_and_threads_it_resumes_from(store: Store) -> None:
    channel = channel_id(store)
    store.save_page(channel, Page(failed_threads=[failure("p2"), failure("p1")], cursor={"n": 7}))
    first = store.begin_run(channel)
    assert first.cursor == {"n": 7}
    assert [thread.key for thread in first.pending_threads] == ["p2", "p1"]  # failed together: as stored
    second = store.begin_run(channel)
    assert second.run_id > first.run_id
    with store.database.read() as connection:
        started = connection.exec_driver_sql("select id, channel_id, status from scan_run order by id").all()
    # the first was never finished: the second, holding the channel, says it was interrupted
    assert [tuple(row) for row in started] == [
        (first.run_id, channel, "interrupted"),
        (second.run_id, channel, "running"),
    ]
