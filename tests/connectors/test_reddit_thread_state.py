"""A Reddit post's state as its thread shows it, whenever the thread is read.

Every `comments/<id>` answer, a "continue this thread" branch (`?comment=`) included, is a pair of
listings whose first holds the submission itself (kind t3, with `locked`, `archived`,
`can_mod_post`, `removed_by_category`, `selftext`…). A post locked after it was listed, whose thread
an earlier scan left to read on (a failed branch, a budget, the channel's time), is read again
without being listed: the post's `replies_closed` (and deletion) follows what its thread shows, so
that its comments leave `pending` once it is locked, and come back once a moderator unlocks it.

Also here: a branch whose parent comment Reddit no longer has, which Reddit answers with the post's
top-level comments instead of an error (its comments endpoint ignores a `comment` it cannot find).

The shapes are Reddit's (t3, t1, `more` with `count` and `children`, "continue this thread" as
`id: "_"`), written for these tests; the posts, comments and accounts are invented.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import reddit_things
import respx
from conformance import collect
from helpers import write_config
from reddit_things import OPEN, UNMODERATED, Thing, permalink
from reddit_things import more as load_more
from typer.testing import CliRunner

from socialmon.cli import app
from socialmon_connectors import ChannelContext
from socialmon_connectors.records import Page, PostRecord, ThreadFailure
from socialmon_connectors.reddit import RESUME, RedditConnector, RedditSettings, thread_submission

BASE = "https://www.reddit.com"
SUB = "cafeteria_lumen"
OLD, NEW = "1e2lk01", "1e2lk09"
NOW = datetime(2025, 3, 20, 12, tzinfo=UTC)


def t3(pid: str, posted: datetime, *, in_thread: bool = False, **fields: Any) -> Thing:
    shown = {"subreddit": SUB, "subreddit_id": "t5_9lumen", "subreddit_type": "public", "author": SUB}
    shown |= {"title": "Menú del día: lentejas y flan", "selftext": "De 12 a 4, mientras dure."}
    shown |= {"author_fullname": "t2_lumen01", "created_utc": posted.timestamp(), "is_self": True}
    shown |= {"num_comments": 4, "score": 21, **OPEN, "can_mod_post": False, **UNMODERATED}
    shown |= {"removed_by_category": None, "over_18": False, "permalink": permalink(SUB, pid, "menu_del_dia")}
    made = reddit_things.t3(pid, **(shown | fields))
    if in_thread:
        made["data"].setdefault("num_duplicates", 0)  # the comments endpoint adds it to the submission
    return made


# The old post's comments: who wrote what, how many hours after the post, and under what.
WRITTEN = {
    "lk0001": ("marta_v", "¿El flan lleva huevo? Soy alérgica", 1, f"t3_{OLD}"),
    "lk0002": ("pablo_r", "Yo también quiero saberlo", 2, "t1_lk0001"),
    "lk0003": ("ana_l", "Mañana les pregunto en el local", 3, "t1_lk0002"),
    "lk0004": ("marta_v", "Gracias, Ana", 4, "t1_lk0003"),
}


def t1(cid: str, posted: datetime, depth: int, replies: Thing | str = "") -> Thing:
    author, body, hours, parent = WRITTEN[cid]
    shown = {"subreddit": SUB, "author_fullname": f"t2_{author[:6]}", "score": 1, "depth": depth}
    shown |= {**UNMODERATED, **OPEN, "is_submitter": author == SUB}
    written = (posted + timedelta(hours=hours)).timestamp()
    shown |= {"permalink": permalink(SUB, OLD, "menu_del_dia", cid), "created_utc": written}
    return reddit_things.t1(cid, author, body, post=OLD, parent=parent, replies=replies, **shown)


def go_on(parent: str, depth: int) -> Thing:
    """Reddit's "continue this thread": a `more` with id "_", no children, count 0."""
    return load_more([], parent, depth)


def listing(*things: Thing) -> Thing:
    return reddit_things.listing(*things, dist=len(things) or None)


def thread(posted: datetime, top: Thing, **post: Any) -> list[Thing]:
    """comments/<id>: the post as its thread shows it, then the comments from `top` down."""
    return [listing(t3(OLD, posted, in_thread=True, **post)), listing(top)]


