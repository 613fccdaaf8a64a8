"""A `u/` channel's post in a subreddit that later went private, quarantined or gated (403 with that
`reason`) or was banned (404 `reason: banned`) is gone for that post: its thread is not remembered and
asked again every scan, and one warning says why; an `r/` channel's own subreddit is another matter."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx
from conformance import collect, records
from reddit_things import listing, more, permalink, t1, t3

from socialmon_connectors import ChannelContext
from socialmon_connectors.records import Page, ThreadFailure
from socialmon_connectors.reddit import RedditConnector, RedditSettings

BASE = "https://www.reddit.com"
SUBMITTED = "/user/cornerbistro/submitted.json"
POST_ID = "1dq7k2v"
TREE = f"/comments/{POST_ID}.json"
MORE = "/api/morechildren.json"


def submission(num_comments: int = 3) -> dict[str, Any]:
    """The business's post in r/SpringfieldEats, as its submissions listing shows it."""
    shown = {"title": "Our patio opens Friday", "selftext": "Come by!", "author": "cornerbistro"}
    shown |= {"author_fullname": "t2_8bistro", "subreddit": "SpringfieldEats", "created_utc": 1717405200.0}
    shown |= {"num_comments": num_comments, "score": 12}
    return t3(POST_ID, permalink=permalink("SpringfieldEats", POST_ID, "our_patio_opens_friday"), **shown)


def refusal(reason: str) -> httpx.Response:
    """Reddit's answer for a subreddit closed to us, in the shape its JSON API sends."""
    if reason == "banned":
        return httpx.Response(404, json={"reason": "banned", "message": "Not Found", "error": 404})
    body: dict[str, Any] = {"reason": reason, "message": "Forbidden", "error": 403}
    if reason == "quarantined":
        body["quarantine_message"] = "This community is quarantined."
    if reason == "gated":
        body["interstitial_warning_message"] = "Content advisory."
    return httpx.Response(403, json=body)


def tree_with_more_stub() -> list[dict[str, Any]]:
    """comments/<id>: the post, one comment and a "load more" stub for two others."""
    comment = t1("lb0001a", "localfan", "Dogs allowed?", post=POST_ID, created_utc=1717408800.0, depth=0)
    stub = more(["lb0002b", "lb0003c"], f"t3_{POST_ID}")
    return [listing(submission()), listing(comment, stub)]


def connector(account: str = "u/cornerbistro", *pending: ThreadFailure) -> RedditConnector:
    made = RedditConnector(
        RedditSettings(username="cornerbistro", max_retries=0, retry_backoff=0),
        ChannelContext(brand="bistro", channel="reddit", account=account),
    )
    made.context = replace(made.context, pending_threads=tuple(pending))
    made.now = lambda: datetime(2024, 6, 5, tzinfo=UTC)  # type: ignore[method-assign]
    return made


def failed(pages: list[Page]) -> list[ThreadFailure]:
    return [f for page in pages for f in page.failed_threads]


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


@pytest.mark.parametrize("reason", ["private", "quarantined", "gated", "banned"])
def test_a_listed_post_in_a_closed_subreddit_is_kept_and_its_thread_not_remembered(
    reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(SUBMITTED).respond(json=listing(submission()))
        router.get(TREE).mock(return_value=refusal(reason))
        with caplog.at_level(logging.WARNING, logger="socialmon.http"):
            pages = collect(connector())
    assert [r.platform_id for r in records(pages)] == [POST_ID]  # the post, as listed
    assert not failed(pages)
    (said,) = warnings(caplog)
    assert POST_ID in said and "r/SpringfieldEats" in said and reason in said
    assert "check the account" not in said and "deleted or removed" not in said


@pytest.mark.parametrize("reason", ["private", "quarantined", "banned"])
def test_a_remembered_thread_whose_subreddit_closed_since_is_let_go(
    reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The thread an earlier scan could not read: asked once more, then forgotten, not asked every scan."""
    remembered = ThreadFailure(key=POST_ID, item=submission(), reason="HTTP 500")
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(SUBMITTED).respond(json=listing())
        router.get(TREE).mock(return_value=refusal(reason))
        with caplog.at_level(logging.WARNING, logger="socialmon.http"):
            pages = collect(connector("u/cornerbistro", remembered))
    assert not failed(pages)
    assert [key for page in pages for key in page.resolved_threads] == [POST_ID]
    assert len([w for w in warnings(caplog) if POST_ID in w]) == 1


def test_a_thread_read_in_part_whose_subreddit_closed_since_is_let_go() -> None:
    """A thread a budget stopped, resumed from its unread ids: load more answers 403 quarantined."""
    item = {**submission(), "socialmon_unread": {"ids": ["lb0002b", "lb0003c"], "branches": [], "read": 1}}
    remembered = ThreadFailure(key=POST_ID, item=item, reason="budget")
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(SUBMITTED).respond(json=listing())
        more = router.get(MORE).mock(return_value=refusal("quarantined"))
        pages = collect(connector("u/cornerbistro", remembered))
        assert more.call_count == 1
    assert not failed(pages) and [key for page in pages for key in page.resolved_threads] == [POST_ID]


def test_load_more_answering_banned_keeps_the_comments_read_and_stops_the_thread() -> None:
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(SUBMITTED).respond(json=listing(submission()))
        router.get(TREE).respond(json=tree_with_more_stub())
        more = router.get(MORE).mock(return_value=refusal("banned"))
        pages = collect(connector())
        assert more.call_count == 1
    assert {r.platform_id for r in records(pages)} == {POST_ID, "lb0001a"}
    assert not failed(pages)
    assert not [r for page in pages for r in page.rejected]  # no comment was deleted: the subreddit is gone


def test_an_r_channels_own_subreddit_refusing_a_thread_is_still_remembered() -> None:
    """On an `r/` channel the subreddit is the channel's: not a post gone, so nothing is let go."""
    remembered = ThreadFailure(key=POST_ID, item=submission(), reason="HTTP 500")
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get("/r/SpringfieldEats/new.json").respond(json=listing())
        router.get(TREE).mock(return_value=refusal("private"))
        pages = collect(connector("r/SpringfieldEats", remembered))
    assert [f.key for f in failed(pages)] == [POST_ID]
