"""socialmon's connector contract and built-in connectors.

Installed as `socialmon_connectors`. Every connector, built-in or third-party, is
registered through the `socialmon.connectors` entry-point group.
"""

from socialmon_connectors.base import ChannelContext, Connector, ConnectorSettings
from socialmon_connectors.errors import (
    AuthError,
    ConnectorError,
    Incomplete,
    ListingCutShort,
    NotFound,
    PermissionDenied,
    PlatformError,
    RateLimited,
    SourceError,
)
from socialmon_connectors.records import (
    CommentRecord,
    Page,
    PostRecord,
    Progress,
    RejectedRecord,
    ThreadFailure,
)

__all__ = [
    "AuthError",
    "ChannelContext",
    "CommentRecord",
    "Connector",
    "ConnectorError",
    "ConnectorSettings",
    "Incomplete",
    "ListingCutShort",
    "NotFound",
    "Page",
    "PermissionDenied",
    "PlatformError",
    "PostRecord",
    "Progress",
    "RateLimited",
    "RejectedRecord",
    "SourceError",
    "ThreadFailure",
]
