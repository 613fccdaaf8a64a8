"""Reddit's API "things", built for the tests that answer as Reddit's JSON API does.

Everything Reddit sends is a thing, `{"kind": ..., "data": {...}}`: a `Listing` holds a page of
`children`, a `t3` is a submission (a post), a `t1` a comment, whose `replies` is a Listing or ""
when it has none, and a `more` a "load more comments" stub, or with id "_", no children and
count 0 "continue this thread". A thing's fullname (`name`, `parent_id`, `link_id`) is its kind
and its id: "t3_1dpan01".

Each builder sets what every such thing carries and takes the rest as arguments: the tests send
different sets of fields on purpose (a moderator's view, a thread's, the leaner recordings of a
listing), so a builder adds no field a caller did not ask for. Each test file keeps its own ids,
subreddits and times and wraps these builders in its own `t1`/`t3`/`listing`.
"""

from __future__ import annotations

from typing import Any, Literal

Thing = dict[str, Any]

UNMODERATED: dict[str, Any] = {"stickied": False, "distinguished": None}
"""Neither pinned nor marked as a moderator's (AutoModerator's notices: stickied, "moderator")."""

OPEN: dict[str, Any] = {"locked": False, "archived": False}
"""Taking replies: not locked by a moderator, not archived (Reddit archives posts after six months)."""


def listing(
    *things: Thing, after: str | None = None, dist: int | Literal["count", "left out"] | None = "count"
) -> Thing:
    """A Listing of `things`; `after` the fullname the next page starts after (None: the last page).

    `dist` is how many children it holds: "count" counts them, as a listing of posts does (a
    comment tree's listings send null); "left out" sends no `dist`, as older recordings do."""
    data: dict[str, Any] = {"after": after, "before": None}
    if dist != "left out":
        data["dist"] = len(things) if dist == "count" else dist
    return {"kind": "Listing", "data": {**data, "children": list(things)}}


def permalink(subreddit: str, post: str, slug: str, comment: str | None = None) -> str:
    """A post's permalink, or one of its comments' (Reddit's path ends with a slash)."""
    path = f"/r/{subreddit}/comments/{post}/{slug}/"
    return f"{path}{comment}/" if comment else path


def t3(
    pid: str,
    *,
    title: str,
    author: str,
    created_utc: float,
    num_comments: int,
    score: int,
    permalink: str,
    edited: bool | float = False,
    **fields: Any,
) -> Thing:
    """A submission; `fields` adds the others this test's Reddit sends (subreddit, selftext,
    author_fullname, `OPEN`, `UNMODERATED`, removed_by_category, can_mod_post...)."""
    data = {
        "id": pid,
        "name": f"t3_{pid}",
        "title": title,
        "author": author,
        "created_utc": created_utc,
        "edited": edited,
        "num_comments": num_comments,
        "score": score,
        "permalink": permalink,
        **fields,
    }
    return {"kind": "t3", "data": data}


def t1(
    cid: str,
    author: str,
    body: str,
    *,
    post: str,
    created_utc: float,
    parent: str | None = None,
    replies: Thing | str = "",
    edited: bool | float = False,
    **fields: Any,
) -> Thing:
    """A comment on the submission `post` (its id); `parent` the fullname of what it answers, the
    post's when None. `fields` adds the others this test's Reddit sends (score, depth, subreddit,
    author_fullname, permalink, `UNMODERATED`, `OPEN`, is_submitter...). `edited` is false or the
    epoch seconds of the last edit."""
    data = {
        "id": cid,
        "name": f"t1_{cid}",
        "parent_id": parent or f"t3_{post}",
        "link_id": f"t3_{post}",
        "author": author,
        "body": body,
        "created_utc": created_utc,
        "edited": edited,
        "replies": replies,
        **fields,
    }
    return {"kind": "t1", "data": data}


def more(children: list[str], parent: str, depth: int | None = 0, count: int | None = None) -> Thing:
    """A "load more comments" stub for the comment ids `children` under the fullname `parent`; with
    no children, "continue this thread" (id "_", count 0). `count` is how many comments it stands
    for, the children and all their replies (the number of children when None); `depth` None sends
    none, as leaner recordings do."""
    cid = children[0] if children else "_"
    data: dict[str, Any] = {"count": len(children) if count is None else count, "name": f"t1_{cid}"}
    data |= {"id": cid, "parent_id": parent}
    if depth is not None:
        data["depth"] = depth
    return {"kind": "more", "data": {**data, "children": children}}
