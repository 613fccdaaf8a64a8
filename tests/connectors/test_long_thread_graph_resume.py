"""Facebook and Instagram: a thread longer than the channel's time goes on with Graph's `after` cursor.

A post (or media) with more comment pages than one scan can read used to be stopped for the
channel's time (`ThreadTimeUp`) and remembered as it was started: each scan read it again from its
first page, and one longer than the time allowed never reached its end. Now its read is remembered
with the `after` cursor of the page it had reached (`RESUME_PAGE`), as YouTube's page token and
Reddit's unread ids are, so repeated scans read it through. Graph invalidates a cursor once the
item it points at is deleted, and tells apps not to store cursors ("Paginated Results"): a cursor
it refuses starts the thread again from its first page, in the same read, instead of failing it.

Shapes of the Graph API: an edge's page is `{"data": [...], "paging": {"cursors": {"before",
"after"}, "next": "…&after=…"}}`, the last page without `next`; a Page's posts carry their first
page of comments inline (`comments.filter(stream)…`); an error is `{"error": {"message", "type",
"code", "fbtrace_id"}}`. Time is fake, as in tests/test_channel_timeout_long_item.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from test_channel_timeout_long_item import (
    NOW,
    FakeTime,
    channel,
    no_sleep,
    pending_keys,
    scan,
    stored_comments,
)

from socialmon.database import open_database
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon_connectors import ChannelContext, Page, ThreadFailure
from socialmon_connectors._paging import LONG_THREAD, RESUME_PAGE, SweepConnector
from socialmon_connectors.facebook import FacebookConnector, FacebookSettings
from socialmon_connectors.instagram import InstagramConnector, InstagramSettings

GRAPH = "https://graph.facebook.com/v25.0"
PAGE_ID = "104500000000777"
LONG_POST = f"{PAGE_ID}_900000000000001"
SHORT_POSTS = [f"{PAGE_ID}_900000000000002", f"{PAGE_ID}_900000000000003"]
IG_ACCOUNT = "17841400000000777"
LONG_MEDIA = "17900000000000001"
SHORT_MEDIA = ["17900000000000002", "17900000000000003"]
PAGES = 100  # the long thread's comment pages, 10 s each: 1,000 s against a 300 s channel_timeout
LIMIT = 300.0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    made = Store(open_database(f"sqlite:///{tmp_path / 'socialmon.db'}"), get_scorer("vader"))
    yield made
    made.database.dispose()


class TimedFacebook(FacebookConnector):
    uses_http = False  # a client of its own, which respx answers
    sleep = staticmethod(no_sleep)
    now = staticmethod(lambda: NOW)


class TimedInstagram(InstagramConnector):
    uses_http = False
    sleep = staticmethod(no_sleep)
    now = staticmethod(lambda: NOW)


def graph_time(minutes_ago: int) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%S+0000")


def invalid_cursor() -> httpx.Response:
    """Graph's answer to a cursor it no longer takes: code 100, "Invalid parameter"."""
    return httpx.Response(
        400,
        json={
            "error": {
                "message": "(#100) Invalid parameter",
                "type": "OAuthException",
                "code": 100,
                "fbtrace_id": "AxQ7sZk0Yb1",
            }
        },
    )


