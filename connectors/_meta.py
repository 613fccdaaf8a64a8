"""What Facebook Pages and Instagram share: Meta's Graph API error envelope, its codes, its usage headers.

Error body: {"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}.
The token goes in an `Authorization: Bearer` header, never in the URL; the `paging.next`
links Meta returns carry `access_token`, so paging continues from `paging.cursors.after`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr

from socialmon_connectors._paging import ApiSettings, unexpected_body
from socialmon_connectors.http import Action, Api, ErrorTable, Problem, Rule, UsageThrottle

GRAPH_BASE_URL = "https://graph.facebook.com/v25.0"

_PERMISSION = (
    "the token lacks a permission this channel needs; grant it in the app's permissions and renew the token"
)


def graph_errors(auth_hint: str, permission_hint: str = _PERMISSION) -> ErrorTable:
    """Graph API codes (https://developers.facebook.com/docs/graph-api/guides/error-handling).

    `permission_hint`: what a `PermissionDenied` (codes 10 and 200-299) tells the user to grant.
    """
    rules: dict[tuple[int | None, str | int | None], Rule | Action] = {
        (None, 190): Rule(Action.AUTH, auth_hint),  # expired, revoked, password changed, app removed
        (None, 102): Rule(Action.AUTH, auth_hint),  # session key invalid
        (None, 10): Rule(Action.DENIED, permission_hint),
        (None, "100/33"): Action.NOT_FOUND,  # object does not exist or is not visible to this token
        (None, 803): Action.NOT_FOUND,  # alias does not exist
        (None, 1): Action.RETRY,  # unknown; also "please reduce the amount of data"
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
    return ErrorTable(rules)


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


def graph_options(
    settings: GraphSettings, auth_hint: str, permission_hint: str = _PERMISSION
) -> dict[str, Any]:
    """What a Graph API connector gives `SweepConnector.new_api()`: Meta's errors, the token, usage pacing."""
    return {
        "errors": graph_errors(auth_hint, permission_hint),
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
