"""Windows and periods at the edges of local time: zones whose clocks jump at midnight (Chile,
the Azores), a day given in basic ISO form, overlapping opening hours. Expected values are
worked out by hand with zoneinfo in each test."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from analytics.seeding import Seed

from socialmon.analytics.previous import previous_window
from socialmon.analytics.scope import parse_moment

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def local(text: str, zone: str) -> datetime:
    """A local wall-clock time ('2026-08-30 00:00') in `zone`, as a UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


# Chile springs forward at midnight: 2026-09-06 begins at 01:00 (-03), 04:00 UTC, and 2026-09-05
# ends then too. The Azores go from -01 to +00 at 00:00 on 2026-03-29 (01:00 UTC).
@pytest.mark.parametrize(
    ("zone", "since", "until", "previous_since"),
    [
        # a week starting on the day with no midnight: the week before starts at 30 Aug 00:00 (-04)
        ("America/Santiago", "2026-09-06", "2026-09-12", "2026-08-30T04:00:00+00:00"),
        # a week ending on the day before it: the week before starts at 23 Aug 00:00 (-04)
        ("America/Santiago", "2026-08-30", "2026-09-05", "2026-08-23T04:00:00+00:00"),
        # 6 Sep to 5 Oct is 30 local days: the 30 before start at 7 Aug 00:00 (-04)
        ("America/Santiago", "2026-09-06", "2026-10-05", "2026-08-07T04:00:00+00:00"),
        ("Atlantic/Azores", "2026-03-29", "2026-04-04", "2026-03-22T01:00:00+00:00"),
    ],
)
def test_the_previous_period_starts_at_local_midnight_when_the_clock_jumps_at_midnight(
    zone: str, since: str, until: str, previous_since: str
) -> None:
    start = parse_moment(since, zone, NOW)
    end = parse_moment(until, zone, NOW, end=True)
    earlier, later = previous_window(start, end, zone)
    assert earlier == datetime.fromisoformat(previous_since)
    assert later == start


def test_a_comment_in_the_first_hours_of_the_previous_week_counts_in_it(seed: Seed) -> None:
    """Reported from 6 to 12 September in Santiago, the week before is 30 Aug to 5 Sep: a comment
    at 00:30 on Sunday 30 August is one of its customer comments (it was left out)."""
    from analytics.seeding import RULES

    from socialmon.analytics import build_report

    zone = "America/Santiago"
    brand = seed.brand("cafe", timezone=zone)
    fb = seed.channel()
    seed.post(fb, "p1", "2026-08-01 12:00")
    for cid, when in [
        ("early", "2026-08-30 00:30"),
        ("late", "2026-09-05 23:30"),
        ("now", "2026-09-07 12:00"),
    ]:
        seed.comment(fb, cid, local(when, zone).strftime("%Y-%m-%d %H:%M"), label="positive")
    seed.comment(fb, "before", local("2026-08-29 23:30", zone).strftime("%Y-%m-%d %H:%M"), label="negative")

    report = build_report(seed.database, brand, RULES, since="2026-09-06", until="2026-09-12", now=NOW)

    assert report.previous is not None
    assert report.previous.since == local("2026-08-30 00:00", zone)
    assert report.previous.figures.customer_comments == 2  # early and late; not the one before
    assert report.previous.figures.net_sentiment == pytest.approx(1.0)


@pytest.mark.parametrize("until", ["2026-11-30", "20261130", "2026W491"])
def test_until_a_day_in_any_iso_form_includes_that_day(until: str) -> None:
    """`--until 20261130` (basic ISO form, as `date +%Y%m%d` prints it) is a day like 2026-11-30,
    and includes it: the window ends at 1 December 00:00 in Mexico City (06:00 UTC). ISO week 49 of
    2026 begins on Monday 30 November. Read as a time, it ended at the day's start."""
    assert parse_moment(until, "America/Mexico_City", NOW, end=True) == datetime(
        2026, 12, 1, 6, 0, tzinfo=UTC
    )
    assert parse_moment(until, "America/Mexico_City", NOW) == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize("week", ["2026-W49", "2026W49", " 2026-W49 "])
def test_a_week_without_a_day_is_the_whole_week(week: str) -> None:
    """`--until 2026-W49` names ISO week 49 of 2026, Monday 30 November to Sunday 6 December: as
    --until the window ends at 7 December 00:00 in Mexico City (06:00 UTC), where it ended after
    Monday (read as the Monday, 2026-W49-1); as --since it starts on that Monday."""
    assert parse_moment(week, "America/Mexico_City", NOW, end=True) == datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
    assert parse_moment(week, "America/Mexico_City", NOW) == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def test_a_week_past_the_last_day_a_report_covers_is_out_of_range() -> None:
    """2200-W01 begins on Monday 30 December 2199, within the bound, and ends on Sunday 5 January
    2200, past it (ISO weeks cross the year): as --until it is out of range, not a window ending
    after the last day a report can cover."""
    from socialmon.analytics.scope import WindowError

    with pytest.raises(WindowError) as raised:
        parse_moment("2200-W01", "UTC", NOW, end=True)
    assert raised.value.problem == "out_of_range" and raised.value.option == "--until"


def test_opening_hours_given_overlapping_count_each_open_minute_once() -> None:
    """Monday "09:00-14:00, 13:00-18:00" is open 9 hours, 09:00 to 18:00: a comment at 12:00
    answered at 15:00 waited 3 business hours, not 4 (13:00-14:00 counted twice); and a wait of 3
    business hours by 15:00 began at 12:00."""
    from socialmon.analytics.business_time import BusinessCalendar
    from socialmon.config import BusinessHours

    zone = "America/Mexico_City"
    calendar = BusinessCalendar(BusinessHours(monday="09:00-14:00, 13:00-18:00"), zone)
    asked, answered = local("2026-11-02 12:00", zone), local("2026-11-02 15:00", zone)

    assert calendar.business_seconds(asked, answered) == 3 * 3600
    assert calendar.business_seconds(asked, answered) == 3 * 3600  # again, from the laid-out days
    assert (
        calendar.business_seconds(local("2026-11-01 00:00", zone), local("2026-11-09 00:00", zone))
        == 9 * 3600
    )
    assert calendar.span_start(answered, 3 * 3600) == asked
    assert calendar.weekly_open_seconds == 9 * 3600
