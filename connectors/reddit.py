"""The `reddit` connector: a subreddit the business runs, or a user's submissions, and the comment trees on them.

Requests (public JSON on www.reddit.com, or the OAuth API on oauth.reddit.com when the
channel gives an app's client id and secret; the token comes from `token_url`):

    GET r/<sub>/new.json?limit=100&after=…&raw_json=1          or  user/<name>/submitted.json?sort=new
        newest first, paged by the `after` fullname
    GET comments/<id>.json?sort=new&limit=…&depth=…&raw_json=1   the post and its comment tree
    GET api/morechildren.json?link_id=t3_…&children=a,b,…&api_type=json
        "load more comments" stubs, up to 100 comments a request and `more_requests` requests
        a post; a "continue this thread" stub re-reads the branch with `comments/<id>?comment=…`

(On oauth.reddit.com the same paths have no `.json`.) Every request carries a User-Agent in
the form Reddit requires, `python:socialmon:<version> (by /u/<username>)`. A comment whose
author is `username`, one of `business_accounts`, or the user a `u/<name>` channel reads is
the business's own. A `[deleted]`/`[removed]` body marks the comment deleted (the text stored
before stays); `edited` (false or an epoch time) becomes `edited_at`. Reddit's
`X-Ratelimit-*` headers pace the requests; a 429 waits for the window to reset.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

import httpx
from pydantic import Field, SecretStr, model_validator

from socialmon_connectors._open import RateLimitHeaders, read_account
from socialmon_connectors._paging import (
    ApiSettings,
    CursorPaging,
    Raw,
    SweepConnector,
    Window,
    build,
    dig,
    paginate,
    parse_time,
)
from socialmon_connectors.errors import AuthError, NotFound, PlatformError, RateLimited
from socialmon_connectors.http import SOCIALMON_VERSION, Action, Api, ErrorTable, Problem, Rule, scrub
from socialmon_connectors.records import CommentRecord, PostRecord, RejectedRecord

log = logging.getLogger("socialmon.http")

PUBLIC_URL = "https://www.reddit.com"
OAUTH_URL = "https://oauth.reddit.com"
TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
ACCOUNT_FORM = "r/<subreddit> or u/<username>, e.g. r/cornerbistro"
DELETED_BODIES = frozenset({"[deleted]", "[removed]"})
MORE_PER_REQUEST = 100  # Reddit's limit for api/morechildren
AUTH_HINT = (
    "check the app's client id and secret (reddit.com/prefs/apps; a 'script' app also needs the username "
    "and password of a developer of the app) and the environment variables this channel's settings name"
)
NOT_FOUND_HINT = f"check the account ({ACCOUNT_FORM}): the subreddit or user may not exist or be banned"
ERRORS = ErrorTable(
    {
        (401, None): Rule(Action.AUTH, AUTH_HINT),
        (None, "private"): Rule(Action.FAIL, "the subreddit is private; socialmon reads public ones"),
        (None, "quarantined"): Rule(Action.FAIL, "the subreddit is quarantined; socialmon reads public ones"),
        (None, "banned"): Rule(Action.NOT_FOUND, "Reddit banned the subreddit"),
        (None, "suspended"): Rule(Action.NOT_FOUND, "Reddit suspended the account"),
        (403, None): Rule(
            Action.FAIL,
            "Reddit refused the request: set the channel's `username` so the User-Agent says who runs it, "
            "or give client_id and client_secret to use OAuth",
        ),
        (404, None): Rule(Action.NOT_FOUND, NOT_FOUND_HINT),
    }
)
_ACCOUNT = re.compile(
    r"^(?:https?://(?:www\.|old\.)?reddit\.com)?/?(?P<kind>r|u|user)/(?P<name>[A-Za-z0-9_-]{2,21})/?$"
)


def parse_account(account: str) -> tuple[str, str]:
    """("r", subreddit) or ("user", username) from `r/name`, `u/name`, `/user/name` or a reddit.com URL."""
    match = _ACCOUNT.match(account.strip())
    if not match:
        raise ValueError(f"{account!r} is not a Reddit account: write {ACCOUNT_FORM}")
    return ("r" if match.group("kind") == "r" else "user"), match.group("name")


def user_agent(username: str) -> str:
    """The User-Agent in Reddit's required form: <platform>:<app id>:<version> (by /u/<username>)."""
    by = f"(by /u/{username})" if username else "(+https://github.com/socialmon/socialmon)"
    return f"python:socialmon:{SOCIALMON_VERSION} {by}"


