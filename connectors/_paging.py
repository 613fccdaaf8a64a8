"""Paging strategies, the guarded paging loop, and the incremental sweep every platform connector runs.

A connector picks a `Paging` strategy (a cursor in the body, Google page tokens, Graph
cursors; `_open.LinkPaging` for the `Link` header) and calls
`paginate()`, which follows the platform's "next" marker and ends the listing only when the
marker is absent: an empty page that carries one is followed (Graph filters a page after
choosing it, for privacy or visibility). A marker that repeats, a page of only ids already
seen, `MAX_EMPTY_PAGES` empty pages in a row, or `max_pages` pages end it as cut short
(`ListingCutShort`), never as complete. When the platform refuses a request as too large,
a strategy with a `lighter()` method offers smaller parameters to ask again with.

`SweepConnector` is the shape shared by the API connectors: list the account's items
(posts, videos, media, reviews) newest first down to `since`, read each item's thread,
and yield one `Page` per listing page. The cursor (`Window`) keeps the newest time
seen by finished scans (`watermark`) and, inside an unfinished scan, how far down it
got (`run.before`), so a killed scan resumes where it stopped. Each scan re-reads
items from the last `recent_days` days, to catch new replies on older posts; the
storage's upserts absorb what was already there.

An error that stops the channel part way through a listing page (a daily quota spent, a
rate limit, a network outage) first yields a page of that listing page's items read in full
(with their threads), whose cursor names them (`run.read`), then is raised: the next scan
passes over those items and reads the rest, the item it stopped in included. Without it, a quota smaller than one listing
page's threads would be spent every day on the same items.

A channel's time limit stops it the same way, by its own hand: before each item it starts and
before each new listing page, the sweep asks whether the scan's `Deadline` for the channel has
passed (`Connector.out_of_time()`), and if so yields what it read in full with its cursor and
raises `Incomplete` (`time_limit_reached()`); remembered threads not read yet wait for the next
scan, and a scan reads at least one listed item before it stops, so each one gets further. The scan's
cancellation at `channel_timeout` cannot do that (a generator cancelled mid-request must not
yield), so, left to it, a listing page whose threads take longer than the limit would be read
again from its first item on every scan, never past it.

One thread can take longer than the whole limit by itself (a video with tens of thousands of
comments). Still being read at the deadline's `item_at`, it is stopped between two of its pages:
`read_thread()` throws `ThreadTimeUp` into the connector's `thread()` at its `yield`, keeps what it
yielded, and remembers the thread marked `LONG_THREAD`, with where to go on when the connector
answers with a `PartialThread` (YouTube's page token, Reddit's unread ids, Graph's `after` cursor
kept under `RESUME_PAGE`), else as the read began. The next scans read such threads last, after the
listing (which stores their item but leaves its thread to them) and what the connector reads once
its listing is done (`after_listing()`: YouTube's channel-wide pass), so the rest of the channel is
read first, and the thread goes on from there. A paged thread knows where it stands from
`paginate(place=…)` (`PagePlace`): stopped at the yield that handed over its last page whole, it
was read to its end and is not left for the next scan (`time_up_in_thread()`). A saved place the
platform no longer takes (Graph invalidates cursors) is read from the start (`paginate_from()`).
"""

from __future__ import annotations

import asyncio
import logging
from abc import abstractmethod
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Protocol, TypeVar
from urllib.parse import parse_qsl, urlsplit

import httpx
from pydantic import Field, SecretStr, ValidationError

from socialmon_connectors.base import (
    TIME_LIMIT_IN_THREAD,
    Connector,
    ConnectorSettings,
    ThreadTimeUp,
    time_limit_reached,
)
from socialmon_connectors.errors import Incomplete, ListingCutShort, NotFound, PartialThread, PlatformError
from socialmon_connectors.http import SECRET_PARAMS, Api, RetryPolicy, Skipped, new_client
from socialmon_connectors.records import (
    CommentRecord,
    Page,
    PostRecord,
    Progress,
    RejectedRecord,
    ThreadFailure,
)

log = logging.getLogger("socialmon.http")

Raw = dict[str, Any]
T = TypeVar("T")


# --- paging strategies -------------------------------------------------------------------


class Paging(Protocol):
    def items(self, body: Any) -> list[Raw]: ...

    def next_params(self, body: Any, params: Mapping[str, Any]) -> dict[str, Any] | None:
        """The parameters of the next page, or None on the last page."""


def dig(body: Any, path: tuple[str, ...]) -> Any:
    """body[path[0]][path[1]]…, or None where a step is missing or not an object."""
    for key in path:
        if not isinstance(body, dict):
            return None
        body = body.get(key)
    return body


def objects(found: Any) -> list[Raw]:
    """The JSON objects in a list; anything that is not a list holds none."""
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


class UnexpectedShape(ValueError):
    """A successful response whose body is not the shape the paging strategy reads."""


def describe_json(value: Any) -> str:
    """A short description of a JSON value for messages: its type and, for objects, its keys."""
    if isinstance(value, dict):
        keys = ", ".join(sorted(map(str, value))[:6])
        return f"an object with keys [{keys}]" if value else "an empty object"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return "null" if value is None else f"a {type(value).__name__}"


def unexpected_body(api: Api | str, path: str, found: Any) -> PlatformError:
    """A successful answer of the wrong shape (`found`: a description, or the value itself); `api` is
    the requests' `Api` or the platform's name."""
    shape = found if isinstance(found, str) else describe_json(found)
    platform = api if isinstance(api, str) else api.platform
    return PlatformError(
        f"{platform}: {path} answered HTTP 200 with {shape}; "
        "the platform may have changed its API, or a proxy answered in its place",
        code="unexpected_body",
        hint="check the channel's base_url; if it is the platform's own, report this to socialmon",
    )


