"""What Facebook Pages and Instagram share: Meta's Graph API error envelope, its codes, its usage headers.

Error body: {"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}.
The token goes in an `Authorization: Bearer` header, never in the URL; the `paging.next`
links Meta returns carry `access_token`, so paging continues from `paging.cursors.after`.

Code 1 "Please reduce the amount of data you're asking for" is not retried as it was sent (it
would fail the same way): `MetaPaging.lighter()` has `paginate()` ask for the same page again
with every limit halved (`limit`, and `.limit(N)` inside `fields`), down to 1.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field, SecretStr

from socialmon_connectors._paging import ApiSettings, GraphPaging, unexpected_body
from socialmon_connectors.errors import NotFound, PlatformError
from socialmon_connectors.http import Action, Api, ErrorTable, Problem, Rule, UsageThrottle

log = logging.getLogger("socialmon.http")

GRAPH_BASE_URL = "https://graph.facebook.com/v25.0"

_PERMISSION = (
    "the token lacks a permission this channel needs; grant it in the app's permissions and renew the token"
)

#: Graph's 100/33 on the channel's own account (its listing): either cause is possible.
MISSING_OR_REFUSED_HINT = (
    "Graph answers this both for an id that does not exist and for one the token may not read: check the "
    "channel's account id in the config, then that the token has the permissions this channel needs"
)
#: Graph's code/subcode for an object that "does not exist, cannot be loaded due to missing permissions,
#: or does not support this operation".
MISSING_OR_REFUSED = "100/33"


async def refused_not_gone(
    api: Api,
    what: str,
    item_id: str,
    error: Exception,
    remembered: bool,
    hint: str,
    *,
    thread: str = "comments",
) -> PlatformError | None:
    """`SweepConnector.not_gone` for Graph: its 100/33 on an item's comments ("does not exist, cannot
    be loaded due to missing permissions…") does not say the item is gone. An item this scan just
    listed is there, so its thread is read again next scan (the error returned); an item an earlier
    scan listed is gone (None) when Graph no longer serves the item itself either. `what` names it
    ("post 123_456"), `thread` what hangs under it ("comments", "messages")."""
    if not isinstance(error, NotFound) or error.code != MISSING_OR_REFUSED:
        return None
    if remembered and await _is_gone(api, item_id):
        return None
    return PlatformError(
        f"{api.platform}: could not read the {thread} of {what}, though it is there ({Exception.__str__(error)})",
        code=MISSING_OR_REFUSED,
        hint=hint,
    )


async def _is_gone(api: Api, item_id: str) -> bool:
    """Whether Graph answers "not found" for the item itself (deleted since it was listed)."""
    try:
        await api.get(item_id, {"fields": "id"})
    except NotFound:
        return True
    except PlatformError as error:
        if error.code == "network":
            raise
        return False  # another answer is no sign of a deletion: read the thread again next scan
    return False


#: How Graph words code 1 when the answer would be too large (a page of posts with their comments inline).
_TOO_MUCH_DATA = "reduce the amount of data"
_LESS_DATA = (
    "Graph still found the request too large after socialmon halved its limits; set a lower {sizes} "
    "in the channel's config, and report it if that does not help"
)
_INLINE_LIMIT = re.compile(r"\.limit\((\d+)\)")


def asks_for_less_data(code: str | None, message: str) -> bool:
    """Graph's code 1 "Please reduce the amount of data you're asking for" (with a subcode, "1/<n>");
    code 1 is otherwise "unknown"."""
    return str(code).split("/")[0] == "1" and _TOO_MUCH_DATA in message.lower()


class GraphErrors(ErrorTable):
    """Graph's codes, and code 1 read by its message: "reduce the amount of data" is not retried as sent."""

    def __init__(
        self, rules: Mapping[tuple[int | None, str | int | None], Rule | Action], less_data_hint: str
    ) -> None:
        super().__init__(rules)
        self.less_data_hint = less_data_hint

    def rule(self, problem: Problem) -> Rule:
        if asks_for_less_data(problem.code, problem.message):  # the same request fails the same way
            return Rule(Action.FAIL, self.less_data_hint)
        return super().rule(problem)