# The old post's thread, read with `comment_depth = 2`: Reddit cuts it with "continue this thread".
def first_tree(posted: datetime, **post: Any) -> list[Thing]:
    reply = t1("lk0002", posted, 1, listing(go_on("t1_lk0002", 2)))
    return thread(posted, t1("lk0001", posted, 0, listing(reply)), **post)


def branch_lk0002(posted: datetime, **post: Any) -> list[Thing]:
    """comments/<id>?comment=lk0002: the branch from its parent (depth 0 again), and the post first."""
    deeper = t1("lk0003", posted, 1, listing(go_on("t1_lk0003", 2)))
    return thread(posted, t1("lk0002", posted, 0, listing(deeper)), **post)


def branch_lk0003(posted: datetime, **post: Any) -> list[Thing]:
    return thread(posted, t1("lk0003", posted, 0, listing(t1("lk0004", posted, 1))), **post)


# --- the connector: the page carries the post as its thread shows it ------------------------------


def connector(*pending: ThreadFailure, **options: Any) -> RedditConnector:
    made = RedditConnector(
        RedditSettings(username=SUB, max_retries=0, retry_backoff=0, comment_depth=2, **options),
        ChannelContext(brand="lumen", channel="reddit", account=f"r/{SUB}"),
    )
    made.context = replace(made.context, pending_threads=tuple(pending))
    made.now = lambda: NOW  # type: ignore[method-assign]
    return made


def remembered(posted: datetime, branches: list[str]) -> ThreadFailure:
    """What an earlier scan remembered of the old post's thread: the listed post, less its text."""
    data = {
        "id": OLD,
        "name": f"t3_{OLD}",
        "num_comments": 4,
        "created_utc": posted.timestamp(),
        "subreddit": SUB,
    }
    unread = {"ids": [], "branches": branches, "read": 2}
    return ThreadFailure(key=OLD, item={"kind": "t3", "data": data, RESUME: unread}, reason="HTTP 500")


def posts(pages: list[Page]) -> list[PostRecord]:
    return [post for page in pages for post in page.posts]


@pytest.mark.parametrize(
    ("shown", "closed", "deleted"),
    [
        ({"locked": True}, True, False),
        ({"archived": True}, True, False),
        ({"locked": True, "can_mod_post": True}, False, False),  # the app moderates it: it may still reply
        ({}, False, False),  # unlocked again
        ({"selftext": "[deleted]", "author": "[deleted]", "removed_by_category": "deleted"}, False, True),
    ],
)
def test_a_remembered_thread_stores_the_post_as_its_branch_shows_it(
    shown: dict[str, Any], closed: bool, deleted: bool
) -> None:
    posted = NOW - timedelta(days=20)
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(f"/r/{SUB}/new.json").respond(json=listing())
        router.get(f"/comments/{OLD}.json", params={"comment": "lk0002"}).respond(
            json=branch_lk0002(posted, **shown)
        )
        router.get(f"/comments/{OLD}.json", params={"comment": "lk0003"}).respond(
            json=branch_lk0003(posted, **shown)
        )
        pages = collect(connector(remembered(posted, ["t1_lk0002"])))
    (post,) = posts(pages)
    assert (post.platform_id, post.replies_closed, post.deleted) == (OLD, closed, deleted)
    assert post.text == ("" if deleted else "Menú del día: lentejas y flan\n\nDe 12 a 4, mientras dure.")
    assert {c.platform_id for page in pages for c in page.comments} == {"lk0003", "lk0004"}
    assert [key for page in pages for key in page.resolved_threads] == [OLD]
    assert not [r for page in pages for r in page.rejected]


def test_a_listed_post_whose_thread_shows_it_locked_is_stored_closed_once() -> None:
    """Listed open, then locked by the time its thread is read: the newer word stands, one record."""
    posted = NOW - timedelta(days=2)
    with respx.mock(base_url=BASE, assert_all_called=True) as router:
        router.get(f"/r/{SUB}/new.json").respond(json=listing(t3(OLD, posted)))
        router.get(f"/comments/{OLD}.json", params={"comment": "lk0002"}).respond(
            json=branch_lk0002(posted, locked=True)
        )
        router.get(f"/comments/{OLD}.json", params={"comment": "lk0003"}).respond(
            json=branch_lk0003(posted, locked=True)
        )
        router.get(f"/comments/{OLD}.json").respond(json=first_tree(posted, locked=True))
        pages = collect(connector())
    (post,) = posts(pages)
    assert post.replies_closed and post.text.startswith("Menú del día")


