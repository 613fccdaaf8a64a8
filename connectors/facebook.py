"""The `facebook` connector: a Facebook Page's posts, the posts visitors write on it, and every
comment and reply on them.

Requests (Graph API, token in an `Authorization: Bearer` header):

    GET /{page-id}/posts?fields=…,comments.filter(stream).limit(N){…}&since=…&until=…
        newest first; each post carries its first page of comments, every level
        (`filter=stream`: replies name their `parent`)
    GET /{page-id}/feed?…   the same, with `visitor_posts = true`: the Page's posts and its visitors'
    GET /{post-id}/comments?filter=stream&after=…   the rest of a post's comments, when there are more

A comment whose `from.id` is the Page's id is the business's own reply (whichever admin wrote it
as the Page; an admin replying as themself is a person like any other). Graph names the Page by its
numeric id there even when the channel names it by its username, so a username is looked up once
a scan (`GET /{username}?fields=id`) and the numeric id used from then on. A comment without
`from` (withheld without the permission) has an unknown author, not the Page. Counts come
from `reactions.summary(total_count)` and `comments.summary(true)`. The Graph API does
not mark edits or deletions of comments: an edited text arrives on the next re-read
(the storage updates it and scores it again); a post marked `is_hidden` is not deleted.
A comment or reply the Page hid (`is_hidden: true`; the Page's token still gets it) is stored
marked deleted, as Instagram's hidden comments are, so it waits for no answer; unhidden, it is
stored undeleted when a scan reads its post again (those of the last `recent_days` are). A
comment without the field (an older or limited token) is not taken for hidden.

Graph withholds comment ids (and `from`) unless the token is a Page access token of a user
who can perform the MODERATE task on the Page: a page of comments with no ids stops the
channel with `PermissionDenied` saying so, rather than rejecting every comment. When a
post's `comments.summary.total_count` says more than the thread gave, a warning says how
many were not readable (hidden, deleted or restricted by privacy).

Graph answers a post's comments with 100/33 ("does not exist, cannot be loaded due to missing
permissions, or does not support this operation") both for a deleted post and for comments it
will not serve: for a post this scan just listed, that leaves the thread for the next scan (the
channel ends partial); for a remembered thread, the post is asked for itself, and is gone (the
thread dropped) only when Graph answers 100/33 for the post too.

A post whose comments take longer than the channel's time (`ThreadTimeUp`, between two comment
pages) is remembered with the `after` cursor of the next page (`RESUME_PAGE`): the next scans read
the rest of the channel first, then go on from there, so a post of any length is read through over
several scans. Stopped after its last page, it was read whole and is not left. Graph invalidates a
cursor once the comment it points at is deleted ("your app shouldn't store cursors", Paginated
Results): a cursor it refuses has the post's comments read from the first page, in the same read.

Visitor posts (`visitor_posts = true`). `/{page-id}/posts` gives only what the Page published; a
question or a complaint a customer writes on the Page is on its feed (`/{page-id}/feed`: "posts and
links published by this Page, visitors to this Page, and public posts in which the Page has been
tagged", Page Feed reference). `/{page-id}/visitor_posts` is not read: its reference says it is not
supported for Pages on the New Pages Experience, which Meta has been moving every Page to. Each post
on the feed is told by its author and its id (`post_kind`):

- from the Page, or without `from` (withheld): the Page's own post, exactly as `/posts` gives it
  (a feed post without its author is logged: a visitor's among them waits for no answer);
- from anyone else, with the Page's id before its `_` (`{page-id}_{post-id}`, the form of every
  post on the Page): a visitor post. It is stored as what it is, a customer's message on the Page,
  in the records that already carry one (no new table, kind or analytics): a post
  (`is_business` False, the visitor its author) holding the thread, and the visitor's message
  itself as a top-level customer comment under it with the post's own id, so it is scored,
  alerted on, reported and listed among those waiting like any customer comment. A comment
  straight under the visitor post (top-level on Graph) has that message as its parent: the Page
  commenting on the post is the Page's reply to the visitor, and ends the wait as a reply to a
  customer's top-level comment on a Page post does. A reply keeps the comment it answers: the
  Page replying to someone's comment under the visitor post answers that comment, not the
  visitor, as a Page reply to a reply under a customer's comment answers that reply today. The
  ids cannot collide: comment ids are `{post-id}_{comment-id}`, post ids `{page-id}_{post-id}`.
  A visitor post the Page hid (`is_hidden`) is its message deleted: it waits for no answer.
- from anyone else, with another id: a public post elsewhere that tags the Page. It is not read:
  it is not on the Page (the Page may not be able to answer it where it is), and Graph withholds
  comment ids from a token that may not moderate the post, which would stop the channel (above). A
  post on the Page that also tags it has one id and is read once, as a visitor post.

The feed needs `pages_read_user_content`. A token without it (Graph refuses the feed's first page
with a permission error, codes 10 and 200-299) still reads the Page's own posts from `/posts`, and
the channel ends partial (`Incomplete`), naming the permission. Refused after its first page, the
feed stops the channel as any refusal does.

The cursor names the listing its watermark and run come from (`"listing": "feed"`; none for
`/posts`, as before). A channel whose cursor comes from `/posts` (a database scanned by an earlier
version, or with visitor posts off) reads the whole feed once, so that visitor posts written
before the switch are found; the Page's posts and comments come again with the same ids and are
upserted unchanged. Pages yielded before the feed's first page (threads read again) leave the
stored cursor as it was. Back on `/posts`, its listing starts over from the feed's watermark.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from contextlib import aclosing
from datetime import datetime, timedelta
from typing import Any, Literal

import httpx
from pydantic import Field

from socialmon_connectors._meta import (
    GraphSettings,
    MetaPaging,
    PageNamedByUsername,
    author,
    count,
    graph_options,
    refused_not_gone,
)
from socialmon_connectors._paging import (
    PagePlace,
    Raw,
    SweepConnector,
    Window,
    build,
    paginate,
    paginate_from,
    resume_page,
    time_at,
    time_up_in_thread,
)
from socialmon_connectors.base import ThreadTimeUp
from socialmon_connectors.errors import Incomplete, NotFound, PermissionDenied, PlatformError
from socialmon_connectors.http import Api, Skipped
from socialmon_connectors.records import CommentRecord, Page, PostRecord, RejectedRecord

log = logging.getLogger("socialmon.http")

AUTH_HINT = (
    "create a new Page access token (Graph API Explorer, or GET /me/accounts with a long-lived user "
    "token, permissions pages_show_list, pages_read_engagement, pages_read_user_content) and put it in "
    "the environment variable this channel's access_token names"
)
COMMENT_FIELDS = (
    "id,message,created_time,from{id,name},parent{id},like_count,comment_count,permalink_url,is_hidden"
)
POST_FIELDS = (
    "id,message,created_time,updated_time,permalink_url,from{id,name},shares,"
    "reactions.summary(total_count).limit(0)"
)


WITHHELD_IDS_HINT = (
    "create a Page access token (GET /me/accounts with a long-lived user token) as a user who can perform "
    "the MODERATE task on the Page, with the permissions pages_read_engagement and pages_read_user_content, "
    "and put it in the environment variable this channel's access_token names"
)

REFUSED_THREAD_HINT = (
    "Graph gives this answer both for a deleted post and for comments the token may not read; the next "
    "scan reads this thread again — if it keeps failing, check that the token is a Page access token with "
    "pages_read_engagement and pages_read_user_content"
)


#: What the Page's feed is asked for beyond a post's fields: whether the Page hid a visitor's post.
FEED_FIELDS = f"{POST_FIELDS},is_hidden"

VISITOR_POSTS_HINT = (
    "grant the app the permission pages_read_user_content, create a new Page access token and put it in "
    "the environment variable this channel's access_token names; until then the posts visitors write "
    "on the Page are not read"
)
#: Why a channel with visitor posts ends partial when Graph refuses the feed (after "Facebook: ").
FEED_REFUSED = "read the Page's own posts only: Graph refused the Page's feed, which holds the posts visitors write on the Page"

FEED = "feed"
#: The cursor's key naming the listing its watermark and run come from: "feed"; absent for `/posts`.
LISTING = "listing"

PostKind = Literal["page", "visitor", "elsewhere"]


def post_fields(comment_limit: int, fields: str = POST_FIELDS) -> str:
    """The post's fields, with its first page of comments (every level) expanded inline."""
    return f"{fields},comments.filter(stream).summary(true).limit({comment_limit}){{{COMMENT_FIELDS}}}"


