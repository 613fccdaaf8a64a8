"""Opening hours that go past midnight (a bar's Friday "20:00-02:00"): the part after midnight
is open on the next day, and the night belongs to the day it started when a holiday falls on
either. Expected values are worked out by hand, and checked minute by minute against a plain
reading of the rule (`_open_by_the_rule`) over a year with daylight saving and regional holidays."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from socialmon.analytics.business_time import BusinessCalendar, epoch_micros
from socialmon.config import WEEKDAYS, BusinessHours, ConfigError, load_config, parse_hours

MEXICO = "America/Mexico_City"  # no daylight saving since 2022
HOUR = 3600


def local(text: str, zone: str = MEXICO) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "ranges"),
    [
        ("20:00-02:00", [(time(20), time(2))]),
        ("12:00-15:00, 20:00-01:30", [(time(12), time(15)), (time(20), time(1, 30))]),
        ("22:00-00:00", [(time(22), time(0))]),
        ("20:00-24:00", [(time(20), time(23, 59, 59))]),
    ],
)
def test_a_range_past_midnight_is_read(text: str, ranges: list[tuple[time, time]]) -> None:
    assert parse_hours(text) == ranges


def test_a_range_that_opens_and_closes_at_the_same_time_is_refused() -> None:
    with pytest.raises(ValueError, match="opens and closes at the same time"):
        parse_hours("10:00-10:00")


def test_the_config_takes_a_friday_night_until_two(tmp_path: Path) -> None:
    path = tmp_path / "socialmon.toml"
    path.write_text(
        '[[brands]]\nname = "Bar Uno"\nslug = "bar"\ntimezone = "America/Mexico_City"\n'
        '[brands.business_hours]\nfriday = "20:00-02:00"\nsaturday = "20:00-24:00"\nsunday = "10:00-10:00"\n'
        '[[brands.channels]]\nname = "export"\nplatform = "file"\npath = "export.jsonl"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    # Only Sunday's range is wrong: Friday's and Saturday's are taken.
    assert [(p.field, p.message) for p in raised.value.problems] == [
        ("business_hours.sunday", "'10:00-10:00' opens and closes at the same time")
    ]


def bar(**days: str) -> BusinessCalendar:
    return BusinessCalendar(BusinessHours(**days), MEXICO)


def test_the_hours_after_midnight_are_open_on_the_next_day() -> None:
    calendar = bar(friday="20:00-02:00")  # Friday 6 November 2026
    assert calendar.business_seconds(local("2026-11-06 23:00"), local("2026-11-07 01:30")) == 2.5 * HOUR
    assert calendar.business_seconds(local("2026-11-07 01:00"), local("2026-11-07 03:00")) == HOUR
    # Asked on Saturday at noon, answered the next Friday at 21:00: one hour of Friday night.
    assert calendar.business_seconds(local("2026-11-07 12:00"), local("2026-11-13 21:00")) == HOUR
    assert calendar.weekly_open_seconds == 6 * HOUR
    assert calendar.span_start(local("2026-11-07 01:00"), 2 * HOUR) == local("2026-11-06 23:00")
    assert calendar.span_start(local("2026-11-13 20:30"), HOUR) == local("2026-11-07 01:30")


def test_a_night_and_the_next_mornings_own_hours_count_once() -> None:
    calendar = bar(friday="20:00-02:00", saturday="00:00-03:00, 11:00-14:00")
    # Friday 19:00 to Saturday 04:00: 20:00 to 03:00 open, the 00:00-02:00 both days name once.
    assert calendar.business_seconds(local("2026-11-06 19:00"), local("2026-11-07 04:00")) == 7 * HOUR
    assert calendar.weekly_open_seconds == 10 * HOUR


def test_sundays_night_runs_into_monday_and_24_00_closes_at_midnight() -> None:
    calendar = bar(sunday="22:00-01:00", monday="20:00-24:00")
    assert calendar.business_seconds(local("2026-11-08 21:00"), local("2026-11-09 21:00")) == 4 * HOUR
    assert calendar.business_seconds(local("2026-11-09 23:00"), local("2026-11-10 09:00")) == HOUR
    assert calendar.weekly_open_seconds == 7 * HOUR


def test_the_night_belongs_to_the_day_it_started_when_a_holiday_falls() -> None:
    # Wednesday 16 September 2026 is Mexico's Independence Day.
    hours = BusinessHours(
        tuesday="20:00-02:00", wednesday="20:00-02:00", thursday="20:00-02:00", holidays="MX"
    )
    calendar = BusinessCalendar(hours, MEXICO)
    # Tuesday night stays open into the holiday; the holiday's own night, Thursday 00:00-02:00
    # included, is closed; Thursday night is open again.
    assert calendar.business_seconds(local("2026-09-15 19:00"), local("2026-09-16 12:00")) == 6 * HOUR
    assert calendar.business_seconds(local("2026-09-16 12:00"), local("2026-09-17 12:00")) == 0
    assert calendar.business_seconds(local("2026-09-17 12:00"), local("2026-09-18 12:00")) == 6 * HOUR
    assert calendar.span_start(local("2026-09-17 21:00"), 2 * HOUR) == local("2026-09-16 01:00")


# --- the fast path, the day-by-day path and the rule agree ----------------------------------------

MADRID = "Europe/Madrid"  # daylight saving from 29 March (02:00 -> 03:00) to 25 October (03:00 -> 02:00)
NIGHTS = {
    "monday": "09:00-18:00",
    "tuesday": "09:00-18:00",
    "wednesday": "09:00-14:00, 16:00-18:00",
    "thursday": "09:00-18:00, 21:00-24:00",
    "friday": "12:00-16:00, 20:00-03:00",
    "saturday": "00:00-01:00, 11:00-14:00, 22:00-03:00",  # its night has the hour that is skipped or twice
    "sunday": "closed",
}


def _open_by_the_rule(
    moment: datetime, ranges: dict[str, list[tuple[time, time]]], holiday: set[date]
) -> bool:
    """Open at `moment` as the README says it: within a range of its local day (not a holiday),
    or within the part after midnight of a range of the day before (not a holiday)."""
    wall = moment.astimezone(ZoneInfo(MADRID))
    now = wall.time()
    today, yesterday = wall.date(), wall.date() - timedelta(days=1)
    for start, end in ranges[WEEKDAYS[today.weekday()]] if today not in holiday else []:
        overnight = end < start or end == time(23, 59, 59)
        if start <= now and (overnight or now < end):
            return True
    for start, end in ranges[WEEKDAYS[yesterday.weekday()]] if yesterday not in holiday else []:
        if end < start and now < end:
            return True
    return False


def test_the_laid_out_days_the_day_by_day_sum_and_the_rule_agree() -> None:
    hours = BusinessHours(**NIGHTS, holidays="ES-MD")
    calendar = BusinessCalendar(hours, MADRID)
    day_by_day = BusinessCalendar(hours, MADRID)
    holiday = {date(2026, 1, 1) + timedelta(days=n) for n in range(365)}
    holiday = {day for day in holiday if calendar.is_holiday(day)}
    assert {date(2026, 5, 1), date(2026, 5, 2)} <= holiday  # Labour Day (Friday), Madrid's (Saturday)
    ranges = hours.ranges()
    picker = random.Random(20261107)
    waits = [
        (local("2026-03-27 19:00", MADRID), local("2026-03-30 10:00", MADRID)),  # springing forward
        (local("2026-10-23 19:00", MADRID), local("2026-10-26 10:00", MADRID)),  # falling back
        (local("2026-04-30 17:00", MADRID), local("2026-05-04 10:00", MADRID)),  # two holidays
    ]
    for _ in range(25):
        start = local("2026-03-01 00:00", MADRID) + timedelta(minutes=picker.randrange(300 * 24 * 60))
        waits.append((start, start + timedelta(minutes=picker.randrange(1, 4 * 24 * 60))))
    for start, end in waits:
        minutes = int((end - start) / timedelta(minutes=1))
        by_the_rule = sum(
            _open_by_the_rule(start + timedelta(minutes=n), ranges, holiday) for n in range(minutes)
        )
        fast = calendar.business_seconds(start, end)
        first, last = start.astimezone(ZoneInfo(MADRID)).date(), end.astimezone(ZoneInfo(MADRID)).date()
        summed = day_by_day._summed_day_by_day(epoch_micros(start), epoch_micros(end), first, last) / 1e6
        assert (fast, summed) == (by_the_rule * 60, by_the_rule * 60), (start, end)
        if fast:
            assert calendar.business_seconds(calendar.span_start(end, fast) or end, end) == fast
