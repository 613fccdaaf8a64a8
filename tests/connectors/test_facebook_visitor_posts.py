"""The `facebook` connector's visitor posts: what customers write on the Page (its `/feed`), each a
customer's message that waits for the Page's answer as a top-level comment on a Page post does.

The fixtures (tests/connectors/fixtures/facebook_visitor/) are written in the shapes of Graph's Page
Feed reference: a feed mixing the Page's own posts with visitor posts (answered by a Page comment,
unanswered, with `from` withheld, answered only by a reply to the visitor's own comment) and a public
post elsewhere that tags the Page, on two pages; the error Graph sends a token without
`pages_read_user_content`. Ids, names and texts are invented.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conformance import (
    HttpCase,
    by_key,
    changing,
    conformance_suite,
    fixture,
    healthy_run,
    http_run,
    judge_malformed,
    malformed_items,
    no_sleep,
    records,
    settle,
)

from socialmon_connectors import (
    AuthError,
    ChannelContext,
    CommentRecord,
    Incomplete,
    NotFound,
    Page,
    PermissionDenied,
    PlatformError,
    PostRecord,
    RateLimited,
    ThreadFailure,
)
from socialmon_connectors.facebook import (
    FacebookConnector,
    FacebookSettings,
    parse_comment,
    post_kind,
    visitor_message,
)

BASE = "https://graph.facebook.com/v25.0"
PAGE = "204512345678902"
TOKEN = "EAABvisitorTOKEN987"
NOW = datetime(2026, 3, 20, tzinfo=UTC)

UNANSWERED = f"{PAGE}_310000000000004"  # María: "Pedí una torta…", no comment yet
OWN = f"{PAGE}_310000000000003"  # the Page's post, a customer comment and the Page's reply
ANSWERED = f"{PAGE}_310000000000002"  # Jorge: "¿Hacen envíos…?", the Page commented on it
WITHHELD = f"{PAGE}_310000000000001"  # a post without `from`: the Page's own, as today
ELSEWHERE = "100077000000123_555000000000001"  # a public post on Lucía's profile that tags the Page
REPLIED = f"{PAGE}_300000000000009"  # Ana: her own follow-up comment, and the Page's reply to it
OLDER_OWN = f"{PAGE}_300000000000008"


def feed(name: str) -> dict[str, Any]:
    return fixture(f"facebook_visitor/{name}")


def make(*, visitor_posts: bool = True, pending: tuple[ThreadFailure, ...] = ()) -> FacebookConnector:
    settings = FacebookSettings(access_token=TOKEN, visitor_posts=visitor_posts)
    context = ChannelContext(brand="b", channel="fb", account=PAGE, pending_threads=pending)
    made = FacebookConnector(settings, context)
    made.sleep = no_sleep  # type: ignore[method-assign]
    made.now = lambda: NOW  # type: ignore[method-assign]
    return made


def run(
    connector: FacebookConnector, cursor: dict[str, Any] | None = None
) -> tuple[list[Page], Exception | None]:
    """The pages yielded, and the error that ended the channel (None: read to its end)."""
    pages: list[Page] = []

    async def read() -> None:
        async for page in connector.pages(cursor):
            pages.append(page)

    try:
        asyncio.run(asyncio.wait_for(read(), timeout=20))
    except Exception as error:  # the tests look at it
        return pages, error
    return pages, None


def feed_routes(router: respx.MockRouter) -> None:
    router.get(f"/{PAGE}/feed", params={"after": "RkVFRDI"}).respond(json=feed("feed_2.json"))
    router.get(f"/{PAGE}/feed").respond(json=feed("feed_1.json"))
    # The rest of Ana's thread: the Page's reply to her follow-up, on a second page of comments.
    router.get(f"/{REPLIED}/comments", params={"after": "NzAx"}).respond(json=feed("replied_comments_2.json"))


def by_id(pages: list[Page]) -> dict[tuple[str, str], PostRecord | CommentRecord]:
    return {(type(r).__name__, r.platform_id): r for r in records(pages)}


# --- parsing (pure) ------------------------------------------------------------------------------


def test_each_post_on_the_feed_is_told_by_its_author_and_where_it_lives() -> None:
    kinds = {item["id"]: post_kind(item, PAGE) for item in feed("feed_1.json")["data"]}
    kinds.update({item["id"]: post_kind(item, PAGE) for item in feed("feed_2.json")["data"]})
    assert kinds == {
        UNANSWERED: "visitor",
        OWN: "page",
        ANSWERED: "visitor",
        WITHHELD: "page",  # no `from`: the Page's own post, as the `/posts` listing takes it
        ELSEWHERE: "elsewhere",
        REPLIED: "visitor",
        OLDER_OWN: "page",
    }


def test_a_visitor_post_is_the_customers_message_under_its_own_post() -> None:
    raw = feed("feed_1.json")["data"][0]
    message = visitor_message(raw)
    assert isinstance(message, CommentRecord) and message.kind == "comment"
    assert (message.platform_id, message.post_id, message.parent_id) == (UNANSWERED, UNANSWERED, None)
    assert (message.author_id, message.author_name, message.is_business) == (
        "6660001112224",
        "María Paz",
        False,
    )
    assert message.text.startswith("Pedí una torta") and not message.deleted
    assert message.created_at == datetime(2026, 3, 14, 15, 20, tzinfo=UTC)
    assert message.url == "https://www.facebook.com/204512345678902/posts/310000000000004"
    # A comment straight under the visitor post answers it; a reply keeps the comment it answers.
    [top] = feed("feed_2.json")["data"][0]["comments"]["data"]
    [reply] = feed("replied_comments_2.json")["data"]
    assert parse_comment(top, REPLIED, PAGE, top_parent=REPLIED).parent_id == REPLIED
    assert parse_comment(reply, REPLIED, PAGE, top_parent=REPLIED).parent_id == "300000000000009_701"
    assert parse_comment(top, REPLIED, PAGE).parent_id is None  # a Page post's comment: as today


# --- through respx -------------------------------------------------------------------------------


def test_a_feed_mixing_the_pages_posts_and_visitor_posts_stores_each_visitor_post_as_a_waiting_message() -> (
    None
):
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        feed_routes(router)
        pages, error = run(make())
        calls = [call.request for call in router.calls]
    listing = [request for request in calls if request.url.path.endswith("/feed")]
    assert error is None
    found = by_id(pages)
    posts = {pid: r for (kind, pid), r in found.items() if kind == "PostRecord"}
    comments = {pid: r for (kind, pid), r in found.items() if kind == "CommentRecord"}
    assert set(posts) == {UNANSWERED, OWN, ANSWERED, WITHHELD, REPLIED, OLDER_OWN}  # not the one elsewhere
    assert {pid for pid, post in posts.items() if not post.is_business} == {UNANSWERED, ANSWERED, REPLIED}
    assert posts[UNANSWERED].author_name == "María Paz" and posts[WITHHELD].author_id == PAGE
    # Each visitor post is also its customer's message, under its own post.
    assert set(comments) == {
        UNANSWERED,
        ANSWERED,
        REPLIED,
        "310000000000003_501",
        "310000000000003_502",
        "310000000000002_601",
        "300000000000009_701",
        "300000000000009_702",
    }
    for visitor in (UNANSWERED, ANSWERED, REPLIED):
        assert (comments[visitor].post_id, comments[visitor].parent_id, comments[visitor].is_business) == (
            visitor,
            None,
            False,
        )
    # The Page's comment on Jorge's post answers Jorge's message; on its own post, as today.
    assert (comments["310000000000002_601"].parent_id, comments["310000000000002_601"].is_business) == (
        ANSWERED,
        True,
    )
    assert comments["310000000000003_501"].parent_id is None
    assert comments["310000000000003_502"].parent_id == "310000000000003_501"
    # Ana's own follow-up answers her post's thread; the Page's reply answers that follow-up.
    assert comments["300000000000009_701"].parent_id == REPLIED
    assert (comments["300000000000009_702"].parent_id, comments["300000000000009_702"].is_business) == (
        "300000000000009_701",
        True,
    )
    # One request per feed page, and one for the rest of Ana's thread (the others came inline), the
    # token in a header, never in the URL (Graph's next links carry it).
    assert len(calls) == 3 and len(listing) == 2
    fields = listing[0].url.params["fields"]
    assert "from{id,name}" in fields and "comments.filter(stream)" in fields
    assert "is_hidden" in fields.split(",comments.")[0]  # the post's own mark, not only its comments'
    assert listing[1].url.params["after"] == "RkVFRDI"
    [more] = [request for request in calls if request.url.path.endswith("/comments")]
    assert (more.url.params["filter"], more.url.params["after"]) == ("stream", "NzAx")
    for request in calls:
        assert request.headers["Authorization"] == f"Bearer {TOKEN}"
        assert TOKEN not in str(request.url) and "EAABleakedFEED" not in str(request.url)
    assert pages[-1].cursor == {"watermark": "2026-03-14T15:20:00+00:00", "listing": "feed"}


def test_a_post_elsewhere_that_tags_the_page_is_not_read_nor_are_its_comments(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Its comments came without ids (Graph's way with a token that may not moderate them): read,
    they would stop the channel; the post is not the Page's to answer on."""
    body = {"data": [feed("feed_1.json")["data"][4]], "paging": {}}
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/feed").respond(json=body)
        with caplog.at_level(logging.INFO, logger="socialmon.http"):
            pages, error = run(make())
        assert len(router.calls) == 1  # no request for its comments
    assert error is None and records(pages) == [] and not [r for p in pages for r in p.rejected]
    assert any(ELSEWHERE in record.getMessage() for record in caplog.records)


