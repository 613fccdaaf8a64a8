"""The connector contract: what a platform plug-in declares and the one method it implements."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict

from socialmon_connectors.errors import Incomplete
from socialmon_connectors.records import Page, ThreadFailure

if TYPE_CHECKING:
    import httpx


def known_timezone(value: str) -> str:
    """Validate an IANA time zone name, for the config and for connector settings alike."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}; use an IANA name like 'America/Guayaquil'") from None
    return value


TimeZoneName = Annotated[str, AfterValidator(known_timezone)]


class ConnectorSettings(BaseModel):
    """Base for a connector's channel options. Unknown keys are config mistakes.

    Declare secrets as `pydantic.SecretStr`: the config writes them as `${ENV_VAR}`,
    and SecretStr keeps their value out of every repr and message.
    """

    model_config = ConfigDict(extra="forbid")


#: Why a channel stopped at its deadline (after the platform's name, before `Incomplete`'s hint that
#: the next scan continues from there): the CLI says it in Spanish too
#: (`socialmon.cli._config_words.PARTIAL_REASONS`).
TIME_LIMIT_REACHED = "stopped at the channel's time limit (channel_timeout), keeping what it had read in full"
#: Why a thread was left part way (a remembered thread's reason, after the item's name): see `ThreadTimeUp`.
TIME_LIMIT_IN_THREAD = "stopped part way through its thread at the channel's time limit (channel_timeout)"


@dataclass(frozen=True)
class Deadline:
    """When the channel's time in this scan is up (the scan's `channel_timeout`, less a margin).

    A connector that checks `passed()` before each item it starts stops cleanly there: it
    yields what it read in full with the cursor after it, then raises `time_limit_reached()`,
    and the channel ends partial. One that never checks is cancelled at the hard limit
    instead, losing what it read since its last yielded page.

    `item_at` (later than `at`, before the hard limit): an item whose thread is still being read
    then stops between two of its pages (`ThreadTimeUp`), so that one thread longer than the whole
    limit cannot have the channel cancelled inside it on every scan. None: a thread is never
    stopped part way.
    """

    at: float  # on `clock`
    clock: Callable[[], float] = time.monotonic  # the scan passes its event loop's `time`
    item_at: float | None = None  # on `clock`

    def passed(self) -> bool:
        return self.clock() >= self.at

    def passed_inside_item(self) -> bool:
        return self.item_at is not None and self.clock() >= self.item_at


class ThreadTimeUp(Exception):
    """Thrown into a connector's `thread()` at a `yield` once `Deadline.item_at` has passed.

    A connector that can go on from where it is raises `PartialThread` with `resume` saying
    where (a page token, the ids still unread): the next scan goes on from there. Left
    uncaught, it ends the read; the thread is remembered as it was started, and read again
    from there. Either way what was yielded is stored, and the next scans read the rest of the
    channel before that thread. Not a `PlatformError`: a connector's handling of request
    failures must not take it for one.
    """

    def __init__(self) -> None:
        super().__init__(TIME_LIMIT_IN_THREAD)


def time_limit_reached(platform: str) -> Incomplete:
    """The error a connector raises when it stops at its `Deadline` (the channel ends partial)."""
    return Incomplete(f"{platform}: {TIME_LIMIT_REACHED}" if platform else TIME_LIMIT_REACHED)


@dataclass(frozen=True)
class ChannelContext:
    """What a connector knows about the channel it reads, besides its settings."""

    brand: str  # the brand's slug
    channel: str  # the channel's name within the brand
    account: str  # the platform account (page id, handle, file label…)
    base_dir: Path = field(default_factory=Path.cwd)  # relative paths in settings are relative to this
    extra: dict[str, Any] = field(default_factory=dict)
    # The scan's shared HTTP client (see `socialmon_connectors.http.new_client`); None outside a scan.
    http: httpx.AsyncClient | None = None
    # The brand's time zone and language: the defaults for a connector that reads local times
    # (an export's timestamps without an offset, a chat export) or words.
    timezone: str = "UTC"
    language: str = "en"
    # Threads an earlier scan could not read in full, to read again (see `ThreadFailure`).
    pending_threads: tuple[ThreadFailure, ...] = ()
    # When to stop between items (see `Deadline`); None: no limit (outside a scan, or none set).
    deadline: Deadline | None = None


@dataclass(frozen=True)
class SetupNote:
    """What `socialmon check` says about a channel before any scan reads it (`Connector.check_setup`),
    in English (the CLI says socialmon's own in its language from its catalogue)."""

    field: str  # the channel's setting it is about ("path", "business_names")
    message: str  # what is wrong and what to do
    warning: bool = False  # True: said, and `check` still passes (the scan works, its figures mislead)


class Connector(ABC):
    """A platform plug-in.

    Subclasses set `name`, `Settings` and `summary`, and implement `pages()`: an async
    generator that, given the cursor saved after the last stored page (None on the first
    scan), yields `Page`s. Each page's cursor must let a later call resume right after it.
    A connector never touches the database; it raises the errors in
    `socialmon_connectors.errors` for anything that stops the channel.
    """

    name: ClassVar[str]
    Settings: ClassVar[type[ConnectorSettings]] = ConnectorSettings
    summary: ClassVar[str] = ""
    # How long after a comment the business can still answer it privately, the one answer that
    # platforms limit in time (Meta's Private Replies: 7 days); None: no limit. The
    # reply-window alert warns before it closes.
    reply_window: ClassVar[timedelta | None] = None
    # Whether it reads over HTTP (the scan's shared client is built only when a channel does).
    uses_http: ClassVar[bool] = True
    # Whether a channel must name the platform account it reads (its `account`: a Page id, a
    # handle, a subreddit), and the setting that may name it instead ("page_id"), if any: a channel
    # with neither is a config problem, not a request to a path without its account.
    needs_account: ClassVar[bool] = False
    account_setting: ClassVar[str] = ""

    def __init__(self, settings: ConnectorSettings, context: ChannelContext) -> None:
        self.settings = settings
        self.context = context

    def out_of_time(self) -> bool:
        """Whether the channel's time in this scan is up: stop before the next item (see `Deadline`)."""
        deadline = self.context.deadline
        return deadline is not None and deadline.passed()

    def out_of_time_inside_item(self) -> bool:
        """Whether an item still being read should stop between two of its pages (see `Deadline.item_at`)."""
        deadline = self.context.deadline
        return deadline is not None and deadline.passed_inside_item()

    def check_setup(self) -> list[SetupNote]:
        """What would make a scan of this channel fail or mislead, found on this machine alone (a
        module its files need that is not installed, a setting left out): no request, nothing
        written, no file read in full. `socialmon check` lists them. Default: nothing."""
        return []

    @abstractmethod
    def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[Page]:
        """Yield pages of records after `cursor`."""
