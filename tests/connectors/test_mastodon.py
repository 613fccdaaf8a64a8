"""The `mastodon` connector: HTML to text, Link-header paging, thread replies, rate-limit headers, errors."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conformance import NOW, SLEPT, HttpCase, collect, conformance_suite, fixture, records

from socialmon_connectors import AuthError, ChannelContext, NotFound, Page, PlatformError, RateLimited
from socialmon_connectors._open import parse_reset
from socialmon_connectors.mastodon import (
    MastodonConnector,
    MastodonSettings,
    html_to_text,
    parse_account,
    parse_reply,
    parse_status,
)

BASE = "https://mastodon.example/api/v1"
ACCOUNT = "@cornerbistro@mastodon.example"
ACCOUNT_ID = "109876"
FIRST, SECOND, OLDEST = "112345678901234567", "112340000000000001", "112300000000000001"
TOKEN = "mastoSECRETtoken42"
STATUSES = f"/accounts/{ACCOUNT_ID}/statuses"


def link(max_id: str) -> dict[str, str]:
    here = f"https://mastodon.example/api/v1{STATUSES}"
    return {
        "Link": f'<{here}?exclude_replies=true&exclude_reblogs=true&limit=40&max_id={max_id}>; rel="next", '
        f'<{here}?min_id={FIRST}>; rel="prev"'
    }


class MastodonCase(HttpCase):
    base_url = BASE
    errors = {  # noqa: RUF012
        "instance wants a token": AuthError,
        "rate limited": RateLimited,
        "account not found": NotFound,
        "other platform error": PlatformError,
    }

    def make(self, account: str = ACCOUNT, **options: Any) -> MastodonConnector:
        settings = MastodonSettings(**options)
        return MastodonConnector(settings, ChannelContext(brand="b", channel="masto", account=account))

    def routes(self, router: respx.MockRouter) -> None:
        router.get("/accounts/lookup", params={"acct": "cornerbistro"}).respond(
            json=fixture("mastodon_account.json")
        )
        router.get(STATUSES, params={"max_id": SECOND}).respond(json=fixture("mastodon_statuses_2.json"))
        router.get(STATUSES).respond(json=fixture("mastodon_statuses_1.json"), headers=link(SECOND))
        router.get(f"/statuses/{FIRST}/context").respond(json=fixture("mastodon_context.json"))
        router.get(f"/statuses/{SECOND}/context").respond(json=fixture("mastodon_context_small.json"))

    def repeating(self, tmp_path: Path) -> respx.MockRouter:
        router = respx.mock(base_url=BASE, assert_all_mocked=True)
        router.get("/accounts/lookup").respond(json=fixture("mastodon_account.json"))
        router.get(STATUSES).respond(json=fixture("mastodon_statuses_1.json"), headers=link(SECOND))
        router.get(path__regex=r"/statuses/\d+/context").respond(json={"ancestors": [], "descendants": []})
        return router

    def error_response(self, failure: str) -> httpx.Response:
        return {
            "instance wants a token": httpx.Response(
                401, json={"error": "This API requires an authenticated user"}
            ),
            "rate limited": httpx.Response(
                429,
                json={"error": "Too many requests"},
                headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2024-06-01T00:04:00.000Z"},
            ),
            "account not found": httpx.Response(404, json={"error": "Record not found"}),
            "other platform error": httpx.Response(422, json={"error": "Validation failed"}),
        }[failure]


CASE = MastodonCase()
TestConformance = conformance_suite(CASE)


# --- parsing (pure) ------------------------------------------------------------------------


def test_html_becomes_plain_text_with_line_breaks_full_links_and_entities() -> None:
    first, second = fixture("mastodon_statuses_1.json")
    assert html_to_text(first["content"]) == (
        "Sourdough is back on Saturdays!\n\nOrder by Friday & pick up at 8\nCafé ☕ open from 7:30"
    )
    # Mastodon hides parts of a long link in invisible spans; the text keeps the whole URL.
    assert html_to_text(second["content"]) == "New spring menu: https://cornerbistro.example/menu/spring-2024"
    assert html_to_text("<p>a &lt;b&gt; &#128512;</p><blockquote>quoted</blockquote>") == "a <b> 😀\nquoted"
    assert html_to_text("") == ""


def test_statuses_and_replies_from_the_documented_shape() -> None:
    first, second = fixture("mastodon_statuses_1.json")
    post = parse_status(first, ACCOUNT_ID)
    assert (post.platform_id, post.is_business, post.like_count, post.comment_count, post.share_count) == (
        FIRST,
        True,
        9,
        3,
        1,
    )
    assert post.created_at == datetime(2024, 5, 4, 8, tzinfo=UTC) and post.edited_at is None
    edited = parse_status(second, ACCOUNT_ID)
    assert edited.text.startswith("Menu change\n\nNew spring menu")  # the content warning comes first
    assert edited.edited_at == datetime(2024, 5, 2, 18, tzinfo=UTC)

    question, answer, spanish, _ = fixture("mastodon_context.json")["descendants"]
    customer = parse_reply(question, FIRST, ACCOUNT_ID)
    assert (customer.parent_id, customer.is_business, customer.author_name) == (
        None,
        False,
        "alex@other.example",
    )
    assert customer.text == "@cornerbistro what time do you open?"
    reply = parse_reply(answer, FIRST, ACCOUNT_ID)
    assert (reply.parent_id, reply.is_business, reply.post_id) == (question["id"], True, FIRST)
    assert reply.edited_at == datetime(2024, 5, 4, 9, 31, 10, tzinfo=UTC)
    assert (
        parse_reply(spanish, FIRST, ACCOUNT_ID).text
        == "¡Qué rico! 😍 Ojalá también hubiera pan sin gluten <3"
    )


@pytest.mark.parametrize(
    ("account", "instance", "expected"),
    [
        ("@cornerbistro@mastodon.example", "", ("cornerbistro", "mastodon.example")),
        ("cornerbistro@mastodon.example", "", ("cornerbistro", "mastodon.example")),
        ("@corner.bistro", "https://mastodon.example/", ("corner.bistro", "mastodon.example")),
        ("@local@127.0.0.1:8080", "", ("local", "127.0.0.1:8080")),
    ],
)
def test_account_forms(account: str, instance: str, expected: tuple[str, str]) -> None:
    assert parse_account(account, instance=instance) == expected


@pytest.mark.parametrize("account", ["cornerbistro", "@", "a b@c.example", "https://mastodon.example"])
def test_malformed_accounts_say_how_to_write_them(account: str) -> None:
    with pytest.raises(ValueError, match="@name@instance"):
        parse_account(account)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2024-06-01T00:05:00.019685Z", 300.019685),  # Mastodon: an ISO time
        ("42.5", 42.5),  # Reddit: seconds from now
        (str(int(NOW.timestamp()) + 60), 60.0),  # the IETF draft as Bluesky sends it: a Unix time
        ("2024-05-31T00:00:00Z", 0.0),  # already past
        ("soon", None),
        (None, None),
    ],
)
def test_rate_limit_resets_in_every_form(header: str | None, seconds: float | None) -> None:
    assert parse_reset(header, NOW) == (pytest.approx(seconds) if seconds is not None else None)


# --- through respx ---------------------------------------------------------------------------


def test_full_scan_follows_the_link_header_and_reads_threads_with_replies(tmp_path: Path) -> None:
    with CASE.healthy(tmp_path) as router:
        pages = collect(CASE.connector(tmp_path))
        calls = [call.request for call in router.calls]
    by_id = {r.platform_id: r for r in records(pages)}
    assert set(by_id) == {
        FIRST,
        SECOND,
        OLDEST,
        "112345678901239999",
        "112345678901240001",
        "112345678901250000",
        "112340000000000777",
    }
    assert by_id["112345678901240001"].is_business and not by_id["112340000000000777"].is_business
    rejected = [r for page in pages for r in page.rejected]
    assert [r.location for r in rejected] == ["Mastodon reply 112345678901260000"]
    listing = [c.url for c in calls if c.url.path.endswith("/statuses")]
    assert listing[0].params["exclude_reblogs"] == "true" and "max_id" not in listing[0].params
    assert listing[1].params["max_id"] == SECOND and listing[1].params["limit"] == "40"
    assert not any(OLDEST in c.url.path for c in calls)  # no replies: no context request
    assert all("Authorization" not in c.headers for c in calls)


def test_a_token_goes_in_a_header_and_never_into_a_message(tmp_path: Path) -> None:
    connector = CASE.connector(tmp_path)
    connector.settings = MastodonSettings(access_token=TOKEN)
    with respx.mock(base_url=BASE) as router:
        router.get("/accounts/lookup").respond(401, json={"error": f"The access token {TOKEN} was revoked"})
        with pytest.raises(AuthError) as raised:
            collect(connector)
        assert router.calls.last.request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in str(raised.value) and "read:statuses" in str(raised.value)


def test_a_configured_instance_and_account_id_skip_the_lookup(tmp_path: Path) -> None:
    connector = CASE.connector(tmp_path)
    connector.context = ChannelContext(brand="b", channel="m", account="@cornerbistro")
    connector.settings = MastodonSettings(instance="http://127.0.0.1:9", account_id=ACCOUNT_ID)
    with respx.mock(base_url="http://127.0.0.1:9/api/v1", assert_all_called=True) as router:
        router.get(STATUSES).respond(json=[])
        pages = collect(connector)
    assert records(pages) == []


def test_a_malformed_account_fails_the_channel_with_how_to_write_it(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE), pytest.raises(NotFound, match="@name@instance"):
        collect(CASE.make(account="cornerbistro"))


def test_the_next_scan_stops_listing_at_the_recent_window(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get("/accounts/lookup").respond(json=fixture("mastodon_account.json"))
        listing = router.get(STATUSES).respond(json=fixture("mastodon_statuses_1.json"), headers=link(SECOND))
        pages = collect(CASE.connector(tmp_path), {"watermark": "2024-05-30T00:00:00+00:00"})
    assert listing.call_count == 1  # everything on page 1 is older than the 14-day window
    assert records(pages) == [] and pages[-1].cursor == {"watermark": "2024-05-30T00:00:00+00:00"}


def test_rate_limit_headers_slow_down_then_stop_the_channel(tmp_path: Path) -> None:
    SLEPT.clear()
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.get("/accounts/lookup").respond(
            json=fixture("mastodon_account.json"),
            headers={
                "X-RateLimit-Limit": "300",
                "X-RateLimit-Remaining": "10",
                "X-RateLimit-Reset": "2024-06-01T00:01:40.000Z",  # 100 s after the test clock's now
            },
        )
        router.get(STATUSES).respond(
            json=fixture("mastodon_statuses_1.json"),
            headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2024-06-01T00:10:00Z"},
        )
        context = router.get(path__regex=r"/context$")
        with pytest.raises(RateLimited, match="access returns in about 10 min"):
            collect(CASE.connector(tmp_path))
    assert SLEPT == [10.0]  # 10 requests left for 100 s: one every 10 s
    assert not context.called  # none left for 10 min, longer than max_wait: stop before asking


def test_a_status_continuing_the_accounts_own_thread_is_a_reply_in_it_not_a_post(tmp_path: Path) -> None:
    # `exclude_replies` leaves out replies to other accounts only: the account's reply to its own
    # status comes back in the listing, and again in the first status's context.
    first, second = fixture("mastodon_statuses_1.json")
    continued = {
        **first,
        "id": "112345678901235000",
        "created_at": "2024-05-04T08:01:00.000Z",
        "in_reply_to_id": FIRST,
        "in_reply_to_account_id": ACCOUNT_ID,
        "replies_count": 0,
        "content": "<p>(2/2) Sourdough rye too.</p>",
    }
    context = fixture("mastodon_context.json")
    context["descendants"].insert(0, continued)
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get("/accounts/lookup").respond(json=fixture("mastodon_account.json"))
        router.get(STATUSES).respond(json=[continued, first, second])
        router.get(f"/statuses/{FIRST}/context").respond(json=context)
        router.get(f"/statuses/{SECOND}/context").respond(json=fixture("mastodon_context_small.json"))
        pages = collect(CASE.connector(tmp_path))
        asked = [call.request.url.path for call in router.calls]
    assert [post.platform_id for page in pages for post in page.posts] == [FIRST, SECOND]
    reply = next(c for page in pages for c in page.comments if c.platform_id == continued["id"])
    assert (reply.post_id, reply.parent_id, reply.is_business) == (FIRST, None, True)
    assert f"/api/v1/statuses/{continued['id']}/context" not in asked


# --- media, quotes, deleted statuses, async refresh, one thread failing ------------------------

MEDIA_POST, VIDEO_POST, QUOTE_POST, LOST_QUOTE_POST = (f"11235000000000010{n}" for n in "1234")
REFRESHING = {"Mastodon-Async-Refresh": f'id="ctx-{FIRST}", retry=2, result_count=1'}


def listing_routes(router: respx.MockRouter, statuses: list[Any]) -> None:
    router.get("/accounts/lookup").respond(json=fixture("mastodon_account.json"))
    router.get(STATUSES).respond(json=statuses)  # one page: no Link header


def test_image_video_and_quote_statuses_keep_their_descriptions_and_quoted_text(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        listing_routes(router, fixture("mastodon_statuses_media.json"))
        router.get(f"/statuses/{MEDIA_POST}/context").respond(json=fixture("mastodon_context_media.json"))
        pages = collect(CASE.connector(tmp_path))
    text = {r.platform_id: r.text for r in records(pages)}
    # Empty content: the media descriptions are the text (a medium without one adds nothing).
    assert text[MEDIA_POST] == (
        "[image: A tray of warm cinnamon rolls fresh out of the oven]\n[GIF: Icing drizzled over a roll, in a loop]"
    )
    assert (
        text[VIDEO_POST]
        == "Behind the counter this morning\n\n[video: Our baker shaping baguettes and laughing]"
    )
    # A quote: the "RE: <link>" fallback gives way to the quoted status, marked as quoted.
    assert text[QUOTE_POST] == (
        "Thank you, Jordan! See you next week 💛\n\n"
        "[quoting @jordan@other.example] Best croissant I have had all year at Corner Bistro.\n\n"
        "[image: A flaky croissant on a blue plate]"
    )
    # A quote the instance no longer shows keeps its fallback link.
    assert text[LOST_QUOTE_POST] == "RE: https://other.example/@casey/112340000000009999\n\nWe hear you."
    # A reply that is only a picture keeps its description.
    assert (
        text["112350000000000555"] == "[image: A half-eaten cinnamon roll next to a coffee, with a thumbs up]"
    )


def test_a_deleted_status_skips_its_thread_saying_so_not_to_check_the_account(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    gone = httpx.Response(404, json={"error": "Record not found"})
    with respx.mock(base_url=BASE, assert_all_called=True) as router, caplog.at_level(logging.INFO):
        listing_routes(router, fixture("mastodon_statuses_1.json"))
        router.get(f"/statuses/{FIRST}/context").mock(return_value=gone)
        router.get(f"/statuses/{SECOND}/context").respond(json=fixture("mastodon_context_small.json"))
        pages = collect(CASE.connector(tmp_path))
    assert {r.platform_id for r in records(pages)} == {FIRST, SECOND, "112340000000000777"}
    assert not [f for page in pages for f in page.failed_threads]  # gone: nothing to read again
    skipped = [r.getMessage() for r in caplog.records if "skipped the thread" in r.getMessage()]
    assert len(skipped) == 1 and f"Mastodon status {FIRST} was deleted or is no longer visible" in skipped[0]
    assert "check the account" not in caplog.text

    # The error itself, hint included, does not send the user to the config…
    connector = CASE.connector(tmp_path)
    status = fixture("mastodon_statuses_1.json")[0]

    async def read_thread() -> None:
        async with connector.client() as client:
            async for _ in connector.thread(connector.make_api(client), status, []):
                pass

    with respx.mock(base_url=BASE) as router, pytest.raises(NotFound) as raised:
        router.get(f"/statuses/{FIRST}/context").mock(return_value=gone)
        asyncio.run(read_thread())
    assert "deleted or is no longer visible" in str(raised.value)
    assert "check the account" not in str(raised.value)
    # …while a 404 on the account's lookup still does.
    with respx.mock(base_url=BASE) as router, pytest.raises(NotFound, match="check the account"):
        router.get("/accounts/lookup").mock(return_value=gone)
        collect(CASE.connector(tmp_path))


def test_an_async_refresh_with_a_short_retry_is_waited_through_once_then_read_again(tmp_path: Path) -> None:
    SLEPT.clear()
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        listing_routes(router, fixture("mastodon_statuses_1.json"))
        context = router.get(f"/statuses/{FIRST}/context")
        context.side_effect = [
            httpx.Response(200, json=fixture("mastodon_context_partial.json"), headers=REFRESHING),
            httpx.Response(200, json=fixture("mastodon_context.json")),
        ]
        router.get(f"/statuses/{SECOND}/context").respond(json=fixture("mastodon_context_small.json"))
        pages = collect(CASE.connector(tmp_path))
    assert SLEPT == [2.0] and context.call_count == 2
    replies = [c.platform_id for page in pages for c in page.comments]
    assert sorted(replies) == sorted(
        ["112345678901239999", "112345678901240001", "112345678901250000", "112340000000000777"]
    )  # the reply of the first answer is not stored twice
    assert not [f for page in pages for f in page.failed_threads]


@pytest.mark.parametrize(
    ("header", "wait", "slept", "calls"),
    [
        (f'id="ctx-{FIRST}", retry=30, result_count=1', 5.0, [], 1),  # longer than the wait allowed
        (REFRESHING["Mastodon-Async-Refresh"], 0.0, [], 1),  # waiting turned off
        (REFRESHING["Mastodon-Async-Refresh"], 5.0, [2.0], 2),  # still refreshing after the wait
        (f'id="ctx-{FIRST}"', 5.0, [], 1),  # no retry given
    ],
)
def test_an_async_refresh_not_finished_within_the_scan_leaves_the_thread_for_the_next(
    tmp_path: Path, header: str, wait: float, slept: list[float], calls: int
) -> None:
    SLEPT.clear()
    connector = CASE.connector(tmp_path)
    connector.settings = MastodonSettings(async_refresh_wait=wait)
    refreshing = httpx.Response(
        200, json=fixture("mastodon_context_partial.json"), headers={"Mastodon-Async-Refresh": header}
    )
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        listing_routes(router, fixture("mastodon_statuses_1.json"))
        context = router.get(f"/statuses/{FIRST}/context").mock(return_value=refreshing)
        router.get(f"/statuses/{SECOND}/context").respond(json=fixture("mastodon_context_small.json"))
        pages = collect(connector)
    assert (SLEPT, context.call_count) == (slept, calls)
    replies = {c.platform_id for page in pages for c in page.comments}
    assert replies == {"112345678901239999", "112340000000000777"}  # what came is stored
    (failure,) = [f for page in pages for f in page.failed_threads]
    assert (failure.key, failure.item["id"]) == (FIRST, FIRST)
    assert "still fetching remote replies" in failure.reason and f"ctx-{FIRST}" in failure.reason


def test_a_thread_failing_with_a_500_is_remembered_and_read_first_on_the_next_scan(tmp_path: Path) -> None:
    SLEPT.clear()
    broken = httpx.Response(500, json={"error": "Internal server error"})
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        listing_routes(router, fixture("mastodon_statuses_1.json"))
        failing = router.get(f"/statuses/{FIRST}/context").mock(return_value=broken)
        router.get(f"/statuses/{SECOND}/context").respond(json=fixture("mastodon_context_small.json"))
        pages = collect(CASE.connector(tmp_path))
    assert failing.call_count == MastodonSettings().max_retries + 1
    assert {r.platform_id for r in records(pages)} == {FIRST, SECOND, "112340000000000777"}
    (failure,) = [f for page in pages for f in page.failed_threads]
    assert failure.key == FIRST and "HTTP 500" in failure.reason

    connector = CASE.connector(tmp_path)
    connector.context = replace(connector.context, pending_threads=(failure,))
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        listing_routes(router, fixture("mastodon_statuses_1.json"))
        router.get(f"/statuses/{FIRST}/context").respond(json=fixture("mastodon_context.json"))
        router.get(f"/statuses/{SECOND}/context").respond(json=fixture("mastodon_context_small.json"))
        again = collect(connector)
        asked = [call.request.url.path for call in router.calls]
    assert asked[:2] == ["/api/v1/accounts/lookup", f"/api/v1/statuses/{FIRST}/context"]  # first of all
    assert again[0].resolved_threads == [FIRST] and not again[0].posts
    assert {c.platform_id for c in again[0].comments} >= {"112345678901239999", "112345678901240001"}
    assert not [f for page in again for f in page.failed_threads]


# --- a thread continued after the window, the instance's context caps ------------------------

OLD_ROOT, CONTINUED, OTHERS_THREAD = "112364775014400000", "112534644326400000", "112535352115200000"
TWO_DAYS_AGO = {"watermark": "2024-05-30T00:00:00+00:00"}


def test_a_status_continuing_an_old_thread_of_the_account_is_stored_with_its_replies_in_that_thread(
    tmp_path: Path,
) -> None:
    # The thread began 30 days ago, outside recent_days: its first status is not read this scan.
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        listing_routes(router, fixture("mastodon_statuses_selfthread.json"))
        router.get(f"/statuses/{CONTINUED}/context").respond(
            json=fixture("mastodon_context_continuation.json")
        )
        # The account's reply to its own reply in another account's thread: not its thread.
        router.get(f"/statuses/{OTHERS_THREAD}/context").respond(
            json=fixture("mastodon_context_other_thread.json")
        )
        pages = collect(CASE.connector(tmp_path), TWO_DAYS_AGO)
        asked = [call.request.url.path for call in router.calls]
    assert f"/api/v1/statuses/{OLD_ROOT}/context" not in asked
    assert not [post for page in pages for post in page.posts]
    comments = {c.platform_id: c for page in pages for c in page.comments}
    assert set(comments) == {CONTINUED, "112534927441920000", "112535037542400000"}
    continued = comments[CONTINUED]
    assert (continued.post_id, continued.parent_id, continued.is_business) == (OLD_ROOT, None, True)
    assert continued.text == "Actualización: este lunes cerramos por inventario."
    question, answer = comments["112534927441920000"], comments["112535037542400000"]
    assert (question.post_id, question.parent_id, question.is_business) == (OLD_ROOT, CONTINUED, False)
    assert (answer.post_id, answer.parent_id, answer.is_business) == (OLD_ROOT, question.platform_id, True)
    assert not [f for page in pages for f in page.failed_threads]


def status_reply(number: int, parent: str, *, replies: int = 0, account: str = "5000") -> dict[str, Any]:
    return {
        "id": f"1123500000000{number:05d}",
        "created_at": "2024-05-04T09:00:00.000Z",
        "in_reply_to_id": parent,
        "in_reply_to_account_id": ACCOUNT_ID,
        "replies_count": replies,
        "content": f"<p>me! {number}</p>",
        "account": {"id": account, "username": f"u{number}", "acct": f"u{number}@other.example"},
    }


def collect_aside(connector: MastodonConnector) -> list[Page]:
    """`conformance.collect`, the pages kept aside instead of returned by the coroutine `asyncio.run`
    runs: on Python 3.11, restoring SIGINT at the end of `asyncio.run` formats the repr of its main
    task, result included (signal._int_to_enum's ValueError for the functools.partial holding the
    task), which for 4,096 replies cost 0.26 s of CPU, a third of the test."""
    pages: list[Page] = []

    async def run() -> None:
        async for page in connector.pages(None):
            pages.append(page)
            assert len(pages) < 500, "more than 500 pages: the connector does not stop"

    asyncio.run(asyncio.wait_for(run(), timeout=20))
    return pages


def giveaway(replies_count: int) -> dict[str, Any]:
    first = fixture("mastodon_statuses_1.json")[0]
    return {**first, "replies_count": replies_count, "content": "<p>Giveaway! Reply to enter</p>"}


@pytest.mark.parametrize(
    ("token", "cap", "fix"),
    [(None, 60, "set the channel's access_token"), (TOKEN, 4_096, "Mastodon shows no more")],
)
def test_a_context_at_the_instances_cap_is_stored_with_a_warning_naming_the_fix(
    tmp_path: Path, token: str | None, cap: int, fix: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A warning, not a partial thread: the instance never shows this reader more, and a partial
    thread would keep the channel partial, and its alerts off, on every scan."""
    connector = CASE.connector(tmp_path)
    connector.settings = MastodonSettings(access_token=token)
    capped = {"ancestors": [], "descendants": [status_reply(n, FIRST) for n in range(cap)]}
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        listing_routes(router, [giveaway(cap + 15)])
        router.get(f"/statuses/{FIRST}/context").respond(json=capped)
        pages = collect_aside(connector)
    assert len([c for page in pages for c in page.comments]) == cap  # what came is stored
    assert not [f for page in pages for f in page.failed_threads]
    (warned,) = [r.getMessage() for r in caplog.records if "at most" in r.getMessage()]
    assert f"status {FIRST}" in warned and f"at most {cap:,} replies" in warned and fix in warned
    caplog.clear()

    # As many replies as the cap, and the replies_counts say there are no more: a whole thread.
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        listing_routes(router, [giveaway(cap)])
        router.get(f"/statuses/{FIRST}/context").respond(json=capped)
        pages = collect_aside(connector)
    assert not [f for page in pages for f in page.failed_threads]
    assert not [r for r in caplog.records if "at most" in r.getMessage()]


