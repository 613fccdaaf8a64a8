"""The `reddit` connector: listings by `after`, comment trees, "load more" stubs, deletions, OAuth, 429s."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conformance import HttpCase, collect, conformance_suite, fixture, records
from reddit_things import listing, more, permalink, t1, t3
from sqlalchemy import select

from socialmon.config import BrandConfig, ChannelConfig
from socialmon.database import open_database
from socialmon.models import Post
from socialmon.sentiment import get_scorer
from socialmon.storage import Store
from socialmon_connectors import AuthError, ChannelContext, NotFound, PlatformError, RateLimited
from socialmon_connectors.reddit import (
    RESUME,
    SCAN_MORE_OAUTH,
    SCAN_MORE_PUBLIC,
    RedditConnector,
    RedditSettings,
    more_budget,
    parse_account,
    parse_comment,
    parse_submission,
    user_agent,
    walk_comments,
)

BASE = "https://www.reddit.com"
OAUTH = "https://oauth.reddit.com"
SUB = "r/cornerbistro"
BUSINESS = frozenset({"cornerbistro"})
NEW = "/r/cornerbistro/new.json"
CLIENT_ID, CLIENT_SECRET, ACCESS = "appID123", "appSECRETxyz", "redditTOKEN789"


def reddit_error(status: int, message: str, reason: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message, "error": status}
    if reason:
        body["reason"] = reason
    return body


class RedditCase(HttpCase):
    base_url = BASE
    errors = {  # noqa: RUF012
        "private subreddit": PlatformError,
        "banned subreddit": NotFound,
        "rate limited": RateLimited,
        "unauthorized": AuthError,
    }

    def make(self, account: str = SUB, **options: Any) -> RedditConnector:
        settings = RedditSettings(username="cornerbistro", **options)
        return RedditConnector(settings, ChannelContext(brand="b", channel="reddit", account=account))

    def routes(self, router: respx.MockRouter) -> None:
        router.get(NEW, params={"after": "t3_1caa999"}).respond(json=fixture("reddit_new_2.json"))
        router.get(NEW).respond(json=fixture("reddit_new_1.json"))
        router.get("/comments/1cabc12.json", params={"comment": "l2x0002"}).respond(
            json=fixture("reddit_continue.json")
        )
        router.get("/comments/1cabc12.json").respond(json=fixture("reddit_comments.json"))
        router.get("/comments/1caa999.json").respond(json=fixture("reddit_comments_small.json"))
        router.get("/api/morechildren.json").respond(json=fixture("reddit_morechildren.json"))

    def repeating(self, tmp_path: Path) -> respx.MockRouter:
        router = respx.mock(base_url=BASE, assert_all_mocked=True)
        router.get(NEW).respond(json=fixture("reddit_new_1.json"))  # "after" is always the same
        router.get(path__regex=r"/comments/").respond(json=[{}, {"data": {"children": []}}])
        return router

    def positional(self, request: httpx.Request, path: tuple[str | int, ...]) -> bool:
        # comments/<id> answers [the post's listing, the comments' listing]: a pair, not a listing.
        return path == () and "/comments/" in request.url.path

    def error_response(self, failure: str) -> httpx.Response:
        return {
            "private subreddit": httpx.Response(403, json=reddit_error(403, "Forbidden", "private")),
            "banned subreddit": httpx.Response(404, json=reddit_error(404, "Not Found", "banned")),
            "rate limited": httpx.Response(429, text="<html>Too Many Requests</html>"),
            "unauthorized": httpx.Response(401, json=reddit_error(401, "Unauthorized")),
        }[failure]


CASE = RedditCase()
TestConformance = conformance_suite(CASE)


# --- parsing (pure) ------------------------------------------------------------------------


def test_submissions_keep_title_and_body_mark_removals_and_clamp_negative_scores() -> None:
    ours, theirs = (child["data"] for child in fixture("reddit_new_1.json")["data"]["children"])
    post = parse_submission(ours, BUSINESS)
    assert (post.text, post.is_business, post.like_count, post.comment_count) == (
        "We're opening a second shop!\n\nDetails inside & more soon.",  # raw_json=1: no &amp; escaping
        True,
        57,
        8,
    )
    assert post.url == "https://www.reddit.com/r/cornerbistro/comments/1cabc12/were_opening_a_second_shop/"
    customer = parse_submission(theirs, BUSINESS)
    assert (customer.is_business, customer.like_count, customer.author_name) == (False, 0, "ana_quito")
    assert customer.edited_at == datetime(2024, 5, 3, 12, 40, 0, 500000, tzinfo=UTC)
    removed = parse_submission(fixture("reddit_new_2.json")["data"]["children"][0]["data"], BUSINESS)
    assert (removed.deleted, removed.text, removed.author_name) == (True, "", None)


def test_the_comment_tree_with_deletions_edits_business_replies_and_stubs() -> None:
    rejected: list[Any] = []
    things = fixture("reddit_comments.json")[1]["data"]["children"]
    comments, stubs = walk_comments(things, "1cabc12", BUSINESS, rejected)
    by_id = {c.platform_id: c for c in comments}
    assert set(by_id) == {"l2x0001", "l2x0002", "l2x0005", "l2x0006", "l2x0007"}
    question, answer = by_id["l2x0001"], by_id["l2x0002"]
    assert question.parent_id is None and question.edited_at == datetime(2024, 5, 5, 9, 15, tzinfo=UTC)
    assert (answer.parent_id, answer.is_business, answer.text) == (
        "l2x0001",
        True,
        "Main & 3rd, opening June!",
    )
    for gone in ("l2x0005", "l2x0006"):
        assert (by_id[gone].deleted, by_id[gone].text, by_id[gone].author_name) == (True, "", None)
    assert by_id["l2x0007"].text == "¡Por fin! 🎉 Ya era hora"
    assert [(s.children, s.parent) for s in stubs] == [
        (["l2x0003", "l2x0004"], "t3_1cabc12"),  # breadth first: the top level's stub comes first
        ([], "t1_l2x0002"),
    ]
    assert [r.location for r in rejected] == ["Reddit comment l2x0009"]


def test_deleted_posts_come_without_text_and_withheld_authors_without_a_name_or_id() -> None:
    """So that storage keeps the title and body (and the author) it has: a title alone replaced them."""
    by_author, by_moderator = (c["data"] for c in fixture("reddit_new_deleted.json")["data"]["children"])
    deleted = parse_submission(by_author, BUSINESS)
    assert (deleted.deleted, deleted.text, deleted.author_id, deleted.author_name) == (True, "", None, None)
    removed = parse_submission(by_moderator, BUSINESS)
    assert (removed.deleted, removed.text, removed.author_name) == (True, "", "soup_critic")
    # A moderator still sees the body of a post they removed: the words are sent, marked deleted.
    seen_by_a_moderator = parse_submission({**by_moderator, "selftext": "Second time this month."}, BUSINESS)
    assert (seen_by_a_moderator.deleted, seen_by_a_moderator.text) == (
        True,
        "Found a hair in my soup\n\nSecond time this month.",
    )
    # An account deleted: its comment stays, words intact, with no author (Reddit drops the fullname).
    reply = fixture("reddit_comments_small.json")[1]["data"]["children"][0]["data"]
    orphan = parse_comment({**reply, "author": "[deleted]"}, "1caa999", BUSINESS)
    assert (orphan.author_id, orphan.author_name, orphan.is_business, orphan.deleted) == (
        None,
        None,
        False,
        False,
    )
    assert orphan.text == reply["body"]


def test_business_names_match_whatever_their_case() -> None:
    raw = fixture("reddit_morechildren.json")["json"]["data"]["things"][1]["data"]
    assert parse_comment(raw, "1cabc12", BUSINESS).is_business  # "CornerBistro"


@pytest.mark.parametrize(
    ("account", "expected"),
    [
        ("r/cornerbistro", ("r", "cornerbistro")),
        ("/r/cornerbistro/", ("r", "cornerbistro")),
        ("u/corner_bistro", ("user", "corner_bistro")),
        ("/user/corner-bistro", ("user", "corner-bistro")),
        ("https://www.reddit.com/r/cornerbistro", ("r", "cornerbistro")),
    ],
)
def test_account_forms(account: str, expected: tuple[str, str]) -> None:
    assert parse_account(account) == expected


@pytest.mark.parametrize("account", ["cornerbistro", "r/", "x/cornerbistro", "r/has space"])
def test_malformed_accounts_say_how_to_write_them(account: str) -> None:
    with pytest.raises(ValueError, match="r/<subreddit> or u/<username>"):
        parse_account(account)


def test_the_user_agent_has_the_form_reddit_requires() -> None:
    assert user_agent("cornerbistro").startswith("python:socialmon:")
    assert user_agent("cornerbistro").endswith(" (by /u/cornerbistro)")


def test_credentials_come_in_pairs() -> None:
    with pytest.raises(ValueError, match="both client_id and client_secret"):
        RedditSettings(client_id="a")
    with pytest.raises(ValueError, match="also needs username"):
        RedditSettings(client_id="a", client_secret="b", password="c")


# --- through respx ---------------------------------------------------------------------------


def test_full_scan_expands_load_more_and_continue_this_thread(tmp_path: Path) -> None:
    with CASE.healthy(tmp_path) as router:
        pages = collect(CASE.connector(tmp_path))
        calls = [call.request for call in router.calls]
    by_id = {r.platform_id: r for r in records(pages)}
    assert set(by_id) == {
        "1cabc12",
        "1caa999",
        "1c9zzzz",
        "l2x0001",
        "l2x0002",
        "l2x0003",
        "l2x0004",
        "l2x0005",
        "l2x0006",
        "l2x0007",
        "l2x0008",
        "l1y0001",
    }
    assert (by_id["l2x0004"].parent_id, by_id["l2x0004"].is_business) == ("l2x0003", True)
    assert by_id["l2x0008"].parent_id == "l2x0002"
    for request in calls:
        assert request.headers["User-Agent"] == user_agent("cornerbistro")
        assert request.url.params["raw_json"] == "1"
    more = next(r.url.params for r in calls if "morechildren" in r.url.path)
    assert (more["link_id"], more["children"], more["api_type"]) == ("t3_1cabc12", "l2x0003,l2x0004", "json")
    assert not any(r.url.path == "/comments/1c9zzzz.json" for r in calls)  # no comments: no request


def test_a_post_with_no_valid_time_is_reported_by_its_id_and_the_rest_kept(tmp_path: Path) -> None:
    listing = fixture("reddit_new_1.json")
    del listing["data"]["children"][0]["data"]["created_utc"]
    listing["data"]["after"] = None
    with respx.mock(base_url=BASE) as router:
        router.get(NEW).respond(json=listing)
        router.get("/comments/1caa999.json").respond(json=fixture("reddit_comments_small.json"))
        pages = collect(CASE.connector(tmp_path))
    rejected = [r for page in pages for r in page.rejected]
    assert [r.location for r in rejected] == ["Reddit post 1cabc12"]
    assert "no valid time" in rejected[0].reason
    assert "1caa999" in {r.platform_id for r in records(pages)}


def test_a_user_channel_reads_submissions_and_counts_the_user_as_the_business(tmp_path: Path) -> None:
    submission = fixture("reddit_new_1.json")["data"]["children"][1]
    submission["data"]["author"] = "Corner_Bistro"
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        route = router.get("/user/corner_bistro/submitted.json").respond(
            json={"data": {"after": None, "children": [submission]}}
        )
        router.get("/comments/1caa999.json").respond(json=fixture("reddit_comments_small.json"))
        connector = RedditConnector(
            RedditSettings(), ChannelContext(brand="b", channel="r", account="u/corner_bistro")
        )
        connector.now = lambda: datetime(2024, 6, 1, tzinfo=UTC)  # type: ignore[method-assign]
        pages = collect(connector)
    assert route.calls.last.request.url.params["sort"] == "new"
    assert route.calls.last.request.headers["User-Agent"].endswith(
        "(+https://github.com/socialmon/socialmon)"
    )
    post = next(r for r in records(pages) if r.platform_id == "1caa999")
    assert post.is_business  # no `username` set: the user the channel reads is the business


SEARCH = "https://www.reddit.com/subreddits/search.json"
NO_SUBREDDITS = listing()


@pytest.mark.parametrize(
    ("account", "listing", "found"),
    [
        ("r/cornerbistr0", "/r/cornerbistr0/new.json", fixture("reddit_subreddit_search.json")),
        ("r/zzqxw", "/r/zzqxw/new.json", NO_SUBREDDITS),  # a search that finds nothing looks empty
        ("u/corner_bistr0", "/user/corner_bistr0/submitted.json", NO_SUBREDDITS),
    ],
)
def test_an_account_that_does_not_exist_is_not_found_not_an_empty_listing(
    tmp_path: Path, account: str, listing: str, found: dict[str, Any]
) -> None:
    """Reddit redirects the listing of a subreddit it does not have to a search for subreddits."""
    name = account.partition("/")[2]
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(listing).respond(302, headers={"Location": f"{SEARCH}?q={name}&limit=100&raw_json=1"})
        router.get(SEARCH).respond(json=found)
        with pytest.raises(NotFound) as raised:
            collect(with_context(CASE.connector(tmp_path), account=account))
    said = str(raised.value)
    assert f"{account} does not exist on Reddit" in said
    assert "check the spelling of the channel's account in the config" in said


def test_an_app_asking_for_a_subreddit_that_does_not_exist_is_told_so(tmp_path: Path) -> None:
    connector = CASE.make(account="r/cornerbistr0", client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    connector.now = lambda: datetime(2024, 6, 1, tzinfo=UTC)  # type: ignore[method-assign]
    with respx.mock(assert_all_called=True) as router:
        router.post("https://www.reddit.com/api/v1/access_token").respond(
            json={"access_token": ACCESS, "token_type": "bearer", "expires_in": 3600, "scope": "*"}
        )
        router.get(f"{OAUTH}/r/cornerbistr0/new").respond(
            302, headers={"Location": f"{OAUTH}/subreddits/search?q=cornerbistr0"}
        )
        router.get(f"{OAUTH}/subreddits/search").respond(json=NO_SUBREDDITS)
        with pytest.raises(NotFound, match="r/cornerbistr0 does not exist"):
            collect(connector)


def test_a_listing_of_subreddits_is_not_found_even_without_a_redirect_seen(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE) as router:
        router.get(NEW).respond(json=fixture("reddit_subreddit_search.json"))  # e.g. a proxy followed it
        with pytest.raises(NotFound, match="r/cornerbistro does not exist"):
            collect(CASE.connector(tmp_path))


def test_only_a_redirect_away_from_the_listing_is_an_error(tmp_path: Path) -> None:
    # The same listing on another host, the name in Reddit's letter case: read as ever.
    with respx.mock(assert_all_called=True) as router:
        router.get("https://reddit.com/r/CornerBistro/new.json").respond(
            301, headers={"Location": f"{BASE}/r/cornerbistro/new/.json?limit=100&raw_json=1"}
        )
        router.get(f"{BASE}/r/cornerbistro/new/.json").respond(json=fixture("reddit_new_2.json"))
        connector = with_context(CASE.make(base_url="https://reddit.com"), account="r/CornerBistro")
        connector.now = lambda: datetime(2024, 6, 1, tzinfo=UTC)  # type: ignore[method-assign]
        assert {r.platform_id for r in records(collect(connector))} == {"1c9zzzz"}
    # Anywhere else (here a page asking to confirm one's age) is an error that says where.
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(NEW).respond(302, headers={"Location": f"{BASE}/over18?dest=https%3A%2F%2Fwww.reddit.com"})
        router.get("/over18").respond(200, json={"kind": "Listing", "data": {"after": None, "children": []}})
        with pytest.raises(PlatformError) as raised:
            collect(CASE.connector(tmp_path))
    assert raised.value.code == "redirect" and "on to /over18" in str(raised.value)


def test_oauth_gets_a_token_and_uses_the_oauth_host_without_json_suffixes(tmp_path: Path) -> None:
    connector = CASE.make(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    connector.now = lambda: datetime(2024, 6, 1, tzinfo=UTC)  # type: ignore[method-assign]
    with respx.mock(assert_all_called=True) as router:
        token = router.post("https://www.reddit.com/api/v1/access_token").respond(
            json={"access_token": ACCESS, "token_type": "bearer", "expires_in": 86400, "scope": "*"}
        )
        listing = router.get(f"{OAUTH}/r/cornerbistro/new").respond(
            json={"data": {"after": None, "children": []}}
        )
        collect(connector)
    sent = token.calls.last.request
    assert (
        sent.headers["Authorization"].startswith("Basic ")
        and b"grant_type=client_credentials" in sent.content
    )
    assert listing.calls.last.request.headers["Authorization"] == f"bearer {ACCESS}"


def test_refused_credentials_are_an_auth_error_without_the_secret(tmp_path: Path) -> None:
    connector = CASE.make(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    with respx.mock() as router:
        router.post("https://www.reddit.com/api/v1/access_token").respond(json={"error": "invalid_grant"})
        with pytest.raises(AuthError, match="invalid_grant") as raised:
            collect(connector)
    assert CLIENT_SECRET not in str(raised.value) and "reddit.com/prefs/apps" in str(raised.value)


def test_what_the_token_endpoint_says_is_scrubbed_of_the_apps_credentials(tmp_path: Path) -> None:
    connector = CASE.make(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, password="hunter2pw")
    with respx.mock() as router:
        router.post("https://www.reddit.com/api/v1/access_token").respond(
            401, json={"message": f"no app {CLIENT_ID} with secret {CLIENT_SECRET} for password hunter2pw"}
        )
        with pytest.raises(AuthError) as raised:
            collect(connector)
    said = str(raised.value)
    assert "no app *** with secret *** for password ***" in said
    assert not {CLIENT_ID, CLIENT_SECRET, "hunter2pw"} & set(said.split())


def test_a_429_waits_for_the_window_reset_once_then_goes_on(tmp_path: Path) -> None:
    slept: list[float] = []
    clock = [datetime(2024, 6, 1, tzinfo=UTC)]

    async def sleep(seconds: float) -> None:  # time passes while the connector waits
        slept.append(seconds)
        clock[0] += timedelta(seconds=seconds)

    connector = CASE.connector(tmp_path)
    connector.sleep, connector.now = sleep, lambda: clock[0]  # type: ignore[method-assign]
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(NEW).mock(
            side_effect=[
                httpx.Response(
                    429,
                    text="Too Many Requests",
                    headers={
                        "X-Ratelimit-Used": "100",
                        "X-Ratelimit-Remaining": "0",
                        "X-Ratelimit-Reset": "42",
                    },
                ),
                httpx.Response(200, json={"data": {"after": None, "children": []}}),
            ]
        )
        pages = collect(connector)
    # The retry waited for the reset; the pause before that retry must not wait for it again.
    assert slept == [42.0] and pages[-1].cursor == {"watermark": None}


# --- whole threads: ~20 comments a morechildren call, budgets, resuming ----------------------

BIG = "1cbig14"


listing_of = partial(listing, dist="left out")


def with_context(connector: RedditConnector, **changes: Any) -> RedditConnector:
    connector.context = replace(connector.context, **changes)
    return connector


class BigThread:
    """A Reddit thread of `size` comments served as Reddit serves it (invented data).

    The first tree holds the first 60 top-level comments, three replies each and three levels
    deep, then `more` stubs (`children` ids, `count`) and "continue this thread" stubs
    (`id: "_"`); api/morechildren answers at most 20 of the ids asked, flat, plus new stubs for
    their replies, and leaves the other ids asked out; `comments/<id>?comment=` reads a branch.
    """

    def __init__(self, size: int = 1400, seed: int = 14) -> None:
        rng = random.Random(seed)
        self.parent: dict[str, str] = {}
        self.depth: dict[str, int] = {}
        self.replies: dict[str, list[str]] = {f"t3_{BIG}": []}
        for n in range(size):
            cid = f"q{n:05d}"
            earlier = list(self.depth)
            top = n < 250 or rng.random() < 0.25  # a busy top level, replies at any depth below
            parent = f"t3_{BIG}" if top else f"t1_{rng.choice(earlier)}"
            self.parent[cid] = parent
            self.depth[cid] = 0 if parent.startswith("t3_") else self.depth[parent[3:]] + 1
            self.replies[parent].append(cid)
            self.replies[f"t1_{cid}"] = []
        self.more_calls: list[list[str]] = []
        self.branch_calls: list[str] = []
        self.first_trees = 0

    @property
    def ids(self) -> set[str]:
        return set(self.parent)

    def post(self) -> dict[str, Any]:
        return t3(
            BIG,
            title="Ask us anything about the new kitchen",
            author="cornerbistro",
            created_utc=1715500000.0,
            num_comments=len(self.parent),
            score=412,
            permalink=permalink("cornerbistro", BIG, "ama"),
        )

    def descendants(self, fullname: str) -> int:
        return sum(1 + self.descendants(f"t1_{c}") for c in self.replies[fullname])

    def t1(self, cid: str, replies: Any = "") -> dict[str, Any]:
        written, author = 1715500000.0 + int(cid[1:]), f"diner{int(cid[1:]) % 97}"
        shown = {"parent": self.parent[cid], "replies": replies, "depth": self.depth[cid], "score": 1}
        return t1(cid, author, f"comment {cid}", post=BIG, created_utc=written, **shown)

    def stub(self, ids: list[str], parent: str) -> dict[str, Any]:
        count = sum(1 + self.descendants(f"t1_{i}") for i in ids)
        return more(ids, parent, depth=None, count=count)

    def go_on(self, parent: str) -> dict[str, Any]:
        return more([], parent, depth=None)

    def tree(self, cid: str, levels: int) -> dict[str, Any]:
        kids = self.replies[f"t1_{cid}"]
        if not kids:
            return self.t1(cid)
        if levels == 0:
            return self.t1(cid, listing_of(self.go_on(f"t1_{cid}")))
        shown = [self.tree(k, levels - 1) for k in kids[:3]]
        rest = [self.stub(kids[3:], f"t1_{cid}")] if kids[3:] else []
        return self.t1(cid, listing_of(*shown, *rest))

    def comments(self, request: httpx.Request) -> httpx.Response:
        focus = request.url.params.get("comment")
        if focus:
            self.branch_calls.append(focus)
            things = [self.tree(focus, 3)]
        else:
            self.first_trees += 1
            top = self.replies[f"t3_{BIG}"]
            things = [self.tree(c, 2) for c in top[:60]] + [self.stub(top[60:], f"t3_{BIG}")]
        return httpx.Response(200, json=[listing_of(self.post()), listing_of(*things)])

    def morechildren(self, request: httpx.Request) -> httpx.Response:
        asked = request.url.params["children"].split(",")
        assert request.url.params["link_id"] == f"t3_{BIG}" and len(asked) <= 100
        self.more_calls.append(asked)
        things = []
        for cid in [c for c in asked if c in self.parent][:20]:  # Reddit answers about 20 a call
            things.append(self.t1(cid))
            kids = self.replies[f"t1_{cid}"]
            if kids:
                deep = self.depth[cid] >= 8
                things.append(self.go_on(f"t1_{cid}") if deep else self.stub(kids, f"t1_{cid}"))
        return httpx.Response(200, json={"json": {"errors": [], "data": {"things": things}}})

    def routes(self, router: respx.MockRouter, *, listed: bool = True) -> None:
        router.get(NEW).respond(json=listing_of(self.post()) if listed else listing_of())
        router.get(f"/comments/{BIG}.json").mock(side_effect=self.comments)
        router.get("/api/morechildren.json").mock(side_effect=self.morechildren)


def read_comments(pages: list[Any]) -> set[str]:
    return {c.platform_id for page in pages for c in page.comments}


def test_a_1400_comment_thread_is_read_whole_by_default_at_20_comments_a_call(tmp_path: Path) -> None:
    thread = BigThread(1400)
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        thread.routes(router)
        pages = collect(CASE.connector(tmp_path))  # default settings, no OAuth
    assert read_comments(pages) == thread.ids
    assert not [f for page in pages for f in page.failed_threads]
    load_more = len(thread.more_calls) + len(thread.branch_calls)
    # Within the budgets: the post's (from num_comments at ~20 a call) and the scan's without OAuth.
    assert load_more <= min(more_budget(1400, 0), SCAN_MORE_PUBLIC)
    assert len(thread.more_calls) <= -(-(1400 - 200) // 20) + 15  # close to 20 comments a call
    assert thread.first_trees == 1


def test_a_budget_stops_a_thread_with_its_counts_and_the_next_scans_read_only_the_unread(
    tmp_path: Path,
) -> None:
    thread = BigThread(1400)
    connector = CASE.make(more_requests_per_scan=20)
    connector.sleep, connector.now = CASE.connector(tmp_path).sleep, CASE.connector(tmp_path).now  # type: ignore[method-assign]
    with respx.mock(base_url=BASE) as router:
        thread.routes(router)
        pages = collect(connector)
    failures = [f for page in pages for f in page.failed_threads]
    assert [f.key for f in failures] == [BIG]
    read = read_comments(pages)
    assert f"read {len(read):,} of 1,400 comments; the rest on the next scan" in failures[0].reason
    assert "20 'load more' requests ran out" in failures[0].reason
    unread = failures[0].item[RESUME]
    assert isinstance(unread, dict) and unread["ids"] and set(unread["ids"]) <= thread.ids - read
    assert {r.platform_id for page in pages for r in page.posts} == {BIG}  # the post itself is stored

    scans = 1
    while failures:
        assert scans < 10, "the remembered thread does not get any further"
        before = (thread.first_trees, len(thread.more_calls) + len(thread.branch_calls))
        again = with_context(CASE.connector(tmp_path), pending_threads=tuple(failures))
        again.settings = again.settings.model_copy(update={"more_requests_per_scan": 20})
        with respx.mock(base_url=BASE, assert_all_called=False) as router:
            thread.routes(router, listed=False)
            pages = collect(again)
        scans += 1
        assert thread.first_trees == before[0]  # not started over: only the unread branches
        assert len(thread.more_calls) + len(thread.branch_calls) - before[1] <= 20
        read |= read_comments(pages)
        failures = [f for page in pages for f in page.failed_threads]
    assert read == thread.ids
    assert BIG in {key for page in pages for key in page.resolved_threads}


def test_morechildren_answers_about_20_and_the_ids_it_leaves_out_are_asked_again(tmp_path: Path) -> None:
    busy = fixture("reddit_comments_busy.json")
    first_batch = [f"m{n:04d}" for n in range(1, 23)] + ["c0001", "c0002", "c0003"]
    answers = {
        frozenset(first_batch): fixture("reddit_morechildren_busy_1.json"),
        frozenset(["m0020", "m0021", "m0022", "c0001", "c0002", "c0003", "r0003", "r0004"])
        | {"m0017", "m0018", "m0019"}: fixture("reddit_morechildren_busy_2.json"),
    }
    asked: list[list[str]] = []

    def morechildren(request: httpx.Request) -> httpx.Response:
        ids = request.url.params["children"].split(",")
        asked.append(ids)
        answer = answers.get(frozenset(ids))
        return (
            httpx.Response(200, json=answer)
            if answer
            else httpx.Response(400, json={"message": "unexpected"})
        )

    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(NEW).respond(json=listing_of(busy[0]["data"]["children"][0]))
        router.get("/comments/1cbusy1.json", params={"comment": "b0002"}).respond(
            json=fixture("reddit_continue_busy.json")
        )
        router.get("/comments/1cbusy1.json").respond(json=busy)
        router.get("/api/morechildren.json").mock(side_effect=morechildren)
        pages = collect(CASE.connector(tmp_path))
    comments = {c.platform_id: c for page in pages for c in page.comments}
    assert len(comments) == 33 == busy[0]["data"]["children"][0]["data"]["num_comments"]
    assert asked[0] == first_batch and len(asked) == 2  # the six left out are asked again, first
    assert asked[1][:6] == ["m0020", "m0021", "m0022", "c0001", "c0002", "c0003"]
    assert (comments["r0004"].parent_id, comments["r0004"].is_business) == ("m0002", True)
    assert comments["r0003"].deleted and comments["k0001"].parent_id == "b0002"
    assert not [f for page in pages for f in page.failed_threads]
    assert not [r for page in pages for r in page.rejected]


def test_a_failed_load_more_keeps_what_was_read_and_the_next_scan_reads_the_rest(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE, assert_all_called=False) as failing:
        CASE.routes(failing)
        failing.get("/api/morechildren.json").respond(413, text="Request Entity Too Large")  # replaces it
        pages = collect(CASE.connector(tmp_path))
    kept = {r.platform_id for r in records(pages)}
    assert {"l2x0001", "l2x0002", "l1y0001"} <= kept and not {"l2x0003", "l2x0008"} & kept
    (failure,) = [f for page in pages for f in page.failed_threads]
    assert failure.key == "1cabc12" and "HTTP 413" in failure.reason
    assert failure.item[RESUME] == {"ids": ["l2x0003", "l2x0004"], "branches": ["t1_l2x0002"], "read": 5}

    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        CASE.routes(router)
        router.get(NEW).respond(json=listing_of())
        first_tree = router.get("/comments/1cabc12.json", params={"depth": "10"})
        resumed = collect(with_context(CASE.connector(tmp_path), pending_threads=(failure,)))
    assert {"l2x0003", "l2x0004", "l2x0008"} <= read_comments(resumed)
    assert not first_tree.called and resumed[0].resolved_threads == ["1cabc12"]


def test_more_requests_0_reads_the_first_tree_only_and_is_not_a_failure(tmp_path: Path) -> None:
    connector = CASE.connector(tmp_path)
    connector.settings = connector.settings.model_copy(update={"more_requests": 0})
    with CASE.healthy(tmp_path, strict=False) as router:
        pages = collect(connector)
        assert not any("morechildren" in c.request.url.path for c in router.calls)
    assert {"l2x0003", "l2x0008"}.isdisjoint(r.platform_id for r in records(pages))
    assert not [f for page in pages for f in page.failed_threads]


def test_the_default_budgets_follow_num_comments_and_the_rate_allowance() -> None:
    assert more_budget(1400, 200) == 130 and more_budget(5, 5) == 10
    public, app = CASE.make(), CASE.make(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert (
        (public.scan_more_budget, app.scan_more_budget) == (SCAN_MORE_PUBLIC, SCAN_MORE_OAUTH) == (200, 1000)
    )


# --- hints that fit what happened -----------------------------------------------------------


def read_thread(connector: RedditConnector, raw: dict[str, Any]) -> list[Any]:
    async def run() -> list[Any]:
        async with httpx.AsyncClient() as client:
            api = connector.make_api(client)
            return [c async for batch in connector.thread(api, raw, []) for c in batch]

    return asyncio.run(run())


def test_a_post_deleted_after_it_was_listed_is_skipped_without_blaming_the_account(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    post = fixture("reddit_new_1.json")["data"]["children"][1]  # 1caa999, one comment
    with respx.mock(base_url=BASE) as router:
        router.get(NEW).respond(json=listing_of(post))
        router.get("/comments/1caa999.json").respond(404, json=reddit_error(404, "Not Found"))
        with caplog.at_level(logging.WARNING, logger="socialmon.http"):
            pages = collect(CASE.connector(tmp_path))
        with pytest.raises(NotFound) as raised:
            read_thread(CASE.connector(tmp_path), post)
    assert {r.platform_id for r in records(pages)} == {"1caa999"}  # the post is kept as listed
    assert not [f for page in pages for f in page.failed_threads]
    said = [r.getMessage() for r in caplog.records if "1caa999" in r.getMessage()]
    assert said and all("deleted or removed after it was listed" in s for s in said)
    assert "check the account" not in str(raised.value) and "deleted" in str(raised.value)


def test_a_removed_post_whose_thread_is_refused_is_gone_not_a_missing_app(tmp_path: Path) -> None:
    removed = fixture("reddit_new_2.json")["data"]["children"][0]
    removed["data"]["num_comments"] = 4
    with respx.mock(base_url=BASE) as router:
        router.get(NEW).respond(json=listing_of(removed))
        router.get("/comments/1c9zzzz.json").respond(403, json=reddit_error(403, "Forbidden"))
        pages = collect(CASE.connector(tmp_path))
        with pytest.raises(NotFound) as raised:
            read_thread(CASE.connector(tmp_path), removed)
    assert not [f for page in pages for f in page.failed_threads]  # gone: not read again every scan
    said = str(raised.value)
    assert "removed_by_category: moderator" in said
    assert "check the account" not in said and "client_id" not in said


def test_a_branch_deleted_while_it_was_read_is_not_blamed_on_the_account(tmp_path: Path) -> None:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        CASE.routes(router)
        router.get("/comments/1cabc12.json", params={"comment": "l2x0002"}).respond(
            404, json=reddit_error(404, "Not Found")
        )
        pages = collect(CASE.connector(tmp_path))
    (rejected,) = [r for page in pages for r in page.rejected if "l2x0002" in r.location]
    assert "check the account" not in rejected.reason and "deleted" in rejected.reason
    assert "l2x0003" in read_comments(pages) and not [f for page in pages for f in page.failed_threads]


def test_a_403_to_a_channel_with_an_app_does_not_ask_for_one(tmp_path: Path) -> None:
    connector = CASE.make(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    connector.now = lambda: datetime(2024, 6, 1, tzinfo=UTC)  # type: ignore[method-assign]
    with respx.mock() as router:
        router.post("https://www.reddit.com/api/v1/access_token").respond(
            json={"access_token": ACCESS, "token_type": "bearer", "expires_in": 3600, "scope": "*"}
        )
        router.get(f"{OAUTH}/r/cornerbistro/new").respond(403, json=reddit_error(403, "Forbidden"))
        with pytest.raises(PlatformError) as raised:
            collect(connector)
    said = str(raised.value)
    assert "client_id" not in said and "client_secret" not in said
    assert "private" in said and "banned" in said and "approved" in said


def test_a_403_without_an_app_asks_for_one_and_for_the_username_only_when_missing(tmp_path: Path) -> None:
    def refused(connector: RedditConnector) -> str:
        connector.sleep = CASE.connector(tmp_path).sleep  # type: ignore[method-assign]
        with respx.mock(base_url=BASE) as router:
            router.get(NEW).respond(403, json=reddit_error(403, "Forbidden"))
            with pytest.raises(PlatformError) as raised:
                collect(connector)
        return str(raised.value)

    named = refused(CASE.make())  # username="cornerbistro"
    assert "client_id and client_secret" in named and "`username`" not in named
    anonymous = refused(
        RedditConnector(RedditSettings(), ChannelContext(brand="b", channel="r", account=SUB))
    )
    assert "`username`" in anonymous and "client_id and client_secret" in anonymous


# --- what storage keeps of a deleted post ------------------------------------------------------


def test_a_post_deleted_after_it_was_stored_keeps_its_title_and_body(tmp_path: Path) -> None:
    live = fixture("reddit_new_1.json")["data"]["children"][1]  # 1caa999, a customer's question
    database = open_database(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        store = Store(database, get_scorer("vader"))
        channel = store.sync_channel(
            BrandConfig(name="Corner Bistro", timezone="UTC", language="en"),
            ChannelConfig(name="reddit", platform="reddit", account=SUB),
        )
        for listing in (listing_of(live), fixture("reddit_new_deleted.json")):
            with respx.mock(base_url=BASE) as router:
                router.get(NEW).respond(json=listing)
                router.get("/comments/1caa999.json").respond(json=fixture("reddit_comments_small.json"))
                for page in collect(CASE.connector(tmp_path)):
                    store.save_page(channel.id, page)
        table = Post.__table__.c
        with database.read() as connection:
            stored = {
                row.platform_id: row
                for row in connection.execute(
                    select(table.platform_id, table.text, table.author_name, table.deleted)
                ).all()
            }
    finally:
        database.dispose()
    assert tuple(stored["1caa999"][1:]) == ("¿Menú sin gluten?\n\nPregunto por mi hija 🙏", "ana_quito", True)
    # First seen already removed: no text to keep (see parse_submission); its title is on Reddit at its url.
    assert tuple(stored["1cab777"][1:]) == ("", "soup_critic", True)