class RedditSettings(ApiSettings):
    username: str = Field(
        default="",
        description="your Reddit username: named in the User-Agent, as Reddit asks, and its comments are "
        "the business's replies",
    )
    business_accounts: list[str] = Field(
        default_factory=list, description="more usernames whose comments are the business's replies"
    )
    client_id: SecretStr | None = Field(default=None, description='an app\'s client id, as "${ENV_VAR}"')
    client_secret: SecretStr | None = Field(default=None, description='its secret, as "${ENV_VAR}"')
    password: SecretStr | None = Field(
        default=None, description="for a 'script' app: the password of `username`, as \"${ENV_VAR}\""
    )
    base_url: str = Field(
        default="", description=f"default {PUBLIC_URL}, or {OAUTH_URL} with client_id and client_secret"
    )
    token_url: str = TOKEN_URL
    page_size: int = Field(default=100, ge=1, le=100, description="posts per request")
    comment_limit: int = Field(default=500, ge=1, le=500, description="comments in a post's first request")
    comment_depth: int = Field(default=10, ge=1, le=50, description="reply levels in a post's first request")
    more_requests: int = Field(
        default=10,
        ge=0,
        le=1000,
        description="'load more comments' requests per post (0: the first tree only)",
    )

    @model_validator(mode="after")
    def _credentials(self) -> RedditSettings:
        if (self.client_id is None) != (self.client_secret is None):
            raise ValueError("give both client_id and client_secret, or neither")
        if self.password is not None and (self.client_id is None or not self.username):
            raise ValueError("password (a 'script' app) also needs username, client_id and client_secret")
        return self

    @property
    def oauth(self) -> bool:
        return self.client_id is not None


# --- parsing: raw Reddit JSON → records (pure) ---------------------------------------------


def _count(value: Any) -> int | None:
    """Scores can be negative; counts cannot."""
    return max(0, value) if isinstance(value, int) and not isinstance(value, bool) else None


