"""The `reddit` connector: a subreddit the business runs, or a user's submissions, and the comment trees on them.

Requests (public JSON on www.reddit.com, or the OAuth API on oauth.reddit.com when the
channel gives an app's client id and secret; the token comes from `token_url`):

    GET r/<sub>/new.json?limit=100&after=…&raw_json=1          or  user/<name>/submitted.json?sort=new
        newest first, paged by the `after` fullname
    GET comments/<id>.json?sort=new&limit=…&depth=…&raw_json=1   the post and its comment tree
    GET api/morechildren.json?link_id=t3_…&children=a,b,…&api_type=json
        the ids of "load more comments" stubs, up to 100 a request (from any stubs of the post)
    GET comments/<id>.json?comment=<parent>&…                    a "continue this thread" branch

(On oauth.reddit.com the same paths have no `.json`.) `api/morechildren` answers about 20
comments a call (Reddit's `CHILD_FETCH_COUNT`), whatever `children` lists: the requested ids
it leaves out, and those of any new `more` stubs it returns, are asked again. Reddit allows
one morechildren call at a time, and 100 requests a minute per OAuth client id (averaged over
ten minutes; about 10 without OAuth); the `X-Ratelimit-*` headers pace the requests and a 429
waits for the window to reset.

A post's thread is read whole within two budgets of "load more" requests (morechildren and
"continue this thread"): the post's own, twice the ~20-comments-a-call estimate of what its
`num_comments` leaves unread plus 10 (`more_requests` sets a fixed number instead), and the
scan's (`more_requests_per_scan`: 1,000 with OAuth, ten minutes of the allowance; 200 without).
Where a budget stops a thread, the comments read are kept and `PartialThread` hands the
framework the unread ids and branches: the next scan reads those, not the whole tree again.

Every request carries a User-Agent in the form Reddit requires,
`python:socialmon:<version> (by /u/<username>)`. A comment whose author is `username`, one of
`business_accounts`, or the user a `u/<name>` channel reads is the business's own. The
comments of `bots` (AutoModerator by default) are left out: its stickied notice on every post
is no customer waiting for an answer, and its canned replies are no answer from the business;
the replies to them are kept; so are the comments a moderator or a Reddit admin distinguished as
such (`distinguished`: "Removed, rule 3"), unless one of the business's accounts wrote them
(`moderators = false` keeps them as anyone's; AutoModerator's follow `bots`). Their
ids go in the page's `gone_comments`, so that those a socialmon
from before `bots` stored are marked deleted once their thread is read again. A post `archived`,
or `locked` to an app that may not moderate it (`can_mod_post` false), is stored `replies_closed`:
its comments are kept as any others and count in the sentiment figures and the response rate, but
one never answered is not listed as waiting, since the business cannot answer it there (unlocked
again, the post takes replies again). Each `comments/<id>` answer (a thread's first tree, a
"continue this thread" branch) starts with the submission as it is now: a thread read on from an
earlier scan, of a post perhaps no longer listed, stores the post as it shows it (locked, archived,
deleted, or open again); see `RedditConnector.read_thread`. Reddit's placeholder where a removed text was
(`[deleted]`, `[removed]`, `[ Removed by Reddit ]` or a longer "[ Removed by reddit … ]" sentence) marks
the comment, or as a selftext the post, deleted, and either is sent without text, so the
text stored before stays (a post's title and body; a post first seen deleted has none). What
a moderator removed reaches an app logged in as a moderator with its words, flagged `removed`
or `spam` (a post also by `removed_by_category`): it is marked deleted and its words sent. An
author Reddit withholds (`[deleted]`: the account deleted, its comments kept) is sent as no
author, id and name, so the author stored before stays. `edited` (false or an epoch time)
becomes `edited_at`. A post deleted after it was listed (its comments answer 404, or 403
when Reddit marks it removed) is skipped as gone. So, on a `u/` channel, is a post in a
subreddit that went private, quarantined or gated (its comments answer 403 with that `reason`)
or was banned (404 `reason: banned`): that subreddit is not the channel's, and the thread is
not asked again every scan (a thread read in part stops there, its comments kept). On an `r/`
channel the same answers are about the channel's own subreddit, which its listing reports.
An OAuth token Reddit refuses (401) before its `expires_in` is renewed once and the request
asked again.

Reddit answers the listing of a subreddit that does not exist with a redirect to a search
for subreddits (`/subreddits/search?q=<name>`), not a 404: a listing redirected anywhere but
to itself (another host or letter case aside), or holding subreddits (t5), is `NotFound`
for the search and a `PlatformError` elsewhere, never an empty subreddit.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, cast

import httpx
from pydantic import Field, SecretStr, model_validator

from socialmon_connectors._open import RateLimitHeaders, read_account
from socialmon_connectors._paging import (
    ApiSettings,
    CursorPaging,
    Raw,
    SweepConnector,
    UnexpectedShape,
    Window,
    build,
    describe_json,
    dig,
    listed,
    objects,
    paginate,
    parse_time,
    unexpected_body,
)
from socialmon_connectors.base import ThreadTimeUp
from socialmon_connectors.errors import (
    AuthError,
    ConnectorError,
    NotFound,
    PartialThread,
    PlatformError,
    RateLimited,
)
from socialmon_connectors.http import SOCIALMON_VERSION, Action, Api, ErrorTable, Problem, Rule, scrub
from socialmon_connectors.records import CommentRecord, Page, PostRecord, RejectedRecord

log = logging.getLogger("socialmon.http")

PUBLIC_URL = "https://www.reddit.com"
OAUTH_URL = "https://oauth.reddit.com"
TOKEN_URL = "https://www.reddit.com/api/v1/access_token"
ACCOUNT_FORM = "r/<subreddit> or u/<username>, e.g. r/cornerbistro"
DELETED_BODIES = frozenset({"[deleted]", "[removed]"})
REDDIT_REMOVAL = "[ removed by reddit"  # what Reddit's staff took down: "[ Removed by Reddit ]" and longer
# A comment posted "as a moderator" (or by a Reddit admin as one): moderation, not a customer's words.
MODERATION = ("moderator", "admin")
AUTOMODERATOR = "automoderator"  # Reddit's own bot, its comments always distinguished as a moderator's
BOTS = ("AutoModerator",)  # accounts whose comments are left out unless the channel's `bots` says otherwise
MORE_IDS_PER_REQUEST = 100  # ids sent in one api/morechildren request
COMMENTS_PER_MORE = 20  # comments api/morechildren answers a call, whatever `children` lists (measured)
SCAN_MORE_OAUTH = 1000  # "load more" requests a scan of a channel may make: ten minutes at 100 a minute
SCAN_MORE_PUBLIC = 200  # without OAuth (about 10 a minute): enough for a thread of ~4,000 comments
RESUME = "socialmon_unread"  # the key, in a remembered post, of the branches a budget left unread
AUTH_HINT = (
    "check the app's client id and secret (reddit.com/prefs/apps; a 'script' app also needs the username "
    "and password of a developer of the app) and the environment variables this channel's settings name"
)
NOT_FOUND_HINT = f"check the account ({ACCOUNT_FORM}): the subreddit or user may not exist or be banned"
OAUTH_FORBIDDEN_HINT = (
    "Reddit refused the app: the subreddit may be private or restricted, the account the app logs in "
    "as may be banned or suspended, or Reddit has not approved the app or has blocked it "
    "(reddit.com/prefs/apps; Reddit's Data API terms)"
)
# A subreddit Reddit shows only to some accounts is read as one of them: a 'script' app logs in
# with the username and password of a developer of the app (Reddit's OAuth2 "password" grant).
_AS_AN_ACCOUNT = (
    "give the channel a 'script' app (client_id, client_secret) with the username and password of "
    "{who} (a developer of the app), or remove the channel"
)
PRIVATE_HINT = (
    "the subreddit is private: Reddit shows it only to its approved members; "
    + _AS_AN_ACCOUNT.format(who="an approved member")
)
QUARANTINED_HINT = (
    "the subreddit is quarantined: Reddit shows it only to accounts that opted in on reddit.com; "
    + _AS_AN_ACCOUNT.format(who="an account that opted in")
)
GATED_HINT = (
    "the subreddit is gated: Reddit shows it only to accounts that accepted its content warning on "
    "reddit.com; " + _AS_AN_ACCOUNT.format(who="an account that accepted it")
)
BANNED_HINT = "Reddit banned the subreddit: nothing more can be read from it; remove the channel (what was stored stays)"
GONE_HINT = "nothing to do: the post is stored as it was listed, and its thread is no longer read"
#: A post's thread refused for what became of its subreddit (the error body's `reason`), which on a
#: `u/` channel is someone else's: it stays closed, as a deleted post's does.
CLOSED_SUBREDDIT = {
    "private": "went private",
    "quarantined": "was quarantined",
    "gated": "was gated (a content warning to accept on reddit.com)",
    "banned": "was banned by Reddit",
}


def public_forbidden_hint(username: str) -> str:
    """What a 403 to a channel without an app asks for (not the username when it is set)."""
    who = "" if username else "set the channel's `username` so the User-Agent says who runs it, or "
    return f"Reddit refused the request: {who}give client_id and client_secret to use OAuth"


def error_table(*, oauth: bool, username: str = "") -> ErrorTable:
    """The error rules of a channel: a 403 means something else to an app than to an anonymous reader."""
    return ErrorTable(
        {
            (401, None): Rule(Action.AUTH, AUTH_HINT),
            (None, "private"): Rule(Action.FAIL, PRIVATE_HINT),
            (None, "quarantined"): Rule(Action.FAIL, QUARANTINED_HINT),
            (None, "gated"): Rule(Action.FAIL, GATED_HINT),
            (None, "banned"): Rule(Action.NOT_FOUND, BANNED_HINT),
            (None, "suspended"): Rule(Action.NOT_FOUND, "Reddit suspended the account"),
            (403, None): Rule(
                Action.FAIL, OAUTH_FORBIDDEN_HINT if oauth else public_forbidden_hint(username)
            ),
            (404, None): Rule(Action.NOT_FOUND, NOT_FOUND_HINT),
        }
    )


ERRORS = error_table(oauth=False)
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
    bots: list[str] = Field(
        default_factory=lambda: list(BOTS),
        description="accounts whose comments are neither a customer's nor the business's (a subreddit's "
        "bots): left out, the replies to them kept; [] keeps AutoModerator's as anyone's",
    )
    moderators: bool = Field(
        default=True,
        description="leave out the comments a subreddit moderator or a Reddit admin posted as such "
        "(distinguished: removal notices), unless one of the business's accounts wrote them; the replies "
        "to them are kept. false keeps them as anyone's (AutoModerator's follow `bots`)",
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
    more_requests: int | None = Field(
        default=None,
        ge=0,
        le=10_000,
        description="'load more comments' requests per post (0: the first tree only); default: twice "
        f"what the post's unread comments need at ~{COMMENTS_PER_MORE} a request, plus 10",
    )
    more_requests_per_scan: int | None = Field(
        default=None,
        ge=0,
        le=100_000,
        description=f"'load more comments' requests per scan of the channel; default {SCAN_MORE_OAUTH:,} with "
        f"OAuth (ten minutes of Reddit's 100 a minute), {SCAN_MORE_PUBLIC} without; a thread the budget "
        "stops is read on from there by the next scan",
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


def is_placeholder(text: str) -> bool:
    """Whether `text` is Reddit's placeholder where a deleted or removed text was, not anyone's words."""
    said = text.strip()
    return said in DELETED_BODIES or (said.lower().startswith(REDDIT_REMOVAL) and said.endswith("]"))


def _removed_by_moderator(data: Raw) -> bool:
    """Flags only a moderator of the subreddit is sent, with the words of what was removed."""
    return data.get("removed") is True or data.get("spam") is True


def _author(data: Raw) -> str | None:
    author = data.get("author")
    return author if isinstance(author, str) and author and author not in DELETED_BODIES else None


def _author_id(data: Raw, author: str | None) -> str | None:
    """The author's fullname (t2_…); None with the name withheld, so storage keeps the author it has."""
    fullname = data.get("author_fullname")
    return fullname if author is not None and isinstance(fullname, str) and fullname else None


