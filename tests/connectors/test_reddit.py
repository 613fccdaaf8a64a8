"""The `reddit` connector: listings by `after`, comment trees, "load more" stubs, deletions, OAuth, 429s."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conformance import HttpCase, collect, conformance_suite, fixture, records

from socialmon_connectors import AuthError, ChannelContext, NotFound, PlatformError, RateLimited
from socialmon_connectors.reddit import (
    RedditConnector,
    RedditSettings,
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
    assert (removed.deleted, removed.text, removed.author_name) == (
        True,
        "Lost my umbrella there yesterday",
        None,
    )


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


def test_load_more_requests_are_capped_and_a_failed_one_keeps_the_rest(tmp_path: Path) -> None:
    connector = CASE.connector(tmp_path)
    connector.settings = connector.settings.model_copy(update={"more_requests": 0})
    with CASE.healthy(tmp_path, strict=False) as router:
        pages = collect(connector)
        assert not any("morechildren" in c.request.url.path for c in router.calls)
    assert {"l2x0003", "l2x0008"}.isdisjoint(r.platform_id for r in records(pages))

    with respx.mock(base_url=BASE, assert_all_called=False) as failing:
        CASE.routes(failing)
        failing.get("/api/morechildren.json").respond(413, text="Request Entity Too Large")  # replaces it
        pages = collect(CASE.connector(tmp_path))
    kept = {r.platform_id for r in records(pages)}
    assert "l2x0003" not in kept and {"l2x0001", "l2x0008", "l1y0001"} <= kept
    assert any("more comments" in r.location for page in pages for r in page.rejected)


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
