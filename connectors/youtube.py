"""The `youtube` connector: a channel's videos, their comment threads and every reply.

Requests (YouTube Data API v3; every call costs 1 quota unit of the default 10,000 a day):

    GET channels?part=contentDetails&id=UC…                 the channel's uploads playlist
    GET playlistItems?part=contentDetails,snippet&playlistId=UU…   videos, newest first (never search.list: 100 units)
    GET videos?part=snippet,statistics&id=v1,v2,…           titles and counts for a page of videos
    GET commentThreads?part=snippet,replies&videoId=…       top-level comments with a few replies
    GET comments?part=snippet&parentId=…                    the rest of the replies, when the thread has more
    GET commentThreads?part=snippet,replies&allThreadsRelatedToChannelId=UC…   every video's threads, newest first
    GET commentThreads?part=snippet,replies&id=…            a remembered channel-wide thread, read again

An API key (public videos) goes in the `X-Goog-Api-Key` header, an OAuth token in
`Authorization: Bearer`: neither is ever in a URL. A comment is the business's own when
its `authorChannelId` is the channel's id; `updatedAt` later than `publishedAt` is an edit.
When the daily quota runs out (`quotaExceeded`), or this scan has spent `max_units`, the
channel stops with `RateLimited` and resumes from its cursor on the next scan. A video with
comments turned off is stored without comments.

A channel with no public uploads has an uploads playlist that `channels.list` names but
`playlistItems.list` answers 404 `playlistNotFound` for (a new channel, or one whose videos
were all removed or made private). Once `channels.list` has found the channel, that answer on
the first page is an empty listing: the channel is read (ok, nothing new), with a warning
naming it. On a later page it is `ListingCutShort` (the playlist vanished part way: the scan
does not count as complete); for a channel not found it stays `NotFound`.

A video made private or deleted stays in a playlist as YouTube's placeholder ("Private video",
"This video is private."; "Deleted video", "This video is unavailable.") that `videos.list`
omits: it is sent as deleted without text (storage keeps the title and description it stored),
and its comments are not read.

The uploads playlist is not in publish order: a video uploaded earlier and premiered, scheduled
or made public later keeps its place among older uploads. The framework never trusts the order
(see `_paging.Window`). A video whose comments cannot be read (`forbidden`, `processingFailure`)
is stored, and its thread is remembered by video id and read again on the next scans; a playlist
item that cannot be read (no `contentDetails.videoId`, no time) is rejected with its reason. A
video whose comments are still being read when the channel's time runs out (`ThreadTimeUp`) is
remembered with the page token it was on (`COMMENTS_PAGE`; the next page's once the page it was on
was read to its last thread; none when that was the last page: the video was read to its end): the
next scan reads the other videos and the channel-wide pass first, then goes on from that page, so a
video with more comments than one scan can read gets through them over several scans (its newest
comments are read again once it is through). A token YouTube no longer takes reads the video from
its first page, in the same read.

The uploads sweep re-reads only the videos of the look-back window (`recent_days`): a question on
an older video (an evergreen tutorial) would never be seen. After the sweep, and before a long
video's turn (which ends every scan at the time limit until the video is through: run after it, the
pass would not run at all meanwhile), a second pass lists
the channel's comment threads (`allThreadsRelatedToChannelId`, every video's, newest first) from
the top on every scan, at most `channel_threads_pages` pages, down to a line: the newest thread
time the last completed pass saw (its watermark, under `channel_threads` in the cursor) less
`PASS_MARGIN`. It stops at the first page whose threads are all at or older than the line, by
the top-level comment's `publishedAt` (the listing's order: `thread_time`). Threads newer than
the line are read (their replies through `comments.list`) unless they are on the sweep's videos
of this scan. Reaching the line moves the watermark; stopping short of it (the cap: `Incomplete`,
a quota, the time limit) keeps it, and the next scan lists from the top again: nothing is taken
for done by its position in a listing that moves as comments arrive (`_ChannelThreads`). A cursor
without a watermark (the first scan after an upgrade) starts from `channel_threads_catch_up_days`
back; the first scan of a channel reads every video's threads already, and only starts the
watermark. A thread that names no video (a comment on the channel itself, from before YouTube
removed that tab) is passed over with a log line. Comments point at their video by id: the video
is a post stored by an earlier scan's sweep, and is not asked for again.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import httpx
from pydantic import Field, SecretStr, model_validator

from socialmon_connectors._google import QUOTA_HINT, google_errors, parse_google_error
from socialmon_connectors._paging import (
    GOES_ON_FROM_ITS_PAGE,
    MALFORMED,
    ApiSettings,
    FieldError,
    PagePlace,
    PageTokenPaging,
    Raw,
    SweepConnector,
    UnexpectedShape,
    Window,
    build,
    describe_json,
    dig,
    field_at,
    listed,
    objects,
    paginate,
    paginate_from,
    parse_time,
    time_at,
    unexpected_body,
)
from socialmon_connectors.base import TIME_LIMIT_IN_THREAD, ChannelContext, ThreadTimeUp, time_limit_reached
from socialmon_connectors.errors import Incomplete, ListingCutShort, NotFound, PartialThread, RateLimited
from socialmon_connectors.http import Action, Api, Rule, Skipped
from socialmon_connectors.records import CommentRecord, Page, PostRecord, RejectedRecord

log = logging.getLogger("socialmon.http")

BASE_URL = "https://www.googleapis.com/youtube/v3"
AUTH_HINT = (
    "check the API key (Google Cloud console → APIs & Services → Credentials, with the YouTube Data API v3 "
    "enabled) or renew the OAuth token (scope youtube.readonly), and put it in the environment variable "
    "this channel's api_key or access_token names"
)
SCOPE_HINT = (
    "the OAuth token was granted without the scope https://www.googleapis.com/auth/youtube.readonly: "
    "authorise again with that scope (or use an API key, for public videos) and put the new token in the "
    "environment variable this channel's access_token names"
)
FORBIDDEN_HINT = (
    "the credentials may not read this: an API key reads only public data, an OAuth token only what "
    "its Google account may see"
)
ERRORS = google_errors(
    AUTH_HINT,
    scope_hint=SCOPE_HINT,
    denied_hint=FORBIDDEN_HINT,
    commentsDisabled=Action.SKIP,
    videoNotFound=Action.NOT_FOUND,
    channelNotFound=Action.NOT_FOUND,
    # Not NOT_FOUND: only `listing()` can tell a channel without public uploads from an unknown one.
    playlistNotFound=Action.SKIP,
    forbidden=Rule(Action.FAIL, FORBIDDEN_HINT),
    # A remembered thread, or the comment whose replies are asked for, deleted since.
    commentThreadNotFound=Action.NOT_FOUND,
    commentNotFound=Action.NOT_FOUND,
)

#: The key of the channel-wide pass's own cursor inside the channel's cursor.
CHANNEL_THREADS = "channel_threads"
#: The key, in a remembered item, of a channel-wide thread's id (the item is not a playlist item).
CHANNEL_THREAD = "socialmon_channel_thread"
#: The key, in a remembered video, of the `commentThreads` page token its read was on when the
#: channel's time ran out (`ThreadTimeUp`): the next scan goes on from that page, not from the top.
COMMENTS_PAGE = "socialmon_comments_page"
#: How far below its watermark the channel-wide pass reads: slack for clocks and for a listing whose
#: order is a little off (a thread listed a few minutes later than its time says).
PASS_MARGIN = timedelta(hours=1)
#: Why a channel ends partial when the pass's page cap stops it short of its line (said in Spanish
#: through socialmon.cli._config_words.PARTIAL_REASONS).
CHANNEL_THREADS_CAP = (
    "YouTube: read {pages} pages of the channel's comment threads, down to {oldest}; older threads "
    "were not read (raise channel_threads_pages to read more)"
)


class YouTubeSettings(ApiSettings):
    channel_id: str = Field(
        default="", description="the channel's id (UC…); defaults to the channel's account"
    )
    api_key: SecretStr | None = Field(default=None, description='an API key, written as "${ENV_VAR}"')
    access_token: SecretStr | None = Field(default=None, description='an OAuth access token, as "${ENV_VAR}"')
    base_url: str = BASE_URL
    page_size: int = Field(default=50, ge=1, le=50, description="videos per request")
    comment_page_size: int = Field(default=100, ge=1, le=100, description="comments per request")
    max_units: int | None = Field(
        default=None, ge=1, description="quota units one scan of this channel may spend (1 per request)"
    )
    channel_threads_pages: int = Field(
        default=20,
        ge=0,
        le=10_000,
        description="pages of the channel's comment threads (100 each, 1 unit each) one scan reads for "
        "comments on videos older than recent_days, down to what the last full pass saw; past it the "
        "channel ends partial and the next scan lists from the newest again; 0 turns that pass off",
    )
    channel_threads_catch_up_days: float = Field(
        default=90,
        ge=0,
        le=3650,
        description="how far back the first scan after an upgrade reads the channel's comment threads",
    )

    @model_validator(mode="after")
    def _one_credential(self) -> YouTubeSettings:
        if (self.api_key is None) == (self.access_token is None):
            raise ValueError("give exactly one of api_key and access_token")
        return self


# --- parsing: raw YouTube JSON → records (pure) --------------------------------------------


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _object(raw: Any, *path: str) -> dict[str, Any]:
    """The object at `path`, or an empty one where it is missing or not an object (optional parts)."""
    found = dig(raw, path)
    return found if isinstance(found, dict) else {}


def video_id(raw: Raw) -> str:
    """A playlist item's video id (`contentDetails.videoId`); a `FieldError` naming it when missing."""
    found = field_at(raw, "contentDetails", "videoId")
    if not isinstance(found, str) or not found:
        raise FieldError(
            f"field 'videoId' (contentDetails.videoId) is {describe_json(found)}, not a video id"
        )
    return found