class MetaPaging(GraphPaging):
    """Graph paging that asks for smaller pages when Graph answers "reduce the amount of data"."""

    def lighter(self, error: PlatformError, params: Mapping[str, Any]) -> dict[str, Any] | None:
        """The request with every limit halved, when Graph asked for less data (see `paginate`).

        Halves `limit` and each `.limit(N)` inside `fields` (`comments.limit(100)`; `.limit(0)`
        stays), none below 1. None when the error is another, or when every limit is already 1.
        """
        if not asks_for_less_data(error.code, Exception.__str__(error)):
            return None
        lighter = dict(params)
        limit = params.get("limit")
        if isinstance(limit, int | str) and str(limit).isdigit() and int(limit) > 1:
            lighter["limit"] = int(limit) // 2
        fields = params.get("fields")
        if isinstance(fields, str):
            lighter["fields"] = _INLINE_LIMIT.sub(lambda found: f".limit({_halved(int(found[1]))})", fields)
        if lighter == dict(params):
            return None
        shown = ", ".join(
            f"{label} {_described(params.get(name))} → {_described(lighter[name])}"
            for name, label in (("limit", "limit"), ("fields", "inline limit"))
            if lighter.get(name) != params.get(name)
        )
        log.warning("%s; asking again for less: %s", Exception.__str__(error), shown)
        return lighter