class FakeGraph:
    """A Page (or an Instagram account) of three items; the newest has `PAGES` pages of comments."""

    def __init__(self, clock: FakeTime, *, instagram: bool) -> None:
        self.clock = clock
        self.instagram = instagram
        self.long, self.short = (LONG_MEDIA, SHORT_MEDIA) if instagram else (LONG_POST, SHORT_POSTS)
        self.asked: list[tuple[str, str | None]] = []  # (item, `after`) of each comments request
        self.refuse: set[str] = set()  # `after` cursors Graph no longer takes (once)

    def comment(self, item: str, number: int, k: int) -> dict[str, Any]:
        comment_id = f"{item[-4:]}{number:03d}{k}"
        if self.instagram:
            return {
                "id": f"1785{comment_id}",
                "text": f"¿Hacen envíos? ({comment_id})",
                "timestamp": graph_time(30),
                "username": "cliente.ig",
                "like_count": 0,
                "hidden": False,
                "from": {"id": "9900000000000001", "username": "cliente.ig"},
            }
        return {
            "id": f"{item.split('_')[1]}_{comment_id}",
            "message": f"¿Hacen envíos? ({comment_id})",
            "created_time": graph_time(30),
            "from": {"id": "5550000000001", "name": "Cliente"},
            "like_count": 0,
            "comment_count": 0,
            "permalink_url": f"https://www.facebook.com/{item}?comment_id={comment_id}",
        }

    def comment_ids(self, item: str) -> set[str]:
        pages = PAGES if item == self.long else 1
        return {self.comment(item, n, k)["id"] for n in range(pages) for k in range(2)}

    def comments_page(self, item: str, number: int) -> dict[str, Any]:
        body: dict[str, Any] = {
            "data": [self.comment(item, number, k) for k in range(2)],
            "paging": {"cursors": {"before": f"QVFIb{number:03d}", "after": f"QVFIa{number:03d}"}},
        }
        if item == self.long and number + 1 < PAGES:
            body["paging"]["next"] = (
                f"{GRAPH}/{item}/comments?limit=100&after=QVFIa{number:03d}&access_token=EAAleaked"
            )
        return body

    def listing(self, request: httpx.Request) -> httpx.Response:
        items = []
        for hours, item in enumerate([self.long, *self.short], start=1):
            if self.instagram:
                items.append(
                    {
                        "id": item,
                        "caption": f"Publicación {item[-4:]}",
                        "timestamp": graph_time(60 * hours),
                        "permalink": f"https://www.instagram.com/p/C{item[-6:]}/",
                        "comments_count": 2,
                        "like_count": 5,
                        "media_type": "IMAGE",
                        "media_product_type": "FEED",
                        "username": "tienda.demo",
                        "is_comment_enabled": True,
                    }
                )
            else:
                inline = self.comments_page(item, 0)
                inline["summary"] = {"order": "chronological", "total_count": 2, "can_comment": True}
                items.append(
                    {
                        "id": item,
                        "message": f"Publicación {item[-4:]}",
                        "created_time": graph_time(60 * hours),
                        "permalink_url": f"https://www.facebook.com/{item}",
                        "from": {"id": PAGE_ID, "name": "Tienda"},
                        "reactions": {"data": [], "summary": {"total_count": 4}},
                        "comments": inline,
                    }
                )
        return httpx.Response(
            200, json={"data": items, "paging": {"cursors": {"before": "QVFa", "after": "QVFb"}}}
        )

    def comments(self, request: httpx.Request) -> httpx.Response:
        item = request.url.path.split("/")[-2]
        after = request.url.params.get("after")
        self.asked.append((item, after))
        if after in self.refuse:  # a cursor an earlier read kept; Graph's own next link has a fresh one
            self.refuse.discard(after)
            return invalid_cursor()
        number = int(after[5:]) + 1 if after else 0
        return httpx.Response(200, json=self.comments_page(item, number))

    def router(self) -> respx.MockRouter:
        router = respx.mock(base_url=GRAPH, assert_all_called=False, assert_all_mocked=True)
        account = IG_ACCOUNT if self.instagram else PAGE_ID
        router.get(f"/{account}/{'media' if self.instagram else 'posts'}").mock(
            side_effect=self.clock.takes(1, self.listing)
        )

        async def comments(request: httpx.Request) -> httpx.Response:
            seconds = 10.0 if request.url.path.split("/")[-2] == self.long else 1.0
            return await self.clock.takes(seconds, self.comments)(request)

        router.get(path__regex=r"/\d+(_\d+)?/comments$").mock(side_effect=comments)
        return router


def resolved_channel(instagram: bool) -> Any:
    if instagram:
        settings = InstagramSettings(access_token="IGQVtoken777", username="tienda.demo", max_retries=0)
        return channel(TimedInstagram, settings, IG_ACCOUNT)
    return channel(TimedFacebook, FacebookSettings(access_token="EAAtoken777", max_retries=0), PAGE_ID)


@pytest.mark.parametrize("instagram", [False, True], ids=["facebook", "instagram"])
def test_a_thread_longer_than_the_channel_timeout_is_read_through_over_several_scans(
    store: Store, instagram: bool
) -> None:
    clock = FakeTime()
    graph = FakeGraph(clock, instagram=instagram)
    resolved = resolved_channel(instagram)
    with graph.router():
        first = scan(store, resolved, clock, LIMIT)
    assert first.status == "partial", first.error
    assert graph.long in (first.error or "") and "channel_timeout" in (first.error or "")
    assert pending_keys(store) == {graph.long}
    read = [len(stored_comments(store) & graph.comment_ids(graph.long))]
    assert read[0] >= 40, "the pages read before the time ran out are stored"

    for _ in range(6):
        if not pending_keys(store):
            break
        with graph.router():
            outcome = scan(store, resolved, clock, LIMIT)
        read.append(len(stored_comments(store) & graph.comment_ids(graph.long)))
        assert read[-1] > read[-2], f"each scan gets further into the thread: {read}"
        assert all(graph.comment_ids(item) <= stored_comments(store) for item in graph.short)
    assert outcome.status == "ok", outcome.error
    assert pending_keys(store) == set()
    assert graph.comment_ids(graph.long) <= stored_comments(store)
    long_pages = [after for item, after in graph.asked if item == graph.long]
    started_over = long_pages.count(None)
    assert started_over == (1 if instagram else 0), "never started over (Facebook's first page is inline)"
    assert len(long_pages) <= PAGES + len(read), "each page read about once (the one it stopped on again)"


