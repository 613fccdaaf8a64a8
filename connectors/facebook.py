"""The `facebook` connector: a Facebook Page's posts, and every comment and reply on them.

Requests (Graph API, token in an `Authorization: Bearer` header):

    GET /{page-id}/posts?fields=…,comments.filter(stream).limit(N){…}&since=…&until=…
        newest first; each post carries its first page of comments, every level
        (`filter=stream`: replies name their `parent`)
    GET /{post-id}/comments?filter=stream&after=…   the rest of a post's comments, when there are more

A comment whose `from.id` is the Page's id is the business's own reply. Counts come
from `reactions.summary(total_count)` and `comments.summary(true)`. The Graph API does
not mark edits or deletions of comments: an edited text arrives on the next re-read
(the storage updates it and scores it again); a post marked `is_hidden` is not deleted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
from pydantic import Field

from socialmon_connectors._meta import GraphSettings, author, count, graph_options
from socialmon_connectors._paging import GraphPaging, Raw, SweepConnector, Window, build, paginate, parse_time
from socialmon_connectors.http import Api
from socialmon_connectors.records import CommentRecord, PostRecord, RejectedRecord

AUTH_HINT = (
    "create a new Page access token (Graph API Explorer, or GET /me/accounts with a long-lived user "
    "token, permissions pages_show_list, pages_read_engagement, pages_read_user_content) and put it in "
    "the environment variable this channel's access_token names"
)
COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id},like_count,comment_count,permalink_url"
POST_FIELDS = (
    "id,message,created_time,updated_time,permalink_url,from{id,name},shares,"
    "reactions.summary(total_count).limit(0)"
)


def post_fields(comment_limit: int) -> str:
    """The post's fields, with its first page of comments (every level) expanded inline."""
    return f"{POST_FIELDS},comments.filter(stream).summary(true).limit({comment_limit}){{{COMMENT_FIELDS}}}"


class FacebookSettings(GraphSettings):
    page_id: str = Field(default="", description="the Page's numeric id; defaults to the channel's account")


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
        created_at=parse_time(raw["created_time"]),
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
        created_at=parse_time(raw["created_time"]),
        like_count=raw.get("like_count"),
        reply_count=raw.get("comment_count"),
    )


# --- the connector -------------------------------------------------------------------------


class FacebookConnector(SweepConnector):
    name = "facebook"
    platform = "Facebook"
    Settings = FacebookSettings
    summary = "a Facebook Page's posts, comments and replies (Graph API)"
    reply_window = timedelta(days=7)  # Meta's Private Replies: within 7 days of the comment

    settings: FacebookSettings
    paging = GraphPaging()

    @property
    def page_id(self) -> str:
        return self.settings.page_id or self.context.account

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
        return parse_time(raw["created_time"])

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        post = build(rejected, f"Facebook post {raw.get('id')}", lambda: parse_post(raw, self.page_id))
        return [post] if post else []

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        post_id = str(raw.get("id"))
        inline = raw.get("comments")
        params = {"filter": "stream", "fields": COMMENT_FIELDS, "limit": self.settings.comment_page_size}
        async for batch in paginate(
            api,
            f"{post_id}/comments",
            params,
            self.paging,
            first=inline if isinstance(inline, dict) else None,
        ):
            parsed = [
                build(
                    rejected,
                    f"Facebook comment {item.get('id')}",
                    lambda item=item: parse_comment(item, post_id, self.page_id),
                )
                for item in batch
            ]
            yield [record for record in parsed if record is not None]


__all__ = ["FacebookConnector", "FacebookSettings", "parse_comment", "parse_post"]