class FacebookSettings(GraphSettings):
    page_id: str = Field(
        default="",
        description="the Page's numeric id or its username (looked up once a scan); defaults to the channel's account",
    )
    visitor_posts: bool = Field(
        default=False,
        description="also read the posts visitors write on the Page (its feed; the token needs "
        "pages_read_user_content): each waits for the Page's answer as a customer's comment does",
    )


# --- parsing: raw Graph JSON → records (pure) ----------------------------------------------


def parse_post(raw: Raw, page_id: str) -> PostRecord:
    author_id, author_name = author(raw)
    return PostRecord(
        platform_id=raw["id"],
        author_id=author_id or page_id,
        author_name=author_name,
        is_business=author_id is None or author_id == page_id,
        text=raw.get("message") or "",
        url=raw.get("permalink_url"),
        created_at=time_at(raw, "created_time"),
        like_count=count(raw.get("reactions")),
        comment_count=count(raw.get("comments")),
        share_count=(raw.get("shares") or {}).get("count"),
    )


def post_kind(raw: Raw, page_id: str) -> PostKind:
    """Whose post on the Page's feed this is: the Page's ("page": from the Page, or its `from`
    withheld), a visitor's on the Page ("visitor": from someone else, its id the Page's
    `{page-id}_…`), or a public post elsewhere that tags the Page ("elsewhere")."""
    author_id, _ = author(raw)
    if author_id is None or str(author_id) == page_id:
        return "page"
    post_id = raw.get("id")
    # Without an id it cannot be told where it lives: read as a visitor post, it is rejected naming `id`.
    if not post_id or str(post_id).startswith(f"{page_id}_"):
        return "visitor"
    return "elsewhere"