def _url(data: Raw) -> str | None:
    link = data.get("permalink")
    return f"{PUBLIC_URL}{link}" if isinstance(link, str) and link.startswith("/") else None


def parse_submission(data: Raw, business: frozenset[str]) -> PostRecord:
    author = _author(data)
    body = data.get("selftext") or ""
    words = "" if is_placeholder(body) else body  # Reddit's placeholder where the words were
    deleted = words != body or bool(data.get("removed_by_category")) or _removed_by_moderator(data)
    title = data.get("title") or ""
    text = f"{title}\n\n{words}" if words else title
    # A deleted or removed post keeps its title on Reddit, but unless Reddit still shows its body
    # (to a moderator) no text is sent for it: storage keeps the text stored before only for a
    # deleted record that arrives without one, and the title alone would replace the title and
    # body stored. A post first seen already deleted is thus stored without text: its title is
    # still on Reddit at its `url`, while the body of a post seen before it was deleted (the
    # usual case, as scans run often) is nowhere else any more.
    if deleted and not words:
        text = ""
    return PostRecord(
        platform_id=data["id"],
        author_id=_author_id(data, author),
        author_name=author,
        is_business=author is not None and author.lower() in business,
        text=text,
        url=_url(data),
        created_at=parse_time(float(data["created_utc"])),
        edited_at=_edited(data.get("edited")),
        deleted=deleted,
        like_count=_count(data.get("score")),
        comment_count=_count(data.get("num_comments")),
        replies_closed=replies_closed(data),
    )