def video_time(raw: Raw) -> datetime:
    """When the video was published; the item's own time (added to the playlist) when that is absent."""
    if _object(raw, "contentDetails").get("videoPublishedAt") is not None:
        return time_at(raw, "contentDetails", "videoPublishedAt")
    return time_at(raw, "snippet", "publishedAt")


# What a playlist shows in place of a video made private or deleted (`videos.list` then omits it).
_WITHDRAWN = {("Private video", "This video is private."), ("Deleted video", "This video is unavailable.")}


def withdrawn(raw: Raw) -> bool:
    """Whether a playlist item is YouTube's placeholder for a video made private or deleted."""
    snippet = _object(raw, "snippet")
    return "video" not in raw and (snippet.get("title"), snippet.get("description")) in _WITHDRAWN


def parse_video(raw: Raw, channel_id: str) -> PostRecord:
    """A playlist item, with its `videos.list` resource under "video" when it was fetched."""
    vid = video_id(raw)
    if withdrawn(raw):
        # Marked deleted, without the placeholder's words: storage keeps the title and description
        # stored while the video was public.
        return PostRecord(
            platform_id=vid,
            author_id=channel_id,
            url=f"https://www.youtube.com/watch?v={vid}",
            created_at=video_time(raw),
            deleted=True,
        )
    snippet = _object(raw, "video", "snippet") or _object(raw, "snippet")
    stats = _object(raw, "video", "statistics")
    title, description = str(snippet.get("title") or ""), str(snippet.get("description") or "")
    channel_title = snippet.get("channelTitle")
    return PostRecord(
        platform_id=vid,
        author_id=channel_id,
        author_name=str(channel_title) if channel_title else None,
        text=f"{title}\n\n{description}".strip(),
        url=f"https://www.youtube.com/watch?v={vid}",
        created_at=video_time(raw),
        like_count=_int(stats.get("likeCount")),
        comment_count=_int(stats.get("commentCount")),
    )