def remembered(item: str, after: str) -> ThreadFailure:
    """A long thread as an earlier scan left it: its turn, and the cursor it had reached."""
    listed = {"id": item, "created_time": graph_time(60), "timestamp": graph_time(60)}
    return ThreadFailure(
        key=item,
        item={**listed, LONG_THREAD: 1, RESUME_PAGE: {"after": after}},
        reason="stopped part way through its thread at the channel's time limit (channel_timeout)",
    )


def read_all(connector: SweepConnector) -> list[Page]:
    async def every_page() -> list[Page]:
        return [page async for page in connector.pages(None)]

    return asyncio.run(every_page())


@pytest.mark.parametrize("instagram", [False, True], ids=["facebook", "instagram"])
def test_a_cursor_graph_no_longer_takes_reads_the_thread_again_from_its_first_page(instagram: bool) -> None:
    graph = FakeGraph(FakeTime(), instagram=instagram)
    graph.refuse = {"QVFIa041"}
    context = ChannelContext(
        brand="tienda", channel="main", account=IG_ACCOUNT if instagram else PAGE_ID,
        pending_threads=(remembered(graph.long, "QVFIa041"),),
    )  # fmt: skip
    resolved = resolved_channel(instagram)
    with graph.router():
        pages = read_all(resolved.connector_class(resolved.settings, context))
    failures = [failure for page in pages for failure in page.failed_threads]
    assert not failures, "the thread is not failed for its stale cursor"
    comments = {comment.platform_id for page in pages for comment in page.comments}
    assert graph.comment_ids(graph.long) <= comments, "read again from its first page, to its end"
    assert [page.resolved_threads for page in pages if page.resolved_threads] == [[graph.long]]
    long_pages = [after for item, after in graph.asked if item == graph.long]
    assert long_pages[:2] == ["QVFIa041", None], "the stale cursor once, then the first page"


@pytest.mark.parametrize("instagram", [False, True], ids=["facebook", "instagram"])
def test_a_remembered_cursor_graph_takes_goes_on_from_there(instagram: bool) -> None:
    graph = FakeGraph(FakeTime(), instagram=instagram)
    context = ChannelContext(
        brand="tienda", channel="main", account=IG_ACCOUNT if instagram else PAGE_ID,
        pending_threads=(remembered(graph.long, "QVFIa089"),),
    )  # fmt: skip
    resolved = resolved_channel(instagram)
    with graph.router():
        pages = read_all(resolved.connector_class(resolved.settings, context))
    long_pages = [after for item, after in graph.asked if item == graph.long]
    assert long_pages == [f"QVFIa{n:03d}" for n in range(89, PAGES - 1)], "pages 90 to 99 only"
    comments = {comment.platform_id for page in pages for comment in page.comments}
    assert {graph.comment(graph.long, PAGES - 1, 1)["id"]} <= comments
    assert graph.comment(graph.long, 89, 0)["id"] not in comments
    assert [page.resolved_threads for page in pages if page.resolved_threads] == [[graph.long]]


@pytest.mark.parametrize("instagram", [False, True], ids=["facebook", "instagram"])
def test_a_server_error_on_a_remembered_cursor_keeps_the_place_for_the_next_try(instagram: bool) -> None:
    """Graph's transient error (500, code 2) says nothing of the cursor: the thread is not read again
    from its first page (a reviewer saw 100 pages asked for again, every scan the error lasted), it
    stays remembered with its cursor."""
    graph = FakeGraph(FakeTime(), instagram=instagram)
    answer = graph.comments

    def comments(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("after") == "QVFIa089":
            graph.asked.append((graph.long, "QVFIa089"))
            return httpx.Response(
                500,
                json={
                    "error": {
                        "message": "An unexpected error has occurred. Please retry your request later.",
                        "type": "OAuthException",
                        "code": 2,
                        "is_transient": True,
                    }
                },
            )
        return answer(request)

    graph.comments = comments  # type: ignore[method-assign]
    context = ChannelContext(
        brand="tienda", channel="main", account=IG_ACCOUNT if instagram else PAGE_ID,
        pending_threads=(remembered(graph.long, "QVFIa089"),),
    )  # fmt: skip
    resolved = resolved_channel(instagram)
    with graph.router():
        pages = read_all(resolved.connector_class(resolved.settings, context))
    long_pages = [after for item, after in graph.asked if item == graph.long]
    assert long_pages and set(long_pages) == {"QVFIa089"}, "never the first page again"
    (failure,) = [failure for page in pages for failure in page.failed_threads if failure.key == graph.long]
    assert failure.item[RESUME_PAGE] == {"after": "QVFIa089"}