def replies_closed(data: Raw) -> bool:
    """Whether the business can no longer reply under the post: archived (Reddit's, after six months,
    unless the subreddit turned archiving off: nobody can comment), or locked, to an app that may not
    moderate it (`can_mod_post`: a moderator still can)."""
    if data.get("archived") is True:
        return True
    return data.get("locked") is True and data.get("can_mod_post") is not True


def parse_comment(data: Raw, post_id: str, business: frozenset[str]) -> CommentRecord:
    author = _author(data)
    body = data.get("body") or ""
    placeholder = is_placeholder(body)
    deleted = placeholder or _removed_by_moderator(data)
    parent = str(data.get("parent_id") or "")
    return CommentRecord(
        platform_id=data["id"],
        post_id=post_id,
        parent_id=parent[3:] if parent.startswith("t1_") else None,
        author_id=_author_id(data, author),
        author_name=author,
        is_business=author is not None and author.lower() in business,
        text="" if placeholder else body,
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
    things: list[Any],
    post_id: str,
    business: frozenset[str],
    rejected: list[RejectedRecord],
    bots: frozenset[str] = frozenset(b.lower() for b in BOTS),
    *,
    left_out: list[str] | None = None,
    moderators: bool = True,
) -> tuple[list[CommentRecord], list[MoreStub]]:
    """Every comment in a tree of t1 things (their `replies` listings included), and the stubs met on the way.

    The comments of `bots` (lower-case names) are left out, their ids added to `left_out`; their
    replies are not. So are, with `moderators`, the comments a moderator or a Reddit admin posted as
    such (`distinguished`), unless the business wrote them: a removal notice is no customer waiting.
    """
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
        replies = dig(data.get("replies"), ("data", "children"))
        pending.extend(replies if isinstance(replies, list) else [])
        author_name = str(data.get("author") or "").lower()
        moderation = (
            moderators
            and data.get("distinguished") in MODERATION
            and author_name not in business
            and author_name != AUTOMODERATOR  # left to `bots`: `bots = []` keeps its comments
        )
        if author_name in bots or moderation:
            if left_out is not None and isinstance(data.get("id"), str) and data["id"]:
                left_out.append(data["id"])
            continue
        record = build(
            rejected,
            f"Reddit comment {data.get('id')}",
            lambda data=data: parse_comment(data, post_id, business),
        )
        if record is not None:
            comments.append(record)
    return comments, stubs