def parse_comment(raw: Raw, video_id: str, channel_id: str, reply_count: int | None = None) -> CommentRecord:
    snippet = field_at(raw, "snippet")
    if not isinstance(snippet, dict):
        raise FieldError(f"field 'snippet' is {describe_json(snippet)}, not an object")
    comment_id = str(field_at(raw, "id"))
    author = dig(snippet, ("authorChannelId", "value"))
    author_id = str(author) if author else None
    published = time_at(raw, "snippet", "publishedAt")
    updated = time_at(raw, "snippet", "updatedAt") if snippet.get("updatedAt") else None
    text = snippet.get("textOriginal") or snippet.get("textDisplay") or ""
    return CommentRecord(
        platform_id=comment_id,
        post_id=video_id,
        parent_id=snippet.get("parentId"),
        author_id=author_id,
        author_name=snippet.get("authorDisplayName"),
        is_business=author_id is not None and author_id == channel_id,
        text=str(text),
        url=f"https://www.youtube.com/watch?v={video_id}&lc={comment_id}",
        created_at=published,
        edited_at=updated if updated and updated > published else None,
        like_count=_int(snippet.get("likeCount")),
        reply_count=reply_count,
    )


def parse_thread(
    raw: Raw,
    channel_id: str,
    video_id: str | None = None,
    rejected: list[RejectedRecord] | None = None,
) -> tuple[list[CommentRecord], bool]:
    """The thread's comments, and whether replies are missing (the thread embeds only a few).

    `video_id`: the video the thread was asked for, when the thread does not say. A reply that
    cannot be read is put in `rejected` when given (the rest of the thread is kept), else raised.
    """
    top_raw = field_at(raw, "snippet", "topLevelComment")
    snippet = field_at(raw, "snippet")
    vid = snippet.get("videoId") or dig(top_raw, ("snippet", "videoId")) or video_id
    if not vid:
        raise FieldError("missing field 'videoId' (snippet.videoId)")
    total = _int(snippet.get("totalReplyCount")) or 0
    top = parse_comment(top_raw, str(vid), channel_id, reply_count=total)
    replies: list[CommentRecord] = []
    embedded = objects(dig(raw, ("replies", "comments")))
    for reply in embedded:
        if rejected is None:
            replies.append(parse_comment(reply, str(vid), channel_id))
            continue
        where = f"YouTube reply {reply.get('id') or '?'} in thread {top.platform_id}"
        record = build(rejected, where, lambda reply=reply: parse_comment(reply, str(vid), channel_id))
        if record is not None:
            replies.append(record)
    return [top, *replies], len(embedded) < total