def _halved(limit: int) -> int:
    """Half a limit, at least 1; `.limit(0)` (a count without the items) stays 0."""
    return max(1, limit // 2) if limit > 0 else 0


def _described(value: Any) -> str:
    """A limit, or the inline limits of a `fields` parameter (less the `.limit(0)` of counts), for the log."""
    if isinstance(value, str) and not value.isdigit():
        return "/".join(found for found in _INLINE_LIMIT.findall(value) if found != "0")
    return str(value)


def graph_errors(
    auth_hint: str, permission_hint: str = _PERMISSION, *, sizes: str = "page_size"
) -> ErrorTable:
    """Graph API codes (https://developers.facebook.com/docs/graph-api/guides/error-handling).

    `permission_hint`: what a `PermissionDenied` (codes 10 and 200-299) tells the user to grant;
    `sizes`: the settings that set how much a request asks for, named by the "reduce the amount
    of data" error.
    """
    rules: dict[tuple[int | None, str | int | None], Rule | Action] = {
        (None, 190): Rule(Action.AUTH, auth_hint),  # expired, revoked, password changed, app removed
        (None, 102): Rule(Action.AUTH, auth_hint),  # session key invalid
        (None, 10): Rule(Action.DENIED, permission_hint),
        # "does not exist, cannot be loaded due to missing permissions, or does not support this
        # operation": Graph says the same of a wrong id and of one the token may not read.
        (None, MISSING_OR_REFUSED): Rule(Action.NOT_FOUND, MISSING_OR_REFUSED_HINT),
        (None, 803): Action.NOT_FOUND,  # alias does not exist
        (None, 1): Action.RETRY,  # unknown ("please reduce the amount of data": `GraphErrors`)
        (None, 2): Action.RETRY,  # service temporarily unavailable
        (None, 4): Action.THROTTLE,  # app-level rate limit
        (None, 17): Action.THROTTLE,  # user-level rate limit
        (None, 32): Action.THROTTLE,  # page-level rate limit
        (None, 341): Action.THROTTLE,  # application limit reached
        (None, 368): Action.THROTTLE,  # temporarily blocked
        (None, 613): Action.THROTTLE,  # custom rate limit
        (None, 80001): Action.THROTTLE,  # Pages business-use-case limit
        (None, 80002): Action.THROTTLE,  # Instagram business-use-case limit
    }
    for code in range(200, 300):
        rules[(None, code)] = Rule(Action.DENIED, permission_hint)
    return GraphErrors(rules, _LESS_DATA.format(sizes=sizes))


def parse_graph_error(status: int, body: Any) -> Problem:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return Problem(status=status, message=f"HTTP {status}")
    code = error.get("code")
    subcode = error.get("error_subcode")
    message = str(error.get("message") or error.get("error_user_msg") or f"HTTP {status}")
    return Problem(
        status=status,
        code=None if code is None else str(code),
        subcode=None if subcode is None else str(subcode),
        message=message,
    )


class GraphSettings(ApiSettings):
    access_token: SecretStr = Field(description='written as "${ENV_VAR}"; never stored')
    base_url: str = GRAPH_BASE_URL
    comment_page_size: int = Field(default=100, ge=1, le=100, description="comments per request")

    #: The settings that size a request, named when Graph asks for less data.
    request_sizes: ClassVar[tuple[str, ...]] = ("page_size", "comment_page_size")


def graph_options(
    settings: GraphSettings, auth_hint: str, permission_hint: str = _PERMISSION
) -> dict[str, Any]:
    """What a Graph API connector gives `SweepConnector.new_api()`: Meta's errors, the token, usage pacing."""
    current = [f"{name} (now {getattr(settings, name)})" for name in settings.request_sizes]
    return {
        "errors": graph_errors(auth_hint, permission_hint, sizes=" or ".join(current)),
        "parse_error": parse_graph_error,
        "token": settings.access_token,
        "throttle": UsageThrottle(),
    }


def author(raw: dict[str, Any]) -> tuple[str | None, str | None]:
    """(id, name) of `from`; Meta leaves it out without the right token, so both may be None."""
    sender = raw.get("from")
    if not isinstance(sender, dict):
        return None, raw.get("username")
    return sender.get("id"), sender.get("name") or sender.get("username") or raw.get("username")


def count(value: Any) -> int | None:
    """`like_count: 3`, or `{"summary": {"total_count": 3}}`, or nothing."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, dict):
        total = (value.get("summary") or {}).get("total_count")
        return total if isinstance(total, int) else None
    return None


async def numeric_page_id(api: Api, named: str) -> str:
    """The numeric id of a Page named by its username, looked up once (`GET /{username}?fields=id`).

    Graph serves a Page's edges by its username as by its id, but everything the Page writes (its
    posts, its comments and messages, whichever admin typed them as the Page) comes `from` its
    numeric id, and only that tells the business's own words from a customer's. A numeric id (or
    none at all) is returned as it is, without a request. An answer of another shape is an error
    naming the request, not the username taken for the id: every reply would be a customer's again.
    """
    if not named or named.isdigit():
        return named
    found = await api.get(named, {"fields": "id"})
    page_id = found.get("id") if isinstance(found, dict) else None
    if not isinstance(page_id, str | int) or not str(page_id).isdigit():
        raise unexpected_body(api, f"{named}?fields=id", found)
    return str(page_id)


class PageNamedByUsername:
    """What Facebook's Page and Messenger connectors share: the Page a channel names (its
    `page_id` setting, else the channel's account), by its numeric id or by its username, and
    `prepare` looking a username up once a scan (`numeric_page_id`). Listed before the connector's
    base class, whose `__init__` and `prepare` it extends."""

    settings: Any  # the connector's settings, with a `page_id`
    context: Any  # the connector's ChannelContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._numeric_id: str | None = None  # the Page's id, looked up when it is named by its username

    @property
    def page_id(self) -> str:
        return self._numeric_id or self.settings.page_id or self.context.account

    async def prepare(self, api: Api) -> None:
        """The numeric id of a Page named by its username: Graph lists `/{username}/posts` and
        `/{username}/conversations`, but the Page's own posts, replies and messages come `from`
        its numeric id, and only that tells them apart."""
        self._numeric_id = await numeric_page_id(api, self.page_id)
        await super().prepare(api)  # type: ignore[misc]  # the connector's base class comes next


async def account_username(api: Api, account_id: str) -> str:
    """An Instagram account's username, which some of Meta's answers name its own messages and replies by.

    An answer of another shape is an error, not "no username": the business's own words would no
    longer be known as its own.
    """
    path = account_id
    account = await api.get(path, {"fields": "id,username"})
    if not isinstance(account, dict):
        raise unexpected_body(api, f"{path}?fields=id,username", account)
    return str(account.get("username") or "")