@dataclass
class Unread:
    """What is left to read of a post's thread: comment ids for api/morechildren, and branches to re-read."""

    ids: list[str] = field(default_factory=list)
    branches: list[str] = field(default_factory=list)  # "continue this thread": fullnames of the parents
    read: int = 0  # comments read so far, by this scan and the scans before
    done: set[str] = field(default_factory=set)  # branches read (or queued) already

    def __bool__(self) -> bool:
        return bool(self.ids or self.branches)

    def add(self, stubs: list[MoreStub], seen: set[str]) -> None:
        """Queue the stubs' ids not read nor queued yet, and their "continue this thread" branches."""
        queued = set(self.ids)
        for stub in stubs:
            if stub.children:
                fresh = [i for i in dict.fromkeys(stub.children) if i not in seen and i not in queued]
                self.ids.extend(fresh)
                queued.update(fresh)
            elif stub.parent.startswith("t1_") and stub.parent not in self.done:
                self.branches.append(stub.parent)
                self.done.add(stub.parent)

    def take(self) -> list[str]:
        batch, self.ids = self.ids[:MORE_IDS_PER_REQUEST], self.ids[MORE_IDS_PER_REQUEST:]
        return batch

    def to_json(self) -> dict[str, Any]:
        return {"ids": list(self.ids), "branches": list(self.branches), "read": self.read}

    @classmethod
    def from_json(cls, value: Any) -> Unread | None:
        """What a remembered post says was left unread; None when it says nothing (read the whole thread)."""
        if not isinstance(value, dict):
            return None
        ids = [str(i) for i in value.get("ids") or [] if isinstance(i, str) and i]
        branches = [str(b) for b in value.get("branches") or [] if isinstance(b, str) and b.startswith("t1_")]
        read = value.get("read")
        return cls(ids, branches, read if isinstance(read, int) and read >= 0 else 0, set(branches))


def more_budget(num_comments: int, read: int) -> int:
    """The post's budget of 'load more' requests: twice what its unread comments need at ~20 a call, plus 10.

    The margin is for "continue this thread" branches (a request each, however few comments
    they hold) and for calls that bring fewer than 20 (deleted comments, a short last batch).
    """
    return 2 * math.ceil(max(0, num_comments - read) / COMMENTS_PER_MORE) + 10


def _said(error: Exception) -> str:
    """An error's message without its hint (the account hint misleads about one post or one branch)."""
    return Exception.__str__(error)


def _removal(data: Raw) -> str | None:
    """How the listing marks a post removed or deleted, if it does."""
    category = data.get("removed_by_category")
    if category:
        return f"removed_by_category: {category}"
    body = data.get("selftext")
    return f"its text reads {body}" if isinstance(body, str) and is_placeholder(body) else None


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


# --- where a redirected listing lands --------------------------------------------------------

_LISTING_PATH = re.compile(
    r"/(?P<kind>r|user)/(?P<name>[^/]+)/(?:new|submitted)(?:\.json)?/?$", re.IGNORECASE
)


def _resource(path: str) -> str:
    """What a path names, whatever its letter case, `.json` suffix or trailing slash."""
    return path.lower().rstrip("/").removesuffix(".json").rstrip("/")


def _no_such_account(account: str) -> NotFound:
    """The subreddit (or user) a channel reads does not exist: Reddit searched for it instead."""
    what = "subreddit" if account.startswith("r/") else "user"
    return NotFound(
        f"the {what} {account} does not exist on Reddit (Reddit answered its listing with a search "
        "for subreddits of that name)",
        hint=f"check the spelling of the channel's account in the config ({ACCOUNT_FORM})",
    )