def thread_video(raw: Raw) -> str | None:
    """The video a listed thread is on; None for a thread about the channel itself."""
    found = dig(raw, ("snippet", "videoId")) or dig(raw, ("snippet", "topLevelComment", "snippet", "videoId"))
    return found if isinstance(found, str) and found else None


def thread_time(raw: Raw) -> datetime:
    """A listed thread's time as the channel-wide pass orders it: its top-level comment's `publishedAt`.

    `order=time` is documented only as "ordered by time"; what developers report, and what the
    pass relies on, is the thread's creation (its question's time), not its latest reply. A
    missing or unreadable time is a `FieldError` naming the field.
    """
    return time_at(field_at(raw, "snippet", "topLevelComment"), "snippet", "publishedAt")


def thread_latest(raw: Raw) -> datetime | None:
    """A listed thread's latest time: the newest of its question's and embedded replies'
    `publishedAt` and `updatedAt`; None when a reply may be newer than any of them (it has replies
    it does not embed, or one whose time cannot be read), or the question's time cannot be read."""
    top = dig(raw, ("snippet", "topLevelComment"))
    embedded = objects(dig(raw, ("replies", "comments")))
    if (_int(dig(raw, ("snippet", "totalReplyCount"))) or 0) > len(embedded):
        return None
    times: list[datetime] = []
    for comment in (top, *embedded):
        for name in ("publishedAt", "updatedAt"):
            value = dig(comment, ("snippet", name))
            if value is None and name == "updatedAt":
                continue
            try:
                times.append(parse_time(value))
            except (TypeError, ValueError):
                return None
    return max(times)


def _items(api: Api, path: str, body: Any) -> list[Raw]:
    """The objects of a single answer's `items` (left out when empty); another shape is a PlatformError."""
    try:
        return listed(body, ("items",), optional=True)
    except UnexpectedShape as shape:
        raise unexpected_body(api, path, str(shape)) from None


@dataclass
class _BudgetApi(Api):
    """Counts quota units; stops the channel cleanly when this scan's budget is spent."""

    max_units: int | None = None
    spent_before: int = 0  # units this scan spent through its earlier `Api`s (the uploads sweep's)

    async def get(self, path: str, params: Any = None) -> Any:
        if self.max_units is not None and self.spent_before + self.requests >= self.max_units:
            raise RateLimited(
                f"YouTube: this scan spent its budget of {self.max_units} quota units (max_units)",
                hint="the channel resumes from where it stopped on the next scan",
            )
        return await super().get(path, params)