def _edited(value: Any) -> datetime | None:
    """`edited` is false, or the epoch seconds of the last edit."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return parse_time(float(value))
    return None


def _author(data: Raw) -> str | None:
    author = data.get("author")
    return author if isinstance(author, str) and author and author != "[deleted]" else None


def _url(data: Raw) -> str | None:
    link = data.get("permalink")
    return f"{PUBLIC_URL}{link}" if isinstance(link, str) and link.startswith("/") else None


def parse_submission(data: Raw, business: frozenset[str]) -> PostRecord:
    author = _author(data)
    body = data.get("selftext") or ""
    removed = body in DELETED_BODIES or bool(data.get("removed_by_category"))
    text = data.get("title") or ""
    if body and not removed:
        text = f"{text}\n\n{body}"
    return PostRecord(
        platform_id=data["id"],
        author_id=data.get("author_fullname"),
        author_name=author,
        is_business=author is not None and author.lower() in business,
        text=text,
        url=_url(data),
        created_at=parse_time(float(data["created_utc"])),
        edited_at=_edited(data.get("edited")),
        deleted=removed,
        like_count=_count(data.get("score")),
        comment_count=_count(data.get("num_comments")),
    )


def parse_comment(data: Raw, post_id: str, business: frozenset[str]) -> CommentRecord:
    author = _author(data)
    body = data.get("body") or ""
    deleted = body in DELETED_BODIES
    parent = str(data.get("parent_id") or "")
    return CommentRecord(
        platform_id=data["id"],
        post_id=post_id,
        parent_id=parent[3:] if parent.startswith("t1_") else None,
        author_id=data.get("author_fullname"),
        author_name=author,
        is_business=author is not None and author.lower() in business,
        text="" if deleted else body,
        url=_url(data),
        created_at=parse_time(float(data["created_utc"])),
        edited_at=_edited(data.get("edited")),
        deleted=deleted,
        like_count=_count(data.get("score")),
    )


@dataclass
class MoreStub:
    """A "load more comments" stub: ids to expand, or none for "continue this thread" under `parent`."""

    children: list[str]
    parent: str  # fullname, t1_… or t3_…


def walk_comments(
    things: list[Any], post_id: str, business: frozenset[str], rejected: list[RejectedRecord]
) -> tuple[list[CommentRecord], list[MoreStub]]:
    """Every comment in a tree of t1 things (their `replies` listings included), and the stubs met on the way."""
    comments: list[CommentRecord] = []
    stubs: list[MoreStub] = []
    pending = list(things)
    while pending:
        thing = pending.pop(0)
        data = thing.get("data") if isinstance(thing, dict) else None
        if not isinstance(data, dict):
            continue
        if thing.get("kind") == "more":
            children = [str(c) for c in data.get("children") or [] if c]
            stubs.append(MoreStub(children, str(data.get("parent_id") or "")))
            continue
        if thing.get("kind") != "t1":
            continue
        record = build(
            rejected,
            f"Reddit comment {data.get('id')}",
            lambda data=data: parse_comment(data, post_id, business),
        )
        if record is not None:
            comments.append(record)
        replies = dig(data.get("replies"), ("data", "children"))
        pending.extend(replies if isinstance(replies, list) else [])
    return comments, stubs


def parse_problem(status: int, body: Any) -> Problem:
    if not isinstance(body, dict):
        return Problem(status=status, message=f"HTTP {status}")
    reason = body.get("reason")
    message = str(body.get("message") or body.get("error") or f"HTTP {status}")
    return Problem(
        status=status,
        code=str(reason) if reason else None,
        message=f"{message} ({body.get('explanation') or reason})" if reason else message,
    )


# --- OAuth ---------------------------------------------------------------------------------


async def request_token(client: httpx.AsyncClient, settings: RedditSettings) -> tuple[str, float]:
    """(access token, seconds it lasts) from Reddit's token endpoint; one request, no retries."""
    assert settings.client_id is not None and settings.client_secret is not None
    client_id, secret = settings.client_id.get_secret_value(), settings.client_secret.get_secret_value()
    password = settings.password.get_secret_value() if settings.password else ""
    data = (
        {"grant_type": "password", "username": settings.username, "password": password}
        if password
        else {"grant_type": "client_credentials"}
    )
    secrets = [client_id, secret, password]
    try:
        response = await client.post(
            settings.token_url,
            data=data,
            auth=(client_id, secret),
            headers={"User-Agent": user_agent(settings.username)},
            timeout=settings.timeout,
        )
    except httpx.TransportError as error:
        detail = scrub(str(error), secrets) or type(error).__name__
        raise PlatformError(
            f"Reddit: network error getting an access token: {detail}", code="network"
        ) from None
    try:
        body = response.json()
    except ValueError:
        body = None
    said = (
        scrub(str(body.get("error") or body.get("message") or ""), secrets) if isinstance(body, dict) else ""
    )
    if response.status_code in (400, 401, 403) or (response.is_success and said):
        raise AuthError(
            f"Reddit refused the app's credentials (HTTP {response.status_code}: {said or 'no reason'})",
            hint=AUTH_HINT,
        )
    if response.status_code == 429:
        raise RateLimited("Reddit: too many token requests (HTTP 429)")
    token = body.get("access_token") if isinstance(body, dict) else None
    if not response.is_success or not isinstance(token, str) or not token:
        raise PlatformError(
            f"Reddit: no access token from {settings.token_url} (HTTP {response.status_code})",
            status=response.status_code,
        )
    lifetime = body.get("expires_in") if isinstance(body, dict) else None
    return token, float(lifetime) if isinstance(lifetime, int | float) else 3600.0


@dataclass
class _RedditApi(Api):
    """Sends the OAuth token, and gets a new one before it runs out, when the channel has credentials."""

    login: Callable[[], Awaitable[tuple[str, float]]] | None = None
    clock: Callable[[], datetime] | None = None
    expires_at: datetime | None = None

    def _token_fresh(self, now: datetime) -> bool:
        return self.expires_at is not None and now < self.expires_at

    async def get(self, path: str, params: Any = None) -> Any:
        if self.login is not None and self.clock is not None and not self._token_fresh(self.clock()):
            token, lifetime = await self.login()
            self.secrets = [*self.secrets, token]
            self.headers = {**self.headers, "Authorization": f"bearer {token}"}
            self.expires_at = self.clock() + timedelta(seconds=max(0.0, lifetime - 60))
        return await super().get(path, params)


# --- the connector -------------------------------------------------------------------------