def test_a_visitor_post_without_its_author_is_the_pages_own_as_today_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = {"data": [feed("feed_1.json")["data"][3]], "paging": {}}
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/feed").respond(json=body)
        with caplog.at_level(logging.WARNING, logger="socialmon.http"):
            pages, error = run(make())
    assert error is None
    [post] = records(pages)
    assert isinstance(post, PostRecord) and post.is_business and post.author_id == PAGE
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert WITHHELD in warning and "from" in warning and "Page access token" in warning


def test_a_visitor_post_graph_lists_again_on_a_later_page_is_stored_once() -> None:
    """Graph orders the feed by activity as it pleases: María's post, commented on meanwhile, comes
    again on the second page. One post, one message: nothing counts twice."""
    second = feed("feed_2.json")
    second["data"].insert(1, feed("feed_1.json")["data"][0])
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/feed", params={"after": "RkVFRDI"}).respond(json=second)
        router.get(f"/{PAGE}/feed").respond(json=feed("feed_1.json"))
        router.get(f"/{REPLIED}/comments").respond(json=feed("replied_comments_2.json"))
        pages, error = run(make())
    assert error is None
    found = [(type(r).__name__, r.platform_id) for r in records(pages)]
    assert found.count(("PostRecord", UNANSWERED)) == 1 and found.count(("CommentRecord", UNANSWERED)) == 1
    assert len(found) == len(set(found))