class YouTubeConnector(SweepConnector):
    name = "youtube"
    platform = "YouTube"
    Settings = YouTubeSettings
    summary = "a YouTube channel's videos, comment threads and replies (Data API v3)"
    needs_account = True
    account_setting = "channel_id"

    settings: YouTubeSettings
    threads_paging = PageTokenPaging()
    uploads: str = ""
    #: set by `prepare()` once `channels.list` has found the channel and named its uploads playlist
    channel_found: bool = False

    def __init__(self, settings: YouTubeSettings, context: ChannelContext) -> None:
        super().__init__(settings, context)
        self._apis: list[_BudgetApi] = []  # this scan's, for one quota budget across both passes
        self._swept: set[str] = set()  # videos whose threads this scan's sweep reads (its window)
        self._swept_everything = False  # the sweep reads every video (a channel's first scan)
        self._started = self.now()  # when this scan began (`pages()` sets it)
        self._pass_from: datetime | None = None  # the channel-wide pass's watermark as this scan began
        self._threads_cursor: dict[str, Any] | None = None  # the pass's cursor, saved beside the sweep's

    @property
    def channel_id(self) -> str:
        return self.settings.channel_id or self.context.account

    def make_api(self, client: httpx.AsyncClient) -> Api:
        s = self.settings
        key = {"X-Goog-Api-Key": s.api_key.get_secret_value()} if s.api_key is not None else {}
        api = cast(
            _BudgetApi,
            self.new_api(
                client,
                kind=_BudgetApi,
                errors=ERRORS,
                parse_error=parse_google_error,
                headers=key,
                token=s.access_token,
                max_units=s.max_units,
                spent_before=sum(earlier.requests for earlier in self._apis),
            ),
        )
        self._apis.append(api)
        return api

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        """The uploads sweep, then the channel's threads on videos the sweep did not read
        (`after_listing`), then the long videos' turns.

        Every page's cursor carries the channel-wide pass's own (`CHANNEL_THREADS`, its
        watermark): the one this scan started from until the pass reaches its line, then the new one.
        """
        self._apis, self._swept, self._swept_everything = [], set(), False
        self._started = self.now()
        off = self.settings.channel_threads_pages == 0  # no pass: no watermark of its own either
        self._pass_from = None if off else _pass_watermark((cursor or {}).get(CHANNEL_THREADS))
        self._threads_cursor = None if self._pass_from is None else {"watermark": self._pass_from.isoformat()}
        async for page in super().pages(cursor):
            page.cursor = _with_threads(page.cursor, self._threads_cursor)
            yield page

    async def after_listing(self, api: Api, finished: dict[str, Any]) -> AsyncIterator[Page]:
        """The channel-wide pass, once the sweep is done: before a long video's turn, which stops at
        the channel's time limit on every scan until the video is through."""
        if self.settings.channel_threads_pages == 0:
            return
        watermark, started = self._pass_from, self._started
        if watermark is None and self._swept_everything:
            # A channel's first scan read every video's threads: the pass starts from now.
            self._threads_cursor = {"watermark": started.isoformat()}
            yield Page(cursor=finished)
            return
        if watermark is None:  # the first scan after an upgrade: the catch-up is the first line
            watermark = started - timedelta(days=self.settings.channel_threads_catch_up_days)
        channel_pass = _ChannelThreads(self, api)
        async for page in channel_pass.pages_down_to(watermark, started):
            self._threads_cursor = page.cursor  # `pages()` puts it beside the sweep's
            page.cursor = finished
            yield page

    async def prepare(self, api: Api) -> None:
        body = await api.get("channels", {"part": "contentDetails", "id": self.channel_id})
        items = _items(api, "channels", body)  # Google leaves `items` out when no channel matches
        uploads = dig(items[0] if items else None, ("contentDetails", "relatedPlaylists", "uploads"))
        if not isinstance(uploads, str) or not uploads:
            raise NotFound(f"YouTube channel {self.channel_id} not found")
        self.uploads = uploads
        self.channel_found = True

    async def listing(self, api: Api, window: Window) -> AsyncIterator[list[Raw]]:
        self._swept_everything = window.since is None
        pages_served = 0
        try:
            async for batch in self._uploads(api):
                pages_served += 1
                self._note_swept(batch, window)
                yield batch
        except Skipped as error:
            if error.code != "playlistNotFound":
                raise
            self._no_uploads(error, pages_served)

    def _note_swept(self, batch: list[Raw], window: Window) -> None:
        """The listed videos inside the sweep's window: the channel-wide pass passes over their threads.

        Not a long video going on from where an earlier scan stopped (`long_thread_keys`): the sweep
        leaves its thread to that read, which goes on from an older page, so the pass reads its new
        threads (else a question asked on it meanwhile was never read, once the video left the window).
        """
        for raw in batch:
            key = self.item_key(raw)
            if key in self.long_thread_keys:
                continue
            try:
                inside = key is not None and window.wanted(video_time(raw))
            except MALFORMED:
                continue  # rejected by the sweep: the channel-wide pass reads its threads
            if inside and key is not None:
                self._swept.add(key)

    def _no_uploads(self, error: Skipped, pages_served: int) -> None:
        """A `playlistNotFound` on the uploads playlist: no public uploads, or an error saying why not."""
        said = Exception.__str__(error)
        if not self.channel_found:
            raise NotFound(f"YouTube channel {self.channel_id}: {said}") from None
        if pages_served:
            raise ListingCutShort(
                f"YouTube channel {self.channel_id}: its uploads playlist {self.uploads} was not found "
                f"after {pages_served} page(s) of it had been read ({said})"
            ) from None
        log.warning(
            "YouTube channel %s has no public uploads (its uploads playlist %s is not found): nothing to "
            "read; if it should have videos, check the channel id in the config",
            self.channel_id,
            self.uploads,
        )

    async def _uploads(self, api: Api) -> AsyncIterator[list[Raw]]:
        params = {
            "part": "contentDetails,snippet",
            "playlistId": self.uploads,
            "maxResults": self.settings.page_size,
        }
        async for batch in paginate(
            api, "playlistItems", params, self.threads_paging, item_id=lambda i: i.get("id")
        ):
            ids = [self.item_key(item) for item in batch]
            wanted = list(dict.fromkeys(vid for vid in ids if vid))
            by_id: dict[Any, Raw] = {}
            if wanted:  # titles and counts: 1 unit for the whole page
                videos = await api.get("videos", {"part": "snippet,statistics", "id": ",".join(wanted)})
                by_id = {v.get("id"): v for v in _items(api, "videos", videos)}
            yield [
                {**item, "video": by_id[vid]} if vid in by_id else item
                for item, vid in zip(batch, ids, strict=True)
            ]

    def item_time(self, raw: Raw) -> datetime:
        return video_time(raw)

    def item_key(self, raw: Raw) -> str | None:
        """The video id: a remembered thread is keyed by it (a playlist item's own id is not the video's)."""
        found = dig(raw, ("contentDetails", "videoId"))
        return found if isinstance(found, str) and found else None

    def item_label(self, raw: Raw) -> str:
        if CHANNEL_THREAD in raw:  # a remembered thread of the channel-wide pass
            return f"YouTube thread {raw[CHANNEL_THREAD]} on video {raw.get('videoId') or '?'}"
        key = self.item_key(raw)
        if key is not None:
            return f"YouTube video {key}"
        return f"YouTube playlist item {raw.get('id') or '?'} (no contentDetails.videoId)"

    def retry_item(self, raw: Raw) -> Raw:
        """Only what `thread()` and the messages read: the video id (not titles, descriptions, counts)."""
        return {"id": raw.get("id"), "contentDetails": {"videoId": self.item_key(raw)}}

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        # Raised, not caught here: the framework rejects the item with its reason and skips its thread.
        return [parse_video(raw, self.channel_id)]

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        if CHANNEL_THREAD in raw:  # remembered by the channel-wide pass: that one thread again
            async for comments in self._remembered_thread(api, raw, rejected):
                yield comments
            return
        if withdrawn(raw):  # private or deleted: its comments cannot be read (403), and are kept as stored
            return
        vid = video_id(raw)
        params = {
            "part": "snippet,replies",
            "videoId": vid,
            "maxResults": self.settings.comment_page_size,
            "order": "time",
            "textFormat": "plainText",
        }
        token = raw.get(COMMENTS_PAGE)
        resume = {"pageToken": token} if isinstance(token, str) and token else None
        place = PagePlace()
        async for batch in paginate_from(
            api, "commentThreads", params, self.threads_paging, resume, place=place
        ):
            for position, item in enumerate(batch, start=1):
                comments = await self.thread_comments(api, item, vid, rejected)
                if not comments:
                    continue
                try:
                    yield comments
                except ThreadTimeUp:
                    if position < len(batch):  # the page is read again from its start next time
                        go_on = place.asked
                    elif place.following is not None:  # the page is done: on from the next one
                        go_on = place.following
                    else:  # its last comment was just handed over: the video is read to its end
                        return
                    raise self._stopped(raw, vid, go_on) from None

    def _stopped(self, raw: Raw, vid: str, go_on: dict[str, Any] | None) -> PartialThread:
        """A video's comments stopped for the channel's time: the next scan goes on from the page of
        `go_on` (read from its start, what was read of it upserted: threads pushed down by new comments
        are not skipped). A token YouTube no longer takes reads the video from its first page."""
        resume: Raw = self.retry_item(raw)
        token = (go_on or {}).get("pageToken")
        if token:
            resume[COMMENTS_PAGE] = token
        return PartialThread(
            f"YouTube video {vid}: {TIME_LIMIT_IN_THREAD}; {GOES_ON_FROM_ITS_PAGE}",
            resume=resume,
        )

    async def thread_comments(
        self, api: Api, item: Raw, vid: str | None, rejected: list[RejectedRecord]
    ) -> list[CommentRecord] | None:
        """A listed thread's comments, the replies it does not embed read with `comments.list`;
        None when the thread cannot be read (rejected with its reason). `vid`: the video the
        thread was asked for, when the thread does not say."""
        where = f"YouTube thread {item.get('id') or '?'} on video {vid or thread_video(item) or '?'}"
        parsed = build(rejected, where, lambda: parse_thread(item, self.channel_id, vid, rejected))
        if parsed is None:
            return None
        comments, incomplete = parsed
        if incomplete:
            comments = comments[:1] + await self._replies(api, comments[0], rejected)
        return comments

    async def _remembered_thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        """A channel-wide thread an earlier scan could not read, asked for by its id (1 unit)."""
        params = {"part": "snippet,replies", "id": str(raw[CHANNEL_THREAD]), "textFormat": "plainText"}
        body = await api.get("commentThreads", params)
        vid = raw.get("videoId")
        for item in _items(api, "commentThreads", body):  # none: deleted since, nothing to read
            comments = await self.thread_comments(api, item, str(vid) if vid else None, rejected)
            if comments:
                yield comments

    async def _replies(
        self, api: Api, parent: CommentRecord, rejected: list[RejectedRecord]
    ) -> list[CommentRecord]:
        params = {
            "part": "snippet",
            "parentId": parent.platform_id,
            "maxResults": self.settings.comment_page_size,
            "textFormat": "plainText",
        }
        replies: list[CommentRecord] = []
        async for batch in paginate(api, "comments", params, self.threads_paging):
            for item in batch:
                record = build(
                    rejected,
                    f"YouTube reply {item.get('id')}",
                    lambda item=item: parse_comment(item, str(parent.post_id), self.channel_id),
                )
                if isinstance(record, CommentRecord):
                    replies.append(record)
        return replies