def _landing_problem(asked: httpx.URL, landed: httpx.URL) -> ConnectorError | None:
    """What is wrong with a listing request that Reddit redirected from `asked` to `landed`, if anything.

    Reddit answers the listing of a subreddit that does not exist with a 302 to
    `/subreddits/search?q=<name>` (PRAW raises prawcore's `Redirect` for it), not a 404, and
    the client follows redirects: what came back was a listing of subreddits (t5), often
    empty, read as a subreddit with no posts, "ok" on every scan. A redirect to the listing
    asked (another host, the name in another letter case) is no problem; one elsewhere is.
    """
    listing = _LISTING_PATH.search(asked.path)  # after any path of the `base_url`
    if listing is None or _resource(landed.path) == _resource(asked.path):
        return None
    prefix = "r" if listing.group("kind").lower() == "r" else "u"
    account = f"{prefix}/{listing.group('name')}"
    if "/subreddits/search" in _resource(landed.path):
        return _no_such_account(account)
    return PlatformError(
        f"Reddit sent the listing of {account} on to {landed.path}, which is not a listing of its posts",
        code="redirect",
        hint=f"check the channel's account in the config ({ACCOUNT_FORM}); if it is right, open it on "
        "reddit.com to see what Reddit shows instead",
    )


@dataclass
class _ListingLanding:
    """The channel's view of the scan's client: a listing request redirected away from the listing
    (see `_landing_problem`) raises instead of handing back what it landed on. `Api` sees only
    the JSON body, not where it came from."""

    client: httpx.AsyncClient

    async def get(self, url: httpx.URL | str, **options: Any) -> httpx.Response:
        response = await self.client.get(url, **options)
        if response.history:
            problem = _landing_problem(response.history[0].request.url, response.url)
            if problem is not None:
                raise problem
        return response


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

    async def _log_in(self) -> None:
        assert self.login is not None and self.clock is not None
        token, lifetime = await self.login()
        self.secrets = [*self.secrets, token]
        self.headers = {**self.headers, "Authorization": f"bearer {token}"}
        self.expires_at = self.clock() + timedelta(seconds=max(0.0, lifetime - 60))

    async def get(self, path: str, params: Any = None) -> Any:
        if self.login is None or self.clock is None:
            return await super().get(path, params)
        logged_in = not self._token_fresh(self.clock())
        if logged_in:
            await self._log_in()
        try:
            return await super().get(path, params)
        except AuthError:
            # Reddit can stop honouring a token before its `expires_in` (revoked, a clock off, a
            # restart on its side): a 401 to an older token is asked again once with a new one, so
            # that an hour-long scan does not end telling the user to check credentials that work.
            if logged_in:
                raise
            await self._log_in()
            return await super().get(path, params)


# --- the connector -------------------------------------------------------------------------