def chain(numbers: range, parent: str) -> list[dict[str, Any]]:
    """Replies each answering the one before, the last with one reply the instance did not show."""
    statuses = []
    for number in numbers:
        statuses.append(status_reply(number, parent, replies=1))
        parent = statuses[-1]["id"]
    return statuses


def test_replies_below_the_depth_limit_are_read_again_from_the_deepest_status(tmp_path: Path) -> None:
    shown = chain(range(20), FIRST)  # 20 levels: what a reader without a token sees
    deepest = shown[-1]["id"]
    below = status_reply(99, deepest, account="6000")
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        listing_routes(router, [giveaway(1)])
        router.get(f"/statuses/{FIRST}/context").respond(json={"ancestors": [], "descendants": shown})
        router.get(f"/statuses/{deepest}/context").respond(json={"ancestors": shown, "descendants": [below]})
        pages = collect(CASE.connector(tmp_path))
    comments = {c.platform_id: c for page in pages for c in page.comments}
    assert len(comments) == 21
    assert (comments[below["id"]].post_id, comments[below["id"]].parent_id) == (FIRST, deepest)
    assert not [f for page in pages for f in page.failed_threads]


def test_deep_branches_past_the_budget_are_left_for_the_next_scan_which_reads_only_them(
    tmp_path: Path,
) -> None:
    first_branch, second_branch = chain(range(20), FIRST), chain(range(100, 120), FIRST)
    below = status_reply(299, second_branch[-1]["id"], account="6000")
    connector = CASE.connector(tmp_path)
    connector.settings = MastodonSettings(deep_context_requests=1)
    shown = {"ancestors": [], "descendants": [*first_branch, *second_branch]}
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        listing_routes(router, [giveaway(2)])
        router.get(f"/statuses/{FIRST}/context").respond(json=shown)
        router.get(f"/statuses/{first_branch[-1]['id']}/context").respond(
            json={"ancestors": [], "descendants": []}
        )
        pages = collect(connector)
    (failure,) = [f for page in pages for f in page.failed_threads]
    assert failure.key == FIRST and "deep_context_requests" in failure.reason
    assert failure.item["socialmon_unread"] == [second_branch[-1]["id"]]

    connector.context = replace(connector.context, pending_threads=(failure,))
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        listing_routes(router, [])
        deeper = router.get(f"/statuses/{second_branch[-1]['id']}/context")
        deeper.respond(json={"ancestors": [], "descendants": [below]})
        again = collect(connector)
    assert again[0].resolved_threads == [FIRST]
    assert [(c.platform_id, c.post_id) for c in again[0].comments] == [(below["id"], FIRST)]
