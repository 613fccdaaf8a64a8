"""A listing cut short is never taken as complete; a slow server or a slow channel is cut off.

Faults a real platform shows now and then: a cursor that cycles, a listing that never ends,
a server that trickles its body a few bytes a second. Each must end the channel failed or
partial, keep its resume point, and resume correctly once the platform behaves.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx
from conformance import NOW, no_sleep

from socialmon.config import BrandConfig, ChannelConfig, ResolvedChannel
from socialmon.database import open_database
from socialmon.scan import run_scan
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon_connectors import (
    ChannelContext,
    Connector,
    ConnectorSettings,
    Incomplete,
    ListingCutShort,
    Page,
    PlatformError,
    PostRecord,
)
from socialmon_connectors._paging import MAX_EMPTY_PAGES
from socialmon_connectors.facebook import FacebookConnector, FacebookSettings
from socialmon_connectors.http import Api

BASE = "https://graph.facebook.com/v25.0"
PAGE = "104512345678901"


def post(number: int) -> dict[str, Any]:
    created = NOW - timedelta(hours=number)
    return {
        "id": f"{PAGE}_{number}",
        "message": f"post {number}",
        "created_time": created.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "comments": {"data": [], "summary": {"total_count": 0}},
    }


def listing(numbers: range, after: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"data": [post(n) for n in numbers], "paging": {"cursors": {"after": after}}}
    if after is not None:
        body["paging"]["next"] = f"{BASE}/{PAGE}/posts?after={after}&access_token=TOKEN"
    return body


def connector(**options: Any) -> FacebookConnector:
    made = FacebookConnector(
        FacebookSettings(access_token="TOKEN", **options),
        ChannelContext(brand="b", channel="fb", account=PAGE),
    )
    made.sleep = no_sleep  # type: ignore[method-assign]
    made.now = lambda: NOW  # type: ignore[method-assign]
    return made


def gather(made: Connector, cursor: dict[str, Any] | None = None) -> tuple[list[Page], Exception | None]:
    pages: list[Page] = []

    async def run() -> None:
        async for page in made.pages(cursor):
            pages.append(page)

    try:
        asyncio.run(asyncio.wait_for(run(), timeout=20))
    except Exception as error:
        return pages, error
    return pages, None


def stored(pages: list[Page]) -> set[str]:
    return {record.platform_id for page in pages for record in page.posts}


def finished(pages: list[Page]) -> bool:
    return any(page.cursor is not None and "run" not in page.cursor for page in pages)


def test_a_cursor_cycle_fails_the_channel_keeps_its_resume_point_and_the_next_scan_reads_everything() -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/posts", params={"after": "B"}).respond(json=listing(range(20, 30), "A"))
        router.get(f"/{PAGE}/posts", params={"after": "A"}).respond(json=listing(range(10, 20), "B"))
        router.get(f"/{PAGE}/posts").respond(json=listing(range(0, 10), "A"))
        pages, error = gather(connector())
    assert isinstance(error, ListingCutShort), error
    assert "repeated a page cursor" in str(error)
    assert stored(pages) == {f"{PAGE}_{n}" for n in range(30)}
    assert not finished(pages), "the watermark moved although the listing never ended"

    # The platform recovers: a fourth page, then the end. The resumed scan reads what it never had.
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/posts", params={"after": "C"}).respond(json=listing(range(30, 40), None))
        router.get(f"/{PAGE}/posts", params={"after": "B"}).respond(json=listing(range(20, 30), "C"))
        router.get(f"/{PAGE}/posts", params={"after": "A"}).respond(json=listing(range(10, 20), "B"))
        router.get(f"/{PAGE}/posts").respond(json=listing(range(0, 10), "A"))
        resumed, error = gather(connector(), pages[-1].cursor)
    assert error is None
    # Positions the failed scan finished are passed over; the rest is read.
    assert stored(resumed) == {f"{PAGE}_{n}" for n in range(30, 40)}
    assert finished(resumed)


def test_a_page_of_only_items_already_served_is_not_the_end() -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/posts", params={"after": "2"}).respond(json=listing(range(0, 10), "3"))
        router.get(f"/{PAGE}/posts").respond(json=listing(range(0, 10), "2"))
        pages, error = gather(connector())
    assert isinstance(error, ListingCutShort) and "only items it had already served" in str(error)
    assert not finished(pages)


def test_empty_pages_that_never_end_fail_the_channel_and_the_next_scan_reads_the_posts_after_them() -> None:
    served = 0

    def empty_for_ever(request: httpx.Request) -> httpx.Response:
        """Ten posts, then empty pages, each with a new cursor and a next link."""
        nonlocal served
        if "after" not in request.url.params:
            return httpx.Response(200, json=listing(range(0, 10), "E0"))
        served += 1
        return httpx.Response(200, json=listing(range(0), f"E{served}"))

    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/posts").mock(side_effect=empty_for_ever)
        pages, error = gather(connector())
    assert isinstance(error, ListingCutShort), error
    assert "empty pages in a row" in str(error) and served == MAX_EMPTY_PAGES
    assert stored(pages) == {f"{PAGE}_{n}" for n in range(10)}
    assert not finished(pages), "the watermark moved past posts never read"

    # Graph's filtering lifts: after two empty pages come the older posts, then the end.
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/posts", params={"after": "E2"}).respond(json=listing(range(10, 20), None))
        router.get(f"/{PAGE}/posts", params={"after": "E1"}).respond(json=listing(range(0), "E2"))
        router.get(f"/{PAGE}/posts", params={"after": "E0"}).respond(json=listing(range(0), "E1"))
        router.get(f"/{PAGE}/posts").respond(json=listing(range(0, 10), "E0"))
        resumed, error = gather(connector(), pages[-1].cursor)
    assert error is None
    assert stored(resumed) == {f"{PAGE}_{n}" for n in range(10, 20)}
    assert finished(resumed)


def test_an_endless_listing_stops_at_the_per_scan_cap_and_ends_partial_not_ok() -> None:
    served = 0

    def endless(request: httpx.Request) -> httpx.Response:
        nonlocal served
        start = int(request.url.params.get("after", "0"))
        served += 1
        return httpx.Response(200, json=listing(range(start, start + 5), str(start + 5)))

    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/posts").mock(side_effect=endless)
        pages, error = gather(connector(page_size=5, max_pages_per_scan=7))
    assert isinstance(error, Incomplete), error
    assert "max_pages_per_scan" in str(error)
    assert served == 7 and len(stored(pages)) == 35
    assert not finished(pages)

    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/posts").mock(side_effect=endless)
        _, error = gather(connector(page_size=5, max_records_per_scan=12))
    assert isinstance(error, Incomplete) and "max_records_per_scan" in str(error)


@pytest.fixture
def trickling_server() -> Iterator[str]:
    """An HTTP server that sends its headers, then one byte of body every 0.2 s (a 60 s body)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)
                body = b'{"data": []}'.ljust(300)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                )
                for byte in body:
                    if stop.wait(0.2):
                        break
                    try:
                        connection.sendall(bytes([byte]))
                    except OSError:
                        break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_a_server_trickling_its_body_is_cut_off_at_the_request_deadline(trickling_server: str) -> None:
    async def fetch() -> None:
        async with httpx.AsyncClient() as client:
            api = Api(client=client, base_url=trickling_server, platform="Facebook", timeout=2, deadline=0.6)
            await api.get("posts")

    # Each read gets a byte well within `timeout`: only the deadline can end it before 60 s.
    with pytest.raises(PlatformError) as raised:
        asyncio.run(asyncio.wait_for(fetch(), timeout=20))
    assert "request_deadline" in str(raised.value)
    assert raised.value.code == "network"  # stops the channel, not just one thread


