"""The `bluesky` connector: a handle's posts and their reply threads, on the public AppView, with no login.

Requests (AT Protocol XRPC on https://public.api.bsky.app, which takes no authentication):

    GET app.bsky.actor.getProfile?actor=<handle or DID>     the account's DID (stable; handles change)
    GET app.bsky.feed.getAuthorFeed?actor=<DID>&filter=posts_no_replies&limit=…&cursor=…
        newest first; reposts (a `reason`) and other authors' posts are left out
    GET app.bsky.feed.getPostThread?uri=at://…&depth=…&parentHeight=0
        the replies of a post that has any; a branch cut at `depth` with more replies
        below is read again from its deepest post (at most `deep_thread_requests` times)

A reply whose author DID is the account's is the business's own. A post's time is the
earlier of its `createdAt` (set by the client: may be backdated or in the future) and
`indexedAt`, as Bluesky recommends; the feed is ordered that way too. `notFoundPost`
(deleted) and `blockedPost` nodes are skipped with what hangs below them, since the
AppView does not show it. Posts cannot be edited on Bluesky.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
from pydantic import Field

from socialmon_connectors._open import RateLimitHeaders, read_account
from socialmon_connectors._paging import (
    ApiSettings,
    CursorPaging,
    Raw,
    SweepConnector,
    Window,
    build,
    paginate,
    parse_time,
)
from socialmon_connectors.errors import NotFound
from socialmon_connectors.http import Action, Api, ErrorTable, Problem, Rule
from socialmon_connectors.records import CommentRecord, PostRecord, RejectedRecord

log = logging.getLogger("socialmon.http")

BASE_URL = "https://public.api.bsky.app/xrpc"
ACCOUNT_FORM = "a handle like name.bsky.social (or a DID like did:plc:…)"
NOT_FOUND_HINT = f"check the account: {ACCOUNT_FORM}"
THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"
ERRORS = ErrorTable(
    {
        (None, "NotFound"): Rule(Action.NOT_FOUND, NOT_FOUND_HINT),
        (None, "AccountTakedown"): Rule(Action.NOT_FOUND, "Bluesky took the account down"),
        (None, "AccountDeactivated"): Rule(Action.NOT_FOUND, "the account is deactivated"),
        (None, "BlockedActor"): Rule(Action.FAIL, "the account blocks public reads"),
        (None, "BlockedByActor"): Rule(Action.FAIL, "the account blocks public reads"),
        (None, "RateLimitExceeded"): Action.THROTTLE,
        (None, "UpstreamFailure"): Action.RETRY,
        (None, "UpstreamTimeout"): Action.RETRY,
        (None, "AuthMissing"): Rule(
            Action.AUTH, f"this AppView wants a login; socialmon reads Bluesky without one from {BASE_URL}"
        ),
    }
)
_HANDLE = re.compile(
    r"^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
)
_DID = re.compile(r"^did:[a-z]+:[A-Za-z0-9._:%-]+$")


def parse_account(account: str) -> str:
    """The handle (without a leading @) or DID the channel names; ValueError when it is neither."""
    text = account.strip().removeprefix("@")
    if _DID.match(text) or _HANDLE.match(text):
        return text
    raise ValueError(f"{account!r} is not a Bluesky account: write {ACCOUNT_FORM}")


class BlueskySettings(ApiSettings):
    base_url: str = BASE_URL
    page_size: int = Field(default=50, ge=1, le=100, description="posts per request")
    thread_depth: int = Field(default=10, ge=1, le=1000, description="reply levels per thread request")
    deep_thread_requests: int = Field(
        default=10, ge=0, le=1000, description="extra requests per post for replies deeper than thread_depth"
    )


# --- parsing: raw AT Protocol JSON → records (pure) ----------------------------------------


def sort_time(post: Raw) -> datetime:
    """The earlier of `record.createdAt` and `indexedAt`; `indexedAt` alone when createdAt is unreadable."""
    indexed = parse_time(post["indexedAt"])
    try:
        created = parse_time((post.get("record") or {})["createdAt"])
    except (KeyError, TypeError, ValueError):
        return indexed
    return min(created, indexed)


def rkey(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def permalink(post: Raw) -> str:
    author = post.get("author") or {}
    return f"https://bsky.app/profile/{author.get('handle') or author.get('did')}/post/{rkey(post['uri'])}"


def _author(post: Raw) -> tuple[str | None, str | None]:
    author = post.get("author")
    if not isinstance(author, dict):
        return None, None
    return author.get("did"), author.get("displayName") or author.get("handle")


def parse_post(post: Raw, did: str) -> PostRecord:
    author_id, author_name = _author(post)
    return PostRecord(
        platform_id=post["uri"],
        author_id=author_id or did,
        author_name=author_name,
        is_business=author_id is None or author_id == did,
        text=(post.get("record") or {}).get("text") or "",
        url=permalink(post),
        created_at=sort_time(post),
        like_count=post.get("likeCount"),
        comment_count=post.get("replyCount"),
        share_count=post.get("repostCount"),
    )


def parse_reply(post: Raw, root_uri: str, parent_uri: str, did: str) -> CommentRecord:
    author_id, author_name = _author(post)
    return CommentRecord(
        platform_id=post["uri"],
        post_id=root_uri,
        parent_id=None if parent_uri == root_uri else parent_uri,
        author_id=author_id,
        author_name=author_name,
        is_business=author_id is not None and author_id == did,
        text=(post.get("record") or {}).get("text") or "",
        url=permalink(post),
        created_at=sort_time(post),
        like_count=post.get("likeCount"),
        reply_count=post.get("replyCount"),
    )


def walk_thread(
    node: Raw, root_uri: str, did: str, rejected: list[RejectedRecord], depth_limit: int
) -> tuple[list[CommentRecord], list[str]]:
    """The replies below `node` (a threadViewPost), and the posts at `depth_limit` whose replies were cut off."""
    replies: list[CommentRecord] = []
    cut: list[str] = []
    stack: list[tuple[Raw, int]] = [(node, 0)]
    while stack:
        current, depth = stack.pop()
        parent_uri = current["post"]["uri"]
        children = current.get("replies")
        if depth >= depth_limit and not children and (current["post"].get("replyCount") or 0) > 0:
            cut.append(parent_uri)
        for child in children if isinstance(children, list) else []:
            if not isinstance(child, dict):
                continue
            kind = child.get("$type", THREAD_VIEW if "post" in child else "")
            if kind != THREAD_VIEW or not isinstance(child.get("post"), dict):
                continue  # notFoundPost (deleted) or blockedPost: nothing below it is visible
            post = child["post"]
            record = build(
                rejected,
                f"Bluesky reply {post.get('uri')}",
                lambda post=post, parent=parent_uri: parse_reply(post, root_uri, parent, did),
            )
            if record is not None:
                replies.append(record)
                stack.append((child, depth + 1))
    return replies, cut


def parse_problem(status: int, body: Any) -> Problem:
    if not isinstance(body, dict) or not body.get("error"):
        return Problem(status=status, message=f"HTTP {status}")
    name, message = str(body["error"]), str(body.get("message") or body["error"])
    if name == "InvalidRequest" and message.lower().startswith(("profile not found", "actor not found")):
        name = "NotFound"  # how the AppView answers for an unknown handle
    return Problem(status=status, code=name, message=message)


# --- the connector -------------------------------------------------------------------------


class BlueskyConnector(SweepConnector):
    name = "bluesky"
    platform = "Bluesky"
    Settings = BlueskySettings
    summary = "a Bluesky account's posts and their reply threads (public AppView, no login)"

    settings: BlueskySettings
    paging = CursorPaging(items=("feed",), cursor=("cursor",), param="cursor")
    did: str = ""

    def make_api(self, client: httpx.AsyncClient) -> Api:
        return self.new_api(
            client,
            errors=ERRORS,
            parse_error=parse_problem,
            throttle=RateLimitHeaders(prefix="ratelimit-", now=self.now),
        )

    async def prepare(self, api: Api) -> None:
        actor = read_account(parse_account, self.context.account)
        profile = await api.get("app.bsky.actor.getProfile", {"actor": actor})
        if not isinstance(profile, dict) or not profile.get("did"):
            raise NotFound(f"Bluesky account {actor} not found", hint=NOT_FOUND_HINT)
        self.did = str(profile["did"])

    async def listing(self, api: Api, window: Window) -> AsyncIterator[list[Raw]]:
        params = {"actor": self.did, "filter": "posts_no_replies", "limit": self.settings.page_size}
        async for batch in paginate(
            api, "app.bsky.feed.getAuthorFeed", params, self.paging, item_id=_feed_item_id
        ):
            own = [
                item["post"]
                for item in batch
                if isinstance(item.get("post"), dict)
                and not item.get("reason")  # a repost
                and (item["post"].get("author") or {}).get("did") == self.did
            ]
            if own:
                yield own

    def item_time(self, raw: Raw) -> datetime:
        return sort_time(raw)

    def item_label(self, raw: Raw) -> str:
        return f"Bluesky post {raw.get('uri') or '?'}"  # the listing yields the feed items' posts

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        post = build(rejected, self.item_label(raw), lambda: parse_post(raw, self.did))
        return [post] if post else []

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        if not raw.get("replyCount"):
            return
        root_uri = str(raw["uri"])
        depth = self.settings.thread_depth
        queue, extra = [root_uri], self.settings.deep_thread_requests
        seen: set[str] = set()
        while queue:
            uri = queue.pop(0)
            body = await api.get(
                "app.bsky.feed.getPostThread", {"uri": uri, "depth": depth, "parentHeight": 0}
            )
            node = body.get("thread") if isinstance(body, dict) else None
            if not isinstance(node, dict) or not isinstance(node.get("post"), dict):
                continue  # the post itself was deleted or is blocked
            replies, cut = walk_thread(node, root_uri, self.did, rejected, depth)
            fresh = [reply for reply in replies if reply.platform_id not in seen]
            seen.update(reply.platform_id for reply in fresh)
            yield fresh
            for deeper in cut:
                if extra <= 0:
                    log.info("Bluesky: replies deeper than %d levels under %s not read", depth, deeper)
                    break
                queue.append(deeper)
                extra -= 1


def _feed_item_id(item: Raw) -> Any:
    post = item.get("post") or {}
    reason = item.get("reason") or {}
    return (post.get("uri"), reason.get("$type"), reason.get("indexedAt"))


__all__ = [
    "BlueskyConnector",
    "BlueskySettings",
    "parse_account",
    "parse_post",
    "parse_reply",
    "sort_time",
    "walk_thread",
]
