"""What YouTube and Google Business Profile share: Google's JSON error envelope and its reasons.

Error body: {"error": {"code": 403, "message": "…", "status": "PERMISSION_DENIED",
"errors": [{"reason": "quotaExceeded", "domain": "youtube.quota"}]}}. The most specific
name — the first `errors[].reason`, else `status` — is the code the table is keyed on.
"""

from __future__ import annotations

from typing import Any

from socialmon_connectors.http import Action, ErrorTable, Problem, Rule

QUOTA_HINT = (
    "the project's daily quota is used up; it resets at midnight Pacific time, and the channel resumes "
    "from where it stopped on the next scan (or ask Google for more quota in the Cloud console)"
)


def google_errors(auth_hint: str, **extra: Rule | Action) -> ErrorTable:
    rules: dict[tuple[int | None, str | int | None], Rule | Action] = {
        (None, "quotaExceeded"): Rule(Action.QUOTA, QUOTA_HINT),
        (None, "dailyLimitExceeded"): Rule(Action.QUOTA, QUOTA_HINT),
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
        (None, "NOT_FOUND"): Action.NOT_FOUND,
    }
    rules.update({(None, code): rule for code, rule in extra.items()})
    return ErrorTable(rules)


def parse_google_error(status: int, body: Any) -> Problem:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return Problem(status=status, message=f"HTTP {status}")
    reasons = [e.get("reason") for e in error.get("errors") or [] if isinstance(e, dict) and e.get("reason")]
    code = reasons[0] if reasons else error.get("status")
    return Problem(
        status=status, code=str(code) if code else None, message=str(error.get("message") or f"HTTP {status}")
    )