def test_a_visitor_post_the_page_hid_waits_for_no_answer() -> None:
    body = {"data": [feed("feed_1.json")["data"][0]], "paging": {}}
    body["data"][0]["is_hidden"] = True
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/feed").respond(json=body)
        pages, _ = run(make())
    found = by_id(pages)
    assert found[("CommentRecord", UNANSWERED)].deleted  # hidden, as the Page's hidden comments are
    assert not found[("PostRecord", UNANSWERED)].deleted  # the post is there, hidden from others


def test_visitor_posts_are_off_by_default_and_then_the_pages_posts_are_listed_as_before() -> None:
    assert FacebookSettings(access_token=TOKEN).visitor_posts is False
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        listing = router.get(f"/{PAGE}/posts").respond(json=feed("posts_own.json"))
        pages, error = run(make(visitor_posts=False))
    fields = listing.calls.last.request.url.params["fields"]
    assert error is None and "is_hidden" not in fields.split(",comments.")[0]
    assert pages[-1].cursor == {"watermark": "2026-03-14T09:00:00+00:00"}  # no listing mark: as before


# --- a token without pages_read_user_content --------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (400, feed("feed_refused.json")),
        (
            403,
            {
                "error": {
                    "message": "(#200) Requires pages_read_user_content permission to manage the object",
                    "type": "OAuthException",
                    "code": 200,
                    "fbtrace_id": "Bz7Yq1",
                }
            },
        ),
    ],
    ids=["code 10", "code 200"],
)
def test_a_token_without_pages_read_user_content_still_reads_the_pages_posts_and_ends_partial(
    status: int, body: dict[str, Any]
) -> None:
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        refused = router.get(f"/{PAGE}/feed").respond(status, json=body)
        own = router.get(f"/{PAGE}/posts").respond(json=feed("posts_own.json"))
        pages, error = run(make())
        assert refused.call_count == 1 and own.call_count == 1  # refused once, not retried
    assert {r.platform_id for r in records(pages)} == {
        OWN,
        OLDER_OWN,
        "310000000000003_501",
        "310000000000003_502",
    }
    assert isinstance(error, Incomplete)  # the channel ends partial, not failed
    said = str(error)
    assert "pages_read_user_content" in error.hint and "visitors" in said
    assert body["error"]["message"] in said  # Graph's own words, as it sent them
    assert TOKEN not in said
    # What was read is the `/posts` listing: the next scan, with the permission, reads the feed whole.
    assert pages[-1].cursor == {"watermark": "2026-03-14T09:00:00+00:00"}