def visitor_message(raw: Raw) -> CommentRecord:
    """A visitor post's own message: a customer's top-level comment under the post, with its id."""
    author_id, author_name = author(raw)
    return CommentRecord(
        platform_id=raw["id"],
        post_id=raw["id"],
        author_id=author_id,
        author_name=author_name,
        is_business=False,
        text=raw.get("message") or "",
        url=raw.get("permalink_url"),
        created_at=time_at(raw, "created_time"),
        # Hidden by the Page (spam, abuse), as a hidden comment: it waits for no answer.
        deleted=raw.get("is_hidden") is True,
        like_count=count(raw.get("reactions")),
        reply_count=count(raw.get("comments")),
    )


def parse_comment(raw: Raw, post_id: str, page_id: str, *, top_parent: str | None = None) -> CommentRecord:
    """`top_parent`: the parent of a top-level comment (a visitor post's message, which it answers)."""
    author_id, author_name = author(raw)
    parent = raw.get("parent")
    return CommentRecord(
        platform_id=raw["id"],
        post_id=post_id,
        parent_id=parent.get("id") if isinstance(parent, dict) else top_parent,
        author_id=author_id,
        author_name=author_name,
        is_business=author_id is not None and author_id == page_id,
        text=raw.get("message") or "",
        url=raw.get("permalink_url"),
        created_at=time_at(raw, "created_time"),
        # Hidden by the Page (spam, abuse): only its author, their friends and the Page see it, so it
        # waits for no answer; kept, words and author, as a deletion is, until the Page unhides it.
        deleted=raw.get("is_hidden") is True,
        like_count=raw.get("like_count"),
        reply_count=raw.get("comment_count"),
    )


def ids_withheld(batch: list[Raw]) -> bool:
    """Whether Graph left the ids out of a page of comments (it does so for the whole page).

    Comments that carry text or a time but no id are what a token without the MODERATE
    task on the Page gets; a single malformed comment among others with ids is not that.
    """
    return (
        bool(batch)
        and not any(item.get("id") for item in batch)
        and any("created_time" in item or "message" in item for item in batch)
    )


def withheld_ids(post_id: str, batch: list[Raw]) -> PermissionDenied:
    return PermissionDenied(
        f"Facebook gave the comments on post {post_id} without their ids ({len(batch)} comments): the "
        "token is not a Page access token of a user who can perform the MODERATE task on the Page "
        "(a user token, or an app with Page Public Content Access, gets comments without ids or "
        "authors), so no comment can be stored",
        hint=WITHHELD_IDS_HINT,
    )