class RedditConnector(SweepConnector):
    name = "reddit"
    platform = "Reddit"
    Settings = RedditSettings
    summary = "a subreddit's or a user's posts and their comment trees (public JSON, or OAuth)"

    settings: RedditSettings
    paging = CursorPaging(items=("data", "children"), cursor=("data", "after"), param="after")

    @property
    def suffix(self) -> str:
        return "" if self.settings.oauth else ".json"

    @cached_property
    def business(self) -> frozenset[str]:
        """Lower-case names whose posts and comments are the business's own."""
        names = {self.settings.username, *self.settings.business_accounts}
        kind, name = parse_account(self.context.account)
        if kind == "user":
            names.add(name)
        return frozenset(n.lower().removeprefix("u/").removeprefix("/u/") for n in names if n)

    def make_api(self, client: httpx.AsyncClient) -> Api:
        s = self.settings
        read_account(parse_account, self.context.account)
        return self.new_api(
            client,
            kind=_RedditApi,
            base_url=s.base_url or (OAUTH_URL if s.oauth else PUBLIC_URL),
            errors=ERRORS,
            parse_error=parse_problem,
            headers={"User-Agent": user_agent(s.username)},
            params={"raw_json": "1"},
            throttle=RateLimitHeaders(now=self.now),
            login=(lambda: request_token(client, s)) if s.oauth else None,
            clock=self.now,
        )

    async def listing(self, api: Api, window: Window) -> AsyncIterator[list[Raw]]:
        kind, name = parse_account(self.context.account)
        path = f"r/{name}/new{self.suffix}" if kind == "r" else f"user/{name}/submitted{self.suffix}"
        params: dict[str, Any] = {"limit": self.settings.page_size}
        if kind == "user":
            params["sort"] = "new"
        async for batch in paginate(api, path, params, self.paging, item_id=_fullname):
            yield [item for item in batch if item.get("kind") == "t3" and isinstance(item.get("data"), dict)]

    def item_time(self, raw: Raw) -> datetime:
        return parse_time(float(raw["data"]["created_utc"]))

    def item_label(self, raw: Raw) -> str:
        return f"Reddit post {dig(raw, ('data', 'id')) or dig(raw, ('data', 'name')) or '?'}"

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        data = raw["data"]
        post = build(rejected, self.item_label(raw), lambda: parse_submission(data, self.business))
        return [post] if post else []

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        data = raw["data"]
        if not data.get("num_comments"):
            return
        post_id = str(data["id"])
        tree = {"sort": "new", "limit": self.settings.comment_limit, "depth": self.settings.comment_depth}
        body = await api.get(f"comments/{post_id}{self.suffix}", tree)
        comments, stubs = walk_comments(_tree(body), post_id, self.business, rejected)
        seen = {comment.platform_id for comment in comments}
        yield comments
        budget = self.settings.more_requests
        while stubs and budget > 0:
            stub = stubs.pop(0)
            budget -= 1
            try:
                if stub.children:
                    batch, rest = stub.children[:MORE_PER_REQUEST], stub.children[MORE_PER_REQUEST:]
                    if rest:
                        stubs.insert(0, MoreStub(rest, stub.parent))
                    more = await api.get(
                        f"api/morechildren{self.suffix}",
                        {
                            "link_id": f"t3_{post_id}",
                            "children": ",".join(batch),
                            "api_type": "json",
                            "sort": "new",
                        },
                    )
                    things = dig(more, ("json", "data", "things"))
                elif stub.parent.startswith("t1_"):  # "continue this thread": read the branch on its own
                    branch = await api.get(
                        f"comments/{post_id}{self.suffix}", {**tree, "comment": stub.parent[3:]}
                    )
                    things = _tree(branch)
                else:
                    continue
            except (PlatformError, NotFound) as error:  # this branch only: the others are still read
                rejected.append(
                    RejectedRecord(location=f"Reddit post {post_id}: more comments", reason=str(error))
                )
                continue
            found, deeper = walk_comments(
                things if isinstance(things, list) else [], post_id, self.business, rejected
            )
            fresh = [comment for comment in found if comment.platform_id not in seen]
            seen.update(comment.platform_id for comment in fresh)
            stubs.extend(deeper)
            yield fresh
        if stubs:
            log.info(
                "Reddit: post %s has more comments than %d 'load more' requests read",
                post_id,
                self.settings.more_requests,
            )


def _fullname(item: Raw) -> Any:
    return (item.get("data") or {}).get("name") or repr(item)


def _tree(body: Any) -> list[Any]:
    """The comment things of a `comments/<id>` answer: [post listing, comment listing]."""
    if isinstance(body, list) and len(body) > 1:
        children = dig(body[1], ("data", "children"))
        return children if isinstance(children, list) else []
    return []


__all__ = [
    "RedditConnector",
    "RedditSettings",
    "parse_account",
    "parse_comment",
    "parse_problem",
    "parse_submission",
    "user_agent",
    "walk_comments",
]