def listed(body: Any, path: tuple[str, ...], *, optional: bool = False) -> list[Raw]:
    """The objects of the list at `path` in `body`; a body of another shape is `UnexpectedShape`.

    `optional`: the list may be left out when empty (Google's APIs omit empty fields).
    Non-object entries of the list are dropped (a parser could not read them anyway).
    """
    node = body
    for depth, key in enumerate(path):
        if not isinstance(node, dict):
            where = ".".join(path[:depth]) or "the body"
            raise UnexpectedShape(f"{describe_json(node)} at {where} where an object was expected")
        if key not in node or node[key] is None:
            if optional:
                return []
            raise UnexpectedShape(f"{describe_json(body)}, without the list at {'.'.join(path)}")
        node = node[key]
    if not isinstance(node, list):
        where = ".".join(path) or "the body"
        raise UnexpectedShape(f"{describe_json(node)} at {where} where a list was expected")
    return [item for item in node if isinstance(item, dict)]


def query_without_secrets(url: str) -> dict[str, str]:
    """A next link's query parameters, less any credential in it (Meta's links carry `access_token`)."""
    return {k: v for k, v in parse_qsl(urlsplit(url).query) if k.lower() not in SECRET_PARAMS}


class CursorPaging:
    """Items at `items` and the next page's cursor at `cursor` (key paths), sent back as `param`.

    Bluesky `feed` + `cursor`, Reddit `data.children` + `data.after`, Google's page tokens
    (`PageTokenPaging`). The end is a missing or empty cursor, never a short page.
    """

    def __init__(
        self, items: tuple[str, ...], cursor: tuple[str, ...], param: str, *, optional: bool = False
    ) -> None:
        self.items_path = items
        self.cursor_path = cursor
        self.param = param
        self.optional = optional  # the item list may be left out of an empty page

    def items(self, body: Any) -> list[Raw]:
        return listed(body, self.items_path, optional=self.optional)

    def next_params(self, body: Any, params: Mapping[str, Any]) -> dict[str, Any] | None:
        cursor = dig(body, self.cursor_path)
        return {**params, self.param: cursor} if isinstance(cursor, str) and cursor else None


class PageTokenPaging(CursorPaging):
    """Google APIs: `items` (or another list) + `nextPageToken`, continued with `pageToken`."""

    def __init__(self, items_key: str = "items", *, optional: bool = True) -> None:
        # Google's JSON leaves out empty fields: a page with nothing on it may have no list at all.
        super().__init__(items=(items_key,), cursor=("nextPageToken",), param="pageToken", optional=optional)


class GraphPaging(CursorPaging):
    """Meta Graph API: `data` + `paging.next`; continue with `paging.cursors.after`.

    The end is the absence of `paging.next`, never a short page. When a next link has
    no `after` cursor (time-based paging), its query is used, minus any access token.
    """

    def __init__(self) -> None:
        super().__init__(items=("data",), cursor=("paging", "cursors", "after"), param="after")

    def next_params(self, body: Any, params: Mapping[str, Any]) -> dict[str, Any] | None:
        link = dig(body, ("paging", "next"))
        if not link:
            return None
        return super().next_params(body, params) or {**params, **query_without_secrets(str(link))}


@dataclass
class PagePlace:
    """Where a paged read stands, kept by `paginate(place=…)` as it yields each page's items: the
    parameters that got that page (`asked`), and those of the page after it (`following`; None when
    it is the last). A thread stopped at a `yield` goes on from `asked` (the page in hand, read again
    from its start) or, once that page is wholly handed over, from `following`; with no following
    page, there is nothing left to go on with."""

    asked: dict[str, Any] | None = None
    following: dict[str, Any] | None = None


#: Empty pages in a row followed before a listing is taken for one that never ends. Graph filters a
#: page after choosing it, so empty pages with a next link are normal (platforms.md §1.4), but a
#: long run of them is a listing that makes no progress.
MAX_EMPTY_PAGES = 50


async def paginate(
    api: Api,
    path: str,
    params: Mapping[str, Any],
    paging: Paging,
    *,
    first: Any = None,
    max_pages: int = 10_000,
    item_id: Callable[[Raw], Any] = lambda item: item.get("id"),
    place: PagePlace | None = None,
) -> AsyncIterator[list[Raw]]:
    """Yield each page's items (only ids not seen before in this listing), following the platform's markers.

    The end is the platform's own: a page without a next marker. An empty page with one is
    followed. A cursor that repeats or cycles, a page of only items already served,
    `MAX_EMPTY_PAGES` empty pages in a row, or more than `max_pages` pages is `ListingCutShort`:
    what came before is kept, but the listing is not taken as complete.

    `first` is a page already in hand (Graph field expansion returns the first page of
    comments inside the post): it is used instead of requesting the first page.
    A strategy may have `lighter(error, params)`: given a failed request's error, the smaller
    parameters to ask for the same page with (the platform said the answer would be too large),
    kept for the rest of the listing; None raises the error.
    `place` is kept up to date with where the listing stands as each page's items are yielded (see
    `PagePlace`): where to go on from when a thread is stopped part way (`ThreadTimeUp`).
    """
    lighter: Callable[[PlatformError, Mapping[str, Any]], dict[str, Any] | None] | None = getattr(
        paging, "lighter", None
    )
    seen_ids: set[Any] = set()
    seen_markers: set[str] = set()
    empty_in_a_row = 0
    current = dict(params)
    for number in range(max_pages):
        if number == 0 and first is not None:
            body = first
        else:
            body, current = await _get_page(api, path, current, lighter)
        try:
            items = paging.items(body)
        except UnexpectedShape as shape:
            raise unexpected_body(api, path, str(shape)) from None
        # An item without an id (Graph withholds them without the right token) is never taken for
        # one served before: only ids can say that.
        fresh = [item for item in items if (key := item_id(item)) is None or key not in seen_ids]
        seen_ids.update(key for item in fresh if (key := item_id(item)) is not None)
        if items and not fresh:
            raise ListingCutShort(f"{api.platform}: {path} served a page of only items it had already served")
        empty_in_a_row = 0 if items else empty_in_a_row + 1
        following = paging.next_params(body, current)
        if fresh:
            if place is not None:
                place.asked, place.following = current, following
            yield fresh
        if following is None:
            return
        if empty_in_a_row >= MAX_EMPTY_PAGES:
            raise ListingCutShort(
                f"{api.platform}: {path} gave {empty_in_a_row} empty pages in a row, each with a next page, "
                f"after {number + 1} page(s)"
            )
        marker = repr(sorted(following.items()))
        if marker in seen_markers or following == current:
            raise ListingCutShort(f"{api.platform}: {path} repeated a page cursor after {number + 1} page(s)")
        seen_markers.add(marker)
        current = following
    raise ListingCutShort(f"{api.platform}: {path} did not end after {max_pages:,} pages")


