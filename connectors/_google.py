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

_TAG = re.compile(r"<[^<>]*>")


def google_errors(auth_hint: str, **extra: Rule | Action) -> ErrorTable:
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
        (None, "NOT_FOUND"): Action.NOT_FOUND,
    }
    rules.update({(None, code): rule for code, rule in extra.items()})
    return ErrorTable(rules)


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


def parse_google_error(status: int, body: Any) -> Problem:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return Problem(status=status, message=f"HTTP {status}")
    listed = error.get("errors")
    entries = listed if isinstance(listed, list) else []
    reasons = [e.get("reason") for e in entries if isinstance(e, dict) and e.get("reason")]
    code = reasons[0] if reasons else error.get("status")
    message = plain_text(str(error.get("message") or "")) or f"HTTP {status}"
    if quota_limit(error) == "0":
        code = QUOTA_ZERO
        message = f"the Cloud project's quota for this API is 0 requests ({message})"
    return Problem(status=status, code=str(code) if code else None, message=message)
