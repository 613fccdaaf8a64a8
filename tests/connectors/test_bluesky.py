"""The `bluesky` connector: author feed with cursors, reposts left out, reply threads, deep branches, errors."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conformance import HttpCase, collect, conformance_suite, fixture, records

from socialmon_connectors import AuthError, ChannelContext, NotFound, PlatformError, RateLimited
from socialmon_connectors.bluesky import (
    BlueskyConnector,
    BlueskySettings,
    parse_account,
    parse_post,
    sort_time,
    walk_thread,
)

BASE = "https://public.api.bsky.app/xrpc"
DID = "did:plc:cornerbistro123"
HANDLE = "cornerbistro.bsky.social"
POST_A = f"at://{DID}/app.bsky.feed.post/3kq2abcxyz22"
POST_B = f"at://{DID}/app.bsky.feed.post/3kq1aaaaaaa2"
POST_C = f"at://{DID}/app.bsky.feed.post/3kp9zzzzzzz1"
FEED, THREAD = "/app.bsky.feed.getAuthorFeed", "/app.bsky.feed.getPostThread"


def xrpc_error(name: str, message: str) -> dict[str, str]:
    return {"error": name, "message": message}


class BlueskyCase(HttpCase):
    base_url = BASE
    errors = {  # noqa: RUF012
        "unknown handle": NotFound,
        "rate limited": RateLimited,
        "blocked": PlatformError,
        "login wanted": AuthError,
    }

    def make(self, account: str = HANDLE, **options: Any) -> BlueskyConnector:
        settings = BlueskySettings(**options)
        return BlueskyConnector(settings, ChannelContext(brand="b", channel="bsky", account=account))

    def routes(self, router: respx.MockRouter) -> None:
        router.get("/app.bsky.actor.getProfile", params={"actor": HANDLE}).respond(
            json=fixture("bluesky_profile.json")
        )
        cursor = fixture("bluesky_feed_1.json")["cursor"]
        router.get(FEED, params={"cursor": cursor}).respond(json=fixture("bluesky_feed_2.json"))
        router.get(FEED).respond(json=fixture("bluesky_feed_1.json"))
        router.get(THREAD, params={"uri": POST_A}).respond(json=fixture("bluesky_thread.json"))
        router.get(THREAD, params={"uri": POST_B}).respond(json=fixture("bluesky_thread_small.json"))

    def repeating(self, tmp_path: Path) -> respx.MockRouter:
        router = respx.mock(base_url=BASE, assert_all_mocked=True)
        router.get("/app.bsky.actor.getProfile").respond(json=fixture("bluesky_profile.json"))
        router.get(FEED).respond(json=fixture("bluesky_feed_1.json"))  # the same cursor, forever
        router.get(THREAD).respond(json={"thread": {"$type": "app.bsky.feed.defs#notFoundPost"}})
        return router

    def error_response(self, failure: str) -> httpx.Response:
        return {
            "unknown handle": httpx.Response(400, json=xrpc_error("InvalidRequest", "Profile not found")),
            "rate limited": httpx.Response(429, json=xrpc_error("RateLimitExceeded", "Rate Limit Exceeded")),
            "blocked": httpx.Response(
                400, json=xrpc_error("BlockedByActor", "Requester is blocked by actor")
            ),
            "login wanted": httpx.Response(401, json=xrpc_error("AuthMissing", "Authentication Required")),
        }[failure]


CASE = BlueskyCase()
TestConformance = conformance_suite(CASE)


# --- parsing (pure) ------------------------------------------------------------------------


def test_the_earlier_of_created_and_indexed_times_dates_a_post() -> None:
    feed = fixture("bluesky_feed_1.json")["feed"]
    patio, _, menu = (item["post"] for item in feed)
    assert sort_time(patio) == datetime(2024, 5, 5, 7, tzinfo=UTC)
    assert sort_time(menu) == datetime(2024, 5, 3, 10, tzinfo=UTC)  # createdAt says the future
    post = parse_post(menu, DID)
    assert post.url == f"https://bsky.app/profile/{DID}/post/3kq1aaaaaaa2"  # stable across renames
    assert (post.text, post.is_business, post.comment_count) == ("Nuevo menú de primavera 🌸", True, 1)
    assert sort_time({"indexedAt": "2024-05-01T00:00:00Z", "record": {"createdAt": "garbled"}}) == datetime(
        2024, 5, 1, tzinfo=UTC
    )


def test_the_thread_walk_keeps_visible_replies_and_skips_deleted_and_blocked_ones() -> None:
    rejected: list[Any] = []
    replies, cut = walk_thread(fixture("bluesky_thread.json")["thread"], POST_A, DID, rejected, 10)
    by_text = {r.text: r for r in replies}
    assert set(by_text) == {"Dogs allowed?", "Of course! 🐶", "¿Abren el lunes? 🙏"}
    question, answer = by_text["Dogs allowed?"], by_text["Of course! 🐶"]
    assert (question.parent_id, question.is_business, question.author_name) == (
        None,
        False,
        "robin.bsky.social",
    )
    assert (answer.parent_id, answer.is_business, answer.post_id) == (question.platform_id, True, POST_A)
    assert by_text["¿Abren el lunes? 🙏"].author_name == "Ana Lucía"
    assert [r.location for r in rejected] == [
        "Bluesky reply at://did:plc:bad000/app.bsky.feed.post/3kq2abi66666"
    ]
    assert cut == []


@pytest.mark.parametrize(
    ("account", "expected"),
    [("cornerbistro.bsky.social", HANDLE), ("@shop.example.com", "shop.example.com"), (DID, DID)],
)
def test_account_forms(account: str, expected: str) -> None:
    assert parse_account(account) == expected


@pytest.mark.parametrize("account", ["cornerbistro", "@", "name bsky.social", "did:plc:"])
def test_malformed_accounts_say_how_to_write_them(account: str) -> None:
    with pytest.raises(ValueError, match=r"name\.bsky\.social"):
        parse_account(account)


# --- through respx ---------------------------------------------------------------------------


def test_full_scan_leaves_out_reposts_and_reads_threads_of_posts_with_replies(tmp_path: Path) -> None:
    with CASE.healthy(tmp_path) as router:
        pages = collect(CASE.connector(tmp_path))
        calls = [call.request.url for call in router.calls]
    ids = {r.platform_id for r in records(pages)}
    assert ids == {
        POST_A,
        POST_B,
        POST_C,
        "at://did:plc:robin456/app.bsky.feed.post/3kq2abd11111",
        f"at://{DID}/app.bsky.feed.post/3kq2abe22222",
        "at://did:plc:ana789/app.bsky.feed.post/3kq2abh55555",
        "at://did:plc:sam321/app.bsky.feed.post/3kq1bbbbbbb3",
    }
    feed = [url for url in calls if url.path.endswith("getAuthorFeed")]
    assert feed[0].params["actor"] == DID and feed[0].params["filter"] == "posts_no_replies"
    threads = [url.params["uri"] for url in calls if url.path.endswith("getPostThread")]
    assert threads == [POST_A, POST_B]  # POST_C has no replies
    assert threads and all(url.params.get("parentHeight") == "0" for url in calls if "Thread" in url.path)


def test_a_branch_cut_at_the_depth_limit_is_read_again_from_its_deepest_post(tmp_path: Path) -> None:
    def node(uri: str, replies: list[Any], reply_count: int) -> dict[str, Any]:
        post = {
            "uri": uri,
            "cid": "c",
            "author": {"did": "did:plc:x", "handle": "x.bsky.social"},
            "record": {"text": uri[-1], "createdAt": "2024-05-05T08:00:00Z"},
            "replyCount": reply_count,
            "indexedAt": "2024-05-05T08:00:01Z",
        }
        return {"$type": "app.bsky.feed.defs#threadViewPost", "post": post, "replies": replies}

    a, b, c = (f"at://did:plc:x/app.bsky.feed.post/{k}" for k in "abc")
    first = {"thread": node(POST_A, [node(a, [node(b, [], 1)], 1)], 1)}
    deeper = {"thread": node(b, [node(c, [], 0)], 1)}
    connector = CASE.connector(tmp_path)
    connector.settings = BlueskySettings(thread_depth=2)
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get("/app.bsky.actor.getProfile").respond(json=fixture("bluesky_profile.json"))
        router.get(FEED).respond(json={"feed": fixture("bluesky_feed_1.json")["feed"][:1]})
        router.get(THREAD, params={"uri": b}).respond(json=deeper)
        router.get(THREAD, params={"uri": POST_A}).respond(json=first)
        pages = collect(connector)
    replies = {r.platform_id: r for r in records(pages) if r.platform_id != POST_A}
    assert set(replies) == {a, b, c}
    assert (replies[c].parent_id, replies[c].post_id) == (b, POST_A)


def test_a_post_with_no_valid_time_is_reported_by_its_uri_and_the_rest_kept(tmp_path: Path) -> None:
    feed = fixture("bluesky_feed_1.json")
    del feed["feed"][0]["post"]["indexedAt"]
    del feed["cursor"]
    with respx.mock(base_url=BASE) as router:
        router.get("/app.bsky.actor.getProfile").respond(json=fixture("bluesky_profile.json"))
        router.get(FEED).respond(json=feed)
        router.get(THREAD, params={"uri": POST_B}).respond(json=fixture("bluesky_thread_small.json"))
        pages = collect(CASE.connector(tmp_path))
    rejected = [r for page in pages for r in page.rejected]
    assert [r.location for r in rejected] == [f"Bluesky post {POST_A}"]
    assert "no valid time" in rejected[0].reason
    assert POST_B in {r.platform_id for r in records(pages)}


def test_an_unknown_handle_names_the_account_form(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE) as router:
        router.get("/app.bsky.actor.getProfile").respond(
            400, json=xrpc_error("InvalidRequest", "Profile not found")
        )
        with pytest.raises(NotFound, match=r"Profile not found .*name\.bsky\.social"):
            collect(CASE.connector(tmp_path))
        assert len(router.calls) == 1  # not retried


def test_a_malformed_account_fails_before_any_request(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE) as router, pytest.raises(NotFound, match="not a Bluesky account"):
        collect(CASE.make(account="not a handle"))
    assert not router.calls


# --- what the feed holds besides posts, media and quotes, one thread failing -------------------

ROOT = f"at://{DID}/app.bsky.feed.post/3kr5root0000"
SELF_REPLY = f"at://{DID}/app.bsky.feed.post/3kr5self0001"
REPLY_ELSEWHERE = f"at://{DID}/app.bsky.feed.post/3kr4else0001"
DEEP_REPLY_ELSEWHERE = f"at://{DID}/app.bsky.feed.post/3kr3deep0002"
PICTURE_REPLY = "at://did:plc:riley147/app.bsky.feed.post/3kr5pic00001"


def media_post(rkey: str) -> str:
    return f"at://{DID}/app.bsky.feed.post/{rkey}"


def test_replies_to_other_peoples_threads_and_reposts_are_left_out_whatever_the_filter_served(
    tmp_path: Path,
) -> None:
    # An AppView that ignored `posts_no_replies`: the account's replies in its own thread and in
    # other people's, its repost of a customer's post and of its own.
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get("/app.bsky.actor.getProfile").respond(json=fixture("bluesky_profile.json"))
        router.get(FEED).respond(json=fixture("bluesky_feed_mixed.json"))
        router.get(THREAD, params={"uri": ROOT}).respond(json=fixture("bluesky_thread_selfthread.json"))
        pages = collect(CASE.connector(tmp_path))
        threads = [c.request.url.params["uri"] for c in router.calls if c.request.url.path.endswith(THREAD)]
    assert [post.platform_id for page in pages for post in page.posts] == [ROOT]
    assert threads == [ROOT]  # not the threads of the account's replies elsewhere
    comments = {c.platform_id: c for page in pages for c in page.comments}
    assert set(comments) == {SELF_REPLY, PICTURE_REPLY}
    # The self-thread is kept, as the business's reply in its own thread.
    assert (comments[SELF_REPLY].post_id, comments[SELF_REPLY].parent_id) == (ROOT, None)
    assert comments[SELF_REPLY].is_business
    assert REPLY_ELSEWHERE not in comments and DEEP_REPLY_ELSEWHERE not in comments
    # A reply that is only a picture keeps its alt text.
    assert comments[PICTURE_REPLY].text == "[image: Two loaves of bread in a paper bag, held up with a grin]"


def test_image_video_and_quote_posts_keep_their_alt_texts_and_quoted_text() -> None:
    posts = {item["post"]["uri"]: item["post"] for item in fixture("bluesky_feed_media.json")["feed"]}
    text = {uri: parse_post(post, DID).text for uri, post in posts.items()}
    # Empty text: the alt texts are the text (an image without one adds nothing).
    assert text[media_post("3ks1imgs0001")] == "[image: Strawberry tart with a glossy glaze]"
    assert (
        text[media_post("3ks1vide0001")]
        == "Friday prep 🎬\n\n[video: Chef flipping crêpes two pans at a time]"
    )
    assert text[media_post("3ks1quot0001")] == (
        "This made our week 🥹\n\n[quoting @avery.bsky.social] "
        "Corner Bistro's onion soup is the best in the city, no contest.\n\n"
        "[image: A bowl of onion soup with melted cheese]"
    )
    assert text[media_post("3ks1rwmd0001")] == (
        "[image: Handwritten sign: gluten-free bread every day]\n\n"
        "[quoting @drew.bsky.social] Does anyone nearby bake gluten-free bread?"
    )
    assert text[media_post("3ks1gone0001")] == "We are on it."  # the quoted post was deleted
    # Without the AppView's view, the record's own embed still has the alt texts.
    assert text[media_post("3ks1rawi0001")] == "[image: Menu board for the week]"


def test_a_thread_failing_is_remembered_and_read_first_on_the_next_scan(tmp_path: Path) -> None:
    refused = httpx.Response(400, json=xrpc_error("InvalidRequest", "Thread view is unavailable"))
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get("/app.bsky.actor.getProfile").respond(json=fixture("bluesky_profile.json"))
        router.get(FEED).respond(json={"feed": fixture("bluesky_feed_1.json")["feed"]})
        failing = router.get(THREAD, params={"uri": POST_A}).mock(return_value=refused)
        router.get(THREAD, params={"uri": POST_B}).respond(json=fixture("bluesky_thread_small.json"))
        pages = collect(CASE.connector(tmp_path))
    assert failing.call_count == 1  # a platform error, not retried
    assert {r.platform_id for r in records(pages)} == {
        POST_A,
        POST_B,
        "at://did:plc:sam321/app.bsky.feed.post/3kq1bbbbbbb3",
    }
    (failure,) = [f for page in pages for f in page.failed_threads]
    assert failure.key == POST_A and "Thread view is unavailable" in failure.reason
    assert failure.item == {"uri": POST_A, "replyCount": 3}

    connector = CASE.connector(tmp_path)
    connector.context = replace(connector.context, pending_threads=(failure,))
    with respx.mock(base_url=BASE) as router:
        router.get("/app.bsky.actor.getProfile").respond(json=fixture("bluesky_profile.json"))
        router.get(FEED).respond(json={"feed": fixture("bluesky_feed_1.json")["feed"]})
        router.get(THREAD, params={"uri": POST_A}).respond(json=fixture("bluesky_thread.json"))
        router.get(THREAD, params={"uri": POST_B}).respond(json=fixture("bluesky_thread_small.json"))
        again = collect(connector)
        asked = [call.request.url for call in router.calls]
    assert asked[1].path.endswith(THREAD) and asked[1].params["uri"] == POST_A  # right after the profile
    assert again[0].resolved_threads == [POST_A] and not again[0].posts
    assert "at://did:plc:robin456/app.bsky.feed.post/3kq2abd11111" in {
        c.platform_id for c in again[0].comments
    }
    assert not [f for page in again for f in page.failed_threads]


# --- a thread continued after the window, deep branches past the budget -----------------------

OLD_ROOT = f"at://{DID}/app.bsky.feed.post/3ksroot00001"
CONTINUED = f"at://{DID}/app.bsky.feed.post/3ktcont00001"
QUESTION = "at://did:plc:lucia246/app.bsky.feed.post/3ktcust00001"
ANSWER = f"at://{DID}/app.bsky.feed.post/3ktansw00001"


def test_a_reply_continuing_an_old_thread_of_the_account_is_stored_with_its_replies_in_that_thread(
    tmp_path: Path,
) -> None:
    # The thread began 30 days ago, outside recent_days: its first post is not read this scan.
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get("/app.bsky.actor.getProfile").respond(json=fixture("bluesky_profile.json"))
        router.get(FEED).respond(json=fixture("bluesky_feed_selfthread_old.json"))
        router.get(THREAD, params={"uri": CONTINUED}).respond(
            json=fixture("bluesky_thread_continuation.json")
        )
        pages = collect(CASE.connector(tmp_path), {"watermark": "2024-05-30T00:00:00+00:00"})
        threads = [c.request.url.params["uri"] for c in router.calls if c.request.url.path.endswith(THREAD)]
    assert threads == [CONTINUED]
    assert not [post for page in pages for post in page.posts]
    comments = {c.platform_id: c for page in pages for c in page.comments}
    assert set(comments) == {CONTINUED, QUESTION, ANSWER}
    assert (comments[CONTINUED].post_id, comments[CONTINUED].parent_id) == (OLD_ROOT, None)
    assert comments[CONTINUED].is_business
    assert comments[CONTINUED].text == "Actualización: este lunes cerramos por inventario."
    assert (comments[QUESTION].post_id, comments[QUESTION].parent_id) == (OLD_ROOT, CONTINUED)
    assert (comments[ANSWER].post_id, comments[ANSWER].parent_id) == (OLD_ROOT, QUESTION)
    assert not [f for page in pages for f in page.failed_threads]

    # Its thread remembered after a failure is read again in the old thread.
    continued = fixture("bluesky_feed_selfthread_old.json")["feed"][0]["post"]
    remembered = CASE.connector(tmp_path).retry_item(continued)
    assert remembered["record"]["reply"]["root"]["uri"] == OLD_ROOT


def thread_node(uri: str, replies: list[Any] | None, reply_count: int) -> dict[str, Any]:
    post = {
        "uri": uri,
        "cid": "bafyreideep",
        "author": {"did": "did:plc:x", "handle": "x.bsky.social"},
        "record": {"$type": "app.bsky.feed.post", "text": uri[-2:], "createdAt": "2024-05-05T08:00:00Z"},
        "replyCount": reply_count,
        "indexedAt": "2024-05-05T08:00:01Z",
    }
    node = {"$type": "app.bsky.feed.defs#threadViewPost", "post": post}
    return node if replies is None else {**node, "replies": replies}


def test_deep_branches_past_the_budget_leave_the_thread_partial_and_the_next_scan_reads_them(
    tmp_path: Path,
) -> None:
    a1, a2, b1, b2, b3 = (f"at://did:plc:x/app.bsky.feed.post/{k}" for k in ("a1", "a2", "b1", "b2", "b3"))
    # Two branches cut at depth 2 (no `replies` below a post that has some); one extra request allowed.
    first = {
        "thread": thread_node(
            POST_A,
            [thread_node(a1, [thread_node(a2, None, 1)], 1), thread_node(b1, [thread_node(b2, None, 1)], 1)],
            2,
        )
    }
    connector = CASE.connector(tmp_path)
    connector.settings = BlueskySettings(thread_depth=2, deep_thread_requests=1)
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get("/app.bsky.actor.getProfile").respond(json=fixture("bluesky_profile.json"))
        router.get(FEED).respond(json={"feed": fixture("bluesky_feed_1.json")["feed"][:1]})
        router.get(THREAD, params={"uri": POST_A}).respond(json=first)
        router.get(THREAD, params={"uri": b2}).respond(json={"thread": thread_node(b2, [], 1)})
        pages = collect(connector)
    (failure,) = [f for page in pages for f in page.failed_threads]
    assert failure.key == POST_A and "deep_thread_requests" in failure.reason
    assert failure.item["socialmon_unread"] == [a2]

    connector.context = replace(connector.context, pending_threads=(failure,))
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get("/app.bsky.actor.getProfile").respond(json=fixture("bluesky_profile.json"))
        router.get(FEED).respond(json={"feed": []})
        deeper = router.get(THREAD, params={"uri": a2})
        deeper.respond(json={"thread": thread_node(a2, [thread_node(b3, [], 0)], 1)})
        again = collect(connector)
    assert again[0].resolved_threads == [POST_A]
    assert [(c.platform_id, c.post_id, c.parent_id) for c in again[0].comments] == [(b3, POST_A, a2)]