#: What the next scan does with a thread stopped for the channel's time that goes on from a page (said
#: in Spanish and Portuguese through socialmon.cli._config_words.PARTIAL_REASONS: keep the words).
GOES_ON_FROM_ITS_PAGE = (
    "the next scan goes on from the page of comments it was reading, after the rest of the channel"
)
#: The key, in a remembered item, of the paging parameters (Graph's `after` cursor) its thread's read
#: goes on from, after a stop for the channel's time: see `time_up_in_thread()` and `paginate_from()`.
RESUME_PAGE = "socialmon_page"


def resume_page(item: Raw) -> dict[str, Any] | None:
    """The paging parameters a remembered item's thread goes on from (`RESUME_PAGE`); None: from the
    start (a listed item, or a remembered one whose saved place is not a mapping of text)."""
    saved = item.get(RESUME_PAGE)
    if not isinstance(saved, dict) or not saved:
        return None
    if not all(isinstance(value, str | int) and not isinstance(value, bool) for value in saved.values()):
        return None
    return {str(key): value for key, value in saved.items()}


def time_up_in_thread(
    where: str, item: Raw, params: Mapping[str, Any], place: PagePlace, *, page_done: bool
) -> PartialThread | None:
    """What a paged thread stopped at a `yield` by `ThreadTimeUp` raises: a `PartialThread` that
    remembers `item` with where the next read goes on (`RESUME_PAGE`: the parameters of that page
    that the thread's first request, `params`, lacks, such as Graph's `after` cursor). That is the
    page in hand, read again from its start, or the next one once the page in hand was wholly handed
    over (`page_done`); None when that was the last page: the thread was read to its end."""
    if page_done and place.following is None:
        return None
    page = (place.following if page_done else place.asked) or {}
    go_on = {key: value for key, value in page.items() if key not in params}
    kept = {key: value for key, value in item.items() if key != RESUME_PAGE}
    return PartialThread(
        f"{where}: {TIME_LIMIT_IN_THREAD}; {GOES_ON_FROM_ITS_PAGE}",
        resume={**kept, RESUME_PAGE: go_on} if go_on else kept,
    )


def paginate_from(
    api: Api,
    path: str,
    params: Mapping[str, Any],
    paging: Paging,
    resume: Mapping[str, Any] | None,
    *,
    first: Any = None,
    place: PagePlace | None = None,
) -> AsyncIterator[list[Raw]]:
    """`paginate()` going on from `resume` (paging parameters a stopped read kept: `resume_page()`),
    else from the start (`first`, a first page already in hand, is used only then).

    A place the platform no longer takes is read from the start instead, in the same read: Graph
    invalidates a cursor once the item it points at is deleted, and tells apps not to store cursors
    or assume they stay valid (Graph API, "Paginated Results"); a page token may expire. An error on
    the first request made with it does not say whether the place or the item is at fault: the
    start says (an item gone is gone there too). Only a refusal (400, 404, 410) is taken so, and
    only until a page has been handed over: after that, an error is raised as `paginate()` raises
    it. A server error, a malformed answer or a network outage is raised at once (the thread keeps
    its place); an auth error or a rate limit is not a `PlatformError`, and is raised at once too.
    """
    if not resume:  # `paginate()` itself: no generator in between for every thread of every scan
        return paginate(api, path, params, paging, first=first, place=place)
    return _paginate_resumed(api, path, params, paging, resume, first=first, place=place)


#: The HTTP statuses with which a platform refuses a saved paging place (see `paginate_from()`).
_PLACE_REFUSED = frozenset({400, 404, 410})


async def _paginate_resumed(
    api: Api,
    path: str,
    params: Mapping[str, Any],
    paging: Paging,
    resume: Mapping[str, Any],
    *,
    first: Any,
    place: PagePlace | None,
) -> AsyncIterator[list[Raw]]:
    """`paginate_from()` with a place to go on from."""
    pages = paginate(api, path, {**params, **resume}, paging, place=place)
    try:
        batch = await anext(pages)
    except StopAsyncIteration:
        return
    except (PlatformError, NotFound) as error:
        # Only a refusal of the request itself says the place may be at fault (Graph's 400 "Invalid
        # parameter", YouTube's 400 invalidPageToken, a 404). A server error, a cut-off or
        # malformed answer, a network outage is raised: the thread keeps its place for the next
        # try, rather than spending the scan's time reading again pages it has stored.
        if isinstance(error, PlatformError) and error.status not in _PLACE_REFUSED:
            raise
        log.warning(
            "%s: %s did not go on from where an earlier read stopped (%s); reading it from the start",
            api.platform,
            path,
            _without_hint(error),
        )
    else:
        yield batch
        async for batch in pages:
            yield batch
        return
    async for batch in paginate(api, path, params, paging, first=first, place=place):
        yield batch


