"""The `facebook` connector: a Facebook Page's posts, and every comment and reply on them.

Requests (Graph API, token in an `Authorization: Bearer` header):

    GET /{page-id}/posts?fields=…,comments.filter(stream).limit(N){…}&since=…&until=…
        newest first; each post carries its first page of comments, every level
        (`filter=stream`: replies name their `parent`)
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
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

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
from socialmon_connectors.errors import NotFound, PermissionDenied, PlatformError
from socialmon_connectors.http import Api, Skipped
from socialmon_connectors.records import CommentRecord, PostRecord, RejectedRecord

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


def post_fields(comment_limit: int) -> str:
    """The post's fields, with its first page of comments (every level) expanded inline."""
    return f"{POST_FIELDS},comments.filter(stream).summary(true).limit({comment_limit}){{{COMMENT_FIELDS}}}"


class FacebookSettings(GraphSettings):
    page_id: str = Field(
        default="",
        description="the Page's numeric id or its username (looked up once a scan); defaults to the channel's account",
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


def parse_comment(raw: Raw, post_id: str, page_id: str) -> CommentRecord:
    author_id, author_name = author(raw)
    parent = raw.get("parent")
    return CommentRecord(
        platform_id=raw["id"],
        post_id=post_id,
        parent_id=parent.get("id") if isinstance(parent, dict) else None,
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

    def make_api(self, client: httpx.AsyncClient) -> Api:
        return self.new_api(client, **graph_options(self.settings, AUTH_HINT))

    async def listing(self, api: Api, window: Window) -> AsyncIterator[list[Raw]]:
        params: dict[str, Any] = {
            "fields": post_fields(self.settings.comment_page_size),
            "limit": self.settings.page_size,
        }
        if window.since is not None:
            params["since"] = int(window.since.timestamp())
        async for batch in paginate(api, f"{self.page_id}/posts", params, self.paging):
            yield batch

    def item_time(self, raw: Raw) -> datetime:
        return time_at(raw, "created_time")

    def item_label(self, raw: Raw) -> str:
        return f"Facebook post {self.item_key(raw) or '?'}"

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        post = build(rejected, self.item_label(raw), lambda: parse_post(raw, self.page_id))
        return [post] if post else []

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
                    lambda item=item: parse_comment(item, post_id, self.page_id),
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


__all__ = ["FacebookConnector", "FacebookSettings", "ids_withheld", "parse_comment", "parse_post"]
