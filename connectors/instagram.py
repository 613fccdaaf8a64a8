"""The `instagram` connector: a business or creator account's media, with their comments and replies.

Requests (Graph API, Facebook Login flavour by default; set `base_url` to
`https://graph.instagram.com/v25.0` for an Instagram Login token):

    GET /{ig-user-id}?fields=id,username                      the account's username
    GET /{ig-user-id}/media?fields=…                          newest first
    GET /{media-id}/comments?fields=…,replies{…}              top-level comments, first replies inline
    GET /{comment-id}/replies?fields=…                        the rest of a comment's replies

Threads are two levels deep. A comment the account hid (`hidden: true`) cannot be replied to:
it is stored marked deleted, so it waits for no answer, and stored undeleted once unhidden.
A comment is the business's own when its `from.id` is the account id or its username is the
account's (case-insensitive): `from.id` is an Instagram-scoped id, so the username is the
reliable test. Instagram marks neither edits
nor deletions; a media item with `comments_count > 0` and no visible comments (an app in
development mode) is not an error. A comment deleted while its replies are paged (Graph
answers the replies edge "object does not exist", 100/33) loses only the replies not yet read,
with a warning; the media's other comments and replies are read on.

A media whose comments the account turned off (`is_comment_enabled: false` in the listing; a
media listed without the field counts as on) is stored without asking for its comments: nobody
can comment, and Graph's refusal of the edge (100/33) left the thread to read again every scan.
A remembered thread Graph refuses again is let go when the media itself now says its comments
are off (or is gone); otherwise it is read again on the next scan, as before.

Such a media is stored with `replies_closed`: nobody, the business included, can reply under it.
The comments stored before the account turned its comments off stay as they were, not marked
deleted: they keep counting in the sentiment figures and the response rate (customers' words are
not taken out of the sentiment figures because a thread closed, as for Reddit's locked posts),
but one never answered is no longer listed as waiting (`socialmon pending`, the report's
needs-reply list, the `waiting` alert). Turned back on, a media listed again (the last
`recent_days`) is stored without the mark and has its comments read: one never answered waits
again, and an answer ends the wait.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
from pydantic import Field

from socialmon_connectors._meta import (
    MISSING_OR_REFUSED,
    GraphSettings,
    MetaPaging,
    account_username,
    author,
    graph_options,
    refused_not_gone,
)
from socialmon_connectors._paging import (
    Raw,
    SweepConnector,
    Window,
    build,
    paginate,
    time_at,
)
from socialmon_connectors.errors import NotFound, PlatformError
from socialmon_connectors.http import Api, Skipped
from socialmon_connectors.records import CommentRecord, PostRecord, RejectedRecord

AUTH_HINT = (
    "create a new access token (permissions instagram_basic, instagram_manage_comments, "
    "pages_read_engagement; or instagram_business_basic and instagram_business_manage_comments with "
    "Instagram Login, refreshed before its 60 days run out) and put it in the environment variable this "
    "channel's access_token names"
)
REPLY_FIELDS = "id,text,timestamp,username,like_count,hidden,from{id,username},parent_id"
COMMENT_FIELDS = f"id,text,timestamp,username,like_count,hidden,from{{id,username}},replies{{{REPLY_FIELDS}}}"
MEDIA_FIELDS = (
    "id,caption,timestamp,permalink,comments_count,like_count,media_type,media_product_type,username,"
    "is_comment_enabled"
)

log = logging.getLogger("socialmon.http")


REFUSED_THREAD_HINT = (
    "Graph gives this answer both for deleted media and for comments the token may not read; the next "
    "scan reads this thread again — if it keeps failing, check that the token has instagram_manage_comments "
    "(or instagram_business_manage_comments with Instagram Login)"
)


def comments_off(raw: Raw) -> bool:
    """Whether Graph says the account turned the media's comments off; a media without the field is on."""
    return raw.get("is_comment_enabled") is False


class InstagramSettings(GraphSettings):
    ig_user_id: str = Field(
        default="", description="the Instagram account's id; defaults to the channel's account"
    )
    username: str = Field(default="", description="the account's username; looked up when left out")


def is_business(raw: Raw, account_id: str, username: str) -> bool:
    author_id, name = author(raw)
    if author_id is not None and author_id == account_id:
        return True
    return bool(username) and isinstance(name, str) and name.lower() == username.lower()


def parse_media(raw: Raw, account_id: str, username: str) -> PostRecord:
    return PostRecord(
        platform_id=raw["id"],
        author_id=account_id,
        author_name=raw.get("username") or username or None,
        text=raw.get("caption") or "",
        url=raw.get("permalink"),
        created_at=time_at(raw, "timestamp"),
        like_count=raw.get("like_count"),
        comment_count=raw.get("comments_count"),
        replies_closed=comments_off(raw),  # the business cannot answer under it either
    )


