"""The `youtube` connector: a channel's videos, their comment threads and every reply.

Requests (YouTube Data API v3; every call costs 1 quota unit of the default 10,000 a day):

    GET channels?part=contentDetails&id=UC…                 the channel's uploads playlist
    GET playlistItems?part=contentDetails,snippet&playlistId=UU…   videos, newest first (never search.list: 100 units)
    GET videos?part=snippet,statistics&id=v1,v2,…           titles and counts for a page of videos
    GET commentThreads?part=snippet,replies&videoId=…       top-level comments with a few replies
    GET comments?part=snippet&parentId=…                    the rest of the replies, when the thread has more

An API key (public videos) goes in the `X-Goog-Api-Key` header, an OAuth token in
`Authorization: Bearer`: neither is ever in a URL. A comment is the business's own when
its `authorChannelId` is the channel's id; `updatedAt` later than `publishedAt` is an edit.
When the daily quota runs out (`quotaExceeded`), or this scan has spent `max_units`, the
channel stops with `RateLimited` and resumes from its cursor on the next scan. A video with
comments turned off is stored without comments.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from pydantic import Field, SecretStr, model_validator

from socialmon_connectors._google import QUOTA_HINT, google_errors, parse_google_error
from socialmon_connectors._paging import (
    ApiSettings,
    PageTokenPaging,
    Raw,
    SweepConnector,
    Window,
    build,
    paginate,
    parse_time,
)
from socialmon_connectors.errors import NotFound, RateLimited
from socialmon_connectors.http import Action, Api, Rule
from socialmon_connectors.records import CommentRecord, PostRecord, RejectedRecord

BASE_URL = "https://www.googleapis.com/youtube/v3"
AUTH_HINT = (
    "check the API key (Google Cloud console → APIs & Services → Credentials, with the YouTube Data API v3 "
    "enabled) or renew the OAuth token (scope youtube.readonly), and put it in the environment variable "
    "this channel's api_key or access_token names"
)
ERRORS = google_errors(
    AUTH_HINT,
    commentsDisabled=Action.SKIP,
    videoNotFound=Action.NOT_FOUND,
    channelNotFound=Action.NOT_FOUND,
    playlistNotFound=Action.NOT_FOUND,
    forbidden=Rule(Action.FAIL, "the credentials may not read this channel's data"),
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


def parse_video(raw: Raw, channel_id: str) -> PostRecord:
    """A playlist item, with its `videos.list` resource under "video" when it was fetched."""
    video_id = raw["contentDetails"]["videoId"]
    video = raw.get("video") or {}
    snippet = video.get("snippet") or raw.get("snippet") or {}
    stats = video.get("statistics") or {}
    title, description = snippet.get("title") or "", snippet.get("description") or ""
    return PostRecord(
        platform_id=video_id,
        author_id=channel_id,
        author_name=snippet.get("channelTitle"),
        text=f"{title}\n\n{description}".strip(),
        url=f"https://www.youtube.com/watch?v={video_id}",
        created_at=parse_time(raw["contentDetails"].get("videoPublishedAt") or snippet["publishedAt"]),
        like_count=_int(stats.get("likeCount")),
        comment_count=_int(stats.get("commentCount")),
    )


def parse_comment(raw: Raw, video_id: str, channel_id: str, reply_count: int | None = None) -> CommentRecord:
    snippet = raw["snippet"]
    author_id = (snippet.get("authorChannelId") or {}).get("value")
    published = parse_time(snippet["publishedAt"])
    updated = parse_time(snippet["updatedAt"]) if snippet.get("updatedAt") else None
    return CommentRecord(
        platform_id=raw["id"],
        post_id=video_id,
        parent_id=snippet.get("parentId"),
        author_id=author_id,
        author_name=snippet.get("authorDisplayName"),
        is_business=author_id is not None and author_id == channel_id,
        text=snippet.get("textOriginal") or snippet.get("textDisplay") or "",
        url=f"https://www.youtube.com/watch?v={video_id}&lc={raw['id']}",
        created_at=published,
        edited_at=updated if updated and updated > published else None,
        like_count=_int(snippet.get("likeCount")),
        reply_count=reply_count,
    )


def parse_thread(raw: Raw, channel_id: str) -> tuple[list[CommentRecord], bool]:
    """The thread's comments, and whether replies are missing (the thread embeds only a few)."""
    snippet = raw["snippet"]
    video_id = snippet.get("videoId") or snippet["topLevelComment"]["snippet"].get("videoId")
    total = _int(snippet.get("totalReplyCount")) or 0
    top = parse_comment(snippet["topLevelComment"], video_id, channel_id, reply_count=total)
    replies = [
        parse_comment(reply, video_id, channel_id)
        for reply in (raw.get("replies") or {}).get("comments") or []
    ]
    return [top, *replies], len(replies) < total