async def _get_page(
    api: Api,
    path: str,
    params: dict[str, Any],
    lighter: Callable[[PlatformError, Mapping[str, Any]], dict[str, Any] | None] | None,
) -> tuple[Any, dict[str, Any]]:
    """One page's body, and the parameters that got it (smaller ones when `lighter` offered them)."""
    while True:
        try:
            return await api.get(path, params), params
        except PlatformError as error:
            smaller = lighter(error, params) if lighter is not None else None
            if smaller is None or smaller == params:
                raise
            params = smaller


# --- times -------------------------------------------------------------------------------


def parse_time(value: Any) -> datetime:
    """Platform timestamps: Meta's `+0000`, RFC 3339 `Z` with up to 9 fractional digits, epoch seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str) or not value:
        raise ValueError(f"not a timestamp: {value!r}")
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    if "." in text:  # Python takes at most 6 fractional digits
        head, _, rest = text.partition(".")
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = f"{head}.{rest[: min(digits, 6)]}{rest[digits:]}"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {value!r}")
    return parsed.astimezone(UTC)


class FieldError(ValueError):
    """A field of an item is missing or of the wrong type; the message names it ('videoId') and its path."""


def _named(path: tuple[str, ...]) -> str:
    dotted = ".".join(path)
    return f"'{path[-1]}'" if len(path) == 1 else f"'{path[-1]}' ({dotted})"


def field_at(raw: Any, *path: str) -> Any:
    """raw[path[0]][path[1]]…; a `FieldError` naming the field when a step is missing, null or not an object."""
    node = raw
    for depth, key in enumerate(path):
        if not isinstance(node, dict):
            if depth == 0:
                raise FieldError(f"the item is {describe_json(node)}, not an object")
            raise FieldError(f"field {_named(path[:depth])} is {describe_json(node)}, not an object")
        if node.get(key) is None:
            raise FieldError(f"missing field {_named(path[: depth + 1])}")
        node = node[key]
    return node


def time_at(raw: Any, *path: str) -> datetime:
    """The RFC 3339 time at `path` in `raw`; a `FieldError` naming the field when it is missing or not a time."""
    value = field_at(raw, *path)
    try:
        return parse_time(value)
    except (TypeError, ValueError) as error:
        raise FieldError(f"field {_named(path)}: {error}") from None


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _parse_or_none(value: Any) -> datetime | None:
    return parse_time(value) if value else None


def _read_items(saved: Any) -> dict[str, datetime]:
    """A cursor's `run.read`; an entry that cannot be read is dropped (its item is read again)."""
    found: dict[str, datetime] = {}
    for key, when in saved.items() if isinstance(saved, dict) else ():
        if not isinstance(when, str):
            continue
        try:
            found[str(key)] = parse_time(when)
        except ValueError:
            continue
    return found


# --- the incremental window --------------------------------------------------------------


@dataclass
class Window:
    """Where a scan starts and how far it got; saved as the channel's cursor after each page.

    Nothing here trusts the platform's order. A scan reads every listed item at or after
    `since` (the last finished scan's `watermark`, moved back by the look-back window
    `recent_days`), and stops only after a whole listing page older than that; the
    storage's upserts absorb the overlap. A killed scan resumes by listing again from
    the top: an item among the first `listed` positions that is no older than `before`
    (the oldest item time the killed scan finished) was done and is passed over; any
    other item, wherever the platform put it, is read.

    A scan stopped part way through a listing page keeps that page's items read in full in
    `read_items` (key and item time), not in `listed` and `before`: the resumed scan passes
    over an item of the same key and time wherever the listing now puts it, and reads one
    whose time changed (updated meanwhile). Once the resumed scan finishes that listing
    page, its items count as the page's positions and times again, like any other page's.
    """

    watermark: datetime | None  # newest item time seen by the last finished scan
    since: datetime | None  # this scan lists items at or after this (None: the whole history)
    before: datetime | None = None  # inside an unfinished scan: the oldest item time it finished
    newest: datetime | None = None  # newest item time seen by this scan
    listed: int = 0  # inside an unfinished scan: listing positions it went through
    retried: int = 0  # remembered threads read again by this scan
    resumed: int = 0  # positions done by the interrupted scan this one resumes (0: a fresh scan)
    # inside an unfinished scan: items it read in full on listing pages it stopped part way through
    read_items: dict[str, datetime] = field(default_factory=dict)

    @classmethod
    def open(cls, cursor: Mapping[str, Any] | None, now: datetime, recent_days: float) -> Window:
        cursor = cursor or {}
        watermark = _parse_or_none(cursor.get("watermark"))
        run = cursor.get("run")
        if isinstance(run, dict):  # an interrupted scan: carry on where it stopped
            listed = run.get("listed")
            done = listed if isinstance(listed, int) and listed >= 0 else 0
            return cls(
                watermark,
                _parse_or_none(run.get("since")),
                _parse_or_none(run.get("before")),
                _parse_or_none(run.get("newest")),
                resumed=done,
                read_items=_read_items(run.get("read")),
            )
        since = None if watermark is None else min(watermark, now - timedelta(days=recent_days))
        return cls(watermark, since)

    def wanted(self, when: datetime) -> bool:
        """Inclusive: an item on the boundary is read again, and upserted."""
        return self.since is None or when >= self.since

    def done_before(self, position: int, when: datetime) -> bool:
        """Whether the interrupted scan this one resumes already read the item at `position`."""
        return position < self.resumed and self.before is not None and when >= self.before

    def read_before(self, key: str | None, when: datetime) -> bool:
        """Whether the interrupted scan read this item in full on a listing page it did not finish.

        By key and time, not by position: the listing may have moved it since, and an item
        whose time changed (edited, updated) is read again.
        """
        return key is not None and self.read_items.get(key) == when

    def stopped(self, read: Mapping[str, datetime]) -> None:
        """The scan stops part way through a listing page, in which it read the items `read` in full."""
        self.read_items.update(read)

    def done(self, times: list[datetime], positions: int) -> None:
        self.listed += positions
        if times:
            oldest, newest = min(times), max(times)
            self.before = oldest if self.before is None else min(self.before, oldest)
            self.newest = newest if self.newest is None else max(self.newest, newest)

    def cursor(self) -> dict[str, Any]:
        run: dict[str, Any] = {
            "since": _iso(self.since),
            "before": _iso(self.before),
            "newest": _iso(self.newest),
            "listed": max(self.listed, self.resumed),
            "retried": self.retried,
        }
        if self.read_items:
            run["read"] = {key: _iso(when) for key, when in self.read_items.items()}
        return {"watermark": _iso(self.watermark), "run": run}

    def finished(self) -> dict[str, Any]:
        marks = [t for t in (self.watermark, self.newest) if t is not None]
        return {"watermark": _iso(max(marks)) if marks else None}


