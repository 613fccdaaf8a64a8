"""What YouTube and Google Business Profile share: Google's JSON error envelope and its reasons.

Error body: {"error": {"code": 403, "message": "…", "status": "PERMISSION_DENIED",
"errors": [{"reason": "quotaExceeded", "domain": "youtube.quota"}],
"details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "metadata": {…}}]}}.
The most specific name — the first `errors[].reason`, else `status` — is the code the
table is keyed on. Two things are read beyond it:

- a quota whose limit is 0 (`details[].metadata.quota_limit_value == "0"`): the Cloud
  project has no quota at all for the API (the Business Profile APIs give a project 0
  requests per minute until Google approves its access request). Waiting does not help,
  so it gets its own code, `QUOTA_ZERO`, which the table stops the channel on;
- an `ErrorInfo` detail whose reason says more than `errors[].reason` or `status` does:
  `SERVICE_DISABLED` (the API is not enabled in the Cloud project; YouTube's older
  `accessNotConfigured` says the same), whose `metadata` names the API (`serviceTitle`,
  `service`) and the page that enables it (`activationUrl`, else a `google.rpc.Help` link),
  and `ACCESS_TOKEN_SCOPE_INSUFFICIENT` (the OAuth token lacks the API's scope). Both stop
  the channel with `PermissionDenied` saying what to enable or grant;
- Google's messages may hold HTML (YouTube's quotaExceeded links the word "quota"): the
  tags are stripped, their text kept, so a message never shows raw markup.
"""

from __future__ import annotations

import html
import re
from typing import Any

from socialmon_connectors.http import Action, ErrorTable, Problem, Rule

QUOTA_HINT = (
    "the project's daily quota is used up; it resets at midnight Pacific time, and the channel resumes "
    "from where it stopped on the next scan (or ask Google for more quota in the Cloud console)"
)
#: The code `parse_google_error` gives an answer saying the project's quota for the API is 0.
QUOTA_ZERO = "quotaLimitZero"
QUOTA_ZERO_HINT = (
    "the Google Cloud project has a quota of 0 for this API: it will not come back by waiting; see the "
    "API's quota page in the Cloud console (APIs & Services → the API → Quotas) and ask Google for quota"
)

#: The codes `parse_google_error` gives an API not enabled in the Cloud project, and a token without the
#: API's scope (Google's `ErrorInfo` reasons).
SERVICE_DISABLED = "SERVICE_DISABLED"
SCOPE_MISSING = "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
SERVICE_DISABLED_HINT = (
    "enable {api} in the Google Cloud project of the API key or OAuth client ({where}); if it was just "
    "enabled, wait a few minutes for Google to apply it"
)

_TAG = re.compile(r"<[^<>]*>")


class GoogleErrors(ErrorTable):
    """Google's reasons, and an API not enabled in the Cloud project told with its name and the page enabling it."""

    def rule(self, problem: Problem) -> Rule:
        if problem.code in (SERVICE_DISABLED, "accessNotConfigured"):
            api = problem.details.get("api") or "the API named above"
            where = problem.details.get("activation_url") or "Cloud console → APIs & Services → Library"
            return Rule(Action.DENIED, SERVICE_DISABLED_HINT.format(api=api, where=where))
        return super().rule(problem)


def google_errors(auth_hint: str, *, scope_hint: str, denied_hint: str, **extra: Rule | Action) -> ErrorTable:
    """Google's reasons. `scope_hint`: what a token without the API's OAuth scope is told;
    `denied_hint`: what a plain `PERMISSION_DENIED` is told (the account may not read this)."""
    rules: dict[tuple[int | None, str | int | None], Rule | Action] = {
        (None, "quotaExceeded"): Rule(Action.QUOTA, QUOTA_HINT),
        (None, "dailyLimitExceeded"): Rule(Action.QUOTA, QUOTA_HINT),
        (None, QUOTA_ZERO): Rule(Action.DENIED, QUOTA_ZERO_HINT),
        (None, "rateLimitExceeded"): Action.THROTTLE,
        (None, "userRateLimitExceeded"): Action.THROTTLE,
        (None, "RESOURCE_EXHAUSTED"): Action.THROTTLE,
        (None, "backendError"): Action.RETRY,
        (None, "UNAVAILABLE"): Action.RETRY,
        (None, "keyInvalid"): Rule(Action.AUTH, auth_hint),
        (None, "keyExpired"): Rule(Action.AUTH, auth_hint),
        (None, "authError"): Rule(Action.AUTH, auth_hint),
        (None, "UNAUTHENTICATED"): Rule(Action.AUTH, auth_hint),
        (401, None): Rule(Action.AUTH, auth_hint),
        (None, SCOPE_MISSING): Rule(Action.DENIED, scope_hint),
        (None, "insufficientPermissions"): Rule(Action.DENIED, scope_hint),
        (None, "PERMISSION_DENIED"): Rule(Action.DENIED, denied_hint),
        (None, "NOT_FOUND"): Action.NOT_FOUND,
    }
    rules.update({(None, code): rule for code, rule in extra.items()})
    return GoogleErrors(rules)


def plain_text(message: str) -> str:
    """Google's message without HTML: tags dropped (their text kept), entities decoded, spaces collapsed."""
    return " ".join(html.unescape(_TAG.sub("", message)).split())


def quota_limit(error: dict[str, Any]) -> str | None:
    """The quota limit an error's `details` name (`ErrorInfo.metadata.quota_limit_value`), if any."""
    details = error.get("details")
    for detail in details if isinstance(details, list) else []:
        metadata = detail.get("metadata") if isinstance(detail, dict) else None
        if isinstance(metadata, dict) and metadata.get("quota_limit_value") is not None:
            return str(metadata["quota_limit_value"]).strip()
    return None


def _details(error: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The error's `details` of one `@type` ("ErrorInfo", "Help")."""
    found = error.get("details")
    return [
        detail
        for detail in (found if isinstance(found, list) else [])
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith(f"google.rpc.{kind}")
    ]


def _telling_reason(error: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    """An `ErrorInfo` reason more telling than `errors[].reason` or `status`, and what it names."""
    for info in _details(error, "ErrorInfo"):
        reason = info.get("reason")
        metadata = info.get("metadata") if isinstance(info.get("metadata"), dict) else {}
        if reason == SCOPE_MISSING:
            return SCOPE_MISSING, {}
        if reason == SERVICE_DISABLED:
            named = {"api": metadata.get("serviceTitle") or metadata.get("service")}
            links = [link for page in _details(error, "Help") for link in page.get("links") or []]
            urls = [link.get("url") for link in links if isinstance(link, dict)]
            named["activation_url"] = metadata.get("activationUrl") or next(filter(None, urls), None)
            return SERVICE_DISABLED, {key: str(value) for key, value in named.items() if value}
    return None, {}


def parse_google_error(status: int, body: Any) -> Problem:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return Problem(status=status, message=f"HTTP {status}")
    listed = error.get("errors")
    entries = listed if isinstance(listed, list) else []
    reasons = [e.get("reason") for e in entries if isinstance(e, dict) and e.get("reason")]
    code = reasons[0] if reasons else error.get("status")
    message = plain_text(str(error.get("message") or "")) or f"HTTP {status}"
    telling, details = _telling_reason(error)
    if telling is not None:
        code = telling
    elif code == "PERMISSION_DENIED" and "insufficient authentication scopes" in message.lower():
        code = SCOPE_MISSING
    if quota_limit(error) == "0":
        code = QUOTA_ZERO
        message = f"the Cloud project's quota for this API is 0 requests ({message})"
    return Problem(status=status, code=str(code) if code else None, message=message, details=details)