class RedditConnector(SweepConnector):
    name = "reddit"
    platform = "Reddit"
    Settings = RedditSettings
    summary = "a subreddit's or a user's posts and their comment trees (public JSON, or OAuth)"
    needs_account = True

    settings: RedditSettings
    paging = CursorPaging(items=("data", "children"), cursor=("data", "after"), param="after")
    _scan_more_spent = 0  # 'load more' requests this scan of the channel made so far

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

    @cached_property
    def bots(self) -> frozenset[str]:
        """Lower-case names whose comments are left out: neither a customer's nor the business's."""
        return frozenset(n.lower().removeprefix("u/").removeprefix("/u/") for n in self.settings.bots if n)

    @cached_property
    def bot_comments(self) -> list[str]:
        """The ids of the comments of `bots` met since the last page was yielded (`pages`)."""
        return []

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        # The comments of `bots` met are named gone: those a socialmon from before `bots` stored
        # (customers waiting, to the reports) are marked deleted; others are never stored.
        async with aclosing(super().pages(cursor)) as pages:
            async for page in pages:
                page.gone_comments.extend(self.bot_comments)
                self.bot_comments.clear()
                yield page

    @cached_property
    def thread_submissions(self) -> dict[str, Raw]:
        """The submission, by post id, that the thread being read showed last (see `read_thread`)."""
        return {}

    def _saw_submission(self, post_id: str, body: Any) -> None:
        found = thread_submission(body, post_id)
        if found is not None:
            self.thread_submissions[post_id] = found

    async def read_thread(
        self, api: Api, raw: Raw, key: str | None, page: Page, pending: set[str], *, remembered: bool = False
    ) -> None:
        """The framework's read of the thread, then the post as the thread showed it into `page`.

        Every `comments/<id>` answer (the first tree, a "continue this thread" branch) starts with
        the submission as it is now. A thread read on from an earlier scan (a branch that failed, a
        budget, the channel's time) belongs to a post that may no longer be listed (older than
        `recent_days`): the post is stored as its thread shows it, so that one locked or archived
        since takes no replies (`replies_closed`), and one unlocked takes them again; its deletion
        too. A post listed on this page keeps its listed record, with the closed state its thread
        showed a moment later. A thread read only through api/morechildren (a remembered one with
        comment ids left and no branch) shows no submission: the post stays as stored.
        """
        post_id = str(dig(raw, ("data", "id")) or "")
        self.thread_submissions.pop(post_id, None)
        try:
            await super().read_thread(api, raw, key, page, pending, remembered=remembered)
        finally:
            shown = self.thread_submissions.pop(post_id, None)
        if shown is None:
            return
        for position, stored in enumerate(page.posts):
            if stored.platform_id == post_id:
                closed = replies_closed(shown)
                if stored.replies_closed != closed:
                    page.posts[position] = stored.model_copy(update={"replies_closed": closed})
                return
        post = build(
            page.rejected,
            f"Reddit post {post_id} (as its thread shows it)",
            lambda: parse_submission(shown, self.business),
        )
        if post is not None:
            page.posts.append(post)

    def _walk(
        self, things: list[Any], post_id: str, rejected: list[RejectedRecord]
    ) -> tuple[list[CommentRecord], list[MoreStub]]:
        """`walk_comments` for this channel: its business, its bots (their ids kept as gone)."""
        return walk_comments(
            things,
            post_id,
            self.business,
            rejected,
            self.bots,
            left_out=self.bot_comments,
            moderators=self.settings.moderators,
        )

    def make_api(self, client: httpx.AsyncClient) -> Api:
        s = self.settings
        read_account(parse_account, self.context.account)
        return self.new_api(
            cast(httpx.AsyncClient, _ListingLanding(client)),  # `Api` calls only its `get`
            kind=_RedditApi,
            base_url=s.base_url or (OAUTH_URL if s.oauth else PUBLIC_URL),
            errors=error_table(oauth=s.oauth, username=s.username),
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
            if any(item.get("kind") == "t5" for item in batch):  # subreddits: the search, however reached
                raise _no_such_account(f"{'r' if kind == 'r' else 'u'}/{name}")
            yield [item for item in batch if item.get("kind") == "t3" and isinstance(item.get("data"), dict)]

    def item_time(self, raw: Raw) -> datetime:
        when = raw["data"]["created_utc"]
        if not isinstance(when, int | float) or isinstance(when, bool):
            raise ValueError(f"created_utc: not epoch seconds (got {describe_json(when)})")
        return parse_time(float(when))

    def item_label(self, raw: Raw) -> str:
        return f"Reddit post {dig(raw, ('data', 'id')) or dig(raw, ('data', 'name')) or '?'}"

    def item(self, raw: Raw, rejected: list[RejectedRecord]) -> list[PostRecord | CommentRecord]:
        data = raw["data"]
        post = build(rejected, self.item_label(raw), lambda: parse_submission(data, self.business))
        return [post] if post else []

    def item_key(self, raw: Raw) -> str | None:
        found = dig(raw, ("data", "id"))
        return str(found) if found else None

    def retry_item(self, raw: Raw) -> Raw:
        """The listed post, less its text and media: what `thread()` and the messages need."""
        data = raw.get("data") or {}
        kept = {
            k: data[k]
            for k in ("id", "name", "num_comments", "created_utc", "removed_by_category", "subreddit")
            if k in data
        }
        if isinstance(data.get("selftext"), str) and is_placeholder(data["selftext"]):
            kept["selftext"] = data["selftext"]
        return {"kind": raw.get("kind") or "t3", "data": kept}

    @property
    def scan_more_budget(self) -> int:
        """The 'load more' requests one scan of this channel may make, over all its posts."""
        if self.settings.more_requests_per_scan is not None:
            return self.settings.more_requests_per_scan
        return SCAN_MORE_OAUTH if self.settings.oauth else SCAN_MORE_PUBLIC

    @property
    def tree_params(self) -> dict[str, Any]:
        return {"sort": "new", "limit": self.settings.comment_limit, "depth": self.settings.comment_depth}

    async def thread(
        self, api: Api, raw: Raw, rejected: list[RejectedRecord]
    ) -> AsyncIterator[list[CommentRecord]]:
        data = raw["data"]
        post_id = str(data["id"])
        total = _count(data.get("num_comments")) or 0
        seen: set[str] = set()
        unread = Unread.from_json(raw.get(RESUME))
        if unread is None:  # the whole thread; a remembered one goes on from its unread branches
            if not total:
                return
            body = await self._first_tree(api, post_id, data)
            self._saw_submission(post_id, body)
            things = _tree(body, f"comments/{post_id}{self.suffix}")
            comments, stubs = self._walk(things, post_id, rejected)
            seen.update(comment.platform_id for comment in comments)
            unread = Unread(read=len(comments))
            unread.add(stubs, seen)
            yield comments
        fixed = self.settings.more_requests
        allowed = fixed if fixed is not None else more_budget(total, unread.read)
        spent = 0
        while unread and spent < allowed and self._scan_more_spent < self.scan_more_budget:
            spent += 1
            self._scan_more_spent += 1
            try:
                if unread.ids:
                    fresh = await self._more_children(api, post_id, unread, seen, rejected)
                else:
                    fresh = await self._branch(api, post_id, unread, seen, rejected)
            except (NotFound, PlatformError) as error:
                # What was read is kept; the rest waits for the next scan, unless it can never be read.
                closed = self._closed_subreddit(error, post_id, data)
                if closed is not None:
                    raise closed from None
                if isinstance(error, NotFound) or error.code == "network":
                    raise
                raise self._partial(raw, post_id, total, unread, failure=error) from None
            unread.read += len(fresh)
            try:
                yield fresh
            except ThreadTimeUp as stop:  # the channel's time is up: the next scan reads on from the unread
                if unread:
                    raise self._partial(raw, post_id, total, unread, failure=stop) from None
                return
        if not unread:
            return
        if allowed == 0:  # the channel asks for the first tree only
            log.info("Reddit: post %s: read the first tree only (more_requests = 0)", post_id)
            return
        if spent >= allowed:
            raise self._partial(raw, post_id, total, unread, budget=f"the post's budget of {spent:,}")
        raise self._partial(
            raw, post_id, total, unread, budget=f"the scan's budget of {self.scan_more_budget:,}"
        )

    async def _first_tree(self, api: Api, post_id: str, data: Raw) -> Any:
        """The post's comment tree; a post deleted since it was listed is gone, not a wrong account."""
        try:
            return await api.get(f"comments/{post_id}{self.suffix}", self.tree_params)
        except NotFound as error:
            raise self._closed_subreddit(error, post_id, data) or NotFound(
                f"Reddit post {post_id} is gone, deleted or removed after it was listed ({_said(error)})",
                hint=GONE_HINT,
            ) from None
        except PlatformError as error:
            closed = self._closed_subreddit(error, post_id, data)
            if closed is not None:
                raise closed from None
            removal = _removal(data)
            if error.status == 403 and error.code is None and removal is not None:
                raise NotFound(
                    f"Reddit post {post_id} was removed ({removal}) and its comments are closed "
                    f"({_said(error)})",
                    hint=GONE_HINT,
                ) from None
            raise

    def _closed_subreddit(self, error: Exception, post_id: str, data: Raw) -> NotFound | None:
        """A `u/` channel's post whose subreddit went private, quarantined, gated or banned: gone for good.

        None on an `r/` channel (its own subreddit: the listing says what became of it) and for
        any other answer.
        """
        became = CLOSED_SUBREDDIT.get(str(getattr(error, "code", None) or ""))
        if became is None or parse_account(self.context.account)[0] != "user":
            return None
        subreddit = data.get("subreddit")
        where = f"r/{subreddit}" if isinstance(subreddit, str) and subreddit else "its subreddit"
        return NotFound(
            f"Reddit post {post_id} is in {where}, which {became}: its comments can no longer be read "
            f"({_said(error)})",
            hint=GONE_HINT,
        )

    async def _more_children(
        self, api: Api, post_id: str, unread: Unread, seen: set[str], rejected: list[RejectedRecord]
    ) -> list[CommentRecord]:
        """One api/morechildren call: about 20 of the ids asked come back; the others are queued again.

        A failure puts the ids back and is raised (the thread is read on from them next scan),
        but ids Reddit no longer has (404) are let go.
        """
        batch = unread.take()
        path = f"api/morechildren{self.suffix}"
        try:
            answer = await api.get(
                path,
                {"link_id": f"t3_{post_id}", "children": ",".join(batch), "api_type": "json", "sort": "new"},
            )
        except NotFound as error:
            if self._closed_subreddit(error, post_id, {}) is not None:  # the whole post's: see thread()
                raise
            rejected.append(_gone(post_id, error, f"{len(batch)} more comments"))
            return []
        except PlatformError:
            unread.ids[:0] = batch
            raise
        said = dig(answer, ("json", "errors"))
        try:
            if said:
                raise PlatformError(f"Reddit: {path} answered the errors {said}", code="morechildren")
            things = listed(answer, ("json", "data", "things"))
        except UnexpectedShape as shape:
            unread.ids[:0] = batch
            raise unexpected_body(api, path, str(shape)) from None
        except PlatformError:
            unread.ids[:0] = batch
            raise
        answered = {
            str(d["id"])
            for t in objects(things)
            if t.get("kind") == "t1" and isinstance(d := t.get("data"), dict) and d.get("id")
        }
        if not answered - seen:  # none of them any more (deleted since): do not ask again
            log.info(
                "Reddit: post %s: api/morechildren brought none of %d comments asked", post_id, len(batch)
            )
            return []
        found, deeper = self._walk(things, post_id, rejected)
        fresh = _unseen(found, seen)
        seen.update(answered)
        # The ids asked that neither came back nor sit in a new stub: ask again, first.
        in_stubs = {i for stub in deeper for i in stub.children}
        left_out = [i for i in batch if i not in seen and i not in in_stubs]
        unread.ids[:0] = [i for i in left_out if i not in unread.ids]
        unread.add(deeper, seen)
        return fresh

    async def _branch(
        self, api: Api, post_id: str, unread: Unread, seen: set[str], rejected: list[RejectedRecord]
    ) -> list[CommentRecord]:
        """A "continue this thread" branch, re-read from its parent comment (read already, not counted).

        A parent Reddit no longer has is answered with the post's top-level comments, not a 404: the
        branch is gone, as one answering 404 is.
        """
        parent = unread.branches.pop(0)
        try:
            body = await api.get(
                f"comments/{post_id}{self.suffix}", {**self.tree_params, "comment": parent[3:]}
            )
        except NotFound as error:
            if self._closed_subreddit(error, post_id, {}) is not None:  # the whole post's: see thread()
                raise
            rejected.append(_gone(post_id, error, f"the replies to comment {parent[3:]}"))
            return []
        except PlatformError:
            unread.branches.insert(0, parent)
            raise
        self._saw_submission(post_id, body)
        things = _tree(body, f"comments/{post_id}{self.suffix}?comment={parent[3:]}")
        if things and not _rooted_at(things[0], parent):
            # Reddit ignores a `comment` it cannot find and answers the post's top-level comments:
            # not the branch's replies, and their stubs would send the whole thread round again.
            rejected.append(
                RejectedRecord(
                    location=f"Reddit post {post_id}: the replies to comment {parent[3:]}",
                    reason="Reddit no longer has that comment (it answered with the post's top-level "
                    "comments instead): deleted since the post was listed",
                )
            )
            return []
        seen.add(parent[3:])
        found, deeper = self._walk(things, post_id, rejected)
        fresh = _unseen(found, seen)
        seen.update(comment.platform_id for comment in fresh)
        unread.add(deeper, seen)
        return fresh

    def _partial(
        self,
        raw: Raw,
        post_id: str,
        total: int,
        unread: Unread,
        *,
        budget: str = "",
        failure: Exception | None = None,
    ) -> PartialThread:
        """The thread read in part, with its unread ids and branches for the next scan."""
        of = f" of {total:,}" if total >= unread.read else ""
        left = [f"{len(unread.ids):,} comment ids"] if unread.ids else []
        if unread.branches:
            left.append(f"{len(unread.branches):,} 'continue this thread' branches")
        if failure is not None:
            why = f"{' and '.join(left)} left: {_said(failure)}"
            hint = "nothing to do: the next scan reads them"
        else:
            why = f"{' and '.join(left)} left when {budget} 'load more' requests ran out"
            if budget.startswith("the post's"):
                hint = "nothing to do; to read such posts in one scan, raise the channel's `more_requests`"
            elif self.settings.oauth:
                hint = "nothing to do; to read more a scan, raise the channel's `more_requests_per_scan`"
            else:
                hint = (
                    "nothing to do; to read more a scan, give client_id and client_secret (with OAuth Reddit "
                    "allows 100 requests a minute, against about 10 without) or raise `more_requests_per_scan`"
                )
        return PartialThread(
            f"Reddit post {post_id}: read {unread.read:,}{of} comments; the rest on the next scan ({why})",
            resume={**self.retry_item(raw), RESUME: unread.to_json()},
            hint=hint,
        )


def _gone(post_id: str, error: NotFound, what: str) -> RejectedRecord:
    """A branch Reddit no longer has: its comments were deleted, or the post was, while it was read."""
    return RejectedRecord(
        location=f"Reddit post {post_id}: {what}",
        reason=f"{_said(error)}: deleted since the post was listed",
    )


def _unseen(found: list[CommentRecord], seen: set[str]) -> list[CommentRecord]:
    """The comments not read before, each once: an answer may repeat a comment, or send one read already."""
    fresh: dict[str, CommentRecord] = {}
    for comment in found:
        if comment.platform_id not in seen:
            fresh.setdefault(comment.platform_id, comment)
    return list(fresh.values())


def _fullname(item: Raw) -> Any:
    return (item.get("data") or {}).get("name") or repr(item)


def _tree(body: Any, path: str) -> list[Any]:
    """The comment things of a `comments/<id>` answer: [post listing, comment listing].

    An answer of another shape is a `PlatformError` naming the endpoint (never a thread without comments).
    """
    if isinstance(body, list) and len(body) > 1 and isinstance(body[0], dict) and isinstance(body[1], dict):
        try:
            return listed(body[1], ("data", "children"))
        except UnexpectedShape as shape:
            said = str(shape)
    else:
        said = f"{describe_json(body)} where [the post's listing, its comments' listing] was expected"
    raise unexpected_body("Reddit", path, said)


def _rooted_at(first: Any, parent: str) -> bool:
    """Whether a `comments/<id>?comment=<parent>` answer is that branch: its first comment is the parent."""
    return isinstance(first, dict) and first.get("kind") == "t1" and dig(first, ("data", "id")) == parent[3:]


def thread_submission(body: Any, post_id: str) -> Raw | None:
    """The submission (t3 `data`) a `comments/<id>` answer starts with, if it is there and is `post_id`.

    Its first listing holds the post as it is now (`locked`, `archived`, `removed_by_category`,
    `selftext`…), in the shape the listing sends; any other shape is None (the comments still count).
    """
    if not isinstance(body, list) or not body or not isinstance(body[0], dict):
        return None
    children = dig(body[0], ("data", "children"))
    for thing in children if isinstance(children, list) else []:
        data = thing.get("data") if isinstance(thing, dict) else None
        if isinstance(data, dict) and thing.get("kind") == "t3" and str(data.get("id") or "") == post_id:
            return data
    return None


__all__ = [
    "RedditConnector",
    "RedditSettings",
    "Unread",
    "error_table",
    "is_placeholder",
    "more_budget",
    "parse_account",
    "parse_comment",
    "parse_problem",
    "parse_submission",
    "replies_closed",
    "thread_submission",
    "user_agent",
    "walk_comments",
]