def test_a_feed_refused_after_its_first_page_stops_the_channel_as_any_refusal_does() -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/feed", params={"after": "RkVFRDI"}).respond(400, json=feed("feed_refused.json"))
        router.get(f"/{PAGE}/feed").respond(json=feed("feed_1.json"))
        pages, error = run(make())
        assert not [c for c in router.calls if c.request.url.path.endswith("/posts")]
    assert isinstance(error, PermissionDenied)
    assert ("CommentRecord", UNANSWERED) in by_id(pages)  # the first page is stored
    assert pages[-1].cursor is not None and pages[-1].cursor["listing"] == "feed"


# --- the cursor across the switch -------------------------------------------------------------------

POSTS_CURSOR = {"watermark": "2026-03-18T00:00:00+00:00"}  # the last scan listed `/posts`
FEED_CURSOR = {"watermark": "2026-03-18T00:00:00+00:00", "listing": "feed"}
SINCE_CURSOR = str(int((NOW - timedelta(days=14)).timestamp()))  # watermark or 14 days back: the older


def listed(router: respx.MockRouter, edge: str) -> list[httpx.QueryParams]:
    return [c.request.url.params for c in router.calls if c.request.url.path == f"/v25.0/{PAGE}/{edge}"]


def test_a_channel_that_listed_posts_reads_the_whole_feed_once_then_only_what_is_new() -> None:
    """Visitor posts written before the switch were never read: the first feed scan reads the whole
    feed (the Page's posts are stored again unchanged), the next ones the look-back window only."""
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        feed_routes(router)
        pages, error = run(make(), POSTS_CURSOR)
        first = listed(router, "feed")
    assert error is None and "since" not in first[0]
    assert ("CommentRecord", REPLIED) in by_id(pages)  # ten days older than the window
    assert all(page.cursor is None or page.cursor["listing"] == "feed" for page in pages)
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/feed").respond(json={"data": [], "paging": {}})
        again, error = run(make(), pages[-1].cursor)
        assert listed(router, "feed")[0]["since"] == SINCE_CURSOR
    assert error is None and again[-1].cursor == {"watermark": "2026-03-14T15:20:00+00:00", "listing": "feed"}


def test_turning_visitor_posts_off_lists_posts_from_the_feeds_watermark() -> None:
    interrupted = {**FEED_CURSOR, "run": {"since": None, "before": "2026-03-13T00:00:00+00:00", "listed": 7}}
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/posts").respond(json={"data": [], "paging": {}})
        pages, error = run(make(visitor_posts=False), interrupted)
        sent = listed(router, "posts")[0]
    # The feed's positions mean nothing on `/posts`: its listing starts over from the watermark.
    assert error is None and sent["since"] == SINCE_CURSOR
    assert pages[-1].cursor == {"watermark": "2026-03-18T00:00:00+00:00"}


