"""Typed errors a connector raises, each telling the scan what to do next.

    ConnectorError                 base class; never raised itself
     ├── AuthError                 token expired or revoked: stop this channel, tell the user how to renew
     │    └── PermissionDenied     the token works but lacks a permission or role the channel needs
     ├── RateLimited               platform asked us to slow down: stop now, resume from the cursor next scan
     ├── NotFound                  the account, page or object does not exist (or is not visible to us)
     ├── PlatformError             any other error the platform reported, with its own code and message
     │    ├── PartialThread        a thread was read only in part (a budget ran out): read the rest later
     │    └── ListingCutShort      the platform's paging went wrong (a cursor repeated, an endless listing)
     ├── Incomplete                the scan stopped early on purpose (a per-scan cap): the next one goes on
     └── SourceError               a local source (file export) cannot be read

A failure of one thread (one post's comments) that is not an `AuthError`, a `RateLimited`
or a network outage does not stop the channel: the framework stores the rest, remembers
the thread and reads it again on the next scan (see `records.ThreadFailure`).

Messages must never contain a secret: connectors build them from the platform's
error text and `redact()` anything that came from a URL or a token.
"""

from __future__ import annotations

from typing import Any


class ConnectorError(Exception):
    """Base class for every error a connector raises about its channel."""

    #: What the user should do about it; shown after the message.
    hint: str = ""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        message = super().__str__()
        return f"{message} — {self.hint}" if self.hint else message


class AuthError(ConnectorError):
    hint = "renew the access token for this channel and update the environment variable that holds it"


class PermissionDenied(AuthError):
    """The token is valid but may not read what the channel needs: stop the channel and say what to grant."""

    hint = "grant the missing permission to the app or token, renew the token and update its environment variable"


class RateLimited(ConnectorError):
    hint = "the channel resumes from where it stopped on the next scan"

    def __init__(self, message: str, *, retry_after: float | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.retry_after = retry_after


class NotFound(ConnectorError):
    """`code`: the platform's own code for the answer, when it gave one (Graph's "100/33")."""

    hint = "check the channel's account id in the config"

    def __init__(self, message: str, *, code: str | int | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.code = code


class PlatformError(ConnectorError):
    def __init__(
        self,
        message: str,
        *,
        code: str | int | None = None,
        status: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.code = code
        self.status = status


class PartialThread(PlatformError):
    """A thread was read only in part: what was read is kept, the rest is read on a later scan.

    `resume` is the raw item to hand `thread()` next time (e.g. with the unread branches
    noted in it); None reads the whole thread again.
    """

    def __init__(
        self, message: str, *, resume: dict[str, Any] | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message, code="partial", hint=hint)
        self.resume = resume


class ListingCutShort(PlatformError):
    """The platform's paging misbehaved: a cursor repeated or cycled, a page held only items already
    served, or the listing did not end. What was read is kept; the channel does not count as read
    to its end, so the next scan resumes where this one stopped instead of moving past the rest.
    """

    hint = (
        "the platform's paging misbehaved; the next scan resumes from the last stored page — "
        "if it keeps happening, report it with the channel's platform"
    )

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, code="listing_cut_short", hint=hint)


class Incomplete(ConnectorError):
    """The channel read only part of what is there: it stopped early on purpose (a per-scan cap
    reached), or part of its source could not be read (a bad file among a folder's). What was read
    is stored with its cursor, and the next scan continues from there (reading the bad part again).
    The channel ends `partial`, not failed.
    """

    hint = "the next scan continues from here"


class SourceError(ConnectorError):
    hint = "check the path in the channel's config"
