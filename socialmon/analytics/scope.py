"""What a report covers: one brand, some of its channels, a window of time, a period size.

Relative windows are counted in the brand's own calendar: `7d` is today and the six days
before it, from local midnight; `4w` the last 28 days; `3m` since the same day three
months ago. A date (`2026-11-01`) is local midnight; `--until` is inclusive of its day.

A window lies within the local days EARLIEST..LATEST (1970-01-01 to 2199-12-31). The bound is
what keeps every date derived from a window representable: the previous period (as long
again, before it: 1740 at the earliest), the time zone's offsets over both, and the week and
month buckets; a value outside it is a `WindowError`, not an OverflowError deep in a report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from socialmon.analytics._sql import Period
from socialmon.config import BrandConfig, ReportOptions, channels_named
from socialmon.database import Database
from socialmon.tables import BRAND, CHANNEL, POST

_RELATIVE = re.compile(r"^\s*(\d+)\s*([dwm])\s*$")
DEFAULT_SINCE = "30d"


EARLIEST = date(1970, 1, 1)
LATEST = date(2199, 12, 31)

WindowProblem = Literal["not_a_date", "too_small", "out_of_range", "order", "future"]
_MESSAGES: dict[str, str] = {
    "not_a_date": "{option} {value} is not a date (2026-11-01), a time, or a span like 7d, 4w, 3m",
    "too_small": "{option} {value}: the number must be at least 1",
    "out_of_range": "{option} {value} is outside the dates a report can cover ({earliest} to {latest})",
    "order": "the start of the window (--since) must be before its end (--until)",
    "future": "{option} {value} starts the window in the future: today is {today} in {zone}",
}


class WindowError(ValueError):
    """A --since/--until value that cannot be read, a window that ends before it starts, or one
    that starts in the future when no --until was given (it would end now).

    `problem` says which, `value` is the text read and `option` the option it was given to
    (--since or --until), so that a caller can say it in its own words (the CLI says it in the
    user's language); str() is the English. For "future", `today` is the date in the brand's
    time zone `zone`."""

    def __init__(
        self,
        problem: WindowProblem,
        value: str = "",
        option: str = "--since",
        *,
        today: date | None = None,
        zone: str = "",
    ) -> None:
        self.problem, self.value, self.option = problem, value, option
        self.today, self.zone = today, zone
        super().__init__(
            _MESSAGES[problem].format(
                option=option,
                value=repr(value),
                earliest=EARLIEST.isoformat(),
                latest=LATEST.isoformat(),
                today=today.isoformat() if today else "",
                zone=zone,
            )
        )


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _months_back(day: date, months: int) -> date:
    """The same day `months` earlier (or the month's last day); `months` reaches no further
    back than year 1."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def parse_moment(value: str, zone: str, now: datetime, *, end: bool = False) -> datetime:
    """`7d`/`4w`/`3m`, a date, or an ISO datetime -> an aware UTC datetime.

    `end`: the value is the window's end (--until), so a date means the end of its day.
    WindowError when the value cannot be read or lies outside EARLIEST..LATEST."""
    option = "--until" if end else "--since"
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    match = _RELATIVE.match(value)
    if match:
        number, unit = int(match.group(1)), match.group(2)
        if number < 1:
            raise WindowError("too_small", value, option)
        # Counted before any date is made: a span reaching back past EARLIEST (999999999d) is out
        # of range, not an overflow.
        if unit == "m":
            reach = (today.year - EARLIEST.year) * 12 + today.month - EARLIEST.month
            if number > reach:
                raise WindowError("out_of_range", value, option)
            start = _months_back(today, number) + timedelta(days=1)
        else:
            days = number - 1 if unit == "d" else 7 * number - 1
            if days > (today - EARLIEST).days:
                raise WindowError("out_of_range", value, option)
            start = today - timedelta(days=days)
        return _local_midnight(start, tz)
    text = value.strip()
    try:
        # A day in any ISO form (2026-11-30, 20261130, 2026-W49-1): from its local midnight, and
        # --until includes it. Told apart by parsing, not by length: 20261130 is one too.
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is not None:
        # A week without a day (2026-W49, 2026W49) is the whole week, where fromisoformat reads its
        # Monday: --since from that Monday, --until through its Sunday.
        last = day + timedelta(days=6) if re.fullmatch(r"\d{4}-?W\d{2}", text) else day
        _check_range(last if end else day, value, option)
        return _local_midnight(last + timedelta(days=1) if end else day, tz)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise WindowError("not_a_date", value, option) from None
    _check_range(moment.date(), value, option)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def _check_range(day: date, value: str, option: str) -> None:
    if not EARLIEST <= day <= LATEST:
        raise WindowError("out_of_range", value, option)


@dataclass(frozen=True)
class ChannelRef:
    id: int
    name: str
    platform: str


@dataclass(frozen=True)
class Scope:
    """Everything a metric needs to know about what to count."""

    brand: BrandConfig
    rules: ReportOptions
    since: datetime
    until: datetime
    now: datetime
    period: Period = "week"
    channels: tuple[ChannelRef, ...] = field(default_factory=tuple)
    channel_filter: str | None = None
    # The channels that hold private conversations (posts of kind "conversation"): a brand with
    # none has no messages, and its reports show no message figures.
    message_channels: frozenset[int] = frozenset()

    @property
    def channel_ids(self) -> list[int]:
        return [c.id for c in self.channels]

    @property
    def has_messages(self) -> bool:
        return any(c.id in self.message_channels for c in self.channels)

    def channel_name(self, channel_id: int) -> str:
        return next((c.name for c in self.channels if c.id == channel_id), str(channel_id))

    def period_starts(self) -> list[date]:
        """The first local day of every period that overlaps [since, until)."""
        tz = ZoneInfo(self.brand.timezone)
        first = self.since.astimezone(tz).date()
        last = (self.until - timedelta(microseconds=1)).astimezone(tz).date()
        starts: list[date] = []
        current = period_start(first, self.period)
        while current <= last:
            starts.append(current)
            current = next_period(current, self.period)
        return starts


def period_start(day: date, period: Period) -> date:
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period(day: date, period: Period) -> date:
    if period == "day":
        return day + timedelta(days=1)
    if period == "week":
        return day + timedelta(days=7)
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def make_scope(
    database: Database,
    brand: BrandConfig,
    rules: ReportOptions,
    *,
    since: str | datetime | None = None,
    until: str | datetime | None = None,
    period: Period = "week",
    channel: str | None = None,
    now: datetime | None = None,
) -> Scope:
    """Resolve the window in the brand's time zone and the brand's stored channels."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    since_at = (
        since if isinstance(since, datetime) else parse_moment(since or DEFAULT_SINCE, brand.timezone, now)
    )
    until_at = (
        until
        if isinstance(until, datetime)
        else (parse_moment(until, brand.timezone, now, end=True) if until else now)
    )
    if not until and since_at >= now:
        # Without --until the window ends now: "before its end" would name an option not given.
        typed = since.isoformat() if isinstance(since, datetime) else since or DEFAULT_SINCE
        today = now.astimezone(ZoneInfo(brand.timezone)).date()
        raise WindowError("future", typed, "--since", today=today, zone=brand.timezone)
    if since_at >= until_at:
        raise WindowError("order")
    query = (
        select(CHANNEL.c.id, CHANNEL.c.name, CHANNEL.c.platform)
        .join(BRAND, BRAND.c.id == CHANNEL.c.brand_id)
        .where(BRAND.c.slug == brand.slug)
        .order_by(CHANNEL.c.name)
    )
    if channel:
        # As --channel names it (`config.channels_named`: a channel's own name may hold a "/"); a
        # channel no longer in the config is still found by its stored name after the last "/".
        named = [c.name for _brand, c in channels_named([brand], channel)]
        if not named:
            brand_part, _, channel_part = channel.rpartition("/")
            named = [] if brand_part and brand_part not in (brand.slug, brand.name) else [channel_part]
        query = query.where(CHANNEL.c.name.in_(named))
    with database.read() as connection:
        channels = tuple(ChannelRef(*row) for row in connection.execute(query))
        conversations = (
            select(POST.c.channel_id)
            .where(POST.c.channel_id.in_([c.id for c in channels]), POST.c.kind == "conversation")
            .group_by(POST.c.channel_id)
        )
        message_channels = frozenset(connection.execute(conversations).scalars()) if channels else frozenset()
    return Scope(
        brand=brand,
        rules=rules,
        since=since_at.astimezone(UTC),
        until=until_at.astimezone(UTC),
        now=now,
        period=period,
        channels=channels,
        channel_filter=channel,
        message_channels=message_channels,
    )