def test_a_refused_feed_on_the_first_scan_after_the_switch_lists_posts_from_their_watermark() -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/feed").respond(400, json=feed("feed_refused.json"))
        router.get(f"/{PAGE}/posts").respond(json={"data": [], "paging": {}})
        pages, error = run(make(), POSTS_CURSOR)
        assert "since" not in listed(router, "feed")[0]
        assert listed(router, "posts")[0]["since"] == SINCE_CURSOR  # not the whole history again
    assert isinstance(error, Incomplete)
    assert pages[-1].cursor == POSTS_CURSOR


def test_threads_read_again_before_a_switched_listing_leave_the_cursor_where_it_was() -> None:
    """A scan killed after them, before the feed's first page, must not lose the posts' watermark."""
    remembered = ThreadFailure(
        key=ANSWERED,
        item={k: v for k, v in feed("feed_1.json")["data"][2].items() if k != "comments"},
        reason="x",
    )
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{ANSWERED}/comments").respond(json=feed("feed_1.json")["data"][2]["comments"])
        router.get(f"/{PAGE}/feed").respond(json={"data": [], "paging": {}})
        pages, error = run(make(pending=(remembered,)), POSTS_CURSOR)
    assert error is None
    assert pages[0].resolved_threads == [ANSWERED] and pages[0].cursor is None
    # The remembered visitor post's thread still answers its visitor.
    [answer] = pages[0].comments
    assert (answer.parent_id, answer.is_business) == (ANSWERED, True)
    assert pages[-1].cursor == {"watermark": None, "listing": "feed"}  # an empty feed: nothing seen yet


# --- the conformance suite, on the feed ---------------------------------------------------------------


class VisitorFeedCase(HttpCase):
    base_url = BASE
    errors = {  # noqa: RUF012
        "expired token": AuthError,
        "rate limited": RateLimited,
        "page does not exist": NotFound,
        "other platform error": PlatformError,
    }

    def make(self) -> FacebookConnector:
        settings = FacebookSettings(access_token=TOKEN, visitor_posts=True)
        return FacebookConnector(settings, ChannelContext(brand="b", channel="fb", account=PAGE))

    def routes(self, router: respx.MockRouter) -> None:
        feed_routes(router)

    def repeating(self, tmp_path: Any) -> respx.MockRouter:
        router = respx.mock(base_url=BASE, assert_all_mocked=True)
        body = feed("feed_1.json")
        for post in body["data"]:
            post["comments"] = {"data": []}
        router.get(f"/{PAGE}/feed").respond(json=body)  # every page says "after=RkVFRDI" again
        return router

    def error_response(self, failure: str) -> httpx.Response:
        def error(code: int, message: str, subcode: int | None = None) -> dict[str, Any]:
            found: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
            if subcode is not None:
                found["error_subcode"] = subcode
            return {"error": found}

        return {
            "expired token": httpx.Response(400, json=error(190, "Error validating access token", 463)),
            "rate limited": httpx.Response(400, json=error(32, "Page request limit reached")),
            "page does not exist": httpx.Response(400, json=error(100, "Object does not exist", 33)),
            "other platform error": httpx.Response(400, json=error(12, "field is deprecated")),
        }[failure]


CASE = VisitorFeedCase()


class TestVisitorFeedConformance(conformance_suite(CASE)):  # type: ignore[misc]
    @pytest.mark.parametrize("how", ["missing", "wrong type"])
    def test_a_malformed_item_is_rejected_naming_its_field(self, tmp_path: Path, how: str) -> None:
        """The suite's check, the item's id taken for its post's: a visitor post's message has the
        post's id, and the suite takes an id for the last record that has it. Rooted at the post,
        what a malformed visitor post may take along is its message and its thread, nothing else."""
        healthy = healthy_run(CASE, tmp_path)
        expected = dict(sorted(by_key(healthy.pages).items(), key=lambda kv: kv[0][0] == "PostRecord"))
        plans = malformed_items(healthy.trace, expected)
        assert any(broken.record == ("PostRecord", REPLIED) for _, broken, _ in plans)
        problems = []
        for target, broken, change in plans:
            if broken.how == how:
                run = http_run(CASE, tmp_path, changing(target, change))
                problem = judge_malformed(broken, run.pages, run.error, expected)
                if problem:
                    problems.append(problem)
        settle(CASE, tmp_path, f"malformed item: {how}", problems)
