"""What the open-network connectors (Mastodon, Bluesky, Reddit) share: paging and pacing read from the response.

(Their cursor-in-the-body paging is `_paging.CursorPaging`, which Google's page tokens use too.)

- `read_account()`: the channel's account as the platform's parser reads it, or `NotFound`
  telling the user to fix the config.
- `LinkPaging`: the HTTP `Link` header's `rel="next"` (Mastodon). `Api.get` returns only
  the body, so `LinkedApi` hands list bodies to the paging with the links of their own
  response attached (`Linked`).
- `unexpected_body()` (from `_paging`, re-exported here for these connectors): a successful
  answer of the wrong shape, as a `PlatformError` naming the endpoint.
- `with_attachments()`: a post's text followed by its media descriptions and the text it
  quotes, in one layout for every open network, so an image, video or quote post still has
  words for sentiment and reports.
- `RateLimitHeaders`: `X-RateLimit-Remaining`/`-Reset` style headers, read on every
  response through `Api`'s throttle hook. When few requests are left it spreads them
  over the time to the reset; when none are left it waits for the reset, and a wait
  longer than the channel's `max_wait` stops the channel with `RateLimited` (it resumes
  from its cursor on the next scan). A 429 without `Retry-After` waits for the reset too.
  The reset may be ISO 8601 (Mastodon), seconds from now (Reddit) or epoch seconds
  (the IETF draft's `RateLimit-Reset`, as Bluesky's services send it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx

from socialmon_connectors._paging import (
    Raw,
    listed,
    parse_time,
    query_without_secrets,
    unexpected_body,
)
from socialmon_connectors.errors import NotFound
from socialmon_connectors.http import Api, UsageThrottle

T = TypeVar("T")

_EPOCH_FLOOR = 1_000_000_000  # a reset above this many seconds is a Unix time, not a duration


def read_account(parse: Callable[[str], T], account: str) -> T:
    """The channel's account read by `parse`; a malformed one stops the channel before any request."""
    try:
        return parse(account)
    except ValueError as error:
        raise NotFound(str(error), hint="fix the channel's account in the config") from None


def with_attachments(
    text: str, media: Iterable[tuple[str, str | None]] = (), quote: tuple[str | None, str] | None = None
) -> str:
    """The post's own text, then one `[kind: description]` line per described medium, then the quote.

    `media` is (kind, alt text) per attachment: "image", "video"…; one without a description
    adds nothing. `quote` is (the quoted author's handle or None, the quoted text), written as
    `[quoting @handle] text`. Parts are separated by a blank line; an empty part is left out.
    """
    parts = [text.strip()] if text and text.strip() else []
    described = [f"[{kind}: {' '.join(alt.split())}]" for kind, alt in media if alt and alt.strip()]
    if described:
        parts.append("\n".join(described))
    if quote is not None and quote[1].strip():
        who = f" @{quote[0].lstrip('@')}" if quote[0] else ""
        parts.append(f"[quoting{who}] {quote[1].strip()}")
    return "\n\n".join(parts)


class Linked(list[Any]):
    """A list body with the parsed `Link` header of the response it came in."""

    def __init__(self, items: list[Any], links: Mapping[str, Mapping[str, str]]) -> None:
        super().__init__(items)
        self.links = dict(links)


class LinkPaging:
    """Follow `Link: <…>; rel="next"`; the next request keeps our parameters and takes the link's query."""

    def items(self, body: Any) -> list[Raw]:
        return listed(body, ())

    def next_params(self, body: Any, params: Mapping[str, Any]) -> dict[str, Any] | None:
        url = (getattr(body, "links", {}).get("next") or {}).get("url")
        if not url:
            return None
        query = query_without_secrets(url)
        return {**params, **query} if query else None


def parse_reset(value: str | None, now: datetime) -> float | None:
    """Seconds until a rate-limit window resets: ISO 8601, epoch seconds, or seconds from now."""
    if not value:
        return None
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        try:
            return max(0.0, (parse_time(text) - now).total_seconds())
        except ValueError:
            return None
    if number > _EPOCH_FLOOR:
        return max(0.0, number - now.timestamp())
    return max(0.0, number)


def parse_links(value: str | None) -> dict[str, dict[str, str]]:
    """A `Link` header as {rel: {"url": …, "rel": …}}."""
    if not value:
        return {}
    # httpx parses a response's Link header; borrow its parser rather than write another.
    return {rel: dict(link) for rel, link in httpx.Response(200, headers={"link": value}).links.items()}


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


@dataclass
class RateLimitHeaders(UsageThrottle):
    """Remaining-requests headers turned into a pause before the next request (see the module doc)."""

    prefix: str = "x-ratelimit-"
    reserve: float = 0.1  # below this share of the limit left, requests are spread until the reset
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    remaining: float | None = None
    limit: float | None = None
    # When the window resets, as a point in time: a wait already served (the retry after a 429
    # waits for the reset) must not be served again by the pause before the next attempt.
    reset_at: datetime | None = None
    links: dict[str, dict[str, str]] = field(default_factory=dict)

    def observe(self, headers: Mapping[str, str]) -> None:
        self.links = parse_links(headers.get("link"))
        remaining = _number(headers.get(f"{self.prefix}remaining"))
        if remaining is None:  # absent on some responses (cached, errors): keep the last reading
            return
        used = _number(headers.get(f"{self.prefix}used"))
        limit = _number(headers.get(f"{self.prefix}limit"))
        if limit is None and used is not None:
            limit = used + remaining
        now = self.now()
        reset_in = parse_reset(headers.get(f"{self.prefix}reset"), now) or 0.0
        self.remaining, self.limit = remaining, limit
        self.reset_at = now + timedelta(seconds=reset_in)
        self.usage = 100.0 * (1 - remaining / limit) if limit else (100.0 if remaining <= 0 else 0.0)
        self.regain_seconds = reset_in if remaining < 1 else 0.0

    def platform_gave_the_time(self) -> bool:
        return True  # the pause is the platform's reset time, spread over the requests left

    def pause(self) -> float:
        if self.remaining is None or self.reset_at is None:
            return 0.0
        reset_in = max(0.0, (self.reset_at - self.now()).total_seconds())
        if self.remaining < 1:
            return reset_in
        low = max(1.0, (self.limit or 0) * self.reserve)
        return reset_in / self.remaining if self.remaining <= low else 0.0


class LinkedApi(Api):
    """An `Api` whose list bodies carry their response's `Link` header; its throttle must be `RateLimitHeaders`."""

    async def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        body = await super().get(path, params)
        if isinstance(body, list) and isinstance(self.throttle, RateLimitHeaders):
            # The throttle observed this very response last: requests of one channel run one at a time.
            return Linked(body, self.throttle.links)
        return body


__all__ = [
    "LinkPaging",
    "Linked",
    "LinkedApi",
    "RateLimitHeaders",
    "parse_links",
    "parse_reset",
    "read_account",
    "unexpected_body",
    "with_attachments",
]