# --- the connector shape -----------------------------------------------------------------


class ApiSettings(ConnectorSettings):
    """Options every API connector has, besides its account and credentials."""

    base_url: str = Field(description="the API's base URL (change it only to use a proxy or a test server)")
    recent_days: float = Field(
        default=14, ge=0, le=365, description="days of recent posts whose threads are re-read each scan"
    )
    page_size: int = Field(default=25, ge=1, le=100, description="items per request")
    max_retries: int = Field(default=4, ge=0, le=10, description="retries of a failed request")
    retry_backoff: float = Field(default=1.0, ge=0, le=60, description="first retry pause, in seconds")
    max_wait: float = Field(
        default=120, ge=0, description="longest pause asked by the platform that is waited through"
    )
    timeout: float = Field(
        default=30, gt=0, le=600, description="seconds a request may wait for the server to send anything"
    )
    request_deadline: float = Field(
        default=120,
        gt=0,
        le=3600,
        description="seconds one request may take in all, body included (a server trickling its answer "
        "is cut off)",
    )
    max_pages_per_scan: int = Field(
        default=2_000,
        ge=1,
        description="listing pages one scan of the channel reads; past it the channel ends partial and "
        "the next scan goes on",
    )
    max_records_per_scan: int = Field(
        default=500_000,
        ge=1,
        description="posts and comments one scan of the channel reads; past it the channel ends partial "
        "and the next scan goes on",
    )


def why_rejected(error: Exception) -> str:
    """What was wrong with a raw item, naming each field and its value's problem."""
    if isinstance(error, ValidationError):
        problems = []
        for detail in error.errors()[:5]:
            field = ".".join(str(part) for part in detail.get("loc", ())) or "the record"
            value = detail.get("input")
            shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
            problems.append(f"{field}: {detail.get('msg', 'invalid')} (got {shown})")
        more = f" and {error.error_count() - 5} more" if error.error_count() > 5 else ""
        return f"{error.title}: " + "; ".join(problems) + more
    if isinstance(error, KeyError):
        return f"missing field {error}"
    if isinstance(error, TypeError | AttributeError):
        return f"a field has an unexpected type ({error})"
    return str(error).splitlines()[0] if str(error) else type(error).__name__


MALFORMED = (ValidationError, KeyError, ValueError, TypeError, AttributeError, IndexError)


def build(rejected: list[RejectedRecord], where: str, make: Callable[[], T]) -> T | None:
    """Run a pure parser; a raw item it cannot turn into a record is reported and skipped."""
    try:
        return make()
    except MALFORMED as error:
        rejected.append(RejectedRecord(location=where, reason=why_rejected(error)))
        return None


# The key, in a remembered item, of the branches of its thread (deep replies) that a per-scan
# request budget left unread: the next scan reads those first (Bluesky, Mastodon).
UNREAD_BRANCHES = "socialmon_unread"


# The key, in a remembered item, that says the channel's time ran out part way through its thread
# (`ThreadTimeUp`): the next scans read it after the rest of the channel, not first.
LONG_THREAD = "socialmon_long"


def unread_branches(raw: Raw) -> list[str]:
    """The branches a remembered item's last read left unread (`branches_left`); none for a listed item."""
    found = raw.get(UNREAD_BRANCHES)
    return [str(branch) for branch in found] if isinstance(found, list) else []


def branches_left(item: Raw, unread: list[str], message: str, hint: str) -> PartialThread:
    """A thread read as far as its budget allowed: remembered with its `unread` branches to read next."""
    return PartialThread(message, resume={**item, UNREAD_BRANCHES: unread}, hint=hint)


@dataclass
class ItemClosed:
    """`SweepConnector.not_gone()`'s answer for an item found, when asked for itself, with its thread
    closed (an Instagram media whose comments the account turned off): `posts` are the item as the
    platform now describes it (marked `replies_closed`), stored; the thread is not read again."""

    posts: list[PostRecord]
    why: str