# --- the connector -------------------------------------------------------------------------


class FacebookConnector(PageNamedByUsername, SweepConnector):
    name = "facebook"
    platform = "Facebook"
    Settings = FacebookSettings
    summary = "a Facebook Page's posts, comments and replies (Graph API)"
    needs_account = True
    account_setting = "page_id"
    reply_window = timedelta(days=7)  # Meta's Private Replies: within 7 days of the comment

    settings: FacebookSettings
    paging = MetaPaging()

    # A scan's own (`pages` sets each as it starts):
    _given: dict[str, Any] | None = None  # the cursor it started from
    _listed = "posts"  # the listing it reads: "feed", or "posts" (also once Graph refused the feed)
    _listing_began = False  # Graph answered the listing's first page
    _feed_refused: PermissionDenied | None = None
    _authors_withheld = False  # a feed post without `from` was logged

    def make_api(self, client: httpx.AsyncClient) -> Api:
        return self.new_api(client, **graph_options(self.settings, AUTH_HINT))

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        """The sweep, from the cursor of the listing it reads (see the module's docstring), each
        cursor it yields naming that listing."""
        self._given = cursor
        self._listed = FEED if self.settings.visitor_posts else "posts"
        self._listing_began = False
        self._feed_refused = None
        self._authors_withheld = False
        start = cursor_for(self._listed, cursor)
        switched = start is not cursor  # the stored cursor comes from the other listing
        async with aclosing(super().pages(start)) as sweep:
            async for page in sweep:
                if page.cursor is not None:
                    if switched and not self._listing_began:
                        page.cursor = None  # threads read again before the listing: the stored cursor stays
                    elif self._listed == FEED:
                        page.cursor = {**page.cursor, LISTING: FEED}
                yield page

    async def listing(self, api: Api, window: Window) -> AsyncIterator[list[Raw]]:
        if self._listed == FEED:
            try:
                async for batch in self._list(api, window, FEED, FEED_FIELDS):
                    yield batch
                return
            except PermissionDenied as refused:  # without pages_read_user_content: the Page's posts still
                if self._listing_began:
                    raise
                self._feed_refused = refused
                self._listed = "posts"
                # Said once, as the channel's partial reason (`after_listing`), when the listing is done.
                log.info("Facebook: %s; %s", FEED_REFUSED, Exception.__str__(refused))
                posts = Window.open(cursor_for("posts", self._given), self.now(), self.settings.recent_days)
                for field in dataclasses.fields(Window):  # the sweep holds this window: changed in place
                    if field.name != "retried":
                        setattr(window, field.name, getattr(posts, field.name))
        async for batch in self._list(api, window, "posts", POST_FIELDS):
            yield batch

    async def _list(self, api: Api, window: Window, edge: str, fields: str) -> AsyncIterator[list[Raw]]:
        params: dict[str, Any] = {
            "fields": post_fields(self.settings.comment_page_size, fields),
            "limit": self.settings.page_size,
        }
        if window.since is not None:
            params["since"] = int(window.since.timestamp())
        async for batch in paginate(api, f"{self.page_id}/{edge}", params, self.paging):
            self._listing_began = True
            yield batch
        self._listing_began = True  # an empty listing too: Graph answered it

    async def after_listing(self, api: Api, finished: dict[str, Any]) -> AsyncIterator[Page]:
        """A feed Graph refused ends the channel partial, once the Page's own posts are read."""
        refused = self._feed_refused
        if refused is not None:
            raise Incomplete(
                f"Facebook: {FEED_REFUSED}; {Exception.__str__(refused)}", hint=VISITOR_POSTS_HINT
            )
        return
        yield

    def item_time(self, raw: Raw) -> datetime:
        return time_at(raw, "created_time")

    def item_label(self, raw: Raw) -> str:
        return f"Facebook post {self.item_key(raw) or '?'}"

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        kind = post_kind(raw, self.page_id)
        if kind == "elsewhere":
            log.info(
                "Facebook: post %s on the Page's feed is a public post elsewhere that tags the Page: not read",
                self.item_key(raw) or "?",
            )
            return []
        if kind == "page" and self._listed == FEED and not isinstance(raw.get("from"), dict):
            self._warn_author_withheld(raw)
        post = build(rejected, self.item_label(raw), lambda: parse_post(raw, self.page_id))
        if post is None:
            return []
        if kind == "page":
            return [post]
        message = build(rejected, f"Facebook visitor post {raw.get('id')}", lambda: visitor_message(raw))
        return [post, message] if message else [post]

    def _warn_author_withheld(self, raw: Raw) -> None:
        """Once a scan: feed posts without `from` are taken for the Page's own, a visitor's among them too."""
        if self._authors_withheld:
            return
        self._authors_withheld = True
        log.warning(
            "Facebook: post %s on the Page's feed came without its author (from): it is taken for the "
            "Page's own, so if a visitor wrote it, it waits for no answer; a Page access token of someone "
            "with a task on the Page gets the authors",
            self.item_key(raw) or "?",
        )

    def retry_item(self, raw: Raw) -> Raw:
        """The post less its inline comments (a retry requests `/{post-id}/comments` from the start).

        The comment count (`comments.summary`) stays, for the warning about unreadable comments.
        """
        kept = {key: value for key, value in raw.items() if key != "comments"}
        inline = raw.get("comments")
        if isinstance(inline, dict) and isinstance(inline.get("summary"), dict):
            kept["comments"] = {"summary": inline["summary"]}
        return kept

    async def not_gone(
        self, api: Api, raw: Raw, error: Skipped | NotFound, *, remembered: bool
    ) -> PlatformError | None:
        post_id = str(raw.get("id"))
        return await refused_not_gone(api, f"post {post_id}", post_id, error, remembered, REFUSED_THREAD_HINT)

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        post_id = str(raw.get("id"))
        kind = post_kind(raw, self.page_id)
        if kind == "elsewhere":  # not read (see `item`)
            return
        # A comment straight under a visitor post answers the visitor's message, which has the post's id.
        top_parent = post_id if kind == "visitor" else None
        inline = raw.get("comments")
        first = inline if isinstance(inline, dict) and "data" in inline else None
        params = {"filter": "stream", "fields": COMMENT_FIELDS, "limit": self.settings.comment_page_size}
        resume = resume_page(raw)  # where a read stopped for the channel's time got to
        place = PagePlace()
        served = 0
        path = f"{post_id}/comments"
        async for batch in paginate_from(api, path, params, self.paging, resume, first=first, place=place):
            if ids_withheld(batch):
                raise withheld_ids(post_id, batch)
            served += len(batch)
            parsed = [
                build(
                    rejected,
                    f"Facebook comment {item.get('id') or '(no id)'} on post {post_id}",
                    lambda item=item: parse_comment(item, post_id, self.page_id, top_parent=top_parent),
                )
                for item in batch
            ]
            try:
                yield [record for record in parsed if record is not None]
            except ThreadTimeUp:  # each page is one yield: it was handed over whole
                stop = time_up_in_thread(
                    self.item_label(raw), self.retry_item(raw), params, place, page_done=True
                )
                if stop is None:
                    return  # that was the last page: read to its end
                raise stop from None
        total = count(inline)
        if resume is None and total is not None and total > served:  # a read from the start only
            log.warning(
                "Facebook post %s: the summary says %d comments, %d were readable "
                "(hidden, deleted or restricted by privacy)",
                post_id,
                total,
                served,
            )


def cursor_for(listing: str, cursor: dict[str, Any] | None) -> dict[str, Any] | None:
    """The cursor to read `listing` ("feed" or "posts") from, given the stored one.

    The feed after a cursor of `/posts` (or none): None, the whole feed once (its visitor posts were
    never read). `/posts` after a cursor of the feed: its watermark only (the feed's run, positions
    in another listing, means nothing there). Otherwise the cursor itself.
    """
    made_by = (cursor or {}).get(LISTING) or "posts"
    if made_by == listing:
        return cursor
    if listing == FEED:
        return None
    return {"watermark": (cursor or {}).get("watermark")}


__all__ = [
    "FacebookConnector",
    "FacebookSettings",
    "cursor_for",
    "ids_withheld",
    "parse_comment",
    "parse_post",
    "post_kind",
    "visitor_message",
]