def _with_threads(cursor: dict[str, Any] | None, threads: dict[str, Any] | None) -> dict[str, Any] | None:
    """The sweep's cursor with the channel-wide pass's under `CHANNEL_THREADS` (left out while it has none)."""
    if cursor is None:
        return None
    if threads is None:
        return cursor
    return {**cursor, CHANNEL_THREADS: threads}


def _pass_watermark(saved: Any) -> datetime | None:
    """The channel-wide pass's watermark in a saved cursor; None when there is none (or it is unreadable).

    A cursor of the version that swept this listing may hold an unfinished run (`run.since`):
    the line it was reading down to is kept, so what it had not reached yet is still read.
    """
    if not isinstance(saved, dict):
        return None
    found: list[datetime] = []
    run = saved.get("run")
    for value in (saved.get("watermark"), run.get("since") if isinstance(run, dict) else None):
        try:
            found.append(parse_time(value))
        except (TypeError, ValueError):
            continue
    return min(found) if found else None


def _moved(watermark: datetime, newest: datetime | None, started: datetime) -> dict[str, Any]:
    """The pass's cursor once it is done: the newest question time seen, no later than the scan's start."""
    marks = [watermark, *([min(newest, started)] if newest is not None else [])]
    return {"watermark": max(marks).isoformat()}


