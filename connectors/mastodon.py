"""The `mastodon` connector: an account's statuses on its home instance, and the replies in their threads.

Requests (Mastodon REST API v1, on the account's home instance; no token needed for public
statuses, `Authorization: Bearer` when the channel gives one):

    GET accounts/lookup?acct=name                  the account's id (skipped when `account_id` is set)
    GET accounts/:id/statuses?exclude_replies=true&exclude_reblogs=true&limit=40
        newest first, paged by the `Link` header's rel="next"; a status continuing the
        account's own thread (which `exclude_replies` keeps) is left to that thread
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
Without a token the context holds at most 60 replies, 20 levels deep (Mastodon 4.0+).

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
    build,
    listed,
    paginate,
    parse_time,
)
from socialmon_connectors.errors import NotFound, PartialThread
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

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping is not None:
            self.depth += tag == self.dropping
            return
        classes = " ".join(value or "" for name, value in attrs if name == "class").split()
        if self.drop_quote_inline and "quote-inline" in classes:
            self.dropping, self.depth = tag, 1
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag in ("p", "blockquote", "li", "pre") and self.parts:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if self.dropping is not None and tag == self.dropping:
            self.depth -= 1
            if self.depth <= 0:
                self.dropping = None

    def handle_data(self, data: str) -> None:
        if self.dropping is None:
            self.parts.append(data)


def html_to_text(html: str, *, drop_quote_inline: bool = False) -> str:
    """Tags dropped, `<br>` and `<p>` kept as line breaks, entities decoded (links keep their full URL).

    `drop_quote_inline`: leave out the `quote-inline` element (Mastodon 4.4+ writes a
    "RE: <link>" fallback there for clients that cannot show a quote; ours is shown in full).
    """
    parser = _PlainText(drop_quote_inline=drop_quote_inline)
    parser.feed(html or "")
    parser.close()
    return "".join(parser.parts).strip()


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

    settings: MastodonSettings
    paging = LinkPaging()
    account_id: str = ""

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
        params = {"exclude_replies": "true", "exclude_reblogs": "true", "limit": self.settings.page_size}
        async for batch in paginate(api, f"accounts/{self.account_id}/statuses", params, self.paging):
            # `exclude_replies` keeps the account's replies to itself (a thread it continues): they
            # are its replies in the first status's thread, not posts of their own.
            posts = [status for status in batch if not status.get("in_reply_to_id")]
            if posts:
                yield posts

    def item_time(self, raw: Raw) -> datetime:
        try:
            return parse_time(raw["created_at"])
        except ValueError as error:
            raise ValueError(f"created_at: {error}") from None

    def item_label(self, raw: Raw) -> str:
        return f"Mastodon status {raw.get('id') or '?'}"

    def retry_item(self, raw: Raw) -> Raw:
        return {"id": raw.get("id"), "replies_count": raw.get("replies_count")}  # what `thread()` reads

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        status = build(rejected, self.item_label(raw), lambda: parse_status(raw, self.account_id))
        return [status] if status else []

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        if raw.get("replies_count") == 0:  # nothing to read: save the request
            return
        post_id = str(raw["id"])
        seen: set[str] = set()
        waited = False
        while True:
            descendants, refresh = await self.context_of(api, post_id)
            parsed = [
                build(
                    rejected,
                    f"Mastodon reply {item.get('id')}",
                    lambda item=item: parse_reply(item, post_id, self.account_id),
                )
                for item in descendants
            ]
            fresh = [record for record in parsed if record is not None and record.platform_id not in seen]
            seen.update(record.platform_id for record in fresh)
            yield fresh
            if refresh is None:
                return
            found = f", {refresh.result_count} found so far" if refresh.result_count is not None else ""
            if waited or refresh.retry is None or refresh.retry > self.settings.async_refresh_wait:
                raise PartialThread(
                    f"Mastodon: the instance is still fetching remote replies to status {post_id} "
                    f"(refresh {refresh.id}{found}); what came is stored and the thread is read again "
                    "on the next scan"
                )
            log.info(
                "Mastodon: the instance is fetching remote replies to status %s%s; reading again in %.1f s",
                post_id,
                found,
                refresh.retry,
            )
            await self.sleep(refresh.retry)
            waited = True

    async def context_of(self, api: Api, post_id: str) -> tuple[list[Raw], AsyncRefresh | None]:
        """A status's replies (`descendants`), and the instance's note that it is still fetching more."""
        path = f"statuses/{post_id}/context"
        try:
            context = await api.get(path)
        except NotFound as error:  # the status, not the account: deleted, or no longer visible to us
            raise NotFound(
                f"Mastodon status {post_id} was deleted or is no longer visible ({Exception.__str__(error)})",
                hint=GONE_STATUS_HINT,
            ) from None
        throttle = api.throttle
        refresh = throttle.async_refresh if isinstance(throttle, MastodonHeaders) else None
        try:
            return listed(context, ("descendants",)), refresh
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