def parse_comment(raw: Raw, media_id: str, account_id: str, username: str) -> CommentRecord:
    author_id, author_name = author(raw)
    return CommentRecord(
        platform_id=raw["id"],
        post_id=media_id,
        parent_id=raw.get("parent_id"),
        author_id=author_id,
        author_name=author_name,
        is_business=is_business(raw, account_id, username),
        text=raw.get("text") or "",
        created_at=time_at(raw, "timestamp"),
        # Hidden by the account (or Instagram's hidden-words filter): nobody can reply to it, so it
        # waits for no answer; kept, words and author, as a moderator's removal is, until unhidden.
        deleted=raw.get("hidden") is True,
        like_count=raw.get("like_count"),
    )


class InstagramConnector(SweepConnector):
    name = "instagram"
    platform = "Instagram"
    Settings = InstagramSettings
    summary = "an Instagram business account's media, comments and replies (Graph API)"
    needs_account = True
    account_setting = "ig_user_id"
    reply_window = timedelta(days=7)  # Meta's Private Replies: within 7 days of the comment

    settings: InstagramSettings
    paging = MetaPaging()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.username = self.settings.username.lstrip("@")

    @property
    def account_id(self) -> str:
        return self.settings.ig_user_id or self.context.account

    def make_api(self, client: httpx.AsyncClient) -> Api:
        return self.new_api(client, **graph_options(self.settings, AUTH_HINT))

    async def prepare(self, api: Api) -> None:
        if not self.username:
            self.username = await account_username(api, self.account_id)

    async def listing(self, api: Api, window: Window) -> AsyncIterator[list[Raw]]:
        params = {"fields": MEDIA_FIELDS, "limit": self.settings.page_size}
        async for batch in paginate(api, f"{self.account_id}/media", params, self.paging):
            yield batch

    def item_time(self, raw: Raw) -> datetime:
        return time_at(raw, "timestamp")

    def item_label(self, raw: Raw) -> str:
        return f"Instagram media {self.item_key(raw) or '?'}"

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        media = build(
            rejected, self.item_label(raw), lambda: parse_media(raw, self.account_id, self.username)
        )
        return [media] if media else []

    async def not_gone(
        self, api: Api, raw: Raw, error: Skipped | NotFound, *, remembered: bool
    ) -> PlatformError | None:
        media_id = str(raw.get("id"))
        if remembered and isinstance(error, NotFound) and error.code == MISSING_OR_REFUSED:
            # Refused again on a later scan: the media itself says whether it is gone, or its comments
            # are now off (nothing to read until the account turns them on), or it is there to read.
            try:
                found = await api.get(media_id, {"fields": "id,is_comment_enabled"})
            except NotFound:
                return None
            except PlatformError as other:
                if other.code == "network":
                    raise
                found = None  # another answer says neither: read the thread again next scan
            if isinstance(found, dict) and comments_off(found):
                log.info("Instagram media %s: its comments are turned off; they are not read", media_id)
                return None
            # Just asked for, the media is there: refused as a just-listed one is, with no second look.
            return await refused_not_gone(
                api, f"media {media_id}", media_id, error, False, REFUSED_THREAD_HINT
            )
        return await refused_not_gone(
            api, f"media {media_id}", media_id, error, remembered, REFUSED_THREAD_HINT
        )

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        media_id = str(raw.get("id"))
        if comments_off(raw):
            return  # nothing to read (Graph may refuse the edge outright): the media alone is stored

        def parse(items: list[Raw], parent_id: str | None = None) -> list[CommentRecord]:
            found = []
            for item in items:
                if parent_id and not item.get("parent_id"):  # a reply always names its comment
                    item = {**item, "parent_id": parent_id}
                record = build(
                    rejected,
                    f"Instagram comment {item.get('id') or '(no id)'} on media {media_id}",
                    lambda item=item: parse_comment(item, media_id, self.account_id, self.username),
                )
                if record is not None:
                    found.append(record)
            return found

        params = {"fields": COMMENT_FIELDS, "limit": self.settings.comment_page_size}
        async for batch in paginate(api, f"{media_id}/comments", params, self.paging):
            yield parse(batch)
            for comment in batch:
                replies = comment.get("replies")
                if not isinstance(replies, dict) or not comment.get("id"):
                    continue  # a comment without an id is rejected above; its replies cannot be paged
                reply_params = {"fields": REPLY_FIELDS, "limit": self.settings.comment_page_size}
                try:
                    async for reply_batch in paginate(
                        api, f"{comment['id']}/replies", reply_params, self.paging, first=replies
                    ):
                        yield parse(reply_batch, str(comment["id"]))
                except NotFound as error:
                    # The comment was deleted (or hidden from us) since the listing served it, and the
                    # replies of a deleted comment cannot be fetched: that concerns this comment alone.
                    log.warning(
                        "Instagram comment %s on media %s: its other replies cannot be read, the comment "
                        "is gone: %s",
                        comment["id"],
                        media_id,
                        Exception.__str__(error),
                    )


__all__ = [
    "InstagramConnector",
    "InstagramSettings",
    "comments_off",
    "is_business",
    "parse_comment",
    "parse_media",
]
