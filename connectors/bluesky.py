"""The `bluesky` connector: a handle's posts and their reply threads, on the public AppView, with no login.

Requests (AT Protocol XRPC on https://public.api.bsky.app, which takes no authentication):

    GET app.bsky.actor.getProfile?actor=<handle or DID>     the account's DID (stable; handles change)
    GET app.bsky.feed.getAuthorFeed?actor=<DID>&filter=posts_no_replies&limit=…&cursor=…
        newest first; the filter is not trusted (it keeps the account's replies in its own
        threads, and another AppView may ignore it): the connector itself leaves out reposts,
        other authors' posts and the account's replies to other people's threads, and leaves
        its replies in its own threads to the thread they are in when that thread's first post
        is in this scan's window; a reply continuing an older thread of its own is listed
        itself, stored as a reply in that thread (`post_id` its first post), with the replies
        below it
    GET app.bsky.feed.getPostThread?uri=at://…&depth=…&parentHeight=0
        the replies of a post that has any; a branch cut at `depth` with more replies
        below is read again from its deepest post (at most `deep_thread_requests` times;
        past that the thread is `PartialThread` and the next scan reads the branches left)

The account is kept by its DID, in the channel's cursor (`account`: the DID and the handle or
DID the config named when it was found), and read by it from then on. The config's handle is
still looked up each scan: when it no longer names the kept DID (the business renamed its
handle, and perhaps someone else took the old one), the kept DID is read, never the handle's
new holder, and a warning names both; once the config names another handle or DID, that one
is followed. A kept DID whose account is gone (deleted, taken down, deactivated) fails the
channel, naming it and what to do.

A reply whose author DID is the account's is the business's own. A post's time is the
earlier of its `createdAt` (set by the client: may be backdated or in the future) and
`indexedAt`, as Bluesky recommends; the feed is ordered that way too. `notFoundPost`
(deleted) and `blockedPost` nodes are skipped with what hangs below them, since the
AppView does not show it. Posts cannot be edited on Bluesky. A post's link names its author
by the handle the AppView shows now (the DID where it shows none, or `handle.invalid`): a
link stored before a rename is rebuilt when its post is read again within `recent_days`.

A post's text is its `record.text`, then the alt texts of its images or video, then the
text of the post it quotes (`app.bsky.embed.images#view`, `video#view`, `record#view`,
`recordWithMedia#view` in `post.embed`; the record's own `embed` when there is no view).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
from pydantic import Field

from socialmon_connectors._open import RateLimitHeaders, read_account, unexpected_body, with_attachments
from socialmon_connectors._paging import (
    ApiSettings,
    CursorPaging,
    Raw,
    SweepConnector,
    UnexpectedShape,
    Window,
    branches_left,
    build,
    paginate,
    parse_time,
    unread_branches,
)
from socialmon_connectors.errors import ConnectorError, NotFound
from socialmon_connectors.http import Action, Api, ErrorTable, Problem, Rule
from socialmon_connectors.records import EARLIEST, CommentRecord, Page, PostRecord, RejectedRecord

log = logging.getLogger("socialmon.http")

BASE_URL = "https://public.api.bsky.app/xrpc"
ACCOUNT_FORM = "a handle like name.bsky.social (or a DID like did:plc:…)"
NOT_FOUND_HINT = f"check the account: {ACCOUNT_FORM}"
THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"
QUOTED_POST = "app.bsky.embed.record#viewRecord"
INVALID_HANDLE = "handle.invalid"  # what the AppView shows for a handle that fails its verification
#: The key, in the channel's cursor, of the account as kept: its DID and what the config named it by.
ACCOUNT = "account"
#: The warning when the config's handle no longer names the account the channel reads (kept by its DID),
#: keyed by (someone else holds the handle now, the account has a valid handle now): see
#: `stale_handle_warning`. The CLI says each in its language (`socialmon.cli._config_words.BLUESKY_WARNINGS`).
STALE_HANDLE_WARNINGS = {
    (True, True): (
        "Bluesky: channel {channel}: the handle {handle} now belongs to another account ({other}); socialmon "
        "goes on reading the channel's account {did} (now {current}), not that one. The config's handle is "
        "stale: write the account's current handle or its DID as the channel's account"
    ),
    (True, False): (
        "Bluesky: channel {channel}: the handle {handle} now belongs to another account ({other}); socialmon "
        "goes on reading the channel's account {did} (which has no valid handle now), not that one. The "
        "config's handle is stale: write the account's DID as the channel's account"
    ),
    (False, True): (
        "Bluesky: channel {channel}: the handle {handle} no longer names an account; socialmon reads the "
        "channel's account by its DID {did} (now {current}). The config's handle is stale: write the "
        "account's current handle or its DID as the channel's account"
    ),
    (False, False): (
        "Bluesky: channel {channel}: the handle {handle} no longer names an account; socialmon reads the "
        "channel's account by its DID {did} (which has no valid handle now). The config's handle is stale: "
        "write the account's DID as the channel's account"
    ),
}
#: The error when the account the channel reads is gone; `{why}` is Bluesky's answer. The CLI says it in
#: its language (`socialmon.cli._config_words.BLUESKY_ERRORS`), Bluesky's own words kept as written.
ACCOUNT_GONE = (
    "Bluesky: channel {channel}: the account it reads, {did} (named {actor} in the config), is gone: {why}. "
    "socialmon does not read whoever holds the handle now; if the business has a new account, write its "
    "handle or DID as the channel's account"
)
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


def stale_handle_warning(channel: str, handle: str, other: str, did: str, current: str | None) -> str:
    """What a scan warns when the config's `handle` no longer names `did`, the account `channel`
    ("brand/channel") reads: `other` holds the handle now ("": nobody does); `current` is the
    account's own handle now (None: it has no valid one)."""
    template = STALE_HANDLE_WARNINGS[(bool(other), current is not None)]
    return template.format(channel=channel, handle=handle, other=other, did=did, current=f"@{current}")


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
    """The earlier of `record.createdAt` and `indexedAt`; `indexedAt` alone when createdAt is unreadable,
    or earlier than any time a record can hold (clients write the year 1: the post would be rejected)."""
    indexed = parse_time(post["indexedAt"])
    try:
        created = parse_time((post.get("record") or {})["createdAt"])
    except (KeyError, TypeError, ValueError, OverflowError):
        return indexed
    return indexed if created < EARLIEST else min(created, indexed)