# --- the connector -------------------------------------------------------------------------


@dataclass
class _BudgetApi(Api):
    """Counts quota units; stops the channel cleanly when this scan's budget is spent."""

    max_units: int | None = None

    async def get(self, path: str, params: Any = None) -> Any:
        if self.max_units is not None and self.requests >= self.max_units:
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

    settings: YouTubeSettings
    threads_paging = PageTokenPaging()
    uploads: str = ""

    @property
    def channel_id(self) -> str:
        return self.settings.channel_id or self.context.account

    def make_api(self, client: httpx.AsyncClient) -> Api:
        s = self.settings
        key = {"X-Goog-Api-Key": s.api_key.get_secret_value()} if s.api_key is not None else {}
        return self.new_api(
            client,
            kind=_BudgetApi,
            errors=ERRORS,
            parse_error=parse_google_error,
            headers=key,
            token=s.access_token,
            max_units=s.max_units,
        )

    async def prepare(self, api: Api) -> None:
        body = await api.get("channels", {"part": "contentDetails", "id": self.channel_id})
        items = body.get("items") or [] if isinstance(body, dict) else []
        try:
            self.uploads = items[0]["contentDetails"]["relatedPlaylists"]["uploads"]
        except (IndexError, KeyError, TypeError):
            raise NotFound(f"YouTube channel {self.channel_id} not found") from None

    async def listing(self, api: Api, window: Window) -> AsyncIterator[list[Raw]]:
        params = {
            "part": "contentDetails,snippet",
            "playlistId": self.uploads,
            "maxResults": self.settings.page_size,
        }
        async for batch in paginate(
            api, "playlistItems", params, self.threads_paging, item_id=lambda i: i.get("id") or repr(i)
        ):
            ids = [str((item.get("contentDetails") or {}).get("videoId")) for item in batch]
            videos = await api.get("videos", {"part": "snippet,statistics", "id": ",".join(ids)})
            by_id = {v.get("id"): v for v in (videos or {}).get("items") or [] if isinstance(v, dict)}
            yield [
                {**item, "video": by_id.get(vid)} if vid in by_id else item
                for item, vid in zip(batch, ids, strict=True)
            ]

    def item_time(self, raw: Raw) -> datetime:
        details = raw.get("contentDetails") or {}
        return parse_time(details.get("videoPublishedAt") or raw["snippet"]["publishedAt"])

    def item_label(self, raw: Raw) -> str:
        return f"YouTube video {(raw.get('contentDetails') or {}).get('videoId') or '?'}"

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        video = build(rejected, self.item_label(raw), lambda: parse_video(raw, self.channel_id))
        return [video] if video else []

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        video_id = raw["contentDetails"]["videoId"]
        params = {
            "part": "snippet,replies",
            "videoId": video_id,
            "maxResults": self.settings.comment_page_size,
            "order": "time",
            "textFormat": "plainText",
        }
        async for batch in paginate(api, "commentThreads", params, self.threads_paging):
            for item in batch:
                try:
                    comments, incomplete = parse_thread(item, self.channel_id)
                except (KeyError, ValueError, TypeError) as error:
                    build(rejected, f"YouTube thread {item.get('id')}", lambda e=error: _raise(e))
                    continue
                if incomplete:
                    comments = comments[:1] + await self._replies(api, comments[0], rejected)
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


def _raise(error: Exception) -> None:
    raise error


__all__ = [
    "QUOTA_HINT",
    "YouTubeConnector",
    "YouTubeSettings",
    "parse_comment",
    "parse_thread",
    "parse_video",
]