class _ChannelThreads(SweepConnector):
    """The channel-wide pass: the channel's comment threads, newest first, down to a line.

    Every scan lists from the top (`allThreadsRelatedToChannelId`, `order=time`), at most
    `channel_threads_pages` pages, down to the line: the watermark (the newest question time the
    last completed pass saw) less `PASS_MARGIN`. A page whose questions are all at or older than
    the line is the last one (the listing is ordered by the question's time). A listed thread
    whose latest time (`thread_latest`: a reply's, when newer) is newer than the line is read
    (its replies beyond the few embedded), unless on a video the uploads sweep read this scan;
    the others are passed over. Reaching the line (or the listing's end) moves the watermark to
    the newest question time seen, no later than the scan's start; so does the page cap, which
    ends the channel partial once, saying how far back it read: a backlog larger than the cap is
    left unread rather than listed again from the top by every scan. A quota or the time limit
    keeps it, so the next scan lists the same span again from the top: nothing is taken for done
    by its position in a listing that moves as comments arrive. The sweep's machinery
    is used only for one thread's read (`read_thread`): its failure is remembered by thread id
    (`retry_item`) and read again by the connector's `thread()` on the next scan.
    """

    name = "youtube"
    platform = "YouTube"
    threads_paging = PageTokenPaging()

    def __init__(self, outer: YouTubeConnector, api: Api) -> None:
        # Remembered threads are the connector's to read again (its sweep did): none here.
        super().__init__(outer.settings, replace(outer.context, pending_threads=()))
        self.outer = outer
        self.api = api  # from the connector: `max_units` counts the sweep's units too

    def make_api(self, client: httpx.AsyncClient) -> Api:
        return self.api

    async def listing(self, api: Api, window: Window) -> AsyncIterator[list[Raw]]:
        return  # not swept: `pages_down_to()` lists
        yield

    def item_time(self, raw: Raw) -> datetime:
        return thread_time(raw)

    def item_key(self, raw: Raw) -> str | None:
        found = raw.get("id")
        return str(found) if found else None

    def item_label(self, raw: Raw) -> str:
        return f"YouTube thread {raw.get('id') or '?'} on video {thread_video(raw) or '?'}"

    def retry_item(self, raw: Raw) -> Raw:
        """What the connector's `thread()` reads the thread again by: its id, and its video's."""
        return {CHANNEL_THREAD: self.item_key(raw), "videoId": thread_video(raw)}

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        return []  # the video is a post stored by an earlier scan's sweep; comments name it by id

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        comments = await self.outer.thread_comments(api, raw, thread_video(raw), rejected)
        if comments:
            yield comments

    async def pages_down_to(self, watermark: datetime, started: datetime) -> AsyncIterator[Page]:
        """One `Page` per listing page, cursors keeping `watermark`; the last one moves it.

        Raises `Incomplete` (naming `channel_threads_pages` and the oldest question read) when the
        cap stops it short of the line, after moving the watermark as reaching it would; a quota
        or the time limit stops it after yielding the threads read in full.
        """
        line = watermark - PASS_MARGIN
        kept = {"watermark": watermark.isoformat()}
        cap = self.outer.settings.channel_threads_pages
        params: dict[str, Any] | None = {
            "part": "snippet,replies",
            "allThreadsRelatedToChannelId": self.outer.channel_id,
            "maxResults": self.outer.settings.comment_page_size,
            "order": "time",
            "textFormat": "plainText",
        }
        newest: datetime | None = None
        oldest: datetime | None = None
        seen: set[str] = set()  # a thread pushed onto the next page by a new one is read once
        tokens: set[str] = set()
        read_one = False
        for _ in range(cap):
            assert params is not None
            body = await self.api.get("commentThreads", params)
            try:
                batch = self.threads_paging.items(body)
            except UnexpectedShape as shape:
                raise unexpected_body(self.api, "commentThreads", str(shape)) from None
            page = Page(cursor=kept)
            above_line = False
            try:
                for raw in batch:
                    try:
                        when = thread_time(raw)
                    except MALFORMED as error:
                        where = self.item_label(raw)
                        page.rejected.append(RejectedRecord(location=where, reason=f"no valid time: {error}"))
                        continue
                    newest = when if newest is None else max(newest, when)
                    oldest = when if oldest is None else min(oldest, when)
                    key = self.item_key(raw)
                    above_line = above_line or when > line
                    latest = thread_latest(raw)
                    if latest is not None and latest <= line:
                        continue  # nothing in it newer than the line: read by an earlier pass
                    if key is not None:
                        if key in seen:
                            continue
                        seen.add(key)
                    if not self._to_read(raw):
                        continue
                    if read_one and self.outer.out_of_time():
                        raise time_limit_reached(self.platform)
                    one = Page()  # merged once read in full: a thread stopped part way is not stored in part
                    await self.read_thread(self.api, raw, key, one, set())
                    page.comments.extend(one.comments)
                    page.rejected.extend(one.rejected)
                    page.failed_threads.extend(one.failed_threads)
                    read_one = True
            except Exception:
                if page.comments or page.rejected or page.failed_threads:
                    yield page  # the threads read in full are kept; the watermark does not move
                raise
            yield page
            following = self.threads_paging.next_params(body, params)
            if following is None or (batch and not above_line):  # the listing's end, or the line
                yield Page(cursor=_moved(watermark, newest, started))
                return
            token = str(following.get("pageToken"))
            if token in tokens:
                raise ListingCutShort("YouTube: commentThreads repeated a page cursor")
            tokens.add(token)
            params = following
            if read_one and self.outer.out_of_time():
                raise time_limit_reached(self.platform)
        # The cap: the next scan starts from what is new, not from this backlog again (which a
        # busy channel would never get through), and the channel says what was left unread.
        yield Page(cursor=_moved(watermark, newest, started))
        reached = f"{(oldest or started).astimezone(UTC):%Y-%m-%d %H:%M} UTC"  # started: pages all empty
        raise Incomplete(CHANNEL_THREADS_CAP.format(pages=f"{cap:,}", oldest=reached), hint="")

    def _to_read(self, raw: Raw) -> bool:
        """Whether a listed thread is this pass's to read: on a video, not one this scan's sweep read."""
        vid = thread_video(raw)
        if vid is None:
            log.info(
                "YouTube: passed over thread %s, which is on no video (the channel's own)", raw.get("id")
            )
            return False
        return vid not in self.outer._swept  # read with its video by this scan's sweep: not twice


__all__ = [
    "CHANNEL_THREADS",
    "QUOTA_HINT",
    "YouTubeConnector",
    "YouTubeSettings",
    "parse_comment",
    "parse_thread",
    "parse_video",
    "thread_time",
    "thread_video",
    "video_id",
    "video_time",
]
