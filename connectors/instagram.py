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
are off (or is gone); otherwise it is read again on the next scan, as before. Found off, the media is
stored as Graph now describes it (asked for with the listing's fields), `replies_closed`: one no
longer in the listing's window would otherwise keep its unanswered comments waiting.

A media whose comments take longer than the channel's time (`ThreadTimeUp`) is remembered with the
`after` cursor of its comment page (`RESUME_PAGE`): that page again when a comment's further replies
were still to read, else the next one; none after the last page (read whole). The comments of a
page and the replies inlined with them are handed over together. A cursor Graph refuses (it
invalidates them) has the comments read from the first page, in the same read.

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
    MALFORMED,
    ItemClosed,
    PagePlace,
    Raw,
    SweepConnector,
    UnexpectedShape,
    Window,
    build,
    paginate,
    paginate_from,
    resume_page,
    time_at,
    time_up_in_thread,
    why_rejected,
)
from socialmon_connectors.base import ThreadTimeUp
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
    ) -> PlatformError | ItemClosed | None:
        media_id = str(raw.get("id"))
        if remembered and isinstance(error, NotFound) and error.code == MISSING_OR_REFUSED:
            # Refused again on a later scan: the media itself says whether it is gone, or its comments
            # are now off (nothing to read until the account turns them on), or it is there to read.
            # Asked for as the listing asks: a media off the listing's window is stored as it is now,
            # `replies_closed` with its comments off (its comments no longer wait for an answer).
            try:
                found = await api.get(media_id, {"fields": MEDIA_FIELDS})
            except NotFound:
                return None
            except PlatformError as other:
                if other.code == "network":
                    raise
                found = None  # another answer says neither: read the thread again next scan
            if isinstance(found, dict) and comments_off(found):
                return self._closed(found)
            # Just asked for, the media is there: refused as a just-listed one is, with no second look.
            return await refused_not_gone(
                api, f"media {media_id}", media_id, error, False, REFUSED_THREAD_HINT
            )
        return await refused_not_gone(
            api, f"media {media_id}", media_id, error, remembered, REFUSED_THREAD_HINT
        )

    def _closed(self, found: Raw) -> ItemClosed | None:
        """A remembered media Graph now says has its comments off: stored so, its thread let go (None:
        let go only, when the answer cannot be read as a media)."""
        media_id = found.get("id")
        why = "its comments are turned off; they are not read"
        try:
            media = parse_media(found, self.account_id, self.username)
        except MALFORMED as error:
            log.warning("Instagram media %s: %s (not stored: %s)", media_id, why, why_rejected(error))
            return None
        return ItemClosed(posts=[media], why=why)

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
        reply_params = {"fields": REPLY_FIELDS, "limit": self.settings.comment_page_size}
        place = PagePlace()
        page_done = False  # whether the yield in hand is the page's last: nothing of it is left to read
        try:
            async for batch in paginate_from(
                api, f"{media_id}/comments", params, self.paging, resume_page(raw), place=place
            ):
                # The comments and the replies inlined with them, in one yield; then the replies past
                # those, comment by comment.
                found = parse(batch)
                # (comment, its inline replies, the inline page's items: `paginate(first=…)` serves
                # the same objects again, those without an id too, which were rejected once already)
                paged: list[tuple[str, Raw, set[int]]] = []
                for comment in batch:
                    replies = comment.get("replies")
                    if not isinstance(replies, dict) or not comment.get("id"):
                        continue  # a comment without an id is rejected above; its replies cannot be paged
                    inline = self._inline_replies(str(comment["id"]), media_id, replies, rejected)
                    if inline is None:
                        continue  # rejected with its reason: the comment itself is kept
                    found.extend(parse(inline, str(comment["id"])))
                    if self.paging.next_params(replies, reply_params) is not None:
                        paged.append((str(comment["id"]), replies, {id(item) for item in inline}))
                page_done = not paged
                yield found
                for number, (comment_id, replies, handed_over) in enumerate(paged, start=1):
                    replies_place = PagePlace()
                    try:
                        async for reply_batch in paginate(
                            api,
                            f"{comment_id}/replies",
                            reply_params,
                            self.paging,
                            first=replies,
                            place=replies_place,
                        ):
                            fresh = [item for item in reply_batch if id(item) not in handed_over]
                            if not fresh:
                                continue  # the inline page, handed over with the comments
                            page_done = number == len(paged) and replies_place.following is None
                            yield parse(fresh, comment_id)
                    except NotFound as error:
                        # The comment was deleted (or hidden from us) since the listing served it, and the
                        # replies of a deleted comment cannot be fetched: that concerns this comment alone.
                        log.warning(
                            "Instagram comment %s on media %s: its other replies cannot be read, the comment "
                            "is gone: %s",
                            comment_id,
                            media_id,
                            Exception.__str__(error),
                        )
        except ThreadTimeUp:
            stop = time_up_in_thread(self.item_label(raw), raw, params, place, page_done=page_done)
            if stop is None:
                return  # the last page's last yield: read to its end
            raise stop from None

    def _inline_replies(
        self, comment_id: str, media_id: str, replies: Raw, rejected: list[RejectedRecord]
    ) -> list[Raw] | None:
        """The first page of a comment's replies, inlined in the comment (`replies{…}`); None, with the
        reason in `rejected`, when it is not a page of replies: the comment and the rest of its page
        are kept (they are handed over together)."""
        try:
            return self.paging.items(replies)
        except UnexpectedShape as shape:
            where = f"the replies of Instagram comment {comment_id} on media {media_id}"
            rejected.append(RejectedRecord(location=where, reason=str(shape)))
            return None


__all__ = [
    "InstagramConnector",
    "InstagramSettings",
    "comments_off",
    "is_business",
    "parse_comment",
    "parse_media",
]