class SweepConnector(Connector):
    """A platform connector that lists items newest first and reads each item's thread.

    Subclasses declare `make_api()` (error table, credentials: `new_api()` fills in the
    rest), `listing()` (yields pages of raw items, newest first), `item_time()`, `item()`
    (the pure parse of one listed item) and `thread()` (the requests its comments need),
    and `item_label()` where a listed item's id is not at `id` or `name`. A thread that
    cannot be read (`Skipped`, `NotFound`: comments turned off, the post just deleted)
    is skipped and the item is still stored, unless `not_gone()` says the item is still there.
    """

    settings: ApiSettings
    platform: ClassVar[str] = ""
    #: injectable so tests never wait and never depend on today's date
    sleep = staticmethod(asyncio.sleep)
    now: Callable[[], datetime] = staticmethod(lambda: datetime.now(UTC))
    _long_turn = 1  # the turn a thread stopped for the channel's time takes (`pages` sets it per scan)
    #: The keys of the items whose threads go on last this scan (`LONG_THREAD`), from where an earlier
    #: scan stopped: listed meanwhile, their thread is not read with them (`pages` sets it per scan).
    long_thread_keys: frozenset[str] = frozenset()

    def retry_policy(self) -> RetryPolicy:
        s = self.settings
        return RetryPolicy(attempts=s.max_retries + 1, backoff=s.retry_backoff, max_wait=s.max_wait)

    def secrets(self) -> list[str]:
        found = []
        for name in type(self.settings).model_fields:
            value = getattr(self.settings, name)
            if isinstance(value, SecretStr) and value.get_secret_value():
                found.append(value.get_secret_value())
        return found

    @asynccontextmanager
    async def client(self) -> AsyncIterator[httpx.AsyncClient]:
        """The scan's shared client when there is one, else a client of our own."""
        shared = getattr(self.context, "http", None)
        if shared is not None:
            yield shared
            return
        async with new_client(timeout=self.settings.timeout) as own:
            yield own

    def new_api(
        self,
        client: httpx.AsyncClient,
        *,
        kind: type[Api] = Api,
        token: SecretStr | None = None,
        **options: Any,
    ) -> Api:
        """An `Api` (or its subclass `kind`) for this channel, sending `token` as `Authorization: Bearer`.

        The connector gives the platform name, the secrets, the retry policy, the sleep, and
        the settings' base URL and timeout; `options` adds the platform's error table, error
        parser, headers, throttle… and may override any of those.
        """
        if token is not None:
            bearer = f"Bearer {token.get_secret_value()}"
            options["headers"] = {"Authorization": bearer, **options.get("headers", {})}
        common: dict[str, Any] = {
            "client": client,
            "base_url": self.settings.base_url,
            "platform": self.platform,
            "secrets": self.secrets(),
            "policy": self.retry_policy(),
            "sleep": self.sleep,
            "timeout": self.settings.timeout,
            "deadline": self.settings.request_deadline,
        }
        return kind(**{**common, **options})

    @abstractmethod
    def make_api(self, client: httpx.AsyncClient) -> Api: ...

    @abstractmethod
    def listing(self, api: Api, window: Window) -> AsyncIterator[list[Raw]]: ...

    @abstractmethod
    def item_time(self, raw: Raw) -> datetime: ...

    @abstractmethod
    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]: ...

    def item_key(self, raw: Raw) -> str | None:
        """The listed item's platform id (its `id`, else its `name`), which keys a remembered thread."""
        found = raw.get("id") or raw.get("name")
        return str(found) if found else None

    def item_label(self, raw: Raw) -> str:
        """How messages name a listed item."""
        return f"{self.platform} item {self.item_key(raw) or '?'}"

    def retry_item(self, raw: Raw) -> Raw:
        """What to remember of a listed item whose thread failed, to read it again (drop bulky parts)."""
        return raw

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        """Yield the item's comments as they are read (kept even if a later request fails).

        Raise `PartialThread` when a budget stops it part way; any `PlatformError` leaves the
        thread to be read again on the next scan, while the channel goes on.
        """
        return
        yield

    async def prepare(self, api: Api) -> None:
        """Look up what the listing needs (an uploads playlist, an account name)."""

    async def after_listing(self, api: Api, finished: dict[str, Any]) -> AsyncIterator[Page]:
        """Pages the connector reads once its listing is done (`finished`: the sweep's cursor then),
        before the long threads (`LONG_THREAD`) go on: more of the channel, such as YouTube's pass
        over every video's new comments. Their cursors are the connector's to set. An `Incomplete`
        of its own (a cap) is raised after the long threads' turn; one at the time limit, at once."""
        return
        yield

    async def not_gone(
        self, api: Api, raw: Raw, error: Skipped | NotFound, *, remembered: bool
    ) -> PlatformError | ItemClosed | None:
        """Whether a thread answered "not found" or "cannot be read" is still there to read again.

        None (the default): the platform said the item is gone or its thread closed, and the thread
        is skipped. A connector whose platform gives the same answer for "gone" and for "refused"
        (Graph's 100/33) returns the error to remember the thread with instead, or, having asked the
        item itself and found its thread closed, `ItemClosed` with the item as it now is (stored, and
        the thread skipped). `remembered`: the item comes from an earlier scan's failed threads, not
        from this scan's listing.
        """
        return None

    async def read_thread(
        self, api: Api, raw: Raw, key: str | None, page: Page, pending: set[str], *, remembered: bool = False
    ) -> None:
        """Read one item's thread into `page`; a failure of this thread alone is remembered, not raised.

        Auth errors, rate limits and network outages stop the channel (raised); a thread the
        platform says is gone or closed is skipped (unless `not_gone()` says otherwise); any other
        platform error, or a budget that ran out part way, becomes a `ThreadFailure` to read again
        on the next scan. So does a thread still being read when the channel's time is nearly up
        (`Deadline.item_at`): `ThreadTimeUp` is thrown into `thread()`, what it yielded is kept,
        and the thread is remembered marked `LONG_THREAD` (with its turn: the long threads take
        turns), where the connector says to go on from (`PartialThread.resume`), else as this read
        began. (Kept, a thread read in part may show a comment whose reply comes later in the
        thread, as Facebook's and Instagram's do, as waiting; not kept, a thread longer than a
        scan's time would never have any comment stored.)
        """
        where = self.item_label(raw)
        before = len(page.comments)
        stop: ThreadTimeUp | None = None  # thrown into the thread: the channel's time ran out inside it
        try:
            async with aclosing(self.thread(api, raw, page.rejected)) as stream:
                async for comments in stream:
                    page.comments.extend(comments)
                    if key is not None and self.out_of_time_inside_item():
                        stop = ThreadTimeUp()
                        # A connector that ignores it and yields on is asked again after that batch.
                        page.comments.extend(await stream.athrow(stop))
        except StopAsyncIteration:  # the thread ended where it was asked to stop: read in full
            pass
        except ThreadTimeUp:  # the connector cannot go on from inside its thread: again as this read began
            assert key is not None  # thrown only into the thread of an item with a key
            item = raw if remembered else self.retry_item(raw)
            read = len(page.comments) - before
            reason = (
                f"{where}: {TIME_LIMIT_IN_THREAD} after {read:,} comments; the next scan reads it again "
                "from where this read began, after the rest of the channel"
            )
            log.warning("%s: %s", self.platform, reason)
            page.failed_threads.append(
                ThreadFailure(key=key, item={**item, LONG_THREAD: self._long_turn}, reason=reason)
            )
            return
        except (Skipped, NotFound) as error:
            still_there = await self.not_gone(api, raw, error, remembered=remembered)
            if isinstance(still_there, ItemClosed):  # closed: the item is stored as it now is
                page.posts.extend(still_there.posts)
                log.info("%s: the thread of %s is closed: %s", self.platform, where, still_there.why)
            elif still_there is None or key is None:  # gone or closed (or unnamed): nothing to read again
                log.warning("%s: skipped the thread of %s: %s", self.platform, where, _without_hint(error))
            else:
                log.warning(
                    "%s: the thread of %s is left for the next scan: %s", self.platform, where, still_there
                )
                page.failed_threads.append(
                    ThreadFailure(
                        key=key, item=_keep_turn(raw, self.retry_item(raw)), reason=str(still_there)
                    )
                )
                return
        except PartialThread as error:
            if key is not None:
                resume = error.resume if error.resume is not None else self.retry_item(raw)
                if stop is not None:  # left for the channel's time: read after the rest of it next scan
                    resume = {**resume, LONG_THREAD: self._long_turn}
                else:  # a budget's stop: a long thread keeps its turn
                    resume = _keep_turn(raw, resume)
                page.failed_threads.append(ThreadFailure(key=key, item=resume, reason=str(error)))
            return
        except PlatformError as error:
            if error.code == "network":  # the next thread would fail the same way: stop the channel
                raise
            if key is None:
                raise
            log.warning("%s: the thread of %s is left for the next scan: %s", self.platform, where, error)
            item = _keep_turn(raw, self.retry_item(raw))
            page.failed_threads.append(ThreadFailure(key=key, item=item, reason=str(error)))
            return
        except MALFORMED as error:
            page.rejected.append(
                RejectedRecord(location=f"the thread of {where}", reason=why_rejected(error))
            )
        if key is not None and key in pending:
            page.resolved_threads.append(key)

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        window = Window.open(cursor, self.now(), self.settings.recent_days)
        remembered = list(getattr(self.context, "pending_threads", ()))
        pending = {failure.key for failure in remembered}
        # Threads an earlier scan's time ran out inside (`LONG_THREAD`): read last, going on from where
        # they stopped, so that one thread longer than the channel's time cannot starve the rest of it.
        # Listed again meanwhile, such an item is stored but its thread is left to that read.
        # Each is marked with its turn, one more than the last: the one whose turn is the oldest goes
        # first, so that two long threads take turns rather than the first starving the second.
        long_threads = sorted(
            (failure for failure in remembered if failure.item.get(LONG_THREAD)),
            key=lambda failure: _turn(failure.item[LONG_THREAD]),
        )
        self._long_turn = 1 + max((_turn(failure.item[LONG_THREAD]) for failure in long_threads), default=0)
        read_last = {failure.key for failure in long_threads}
        self.long_thread_keys = frozenset(read_last)
        async with self.client() as client:
            api = self.make_api(client)
            await self.prepare(api)
            for failure in remembered:  # threads an earlier scan could not read: first
                if failure.key in read_last:
                    continue
                if self.out_of_time():  # the rest stay remembered; the listing still gets its item
                    break
                page = Page()
                await self.read_thread(api, failure.item, failure.key, page, pending, remembered=True)
                window.retried += 1
                page.cursor = window.cursor()
                yield page
            position = 0
            worked_pages = records = 0
            # A scan out of time stops once it has read a listed item (each scan makes progress,
            # where a listing page slower than the whole limit would be fetched every scan for nothing).
            read_one = False
            async for batch in self.listing(api, window):
                page = Page()
                times: list[datetime] = []
                read: dict[str, datetime] = {}  # items read in full on this page, for a stop part way
                passed: list[datetime] = []  # items the stopped scan this one resumes read in full
                any_wanted = False
                kept = _sizes(page)
                try:
                    for raw in batch:
                        kept = _sizes(page)  # what the page held before this item
                        position += 1
                        where = self.item_label(raw)
                        try:
                            when = self.item_time(raw)
                        except MALFORMED as error:
                            page.rejected.append(
                                RejectedRecord(location=where, reason=f"no valid time: {why_rejected(error)}")
                            )
                            continue
                        if not window.wanted(when):
                            continue  # older than the look-back window: read by an earlier scan
                        any_wanted = True
                        key = self.item_key(raw)
                        if window.done_before(position - 1, when):
                            continue  # done by the interrupted scan this one resumes
                        if window.read_before(key, when):
                            passed.append(when)
                            continue  # read by the scan this one resumes, before it stopped on its page
                        if read_one and self.out_of_time():  # stops as an error would (below)
                            raise time_limit_reached(self.platform)
                        try:
                            made = self.item(raw, page.rejected)
                        except MALFORMED as error:
                            page.rejected.append(RejectedRecord(location=where, reason=why_rejected(error)))
                            continue
                        for record in made:
                            (page.posts if isinstance(record, PostRecord) else page.comments).append(record)
                        if key is None or key not in read_last:
                            await self.read_thread(api, raw, key, page, pending)
                        times.append(when)
                        read_one = True
                        if key is not None:
                            read[key] = when
                except Exception:
                    # The channel stops part way through the page (an error, or its time is up): store
                    # the items read in full, with a cursor that passes over them only, then stop. What
                    # the item it stopped in gave is left out (a thread stored in part would show
                    # answered comments as waiting), and the next scan reads that item again.
                    _cut_back(page, kept)
                    window.stopped(read)
                    if read or page.posts or page.comments or page.rejected or page.failed_threads:
                        page.cursor = window.cursor()
                        page.progress = Progress(done=window.listed, unit="items")
                        yield page
                    raise
                for raw in batch:  # the page is done: its positions and times now say so
                    window.read_items.pop(self.item_key(raw) or "", None)
                window.done(times + passed, len(batch))
                page.cursor = window.cursor()
                page.progress = Progress(done=window.listed, unit="items")
                yield page
                # Pages a resumed scan only passes over do not count: each scan makes progress.
                worked_pages += 1 if times else 0
                records += len(page.posts) + len(page.comments)
                if worked_pages >= self.settings.max_pages_per_scan:
                    raise Incomplete(
                        f"{self.platform}: stopped after {worked_pages:,} listing pages (max_pages_per_scan)"
                    )
                if records >= self.settings.max_records_per_scan:
                    raise Incomplete(
                        f"{self.platform}: stopped after {records:,} records (max_records_per_scan)"
                    )
                # Stop after a whole page older than the window, not at the first old item: a
                # platform's order is not trusted (a playlist holds videos out of publish order).
                if batch and not any_wanted and window.since is not None:
                    break
                if read_one and self.out_of_time():  # before the next listing page is asked for
                    raise time_limit_reached(self.platform)
            listed = window.listed
            finished = window.finished()
            yield Page(cursor=finished, progress=Progress(done=listed, total=listed, unit="items"))
            # The rest of the channel, read before the long threads go on: a long thread stops for the
            # channel's time on every scan until it is through, and what came after it never ran.
            capped: Incomplete | None = None
            try:
                async for page in self.after_listing(api, finished):
                    yield page
            except Incomplete as stop:  # a cap of its own, not the time: the long threads still go on
                if not long_threads or self.out_of_time():
                    raise
                capped = stop
            left_part_way = False  # the last long thread read is remembered again
            for failure in long_threads:  # the listing is done: the long threads go on
                if self.out_of_time():  # the others stay remembered
                    raise time_limit_reached(self.platform)
                page = Page(cursor=finished)
                await self.read_thread(api, failure.item, failure.key, page, pending, remembered=True)
                yield page
                left_part_way = bool(page.failed_threads)
            if left_part_way and self.out_of_time():  # nothing more after a long thread stopped for time
                raise time_limit_reached(self.platform)
            if capped is not None:
                raise capped


