"""The `mastodon` connector: an account's statuses on its home instance, and the replies in their threads.

Requests (Mastodon REST API v1, on the account's home instance; no token needed for public
statuses, `Authorization: Bearer` when the channel gives one):

    GET accounts/lookup?acct=name                  the account's id (skipped when `account_id` is set)
    GET accounts/:id/statuses?exclude_replies=true&exclude_reblogs=true&limit=40
        newest first, paged by the `Link` header's rel="next"; `exclude_replies` keeps the
        account's replies to itself (a status continuing its own thread): see below; boosts
        (a server may ignore `exclude_reblogs`) and the account's `direct` statuses (listed to
        its own token) are left out by the connector itself
    GET statuses/:id/context                       the replies (`descendants`) of a status that has any

A status in the thread whose `account.id` is the channel's account is the business's own
reply. Content is HTML and becomes plain text (paragraphs and line breaks kept, tags
dropped, entities decoded); a content warning (`spoiler_text`) comes first, then the
descriptions of its media (`media_attachments[].description`), then the status it quotes
(Mastodon 4.4+ `quote.quoted_status`, whose `quote-inline` fallback link is then dropped
from the content). `edited_at` marks edits. Mastodon does not show deleted statuses: a
reply deleted on the platform simply stops appearing, and a status deleted (or made
private) between listing and thread is stored without its replies, its thread skipped
with a message saying so. The instance's `X-RateLimit-*` headers pace the requests.

A status continuing the account's own thread is a reply in that thread, not a post. When
the status it answers is listed in this scan's window, that status's thread brings it and
its replies (no request of its own). Otherwise (its thread began before `recent_days`) its
context is read: its ancestors name the thread's first status, the `post_id` it and its
replies are stored under; a thread begun by another account is left out, like the
account's other replies, and one whose first status is gone is skipped with a message.

The context is capped (Mastodon 4.0+): without a token at 60 replies and 20 levels, with
one at 4,096 replies. A status at the depth limit with replies below it is read again from
there (at most `deep_context_requests` times; past that its branches are left for the next
scan). A context holding as many replies as the cap, whose `replies_count`s say more exist,
is stored as far as it goes, with a warning naming the fix (a token): not a partial thread, as the
instance will never show more to this reader and the channel would stay partial on every scan.

Mastodon 4.5+ may answer a context while it is still fetching remote replies in the
background, saying so in a `Mastodon-Async-Refresh: id="…", retry=<s>, result_count=<n>`
header. What came is stored; when `retry` is at most `async_refresh_wait` seconds the
context is read once more after that pause, else (or if it is still refreshing then) the
thread is left for the next scan (`PartialThread`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import Field, SecretStr

from socialmon_connectors._open import (
    LinkedApi,
    LinkPaging,
    RateLimitHeaders,
    read_account,
    unexpected_body,
    with_attachments,
)
from socialmon_connectors._paging import (
    ApiSettings,
    Raw,
    SweepConnector,
    UnexpectedShape,
    Window,
    branches_left,
    build,
    listed,
    paginate,
    parse_time,
    unread_branches,
)
from socialmon_connectors.errors import NotFound, PartialThread, PlatformError
from socialmon_connectors.http import Action, Api, ErrorTable, Problem, Rule
from socialmon_connectors.records import CommentRecord, PostRecord, RejectedRecord

log = logging.getLogger("socialmon.http")

ACCOUNT_FORM = "@name@instance, e.g. @cornerbistro@mastodon.social"
AUTH_HINT = (
    "the instance wants a token to read this account, or the token was revoked: on the instance open "
    "Preferences → Development → New application (scope read:statuses), and put its access token in the "
    "environment variable this channel's access_token names"
)
NOT_FOUND_HINT = f"check the account ({ACCOUNT_FORM}) and that it is on that instance"
# A 404 on one status's context is that status, not the account: nothing to fix in the config.
GONE_STATUS_HINT = "nothing to fix: the status stays stored as last read, and its thread is no longer read"
GONE_ROOT_HINT = "nothing to fix: a status continuing a thread whose first status is gone is not stored"
# What GET statuses/:id/context shows (Mastodon 4.0+, docs.joinmastodon.org/methods/statuses/#context).
PUBLIC_DESCENDANTS, PUBLIC_DEPTH, PUBLIC_ANCESTORS = 60, 20, 40  # to a reader without a token
TOKEN_DESCENDANTS = TOKEN_ANCESTORS = 4_096  # with a token, and no depth limit
TOKEN_HINT = (
    "set the channel's access_token (a token of any account on the instance, scope read:statuses: "
    "Preferences → Development → New application) to read up to 4,096 replies at any depth"
)
ERRORS = ErrorTable(
    {
        (401, None): Rule(Action.AUTH, AUTH_HINT),
        (403, None): Rule(
            Action.FAIL, "the instance refuses to show this account (suspended, or reads need a token)"
        ),
        (404, None): Rule(Action.NOT_FOUND, NOT_FOUND_HINT),
        (410, None): Rule(Action.NOT_FOUND, "the account or status is gone from the instance"),
    }
)
_ACCOUNT = re.compile(r"^@?(?P<name>[A-Za-z0-9_][A-Za-z0-9_.-]*)(?:@(?P<domain>[A-Za-z0-9.-]+(?::\d+)?))?$")


def parse_account(account: str, *, instance: str = "") -> tuple[str, str]:
    """(username, domain) from `@name@instance`; the domain may be left out when `instance` is set."""
    match = _ACCOUNT.match(account.strip())
    if not match or not (match.group("domain") or instance):
        raise ValueError(f"{account!r} is not a Mastodon account: write it as {ACCOUNT_FORM}")
    return match.group("name"), match.group("domain") or urlsplit(instance_url(instance)).netloc


def instance_url(instance: str) -> str:
    """`mastodon.social` or `https://mastodon.social/` → `https://mastodon.social`."""
    text = instance.strip().rstrip("/")
    return text if "://" in text else f"https://{text}"


class MastodonSettings(ApiSettings):
    instance: str = Field(
        default="",
        description="the home instance, as https://mastodon.social or mastodon.social; "
        "defaults to the domain in the channel's account",
    )
    account_id: str = Field(
        default="", description="the account's id on the instance; looked up from the account when empty"
    )
    access_token: SecretStr | None = Field(
        default=None, description='optional: a token (scope read:statuses), written as "${ENV_VAR}"'
    )
    base_url: str = Field(default="", description="the API root; defaults to <instance>/api/v1")
    page_size: int = Field(default=40, ge=1, le=40, description="statuses per request")
    deep_context_requests: int = Field(
        default=10,
        ge=0,
        le=1000,
        description="extra context requests per status for replies deeper than the instance shows at once "
        "(20 levels without a token)",
    )
    async_refresh_wait: float = Field(
        default=5,
        ge=0,
        le=60,
        description="longest pause, in seconds, waited within a scan for an instance still fetching a "
        "thread's remote replies (Mastodon-Async-Refresh); a longer one leaves the thread for the next scan",
    )


# --- parsing: raw Mastodon JSON → records (pure) -------------------------------------------


class _PlainText(HTMLParser):
    """Mastodon's status HTML as the text a reader sees, with paragraphs and line breaks."""

    def __init__(self, *, drop_quote_inline: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.drop_quote_inline = drop_quote_inline
        self.dropping: str | None = None  # the tag of the `quote-inline` element being left out
        self.depth = 0
        self.preformatted = 0  # how many `<pre>` elements the parser is in

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping is not None:
            self.depth += tag == self.dropping
            return
        classes = " ".join(value or "" for name, value in attrs if name == "class").split()
        if self.drop_quote_inline and "quote-inline" in classes:
            self.dropping, self.depth = tag, 1
            return
        self.preformatted += tag == "pre"
        if tag == "br":
            self.line_break("\n")
        elif tag in ("p", "blockquote", "li", "pre") and self.parts:
            self.line_break("\n\n" if tag == "p" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if self.dropping is None and tag == "pre" and self.preformatted:
            self.preformatted -= 1
        if self.dropping is not None and tag == self.dropping:
            self.depth -= 1
            if self.depth <= 0:
                self.dropping = None

    def handle_data(self, data: str) -> None:
        if self.dropping is None:
            # As a browser shows it: outside <pre>, a run of spaces and newlines in the source is one
            # space (servers that indent their HTML, or break lines inside a paragraph).
            if self.preformatted:
                self.parts.append(data)
                return
            data = _SOURCE_SPACE.sub(" ", data)
            if not self.parts or self.parts[-1].endswith("\n"):
                data = data.lstrip(" ")  # a line does not begin with the source's indentation
            if data:
                self.parts.append(data)

    def line_break(self, breaks: str) -> None:
        """End the line (or paragraph) without the source's spaces at its end."""
        if not self.preformatted:
            while self.parts and not self.parts[-1].strip(" "):
                self.parts.pop()
            if self.parts:
                self.parts[-1] = self.parts[-1].rstrip(" ")
        self.parts.append(breaks)


def html_to_text(html: str, *, drop_quote_inline: bool = False) -> str:
    """Tags dropped, `<br>` and `<p>` kept as line breaks, entities decoded (links keep their full URL).

    `drop_quote_inline`: leave out the `quote-inline` element (Mastodon 4.4+ writes a
    "RE: <link>" fallback there for clients that cannot show a quote; ours is shown in full).
    """
    parser = _PlainText(drop_quote_inline=drop_quote_inline)
    parser.feed(html or "")
    parser.close()
    return _BLANK_LINES.sub("\n\n", "".join(parser.parts)).strip()


_SOURCE_SPACE = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")


MEDIA_KINDS = {"image": "image", "gifv": "GIF", "video": "video", "audio": "audio"}


def quoted_status(raw: Raw) -> Raw | None:
    """The status this one quotes, when the instance shows it (a `quote` whose state is accepted)."""
    quote = raw.get("quote")
    if not isinstance(quote, dict) or quote.get("state", "accepted") != "accepted":
        return None
    quoted = quote.get("quoted_status")  # a ShallowQuote has only `quoted_status_id`: nothing to show
    return quoted if isinstance(quoted, dict) else None


def status_text(raw: Raw, *, quotes: bool = True) -> str:
    """The content as text (its content warning first), its media descriptions, then the quoted status."""
    quoted = quoted_status(raw) if quotes else None
    text = html_to_text(raw.get("content") or "", drop_quote_inline=quoted is not None)
    warning = (raw.get("spoiler_text") or "").strip()
    text = f"{warning}\n\n{text}".strip() if warning else text
    attachments = raw.get("media_attachments")
    media = [
        (MEDIA_KINDS.get(str(item.get("type")), "media"), item.get("description"))
        for item in (attachments if isinstance(attachments, list) else [])
        if isinstance(item, dict) and isinstance(item.get("description"), str)
    ]
    quote = None
    if quoted is not None:
        author = quoted.get("account") if isinstance(quoted.get("account"), dict) else {}
        quote = (author.get("acct") or author.get("username"), status_text(quoted, quotes=False))
    return with_attachments(text, media, quote)


def _author(raw: Raw) -> tuple[str | None, str | None]:
    account = raw.get("account")
    if not isinstance(account, dict):
        return None, None
    return account.get("id"), account.get("display_name") or account.get("acct") or account.get("username")


def parse_status(raw: Raw, account_id: str) -> PostRecord:
    author_id, author_name = _author(raw)
    return PostRecord(
        platform_id=raw["id"],
        author_id=author_id or account_id,
        author_name=author_name,
        is_business=author_id is None or str(author_id) == account_id,
        text=status_text(raw),
        url=raw.get("url") or raw.get("uri"),
        created_at=parse_time(raw["created_at"]),
        edited_at=parse_time(raw["edited_at"]) if raw.get("edited_at") else None,
        like_count=raw.get("favourites_count"),
        comment_count=raw.get("replies_count"),
        share_count=raw.get("reblogs_count"),
    )


def parse_reply(raw: Raw, post_id: str, account_id: str) -> CommentRecord:
    """A status in a thread; its parent is None when it answers the post itself."""
    author_id, author_name = _author(raw)
    parent = raw.get("in_reply_to_id")
    return CommentRecord(
        platform_id=raw["id"],
        post_id=post_id,
        parent_id=None if parent is None or str(parent) == post_id else parent,
        author_id=author_id,
        author_name=author_name,
        is_business=author_id is not None and str(author_id) == account_id,
        text=status_text(raw),
        url=raw.get("url") or raw.get("uri"),
        created_at=parse_time(raw["created_at"]),
        edited_at=parse_time(raw["edited_at"]) if raw.get("edited_at") else None,
        like_count=raw.get("favourites_count"),
        reply_count=raw.get("replies_count"),
    )


def parse_problem(status: int, body: Any) -> Problem:
    said = body.get("error") if isinstance(body, dict) else None
    return Problem(status=status, message=str(said) if said else f"HTTP {status}")


def is_continuation(raw: Raw) -> bool:
    """Whether a listed status answers another (the account's own, as `exclude_replies` keeps)."""
    return raw.get("in_reply_to_id") is not None


def depths(descendants: list[Raw], status_id: str) -> dict[str, int]:
    """How many levels below `status_id` each of its descendants is (those whose parent is unknown: left out)."""
    parents = {str(item.get("id")): str(item.get("in_reply_to_id")) for item in descendants}
    found: dict[str, int] = {status_id: 0}

    def depth_of(node: str, path: tuple[str, ...] = ()) -> int | None:
        if node in found:
            return found[node]
        parent = parents.get(node)
        if parent is None or node in path:
            return None
        above = depth_of(parent, (*path, node))
        if above is None:
            return None
        found[node] = above + 1
        return found[node]

    for node in parents:
        depth_of(node)
    del found[status_id]
    return found


def all_counted(replies_count: Any, descendants: list[Raw]) -> bool:
    """Whether the `replies_count`s of a status and its descendants account for no reply beyond these.

    `replies_count` counts a status's direct public and unlisted replies: their sum over the
    thread is how many replies it has, those we cannot see (blocked, deleted…) included.
    """
    counts = [replies_count, *(item.get("replies_count") for item in descendants)]
    known = [count for count in counts if isinstance(count, int) and not isinstance(count, bool)]
    return len(known) == len(counts) and sum(known) <= len(descendants)


@dataclass(frozen=True)
class Context:
    """A status's context: the statuses above it (the first one first), its replies, the refresh note."""

    ancestors: list[Raw]
    descendants: list[Raw]
    refresh: AsyncRefresh | None


@dataclass(frozen=True)
class AsyncRefresh:
    """A `Mastodon-Async-Refresh` header: the instance is still fetching what the answer lacks."""

    id: str
    retry: float | None  # seconds the instance suggests waiting before asking again
    result_count: int | None  # items the refresh found so far, when the instance says


_HEADER_PARAM = re.compile(r'([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|([^,\s]*))')


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def parse_async_refresh(value: str | None) -> AsyncRefresh | None:
    """`id="…", retry=3, result_count=5` → an `AsyncRefresh`; None without the header."""
    if not value or not value.strip():
        return None
    found = {
        match.group(1).lower(): match.group(2) if match.group(2) is not None else match.group(3)
        for match in _HEADER_PARAM.finditer(value)
    }
    retry, count = _number(found.get("retry")), _number(found.get("result_count"))
    return AsyncRefresh(
        id=found.get("id") or "?",
        retry=max(0.0, retry) if retry is not None else None,
        result_count=int(count) if count is not None else None,
    )


@dataclass
class MastodonHeaders(RateLimitHeaders):
    """The rate-limit headers, and the `Mastodon-Async-Refresh` header of the last response."""

    async_refresh: AsyncRefresh | None = None

    def observe(self, headers: Mapping[str, str]) -> None:
        super().observe(headers)
        self.async_refresh = parse_async_refresh(headers.get("mastodon-async-refresh"))


# --- the connector -------------------------------------------------------------------------


class MastodonConnector(SweepConnector):
    name = "mastodon"
    platform = "Mastodon"
    Settings = MastodonSettings
    summary = "a Mastodon account's statuses and the replies in their threads (no token for public accounts)"
    needs_account = True

    settings: MastodonSettings
    paging = LinkPaging()
    account_id: str = ""
    window: Window | None = None  # this scan's, once the listing begins
    read_this_scan: set[str]  # the statuses listed in this scan's window, whose replies it reads

    def make_api(self, client: httpx.AsyncClient) -> Api:
        s = self.settings
        _, domain = read_account(partial(parse_account, instance=s.instance), self.context.account)
        return self.new_api(
            client,
            kind=LinkedApi,
            base_url=s.base_url or f"{instance_url(s.instance or domain)}/api/v1",
            errors=ERRORS,
            parse_error=parse_problem,
            token=s.access_token or None,  # an empty token is none: public statuses need none
            throttle=MastodonHeaders(now=self.now),
        )

    async def prepare(self, api: Api) -> None:
        self.window, self.read_this_scan = None, set()
        if self.settings.account_id:
            self.account_id = self.settings.account_id
            return
        name, domain = parse_account(self.context.account, instance=self.settings.instance)
        home = urlsplit(api.base_url).netloc
        # On its home instance an account is looked up by its bare name; elsewhere as name@domain.
        acct = name if domain == home else f"{name}@{domain}"
        found = await api.get("accounts/lookup", {"acct": acct})
        if not isinstance(found, dict):
            raise unexpected_body(api, "accounts/lookup", found)
        if not found.get("id"):
            raise NotFound(f"Mastodon account {self.context.account} not found", hint=NOT_FOUND_HINT)
        self.account_id = str(found["id"])

    async def listing(self, api: Api, window: Window) -> AsyncIterator[list[Raw]]:
        self.window = window
        params = {"exclude_replies": "true", "exclude_reblogs": "true", "limit": self.settings.page_size}
        async for batch in paginate(api, f"accounts/{self.account_id}/statuses", params, self.paging):
            statuses = [status for status in batch if self.is_listed_status(status)]
            for status in statuses:
                try:
                    if window.wanted(self.item_time(status)):
                        self.read_this_scan.add(str(status.get("id")))
                except (KeyError, TypeError, ValueError):
                    pass  # no valid time: the sweep reports it
            if statuses:
                yield statuses

    def is_listed_status(self, status: Raw) -> bool:
        """Whether a status of the account's listing is read: a post of its own, or a reply to itself.

        Left out: a boost (a wrapper whose `reblog` is the boosted status: `exclude_reblogs` is
        asked for, but a server may ignore it, and the boosted status and its replies are not the
        account's post), a `direct` status (a private message; Mastodon lists them to the
        account's own token, as the author sees all of its statuses) and a reply to another
        account. `exclude_replies` keeps the account's replies to itself (a thread it continues):
        they are listed too, as the status whose thread brings them may be older than the window.
        """
        if status.get("reblog") is not None or status.get("visibility") == "direct":
            return False
        return not is_continuation(status) or str(status.get("in_reply_to_account_id")) == self.account_id

    def item_time(self, raw: Raw) -> datetime:
        try:
            return parse_time(raw["created_at"])
        except ValueError as error:
            raise ValueError(f"created_at: {error}") from None

    def item_label(self, raw: Raw) -> str:
        return f"Mastodon status {raw.get('id') or '?'}"

    def retry_item(self, raw: Raw) -> Raw:
        if is_continuation(raw):
            return raw  # `thread()` stores the continuing status itself, from this
        return {"id": raw.get("id"), "replies_count": raw.get("replies_count")}  # what `thread()` reads

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        if is_continuation(raw):
            return []  # a reply in its thread, whose first status only `thread()` learns
        status = build(rejected, self.item_label(raw), lambda: parse_status(raw, self.account_id))
        return [status] if status else []

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        status_id = str(raw["id"])
        first: Context | None = None
        root_id = status_id
        if is_continuation(raw):
            found = await self.continued_thread(api, raw)
            if found is None:
                return
            root_id, first = found
            status = build(rejected, self.item_label(raw), lambda: parse_reply(raw, root_id, self.account_id))
            yield [status] if status else []
        if raw.get("replies_count") == 0:  # nothing to read: save the request
            return
        async for replies in self.replies(api, raw, root_id, rejected, first):
            yield replies

    async def continued_thread(self, api: Api, raw: Raw) -> tuple[str, Context] | None:
        """The first status of the thread a listed status continues, and that status's context; None
        when another read of this scan brings it, or the thread is not the account's."""
        status_id = str(raw["id"])
        if self.window is not None and str(raw["in_reply_to_id"]) in self.read_this_scan:
            return None  # the status it answers is read this scan, with the replies below it
        context = await self.context_of(api, status_id)
        root = context.ancestors[0] if context.ancestors else None
        if root is None or is_continuation(root):
            limit = TOKEN_ANCESTORS if self.has_token() else PUBLIC_ANCESTORS
            if len(context.ancestors) < limit:
                raise NotFound(
                    f"Mastodon status {status_id} continues a thread whose first status was deleted or "
                    "is no longer visible",
                    hint=GONE_ROOT_HINT,
                )
            raise PlatformError(
                f"Mastodon status {status_id} continues a thread more than {limit:,} statuses long, "
                "whose first status the instance does not show; it and its replies are not stored",
                hint=TOKEN_HINT if not self.has_token() else "report this to socialmon",
            )
        author = root.get("account") if isinstance(root.get("account"), dict) else {}
        if str(author.get("id")) != self.account_id:
            return None  # the account's reply in another's thread: left out, like its other replies
        if self.window is not None and self.window.wanted(self.item_time(root)):
            return None  # the first status is listed in this scan's window, and its thread read
        return str(root["id"]), context

    def has_token(self) -> bool:
        token = self.settings.access_token
        return token is not None and bool(token.get_secret_value())

    async def replies(
        self, api: Api, raw: Raw, root_id: str, rejected: list[RejectedRecord], first: Context | None
    ) -> AsyncIterator[list[CommentRecord]]:
        """The replies below the status `raw`, stored in the thread of `root_id`.

        A status at the instance's depth limit with replies below it is read again from there;
        deep branches past `deep_context_requests` end in `PartialThread` once what was read is
        yielded; a context at the instance's cap is a warning naming the fix (a token).
        """
        status_id = str(raw["id"])
        limit = TOKEN_DESCENDANTS if self.has_token() else PUBLIC_DESCENDANTS
        depth_limit = None if self.has_token() else PUBLIC_DEPTH
        queue = unread_branches(raw) or [status_id]
        replies_count = {status_id: raw.get("replies_count")}
        extra, unread, capped = self.settings.deep_context_requests, [], []
        seen: set[str] = set()
        while queue:
            below = queue.pop(0)
            descendants: list[Raw] = []
            async for descendants in self.answers(api, below, first if below == status_id else None):
                parsed = [
                    build(
                        rejected,
                        f"Mastodon reply {item.get('id')}",
                        lambda item=item: parse_reply(item, root_id, self.account_id),
                    )
                    for item in descendants
                ]
                fresh = [record for record in parsed if record is not None and record.platform_id not in seen]
                seen.update(record.platform_id for record in fresh)
                yield fresh
            replies_count.update((str(item.get("id")), item.get("replies_count")) for item in descendants)
            if len(descendants) >= limit and not all_counted(replies_count.get(below), descendants):
                capped.append(below)
            if depth_limit is None:
                continue
            parents = {str(item.get("in_reply_to_id")) for item in descendants}
            for node, depth in depths(descendants, below).items():
                count = replies_count.get(node)
                if depth >= depth_limit and node not in parents and isinstance(count, int) and count > 0:
                    if extra > 0:
                        queue.append(node)
                        extra -= 1
                    else:
                        unread.append(node)
        if capped:
            # A warning, not a partial thread: the instance will never show this reader more, so a
            # thread remembered as partial would keep the channel partial (and its alerts off) on
            # every scan, as Facebook's comments hidden from the token are a warning too.
            most = f"{limit:,} replies"
            reader = "a reader without a token " if not self.has_token() else ""
            which = "it" if capped[0] == status_id else f"status {capped[0]} below it"
            log.warning(
                "Mastodon status %s: the instance shows %sat most %s of a status, and %s has more; the "
                "first %s are stored: %s",
                status_id, reader, most, which, most,
                TOKEN_HINT if not self.has_token() else "Mastodon shows no more",
            )  # fmt: skip
        if unread:
            raise branches_left(
                self.retry_item(raw),
                unread,
                f"Mastodon status {status_id}: replies more than {depth_limit} levels deep below {len(unread):,} "
                "status(es) are left for the next scan (deep_context_requests ran out)",
                hint="nothing to do: the next scan reads them; to read them in one scan raise the channel's "
                "deep_context_requests, or set its access_token (no depth limit)",
            )

    async def answers(self, api: Api, status_id: str, first: Context | None) -> AsyncIterator[list[Raw]]:
        """The replies in each answer of a status's context: one, or two when the instance asked to wait."""
        context = first or await self.context_of(api, status_id)
        waited = False
        while True:
            yield context.descendants
            refresh = context.refresh
            if refresh is None:
                return
            found = f", {refresh.result_count} found so far" if refresh.result_count is not None else ""
            if waited or refresh.retry is None or refresh.retry > self.settings.async_refresh_wait:
                raise PartialThread(
                    f"Mastodon: the instance is still fetching remote replies to status {status_id} "
                    f"(refresh {refresh.id}{found}); what came is stored and the thread is read again "
                    "on the next scan"
                )
            log.info(
                "Mastodon: the instance is fetching remote replies to status %s%s; reading again in %.1f s",
                status_id,
                found,
                refresh.retry,
            )
            await self.sleep(refresh.retry)
            waited = True
            context = await self.context_of(api, status_id)

    async def context_of(self, api: Api, status_id: str) -> Context:
        """A status's context, and the instance's note that it is still fetching more replies."""
        path = f"statuses/{status_id}/context"
        try:
            context = await api.get(path)
        except NotFound as error:  # the status, not the account: deleted, or no longer visible to us
            raise NotFound(
                f"Mastodon status {status_id} was deleted or is no longer visible ({Exception.__str__(error)})",
                hint=GONE_STATUS_HINT,
            ) from None
        throttle = api.throttle
        refresh = throttle.async_refresh if isinstance(throttle, MastodonHeaders) else None
        try:
            return Context(listed(context, ("ancestors",)), listed(context, ("descendants",)), refresh)
        except UnexpectedShape as shape:
            raise unexpected_body(api, path, str(shape)) from None


__all__ = [
    "MastodonConnector",
    "MastodonSettings",
    "html_to_text",
    "instance_url",
    "parse_account",
    "parse_async_refresh",
    "parse_reply",
    "parse_status",
]
