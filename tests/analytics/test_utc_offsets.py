"""utc_offsets looks a zone's offset up every OFFSET_STEP (two days) and narrows each change to the
second: it finds every change an hour-by-hour walk finds, where the tz database has its closest
changes, and no zone the machine has changes its offset twice within a step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, available_timezones

import pytest

from socialmon.analytics._sql import OFFSET_STEP, utc_offsets


def _hour_by_hour(zone: str, start: datetime, end: datetime) -> list[tuple[datetime | None, int]]:
    """The offsets over [start, end] from a look every hour, each change narrowed to the second."""
    tz = ZoneInfo(zone)

    def offset(moment: datetime) -> int:
        delta = moment.astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta else 0

    found: list[tuple[datetime | None, int]] = [(None, offset(start))]
    moment = start
    while moment < end:
        following = min(moment + timedelta(hours=1), end)
        if offset(following) != found[-1][1]:
            second = moment.replace(microsecond=0)
            while offset(second) == found[-1][1]:
                second += timedelta(seconds=1)
            found.append((second, offset(second)))
        moment = following
    return found


@pytest.mark.parametrize(
    ("zone", "year"),
    [
        ("Africa/Freetown", 1939),  # changes 4.0 days apart: the closest of all
        ("America/Cambridge_Bay", 2000),  # changes 6.9 days apart: the closest in 1970–2199
        ("America/Noronha", 2000),  # summer time of one week
        ("Asia/Gaza", 2040),  # a week between Ramadan's end and the autumn change
        ("America/Asuncion", 2024),
        ("Africa/Casablanca", 2030),  # summer time stopped for Ramadan, a month each year
        ("Australia/Lord_Howe", 2026),  # by half an hour
        ("America/Santiago", 2026),
        ("Pacific/Apia", 2011),  # a whole day skipped
        ("Asia/Kolkata", 2026),  # no change
    ],
)
def test_every_change_an_hourly_walk_finds_is_found(zone: str, year: int) -> None:
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    assert list(utc_offsets.__wrapped__(zone, start, end)) == _hour_by_hour(zone, start, end)


def test_a_window_ending_near_the_last_datetime_is_looked_up_to_its_end() -> None:
    end = datetime.max.replace(tzinfo=UTC)
    assert utc_offsets.__wrapped__("America/New_York", end - timedelta(days=3), end) == ((None, -18_000),)


def test_no_zone_changes_its_offset_twice_within_a_step() -> None:
    """Read from the transitions the pure-Python zoneinfo keeps (private, so skipped if they move):
    1740–2199 (a report covers 1970–2199, and its previous period reaches back as far again), in
    every zone this machine's tz database has."""
    from zoneinfo import _zoneinfo

    low = datetime(1740, 1, 1, tzinfo=UTC).timestamp()
    high = datetime(2200, 1, 1, tzinfo=UTC).timestamp()
    closest: tuple[float, str] = (float("inf"), "")
    for name in available_timezones():
        zone = _zoneinfo.ZoneInfo.no_cache(name)
        if not hasattr(zone, "_trans_utc") or not hasattr(zone, "_tz_after"):
            pytest.skip("this Python's zoneinfo keeps its transitions elsewhere")
        listed = [t for t in zone._trans_utc if low <= t < high]
        last = max([low, *zone._trans_utc])
        rule = zone._tz_after
        if hasattr(rule, "transitions"):  # a yearly rule after the last listed change: two years of it
            for year in (datetime.fromtimestamp(last, UTC).year + k for k in range(3)):
                begins, ends = rule.transitions(year)  # local standard and summer times
                ruled = (begins - rule.std.utcoff.total_seconds(), ends - rule.dst.utcoff.total_seconds())
                listed += [t for t in ruled if last < t < high]
        changes = sorted(set(listed))
        for before, after in pairwise(changes):
            closest = min(closest, (after - before, name))
    assert closest[0] > OFFSET_STEP.total_seconds(), closest  # 4.0 days (Africa/Freetown, 1939)