def _keep_turn(raw: Raw, item: Raw) -> Raw:
    """`item`, what is remembered of `raw`'s thread, with `raw`'s long-thread turn if it had one: a
    long thread that fails, or stops for a budget, is still read after the rest of the channel."""
    return {**item, LONG_THREAD: raw[LONG_THREAD]} if raw.get(LONG_THREAD) else item


def _turn(mark: Any) -> int:
    """A long thread's turn (`LONG_THREAD`'s value): a whole number, else the first."""
    return mark if isinstance(mark, int) and not isinstance(mark, bool) else 1


#: The names of a `Page`'s lists. Named once: iterating over the page's fields for them took 3.0 µs
#: per listed item here, 0.8 µs so.
_PAGE_LISTS = tuple(name for name, value in Page() if isinstance(value, list))


def _sizes(page: Page) -> dict[str, int]:
    """How long each of a page's lists is: what `_cut_back()` returns the page to."""
    return {name: len(getattr(page, name)) for name in _PAGE_LISTS}


def _cut_back(page: Page, sizes: Mapping[str, int]) -> None:
    """Drop from each of the page's lists what was added after `sizes` was taken."""
    for name, size in sizes.items():
        del getattr(page, name)[size:]


def _without_hint(error: Exception) -> str:
    """An error's message without its hint: "check the account" misleads about one deleted post."""
    return Exception.__str__(error)


__all__ = [
    "GOES_ON_FROM_ITS_PAGE",
    "LONG_THREAD",
    "RESUME_PAGE",
    "UNREAD_BRANCHES",
    "ApiSettings",
    "CursorPaging",
    "FieldError",
    "GraphPaging",
    "ItemClosed",
    "PagePlace",
    "PageTokenPaging",
    "Paging",
    "SweepConnector",
    "Window",
    "branches_left",
    "build",
    "describe_json",
    "dig",
    "field_at",
    "listed",
    "objects",
    "paginate",
    "paginate_from",
    "parse_time",
    "query_without_secrets",
    "resume_page",
    "time_at",
    "time_up_in_thread",
    "unexpected_body",
    "unread_branches",
    "why_rejected",
]