class StallingConnector(Connector):
    """One page, then a request that never answers."""

    name = "stalling"

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        yield Page(
            posts=[PostRecord(platform_id="p1", created_at=datetime(2026, 10, 1, tzinfo=UTC), text="hola")],
            cursor={"page": 1},
        )
        await asyncio.Event().wait()
        yield Page(cursor={"page": 2})


class CappedConnector(Connector):
    """One page, then the per-scan cap."""

    name = "capped"

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        yield Page(
            posts=[PostRecord(platform_id="p1", created_at=datetime(2026, 10, 1, tzinfo=UTC), text="hola")],
            cursor={"page": 1},
        )
        raise Incomplete("stopped after 1 listing pages (max_pages_per_scan)")


def scan_one(database_url: str, connector_class: type[Connector], **options: Any) -> tuple[Any, Store]:
    database = open_database(database_url)
    store = Store(database, get_scorer("vader"))
    brand = BrandConfig(name="Café Uno")
    channel = ChannelConfig(name="c", platform=connector_class.name, account="x")
    resolved = ResolvedChannel(
        brand=brand,
        channel=channel,
        connector_class=connector_class,
        settings=ConnectorSettings(),
        context=ChannelContext(brand=brand.slug, channel=channel.name, account="x"),
    )
    [outcome] = asyncio.run(run_scan([resolved], store, concurrency=1, **options))
    return outcome, store


def test_a_channel_past_its_timeout_fails_cleanly_and_keeps_what_it_read(database_url: str) -> None:
    outcome, store = scan_one(database_url, StallingConnector, channel_timeout=0.3)
    try:
        assert outcome.status == "failed"
        assert "channel_timeout" in (outcome.error or "")
        assert outcome.result.new_posts == 1
        channel = store.sync_channel(
            BrandConfig(name="Café Uno"), ChannelConfig(name="c", platform="stalling", account="x")
        )
        assert store.cursor(channel.id) == {"page": 1}
    finally:
        store.database.dispose()


def test_a_channel_stopped_by_its_per_scan_cap_ends_partial(database_url: str) -> None:
    outcome, store = scan_one(database_url, CappedConnector)
    try:
        assert outcome.status == "partial"
        assert "max_pages_per_scan" in (outcome.error or "")
        assert outcome.result.new_posts == 1
    finally:
        store.database.dispose()