def reply_refs(post: Raw) -> tuple[str, str] | None:
    """(root URI, parent URI) of a reply (its `record.reply`); None for a post that answers none."""
    record = post.get("record")
    reply = record.get("reply") if isinstance(record, dict) else None
    if not isinstance(reply, dict):
        return None
    root, parent = reply.get("root"), reply.get("parent")
    root_uri = root.get("uri") if isinstance(root, dict) else None
    parent_uri = parent.get("uri") if isinstance(parent, dict) else None
    return (str(root_uri), str(parent_uri or root_uri)) if root_uri else None


def did_of(uri: str) -> str:
    """The DID of an `at://did/collection/rkey` URI."""
    return uri.removeprefix("at://").split("/", 1)[0]


def rkey(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def permalink(post: Raw) -> str:
    """The post's web link, by its author's DID: bsky.app opens it as it does a handle's, and a link
    stored once keeps working after a rename (a handle link of an old post, never read again, would
    name whoever holds that handle next)."""
    return f"https://bsky.app/profile/{did_of(post['uri'])}/post/{rkey(post['uri'])}"


def embed_parts(
    embed: Any, *, quotes: bool = True
) -> tuple[list[tuple[str, str | None]], tuple[str | None, str] | None]:
    """(media as (kind, alt text), the quoted post as (handle, text)) from a post's embed.

    Reads the views the AppView adds (`app.bsky.embed.images#view`…) and the record's own
    embeds (`app.bsky.embed.images`…), which have the alt texts but not the quoted text.
    """
    if not isinstance(embed, dict):
        return [], None
    kind = str(embed.get("$type") or "").removesuffix("#view")
    if kind == "app.bsky.embed.images":
        images = embed.get("images")
        alts = (
            [image.get("alt") for image in images if isinstance(image, dict)]
            if isinstance(images, list)
            else []
        )
        return [("image", alt) for alt in alts if isinstance(alt, str)], None
    if kind == "app.bsky.embed.video":
        alt = embed.get("alt")
        return ([("video", alt)] if isinstance(alt, str) else []), None
    if kind == "app.bsky.embed.record":
        return [], quoted_post(embed.get("record")) if quotes else None
    if kind == "app.bsky.embed.recordWithMedia":
        media, _ = embed_parts(embed.get("media"))
        record = embed.get("record")
        quote = quoted_post(record.get("record")) if quotes and isinstance(record, dict) else None
        return media, quote
    return [], None


def quoted_post(view: Any) -> tuple[str | None, str] | None:
    """(handle, text) of a quoted post the AppView shows (`viewRecord`); None when deleted, blocked, detached."""
    if not isinstance(view, dict) or view.get("$type", QUOTED_POST) != QUOTED_POST:
        return None
    value = view.get("value")
    if not isinstance(value, dict):
        return None
    embeds = view.get("embeds")
    media: list[tuple[str, str | None]] = []
    for embed in embeds if isinstance(embeds, list) else []:
        media.extend(embed_parts(embed, quotes=False)[0])
    author = view.get("author") if isinstance(view.get("author"), dict) else {}
    text = with_attachments(str(value.get("text") or ""), media)
    return (author.get("handle") or author.get("did"), text) if text else None


def post_text(post: Raw) -> str:
    """The post's text, the alt texts of its images or video, then the text it quotes."""
    record = post.get("record") or {}
    embed = post.get("embed") if isinstance(post.get("embed"), dict) else record.get("embed")
    media, quote = embed_parts(embed)
    return with_attachments(str(record.get("text") or ""), media, quote)


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
        text=post_text(post),
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
        text=post_text(post),
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
        if children is not None and not isinstance(children, list):
            raise UnexpectedShape(f"replies of {parent_uri} that are not a list")
        if depth >= depth_limit and not children and (current["post"].get("replyCount") or 0) > 0:
            cut.append(parent_uri)
        for child in children or []:
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
    needs_account = True

    settings: BlueskySettings
    paging = CursorPaging(items=("feed",), cursor=("cursor",), param="cursor")
    did: str = ""  # the account read
    configured: str = ""  # the handle or DID the config names, lower-case
    kept: tuple[str, str] | None = None  # from the cursor: (DID, what the config named it by then)

    def make_api(self, client: httpx.AsyncClient) -> Api:
        return self.new_api(
            client,
            errors=ERRORS,
            parse_error=parse_problem,
            throttle=RateLimitHeaders(prefix="ratelimit-", now=self.now),
        )

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        """The sweep's pages, each cursor carrying the account as kept (`ACCOUNT`), for the next scan."""
        self.kept = kept_account(cursor)
        async for page in super().pages(cursor):
            if page.cursor is not None and self.did:
                page.cursor = {**page.cursor, ACCOUNT: {"did": self.did, "configured": self.configured}}
            yield page

    async def prepare(self, api: Api) -> None:
        actor = read_account(parse_account, self.context.account)
        self.configured = actor.lower()
        kept_did = self.kept[0] if self.kept is not None and self.kept[1] == self.configured else None
        if kept_did is None:  # a new channel, or the config names another account now: follow it
            self.did = str((await self.profile(api, actor))["did"])
            return
        try:
            found = str((await self.profile(api, actor))["did"])
        except NotFound:
            found = ""  # nobody has the handle now (the business renamed it)
        self.did = kept_did
        if found == kept_did:
            return
        try:
            current = (await self.profile(api, kept_did)).get("handle")
        except NotFound as error:
            raise self.gone(actor, kept_did, error) from None
        valid = current if current and current != INVALID_HANDLE else None
        channel = f"{self.context.brand}/{self.context.channel}"
        log.warning("%s", stale_handle_warning(channel, actor, found, kept_did, valid))

    async def profile(self, api: Api, actor: str) -> Raw:
        """`app.bsky.actor.getProfile` of a handle or DID: an object with the account's `did`."""
        profile = await api.get("app.bsky.actor.getProfile", {"actor": actor})
        if not isinstance(profile, dict):
            raise unexpected_body(api, "app.bsky.actor.getProfile", profile)
        if not profile.get("did"):
            raise NotFound(f"Bluesky account {actor} not found", hint=NOT_FOUND_HINT)
        return profile

    def gone(self, actor: str, did: str, error: ConnectorError) -> NotFound:
        """The channel's kept account cannot be read any more (deleted, taken down, deactivated)."""
        said = Exception.__str__(error)
        why = f"{said} ({error.hint})" if error.hint and error.hint != NOT_FOUND_HINT else said
        channel = f"{self.context.brand}/{self.context.channel}"
        return NotFound(
            ACCOUNT_GONE.format(channel=channel, did=did, actor=actor, why=why),
            hint="fix the channel's account in the config",
        )

    async def listing(self, api: Api, window: Window) -> AsyncIterator[list[Raw]]:
        params = {"actor": self.did, "filter": "posts_no_replies", "limit": self.settings.page_size}
        async for batch in paginate(
            api, "app.bsky.feed.getAuthorFeed", params, self.paging, item_id=_feed_item_id
        ):
            own = [item["post"] for item in batch if self.is_own_post(item) or self.continues(item, window)]
            if own:
                yield own

    def is_own_post(self, item: Raw) -> bool:
        """Whether a feed item is a post of the account's own: not a repost, not a reply.

        `filter=posts_no_replies` is not trusted: it keeps the account's replies in its own
        threads (read with that thread, as the business's replies; see `continues()` for a thread
        begun before the window), and an AppView may ignore it and serve its replies to other
        people's threads (left out).
        """
        post = item.get("post")
        if not isinstance(post, dict) or (post.get("author") or {}).get("did") != self.did:
            return False
        if item.get(
            "reason"
        ):  # a repost (`#reasonRepost`), of anyone's post: an original is listed as itself
            return False
        record = post.get("record") if isinstance(post.get("record"), dict) else {}
        # A reply: in the account's own thread it is read with that thread; in another's, left out.
        return not record.get("reply") and not item.get("reply")

    def continues(self, item: Raw, window: Window) -> bool:
        """Whether a feed item is the account's reply in a thread of its own begun before the window.

        The thread's first post is then not read this scan: the reply is listed itself, and its
        thread is what hangs below it. A first post the feed item does not show (deleted, or
        left out of the view) counts as not read.
        """
        post = item.get("post")
        if (
            not isinstance(post, dict)
            or (post.get("author") or {}).get("did") != self.did
            or item.get("reason")
        ):
            return False
        refs = reply_refs(post)
        if refs is None or did_of(refs[0]) != self.did:
            return False  # not a reply, or one in another's thread
        root = (item.get("reply") or {}).get("root") if isinstance(item.get("reply"), dict) else None
        try:
            return not (
                isinstance(root, dict) and root.get("uri") == refs[0] and window.wanted(sort_time(root))
            )
        except (KeyError, TypeError, ValueError):
            return True

    def item_time(self, raw: Raw) -> datetime:
        return sort_time(raw)

    def item_key(self, raw: Raw) -> str | None:
        return str(raw["uri"]) if raw.get("uri") else None  # posts have no `id`: their AT URI keys them

    def item_label(self, raw: Raw) -> str:
        return f"Bluesky post {raw.get('uri') or '?'}"  # the listing yields the feed items' posts

    def retry_item(self, raw: Raw) -> Raw:
        kept = {"uri": raw.get("uri"), "replyCount": raw.get("replyCount")}  # what `thread()` reads
        refs = reply_refs(raw)
        if refs is not None:  # a reply continuing an older thread: its replies go in that thread
            kept["record"] = {"reply": {"root": {"uri": refs[0]}, "parent": {"uri": refs[1]}}}
        return kept

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        refs = reply_refs(raw)
        if refs is not None:  # the account's reply continuing an older thread of its own
            root_uri, parent_uri = refs
            reply = build(
                rejected, self.item_label(raw), lambda: parse_reply(raw, root_uri, parent_uri, self.did)
            )
            return [reply] if reply else []
        post = build(rejected, self.item_label(raw), lambda: parse_post(raw, self.did))
        return [post] if post else []

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        if not raw.get("replyCount"):
            return
        refs = reply_refs(raw)
        root_uri = refs[0] if refs is not None else str(raw["uri"])
        depth = self.settings.thread_depth
        branches = unread_branches(raw)
        queue, extra = branches or [str(raw["uri"])], self.settings.deep_thread_requests
        unread: list[str] = []
        seen: set[str] = set()
        while queue:
            uri = queue.pop(0)
            body = await api.get(
                "app.bsky.feed.getPostThread", {"uri": uri, "depth": depth, "parentHeight": 0}
            )
            node = body.get("thread") if isinstance(body, dict) else None
            if not isinstance(node, dict):
                raise unexpected_body(api, "app.bsky.feed.getPostThread", body)
            if not isinstance(node.get("post"), dict):
                continue  # the post itself was deleted or is blocked
            try:
                replies, cut = walk_thread(node, root_uri, self.did, rejected, depth)
            except UnexpectedShape as shape:
                raise unexpected_body(api, "app.bsky.feed.getPostThread", f"{shape}") from None
            fresh = [reply for reply in replies if reply.platform_id not in seen]
            seen.update(reply.platform_id for reply in fresh)
            yield fresh
            for deeper in cut:
                if extra <= 0:
                    unread.append(deeper)
                    continue
                queue.append(deeper)
                extra -= 1
        if unread:
            raise branches_left(
                self.retry_item(raw),
                unread,
                f"Bluesky post {raw['uri']}: replies more than {depth} levels deep below {len(unread):,} post(s) "
                "are left for the next scan (deep_thread_requests ran out)",
                hint="nothing to do: the next scan reads them; to read them in one scan raise the channel's "
                "deep_thread_requests or thread_depth",
            )


def kept_account(cursor: dict[str, Any] | None) -> tuple[str, str] | None:
    """(DID, what the config named it by) as an earlier scan kept it in the cursor; None if it kept none."""
    kept = (cursor or {}).get(ACCOUNT)
    if not isinstance(kept, dict):
        return None
    did, configured = kept.get("did"), kept.get("configured")
    if not (isinstance(did, str) and _DID.match(did) and isinstance(configured, str) and configured):
        return None
    return did, configured


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
    "post_text",
    "sort_time",
    "walk_thread",
]
