"""What a report covers: one brand, some of its channels, a window of time, a period size.

Relative windows are counted in the brand's own calendar: `7d` is today and the six days
before it, from local midnight; `4w` the last 28 days; `3m` since the same day three
months ago. A date (`2026-11-01`) is local midnight; `--until` is inclusive of its day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from socialmon.analytics._sql import Period
from socialmon.config import BrandConfig, ReportOptions
from socialmon.database import Database
from socialmon.tables import BRAND, CHANNEL, POST

_RELATIVE = re.compile(r"^\s*(\d+)\s*([dwm])\s*$")
DEFAULT_SINCE = "30d"


class WindowError(ValueError):
    """A --since/--until value that cannot be read."""


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _months_back(day: date, months: int) -> date:
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
    """`7d`/`4w`/`3m`, a date, or an ISO datetime -> an aware UTC datetime."""
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    match = _RELATIVE.match(value)
    if match:
        number, unit = int(match.group(1)), match.group(2)
        if number < 1:
            raise WindowError(f"{value!r}: the number must be at least 1")
        if unit == "d":
            start = today - timedelta(days=number - 1)
        elif unit == "w":
            start = today - timedelta(days=7 * number - 1)
        else:
            start = _months_back(today, number) + timedelta(days=1)
        return _local_midnight(start, tz)
    try:
        if len(value.strip()) == 10:
            day = date.fromisoformat(value.strip())
            return _local_midnight(day + timedelta(days=1) if end else day, tz)
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise WindowError(
            f"{value!r} is not a date (2026-11-01), a time, or a span like 7d, 4w, 3m"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


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
    if since_at >= until_at:
        raise WindowError("the start of the window (--since) must be before its end (--until)")
    query = (
        select(CHANNEL.c.id, CHANNEL.c.name, CHANNEL.c.platform)
        .join(BRAND, BRAND.c.id == CHANNEL.c.brand_id)
        .where(BRAND.c.slug == brand.slug)
        .order_by(CHANNEL.c.name)
    )
    if channel:
        brand_part, _, channel_part = channel.rpartition("/")
        if brand_part and brand_part not in (brand.slug, brand.name):
            query = query.where(False)
        query = query.where(CHANNEL.c.name == channel_part)
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
