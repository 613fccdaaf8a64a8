"""The `facebook` connector: parsing from documented JSON shapes, paging, errors, incremental reads."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conformance import NOW, HttpCase, collect, conformance_suite, fixture, no_sleep, records

from socialmon_connectors import (
    AuthError,
    ChannelContext,
    NotFound,
    Page,
    PermissionDenied,
    PlatformError,
    RateLimited,
    ThreadFailure,
)
from socialmon_connectors._paging import MAX_EMPTY_PAGES
from socialmon_connectors.facebook import (
    FacebookConnector,
    FacebookSettings,
    ids_withheld,
    parse_comment,
    parse_post,
)

BASE = "https://graph.facebook.com/v25.0"
PAGE = "104512345678901"
POST_A = f"{PAGE}_987654321098765"
TOKEN = "EAABsecretTOKEN123"


def graph_error(code: int, message: str, subcode: int | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Ab1"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


class FacebookCase(HttpCase):
    base_url = BASE
    errors = {  # noqa: RUF012
        "expired token": AuthError,
        "rate limited": RateLimited,
        "page does not exist": NotFound,
        "other platform error": PlatformError,
    }

    def make(self, **options: Any) -> FacebookConnector:
        settings = FacebookSettings(access_token=TOKEN, **options)
        return FacebookConnector(settings, ChannelContext(brand="b", channel="fb", account=PAGE))

    def routes(self, router: respx.MockRouter) -> None:
        router.get(f"/{PAGE}/posts", params={"after": "QVFIUk2"}).respond(
            json=fixture("facebook_posts_2.json")
        )
        router.get(f"/{PAGE}/posts").respond(json=fixture("facebook_posts_1.json"))
        router.get(f"/{POST_A}/comments", params={"after": "MgZDZD", "filter": "stream"}).respond(
            json=fixture("facebook_comments_more.json")
        )

    def repeating(self, tmp_path: Path) -> respx.MockRouter:
        router = respx.mock(base_url=BASE, assert_all_mocked=True)
        body = fixture("facebook_posts_1.json")
        for post in body["data"]:
            post["comments"] = {"data": []}
        router.get(f"/{PAGE}/posts").respond(json=body)  # every page says "after=QVFIUk2" again
        return router

    def error_response(self, failure: str) -> httpx.Response:
        return {
            "expired token": httpx.Response(
                400, json=graph_error(190, f"Error validating access token: Session has expired {TOKEN}", 463)
            ),
            "rate limited": httpx.Response(400, json=graph_error(32, "Page request limit reached")),
            "page does not exist": httpx.Response(
                400, json=graph_error(100, "Object with ID does not exist", 33)
            ),
            "other platform error": httpx.Response(400, json=graph_error(12, "field is deprecated")),
        }[failure]


CASE = FacebookCase()
TestConformance = conformance_suite(CASE)


# --- parsing (pure) ------------------------------------------------------------------------


def test_parse_post_and_comments_from_the_documented_shape() -> None:
    raw = fixture("facebook_posts_1.json")["data"][0]
    post = parse_post(raw, PAGE)
    assert (post.platform_id, post.text, post.like_count, post.comment_count, post.share_count) == (
        POST_A,
        "¡Nuevo menú de primavera! 🌸",
        42,
        3,
        3,
    )
    assert post.created_at == datetime(2024, 5, 3, 10, 15, 30, tzinfo=UTC)
    assert post.is_business
    customer, reply = (parse_comment(c, POST_A, PAGE) for c in raw["comments"]["data"])
    assert (customer.author_id, customer.author_name, customer.is_business, customer.parent_id) == (
        "5550001112223",
        "Dana K.",
        False,
        None,
    )
    assert customer.text.endswith("🤔") and customer.reply_count == 1
    assert (reply.is_business, reply.parent_id, reply.post_id) == (True, "987654321098765_111", POST_A)


def test_a_comment_without_from_has_an_unknown_author_not_the_page() -> None:
    raw = fixture("facebook_posts_2.json")["data"][0]["comments"]["data"][0]
    comment = parse_comment(raw, "p", PAGE)
    assert (comment.author_id, comment.author_name, comment.is_business) == (None, None, False)


# --- through respx ---------------------------------------------------------------------------


def test_pages_posts_and_the_rest_of_a_thread_with_the_token_in_a_header(tmp_path: Path) -> None:
    with CASE.healthy(tmp_path) as router:
        pages = collect(CASE.connector(tmp_path))
        calls = list(router.calls)
    by_id = {r.platform_id: r for r in records(pages)}
    assert set(by_id) == {
        POST_A,
        f"{PAGE}_987654321000000",
        f"{PAGE}_900000000000001",
        "987654321098765_111",
        "987654321098765_112",
        "987654321098765_113",
        "900000000000001_301",
    }
    assert by_id["987654321098765_113"].parent_id == "987654321098765_112"
    for call in calls:
        assert call.request.headers["Authorization"] == f"Bearer {TOKEN}"
        assert "access_token" not in str(call.request.url)
        assert call.request.headers["User-Agent"].startswith("socialmon/")
    first = calls[0].request.url.params
    assert "comments.filter(stream)" in first["fields"] and "since" not in first
    more = next(c.request.url.params for c in calls if "/comments" in c.request.url.path)
    assert more["filter"] == "stream"


def test_the_next_scan_lists_only_the_recent_window_and_a_resumed_one_lists_from_the_top(
    tmp_path: Path,
) -> None:
    watermark = {"watermark": "2024-05-25T00:00:00+00:00"}
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        route = router.get(f"/{PAGE}/posts").respond(json={"data": [], "paging": {}})
        pages = collect(CASE.connector(tmp_path), watermark)
        assert route.calls.last.request.url.params["since"] == str(
            int(datetime(2024, 5, 18, tzinfo=UTC).timestamp())
        )
    assert pages[-1].cursor == watermark  # nothing new: the watermark stays
    interrupted = {
        "watermark": None,
        "run": {"since": None, "before": "2024-05-02T08:00:00+00:00", "newest": None, "listed": 25},
    }
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        route = router.get(f"/{PAGE}/posts").respond(json={"data": [], "paging": {}})
        collect(CASE.connector(tmp_path), interrupted)
        # No `until`: a resumed scan lists from the top and passes over what it did, by position
        # and time, so a post the platform listed out of order is not lost.
        assert "until" not in route.calls.last.request.url.params


def empty_page(path: str, after: str) -> dict[str, Any]:
    """A page Graph emptied by privacy filtering, still with its next link (the "Paginated Results" doc)."""
    return {
        "data": [],
        "paging": {"cursors": {"before": "b", "after": after}, "next": f"{BASE}/{path}?after={after}"},
    }


def test_empty_pages_with_a_next_link_are_followed_to_the_posts_and_comments_after_them(
    tmp_path: Path,
) -> None:
    first = fixture("facebook_posts_1.json")
    first["paging"] = {
        "cursors": {"after": "E1"},
        "next": f"{BASE}/{PAGE}/posts?after=E1&access_token={TOKEN}",
    }
    last = fixture("facebook_posts_2.json")
    last["paging"] = {"cursors": {"after": "Z"}}  # no next: the end
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        for number in (1, 2, 3):
            router.get(f"/{PAGE}/posts", params={"after": f"E{number}"}).respond(
                json=empty_page(f"{PAGE}/posts", f"E{number + 1}")
            )
        router.get(f"/{PAGE}/posts", params={"after": "E4"}).respond(json=last)
        router.get(f"/{PAGE}/posts").respond(json=first)
        # The rest of POST_A's thread: two empty pages, then its last comment.
        for after, following in (("MgZDZD", "C1"), ("C1", "C2")):
            router.get(f"/{POST_A}/comments", params={"after": after}).respond(
                json=empty_page(f"{POST_A}/comments", following)
            )
        router.get(f"/{POST_A}/comments", params={"after": "C2"}).respond(
            json=fixture("facebook_comments_more.json")
        )
        pages = collect(CASE.connector(tmp_path))
    ids = {r.platform_id for r in records(pages)}
    assert {post["id"] for post in last["data"]} <= ids  # the posts after three empty pages
    assert "987654321098765_113" in ids  # the comment after two empty pages
    assert not [f for p in pages for f in p.failed_threads]
    assert pages[-1].cursor is not None and "run" not in pages[-1].cursor  # read to its end


def test_a_thread_of_empty_pages_that_never_ends_is_remembered_not_taken_as_read(tmp_path: Path) -> None:
    body = fixture("facebook_posts_1.json")
    body["paging"] = {}
    served = 0

    def never_ending(request: httpx.Request) -> httpx.Response:
        nonlocal served
        served += 1
        return httpx.Response(200, json=empty_page(f"{POST_A}/comments", f"X{served}"))

    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/posts").respond(json=body)
        router.get(f"/{POST_A}/comments").mock(side_effect=never_ending)
        pages = collect(CASE.connector(tmp_path))
    assert served == MAX_EMPTY_PAGES
    [failure] = [f for p in pages for f in p.failed_threads]
    assert failure.key == POST_A and "empty pages in a row" in failure.reason
    assert {"987654321098765_111", "987654321098765_112"} <= {r.platform_id for r in records(pages)}


def test_a_next_link_without_a_cursor_is_followed_by_its_query_less_the_token(tmp_path: Path) -> None:
    first = fixture("facebook_posts_1.json")
    first["paging"] = {"next": f"{BASE}/{PAGE}/posts?until=1714500000&access_token={TOKEN}&limit=25"}
    last = fixture("facebook_posts_2.json")
    last["paging"] = {}
    with respx.mock(base_url=BASE) as router:
        following = router.get(f"/{PAGE}/posts", params={"until": "1714500000"}).respond(json=last)
        router.get(f"/{PAGE}/posts").respond(json=first)
        router.get(path__regex=r"/comments$").respond(json={"data": []})
        pages = collect(CASE.connector(tmp_path))
    sent = following.calls.last.request
    assert "access_token" not in sent.url.params and TOKEN not in str(sent.url)
    assert sent.url.params["limit"] == "25" and "fields" in sent.url.params  # our parameters stay
    assert {r.platform_id for r in records(pages)} >= {r["id"] for r in last["data"]}


def test_a_thread_graph_will_not_serve_keeps_the_post_and_what_was_read(tmp_path: Path) -> None:
    body = fixture("facebook_posts_1.json")
    body["paging"] = {}
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(f"/{PAGE}/posts").respond(json=body)
        router.get(f"/{POST_A}/comments").respond(400, json=graph_error(100, "Object does not exist", 33))
        pages = collect(CASE.connector(tmp_path))
    ids = {r.platform_id for r in records(pages)}
    assert POST_A in ids and "987654321098765_111" in ids and "987654321098765_113" not in ids
    # The post was just listed: Graph's 100/33 on its comments is no sign it is gone.
    assert [failure.key for page in pages for failure in page.failed_threads] == [POST_A]


def test_a_malformed_post_is_reported_and_the_rest_stored(tmp_path: Path) -> None:
    body = fixture("facebook_posts_2.json")
    body["data"].append({"id": "broken", "created_time": "yesterday"})
    with respx.mock(base_url=BASE) as router:
        router.get(f"/{PAGE}/posts").respond(json=body)
        pages = collect(CASE.connector(tmp_path))
    assert [r.location for p in pages for r in p.rejected] == ["Facebook post broken"]
    assert len(records(pages)) == 2


@pytest.mark.parametrize("retry_after", ["7", None])
def test_429_and_500_are_retried_honouring_retry_after(tmp_path: Path, retry_after: str | None) -> None:
    from conformance import SLEPT

    SLEPT.clear()
    body = fixture("facebook_posts_2.json")
    headers = {"Retry-After": retry_after} if retry_after else {}
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(f"/{PAGE}/posts").mock(
            side_effect=[
                httpx.Response(
                    429, json=graph_error(4, "Application request limit reached"), headers=headers
                ),
                httpx.Response(500, json=graph_error(2, "Service temporarily unavailable")),
                httpx.Response(200, json=body),
            ]
        )
        pages = collect(CASE.connector(tmp_path))
    assert len(records(pages)) == 2
    assert len(SLEPT) == 2
    if retry_after:
        assert SLEPT[0] == 7.0
    assert all(0 < s <= 30 for s in SLEPT)


def test_usage_headers_slow_down_before_the_limit(tmp_path: Path) -> None:
    from conformance import SLEPT

    SLEPT.clear()
    usage = '{"104512345678901":[{"type":"pages","call_count":92,"total_cputime":10,"total_time":20,"estimated_time_to_regain_access":0}]}'
    first = fixture("facebook_posts_1.json")
    for post in first["data"]:
        post["comments"] = {"data": []}
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(f"/{PAGE}/posts", params={"after": "QVFIUk2"}).respond(
            json=fixture("facebook_posts_2.json")
        )
        router.get(f"/{PAGE}/posts").respond(json=first, headers={"X-Business-Use-Case-Usage": usage})
        collect(CASE.connector(tmp_path))
    assert SLEPT == [10.0]


def test_a_long_regain_time_stops_with_rate_limited_instead_of_waiting(tmp_path: Path) -> None:
    usage = '{"104512345678901":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":30}]}'
    with respx.mock(base_url=BASE) as router:
        router.get(f"/{PAGE}/posts").respond(
            400,
            json=graph_error(80001, "There have been too many calls"),
            headers={"X-Business-Use-Case-Usage": usage},
        )
        with pytest.raises(RateLimited) as raised:
            collect(CASE.connector(tmp_path))
        assert raised.value.retry_after == 1800 and len(router.calls) == 1


# --- comment ids withheld, unreadable comments, threads read again ---------------------------------


def connector_with(pending: tuple[ThreadFailure, ...] = ()) -> FacebookConnector:
    context = ChannelContext(brand="b", channel="fb", account=PAGE, pending_threads=pending)
    made = FacebookConnector(FacebookSettings(access_token=TOKEN), context)
    made.sleep = no_sleep  # type: ignore[method-assign]
    made.now = lambda: NOW  # type: ignore[method-assign]
    return made


def collect_until_error(connector: FacebookConnector) -> tuple[list[Page], Exception | None]:
    """The pages yielded before the channel stopped, and the error that stopped it."""
    pages: list[Page] = []

    async def run() -> None:
        async for page in connector.pages(None):
            pages.append(page)

    try:
        asyncio.run(asyncio.wait_for(run(), timeout=20))
    except Exception as error:  # the test looks at it
        return pages, error
    return pages, None


def assert_names_cause_and_fix(error: Exception | None, post_id: str) -> None:
    assert isinstance(error, PermissionDenied), error
    said = str(error)
    assert post_id in said and "without their ids" in said
    for needed in ("MODERATE", "Page access token", "pages_read_engagement", "pages_read_user_content"):
        assert needed in said
    assert TOKEN not in said and "EAAGuserTokenLeaked" not in said


def test_comments_without_ids_stop_the_channel_with_the_cause_and_the_fix() -> None:
    """Graph withholds comment ids (and `from`) from a token without the MODERATE task on the Page."""
    first = fixture("facebook_posts_2.json")
    first["paging"]["next"] = f"{BASE}/{PAGE}/posts?after=QVFIUk4&access_token=EAAGuserTokenLeaked"
    withheld = fixture("facebook_posts_withheld.json")
    withheld_post = withheld["data"][0]["id"]
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/posts", params={"after": "QVFIUk4"}).respond(json=withheld)
        router.get(f"/{PAGE}/posts").respond(json=first)
        pages, error = collect_until_error(connector_with())
        assert len(router.calls) == 2  # no request for the withheld post's comments, no third page
    assert_names_cause_and_fix(error, withheld_post)
    # The page stored before stays stored; the page holding the withheld post is not yielded, so
    # the cursor does not move past it and the next scan (with a proper token) reads it.
    assert {r.platform_id for r in records(pages)} == {f"{PAGE}_900000000000001", "900000000000001_301"}
    assert [r for p in pages for r in p.rejected] == []
    assert pages[-1].cursor is not None and pages[-1].cursor["run"]["listed"] == 1


def test_comments_without_ids_on_a_thread_read_again_stop_the_channel_too() -> None:
    """The `/comments` request of a remembered thread gives id-less comments: the same stop, no retry loop."""
    remembered = ThreadFailure(
        key=POST_A, item={"id": POST_A, "created_time": "2024-05-03T10:15:30+0000"}, reason="x"
    )
    with respx.mock(base_url=BASE, assert_all_called=False, assert_all_mocked=True) as router:
        comments = router.get(f"/{POST_A}/comments").respond(json=fixture("facebook_comments_withheld.json"))
        posts = router.get(f"/{PAGE}/posts").respond(json={"data": [], "paging": {}})
        pages, error = collect_until_error(connector_with((remembered,)))
        assert comments.call_count == 1 and posts.call_count == 0  # the next link is not followed
    assert_names_cause_and_fix(error, POST_A)
    assert pages == []


def test_one_comment_without_an_id_among_others_is_rejected_alone() -> None:
    """Only a whole page of id-less comments means withheld ids; a single malformed one is rejected."""
    body = fixture("facebook_posts_1.json")
    body["paging"] = {}
    inline = body["data"][0]["comments"]
    inline["data"].append({"message": "no id here", "created_time": "2024-05-03T11:50:00+0000"})
    assert not ids_withheld(inline["data"])
    assert ids_withheld(fixture("facebook_posts_withheld.json")["data"][0]["comments"]["data"])
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/posts").respond(json=body)
        router.get(f"/{POST_A}/comments").respond(json=fixture("facebook_comments_more.json"))
        pages = collect(connector_with())
    rejected = [r for p in pages for r in p.rejected]
    assert [r.location for r in rejected] == [f"Facebook comment (no id) on post {POST_A}"]
    assert "'id'" in rejected[0].reason
    ids = {r.platform_id for r in records(pages)}
    assert {"987654321098765_111", "987654321098765_112", "987654321098765_113"} <= ids


def test_a_summary_count_above_the_comments_read_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    body = fixture("facebook_posts_hidden.json")
    body["data"].extend(fixture("facebook_posts_2.json")["data"])  # its summary matches what is read
    hidden_post = body["data"][0]["id"]
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/posts").respond(json=body)
        with caplog.at_level(logging.WARNING, logger="socialmon.http"):
            pages = collect(connector_with())
        assert len(router.calls) == 1  # the summary is read from the listing: no extra request
    assert {"961200000000045_7001", "961200000000045_7002", "900000000000001_301"} <= {
        r.platform_id for r in records(pages)
    }
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        f"Facebook post {hidden_post}: the summary says 5 comments, 2 were readable "
        "(hidden, deleted or restricted by privacy)"
    ]


def test_a_remembered_post_drops_its_inline_comments_and_keeps_what_the_thread_needs() -> None:
    raw = fixture("facebook_posts_1.json")["data"][0]
    kept = connector_with().retry_item(raw)
    assert kept["id"] == POST_A and kept["created_time"] == raw["created_time"]
    assert kept["comments"] == {"summary": raw["comments"]["summary"]}  # no data, no paging (no token)
    assert "access_token" not in json.dumps(kept) and raw["comments"]["data"]  # the original is untouched
    assert json.loads(json.dumps(kept)) == kept


def test_a_failed_thread_is_remembered_and_read_first_by_the_next_scan() -> None:
    body = fixture("facebook_posts_1.json")
    body["data"].extend(fixture("facebook_posts_2.json")["data"])
    body["paging"] = {}
    invalid = graph_error(100, f"Invalid parameter (token {TOKEN})")
    invalid["error"]["type"] = "GraphMethodException"
    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        router.get(f"/{PAGE}/posts").respond(json=body)
        more = router.get(f"/{POST_A}/comments", params={"after": "MgZDZD"}).respond(400, json=invalid)
        pages = collect(connector_with())
        assert more.call_count == 1  # code 100 without a subcode: not retried, not "gone"
    failures = [f for p in pages for f in p.failed_threads]
    assert [f.key for f in failures] == [POST_A]
    assert "100" in failures[0].reason and "Invalid parameter" in failures[0].reason
    assert TOKEN not in failures[0].reason
    assert "data" not in failures[0].item["comments"]  # retry_item: the inline page is not remembered
    # The post, its inline comments and the other posts' comments stay on the page.
    page = next(p for p in pages if p.failed_threads)
    assert {r.platform_id for r in [*page.posts, *page.comments]} == {
        POST_A,
        f"{PAGE}_987654321000000",
        f"{PAGE}_900000000000001",
        "987654321098765_111",
        "987654321098765_112",
        "900000000000001_301",
    }

    with respx.mock(base_url=BASE, assert_all_called=True, assert_all_mocked=True) as router:
        thread = router.get(f"/{POST_A}/comments").respond(json=fixture("facebook_comments_full.json"))
        router.get(f"/{PAGE}/posts").respond(json={"data": [], "paging": {}})
        again = collect(connector_with(tuple(failures)), pages[-1].cursor)
        assert router.calls[0].request.url.path == f"/v25.0/{POST_A}/comments"
        sent = thread.calls.last.request.url.params
        assert sent["filter"] == "stream" and "after" not in sent  # the whole thread, from the start
    assert again[0].resolved_threads == [POST_A] and again[0].failed_threads == []
    assert {c.platform_id for c in again[0].comments} == {
        "987654321098765_111",
        "987654321098765_112",
        "987654321098765_113",
    }


# --- "Please reduce the amount of data you're asking for" ------------------------------------------

REDUCE = "Please reduce the amount of data you're asking for, then retry your request"


def test_too_much_data_asks_again_with_halved_limits_and_keeps_them_for_the_next_pages() -> None:
    first = fixture("facebook_posts_1.json")
    last = fixture("facebook_posts_2.json")
    last["paging"] = {}
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    def posts(request: httpx.Request) -> httpx.Response:
        # Graph answers only once a page of posts asks for at most 6 posts with 25 comments each.
        if (
            int(request.url.params["limit"]) > 6
            or "comments.filter(stream).summary(true).limit(25)" not in (request.url.params["fields"])
        ):
            return httpx.Response(500, json=graph_error(1, REDUCE))
        return httpx.Response(200, json=last if "after" in request.url.params else first)

    made = connector_with()
    made.sleep = sleep  # type: ignore[method-assign]
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        listing = router.get(f"/{PAGE}/posts").mock(side_effect=posts)
        router.get(f"/{POST_A}/comments").respond(json=fixture("facebook_comments_more.json"))
        pages = collect(made)
    sent = [call.request.url.params for call in listing.calls]
    assert [params["limit"] for params in sent] == ["25", "12", "6", "6"]  # the next page stays small
    assert "reactions.summary(total_count).limit(0)" in sent[-1]["fields"]  # a count, not a page: kept
    assert sent[-1]["after"] == "QVFIUk2" and slept == []  # asked again at once, never unchanged
    assert {post["id"] for post in [*first["data"], *last["data"]]} <= {r.platform_id for r in records(pages)}


def test_too_much_data_even_at_one_item_fails_naming_the_settings_to_lower() -> None:
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        listing = router.get(f"/{PAGE}/posts").respond(500, json=graph_error(1, REDUCE))
        _, error = collect_until_error(connector_with())
    # 25 → 12 → 6 → 3 → 1 posts with 100 → 50 → 25 → 12 → 6 → 3 → 1 comments: 7 requests, then stop.
    assert listing.call_count == 7
    assert isinstance(error, PlatformError) and REDUCE in str(error)
    assert "page_size (now 25)" in error.hint and "comment_page_size (now 100)" in error.hint
