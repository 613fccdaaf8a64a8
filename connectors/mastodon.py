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
dropped, entities decoded); a content warning (`spoiler_text`) comes first. `edited_at`
marks edits. Mastodon does not show deleted statuses: a reply deleted on the platform
simply stops appearing, and a status deleted between listing and thread is stored
without its replies. The instance's `X-RateLimit-*` headers pace the requests.
Without a token the context holds at most 60 replies, 20 levels deep (Mastodon 4.0+).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from functools import partial
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import Field, SecretStr

from socialmon_connectors._open import LinkedApi, LinkPaging, RateLimitHeaders, read_account
from socialmon_connectors._paging import ApiSettings, Raw, SweepConnector, Window, build, paginate, parse_time
from socialmon_connectors.errors import NotFound
from socialmon_connectors.http import Action, Api, ErrorTable, Problem, Rule
from socialmon_connectors.records import CommentRecord, PostRecord, RejectedRecord

ACCOUNT_FORM = "@name@instance, e.g. @cornerbistro@mastodon.social"
AUTH_HINT = (
    "the instance wants a token to read this account, or the token was revoked: on the instance open "
    "Preferences → Development → New application (scope read:statuses), and put its access token in the "
    "environment variable this channel's access_token names"
)
NOT_FOUND_HINT = f"check the account ({ACCOUNT_FORM}) and that it is on that instance"
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


# --- parsing: raw Mastodon JSON → records (pure) -------------------------------------------


class _PlainText(HTMLParser):
    """Mastodon's status HTML as the text a reader sees, with paragraphs and line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in ("p", "blockquote", "li", "pre") and self.parts:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """Tags dropped, `<br>` and `<p>` kept as line breaks, entities decoded (links keep their full URL)."""
    parser = _PlainText()
    parser.feed(html or "")
    parser.close()
    return "".join(parser.parts).strip()


def status_text(raw: Raw) -> str:
    text = html_to_text(raw.get("content") or "")
    warning = (raw.get("spoiler_text") or "").strip()
    return f"{warning}\n\n{text}".strip() if warning else text


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
            throttle=RateLimitHeaders(now=self.now),
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
        if not isinstance(found, dict) or not found.get("id"):
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
        return parse_time(raw["created_at"])

    def item_label(self, raw: Raw) -> str:
        return f"Mastodon status {raw.get('id') or '?'}"

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        status = build(rejected, self.item_label(raw), lambda: parse_status(raw, self.account_id))
        return [status] if status else []

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        if raw.get("replies_count") == 0:  # nothing to read: save the request
            return
        post_id = str(raw["id"])
        context = await api.get(f"statuses/{post_id}/context")
        descendants = context.get("descendants") if isinstance(context, dict) else None
        parsed = [
            build(
                rejected,
                f"Mastodon reply {item.get('id')}",
                lambda item=item: parse_reply(item, post_id, self.account_id),
            )
            for item in descendants or []
            if isinstance(item, dict)
        ]
        yield [record for record in parsed if record is not None]


__all__ = [
    "MastodonConnector",
    "MastodonSettings",
    "html_to_text",
    "instance_url",
    "parse_account",
    "parse_reply",
    "parse_status",
]