def test_a_branch_whose_parent_is_gone_is_not_read_as_the_post_top_comments() -> None:
    """Reddit ignores a `comment` it cannot find and answers the post's top-level comments: those are
    not the branch's replies, and their "load more" stubs must not send the thread round again."""
    posted = NOW - timedelta(days=20)
    top = first_tree(posted)
    top[1]["data"]["children"].append(load_more(["lk0007", "lk0008"], f"t3_{OLD}", 0))
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        router.get(f"/r/{SUB}/new.json").respond(json=listing())
        branch = router.get(f"/comments/{OLD}.json", params={"comment": "lk0002"}).respond(json=top)
        more = router.get("/api/morechildren.json").respond(
            json={"json": {"errors": [], "data": {"things": []}}}
        )
        pages = collect(connector(remembered(posted, ["t1_lk0002"])))
        assert branch.call_count == 1 and not more.called
    assert not [c for page in pages for c in page.comments]
    (gone,) = [r for page in pages for r in page.rejected]
    assert "lk0002" in gone.location and "no longer" in gone.reason
    assert [key for page in pages for key in page.resolved_threads] == [OLD]
    assert not [f for page in pages for f in page.failed_threads]


def test_the_submission_is_taken_only_from_a_first_listing_that_holds_it() -> None:
    posted = NOW - timedelta(days=1)
    shown = t3(OLD, posted, in_thread=True, locked=True)
    assert thread_submission([listing("junk", shown), listing()], OLD) == shown["data"]  # type: ignore[arg-type]
    for body in (
        {"json": {"errors": []}},
        [],
        ["[deleted]", listing()],
        [{"data": {"children": "none"}}, listing()],
        [listing(t3("1e2zz99", posted)), listing()],  # another post's: not this one's state
        [listing({"kind": "t1", "data": {"id": OLD}}), listing()],
    ):
        assert thread_submission(body, OLD) is None, body


# --- end to end: `socialmon pending` follows the lock the thread shows ----------------------------

CHANNEL = (
    f'[[brands.channels]]\nname = "reddit"\nplatform = "reddit"\naccount = "r/{SUB}"\n'
    f'username = "{SUB}"\nretry_backoff = 0\nmax_retries = 0\ncomment_depth = 2\n'
)


def scan(config: Path, posted: datetime, answers: dict[str, Any]) -> str:
    """One scan: the old post (20 days: outside the look-back once a scan has finished) and a new one
    without comments; each branch answers as `answers` says (a JSON body, or an HTTP status)."""
    newer = t3(NEW, posted + timedelta(days=19), num_comments=0, title="Abrimos el domingo")
    with respx.mock(base_url=BASE, assert_all_mocked=True, assert_all_called=False) as router:
        router.get(f"/r/{SUB}/new.json").respond(json=listing(newer, t3(OLD, posted)))
        for comment, answer in answers.items():
            route = router.get(f"/comments/{OLD}.json", params={"comment": comment})
            if isinstance(answer, int):
                route.respond(answer, json={"message": "Internal Server Error", "error": answer})
            else:
                route.respond(json=answer)
        router.get(f"/comments/{OLD}.json").respond(json=first_tree(posted))
        result = CliRunner().invoke(app, ["scan", "-q", "--config", str(config)])
    assert result.exit_code in (0, 1), result.output
    return result.output


def waiting(config: Path) -> set[str]:
    result = CliRunner().invoke(app, ["pending", "-f", "json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    [brand] = json.loads(result.output)["brands"]
    return {item["id"] for item in brand["needs_reply"]["items"]}


def test_a_post_locked_while_its_thread_is_read_on_leaves_pending_and_comes_back_unlocked(
    tmp_path: Path, database_url: str
) -> None:
    config = write_config(tmp_path, database=database_url, channels=CHANNEL)
    posted = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)

    scan(config, posted, {"lk0002": 500})  # the branch fails: the thread is read on next scan
    assert waiting(config) == {"lk0001", "lk0002"}

    # Locked meanwhile; no longer listed as recent, the post is seen only in its thread's branch.
    scan(config, posted, {"lk0002": branch_lk0002(posted, locked=True), "lk0003": 500})
    assert waiting(config) == set()

    scan(config, posted, {"lk0003": branch_lk0003(posted)})  # a moderator unlocked it
    assert waiting(config) == {"lk0001", "lk0002", "lk0003", "lk0004"}
