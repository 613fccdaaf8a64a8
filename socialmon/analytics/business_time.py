"""Business time: how much of a wait fell inside the brand's opening hours.

Opening hours are wall-clock ranges per weekday in the brand's time zone; public holidays
of the brand's country (the maintained `holidays` package) are closed. Each local day's
ranges are turned into UTC instants through zoneinfo, so a day that changes to or from
daylight saving time counts the hours it really had.

A comment written at 21:00 on Friday and answered at 09:30 on Monday, with opening at
09:00 and no weekend hours, waited 30 business minutes.

A range may go past midnight: Friday "20:00-02:00" is open from Friday 20:00 to Saturday
02:00, as if Saturday had "00:00-02:00" besides its own ranges. The night belongs to the day it
started, as a bar's owner reckons it: a holiday on Friday closes the whole night, Saturday
morning included; a holiday on Saturday leaves Friday night open until 02:00. So each local
day's opening is its own ranges (unless it is a holiday) and the part of the day before's that
runs past midnight (unless that day was one), merged, and never beyond the day's end.

A report times tens of thousands of waits, so the opening intervals of the days it touches
are laid end to end once, in integer microseconds since the epoch, with the open time before
each: a wait's business time is then two binary searches (`business_micros`).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from socialmon.config import WEEKDAYS, BrandConfig, BusinessHours
from socialmon.public_holidays import HolidayDates

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
MAX_WAIT_DAYS = 3660  # ten years: not a real wait; don't loop for ever
DAY = 24 * 3600  # seconds
_MARGIN = timedelta(days=7)  # laid out beyond the days asked for, so neighbouring waits reuse the layout


def epoch_micros(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime (exact, unlike `timestamp()`)."""
    return (moment - EPOCH) // MICROSECOND


def brand_calendar(brand: BrandConfig) -> BusinessCalendar | None:
    """The brand's opening hours as a calendar; None when it declares none, or every day closed
    (then waits are counted on the clock, by the reports and the alerts alike)."""
    hours = brand.business_hours
    if hours is None or not any(hours.ranges().values()):
        return None
    return BusinessCalendar(hours, brand.timezone)


class BusinessCalendar:
    def __init__(self, hours: BusinessHours, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        ranges = hours.ranges()
        # Per weekday, in seconds from its midnight: the part of its ranges on the day itself,
        # and the part that runs past midnight into the next day (from that day's midnight).
        own = [[_span(start, end) for start, end in ranges[day]] for day in WEEKDAYS]
        self._same_day = [_merged([(start, min(end, DAY)) for start, end in spans]) for spans in own]
        self._past_midnight = [_merged([(0, end - DAY) for _, end in spans if end > DAY]) for spans in own]
        self.country = hours.holidays
        self._holidays = HolidayDates(self.country) if self.country else None
        self._open_cache: dict[date, list[tuple[datetime, datetime]]] = {}
        # The laid-out intervals (see the module docstring) and the local days they cover.
        self._days: tuple[date, date] | None = None
        self._covered = (0, 0)  # [from, to) in epoch microseconds: waits the layout answers
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._open_before: list[int] = []
        self._overlapping = False

    @property
    def weekly_open_seconds(self) -> float:
        return sum(
            end - start
            for weekday in range(7)
            for start, end in _merged(self._same_day[weekday] + self._past_midnight[weekday - 1])
        )

    def is_holiday(self, day: date) -> bool:
        return self._holidays is not None and day in self._holidays

    def open_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's opening hours as UTC instants, from its midnight to the next: its own
        ranges unless it is a holiday, and the night the day before began unless that one was."""
        cached = self._open_cache.get(day)
        if cached is not None:
            return cached
        spans: list[tuple[int, int]] = []
        if not self.is_holiday(day):
            spans += self._same_day[day.weekday()]
        before = day - timedelta(days=1)
        if self._past_midnight[before.weekday()] and not self.is_holiday(before):
            spans += self._past_midnight[before.weekday()]
        intervals: list[tuple[datetime, datetime]] = []
        for start, end in _merged(spans):
            opening, closing = self._instant(day, start), self._instant(day, end)
            if closing > opening:
                intervals.append((opening, closing))
        self._open_cache[day] = intervals
        return intervals

    def _instant(self, day: date, seconds: int) -> datetime:
        """The UTC instant of a wall-clock time `seconds` after the day's midnight (DAY: the next one)."""
        if seconds >= DAY:
            return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone).astimezone(UTC)
        minutes, second = divmod(seconds, 60)
        wall = time(minutes // 60, minutes % 60, second)
        return datetime.combine(day, wall, tzinfo=self.zone).astimezone(UTC)

    def span_start(self, end: datetime, seconds: float) -> datetime | None:
        """The latest instant from which `seconds` of opening hours have passed by `end`: a wait
        that began then or earlier has lasted at least that long in business hours. None when the
        ten years before `end` do not hold that much opening time."""
        remaining = timedelta(seconds=seconds)
        if remaining <= timedelta(0):
            return end
        day = end.astimezone(self.zone).date()
        for _ in range(MAX_WAIT_DAYS + 1):
            # A day's ranges latest first, whatever order the config gives them in.
            for opening, closing in sorted(self.open_intervals(day), reverse=True):
                closing = min(closing, end)
                if closing <= opening:
                    continue
                if closing - opening >= remaining:
                    return closing - remaining
                remaining -= closing - opening
            day -= timedelta(days=1)
        return None

    def business_seconds(self, start: datetime, end: datetime) -> float:
        """Seconds of opening hours between two instants."""
        if end <= start:
            return 0.0
        return self.business_micros(epoch_micros(start), epoch_micros(end)) / 1_000_000

    def business_micros(self, start: int, end: int) -> int:
        """Microseconds of opening hours between two instants given in microseconds since the epoch."""
        if end <= start:
            return 0
        if not (self._covered[0] <= start and end < self._covered[1]) and not self._cover(start, end):
            first = self._local_day(start)
            last = min(self._local_day(end), first + timedelta(days=MAX_WAIT_DAYS))
            return self._summed_day_by_day(start, end, first, last)
        return self._open_until(end) - self._open_until(start)

    def _local_day(self, micros: int) -> date:
        return (EPOCH + micros * MICROSECOND).astimezone(self.zone).date()

    def _cover(self, start: int, end: int) -> bool:
        """Lay out the days around [start, end]; False when the day-by-day sum must count it instead."""
        first, last = self._local_day(start), self._local_day(end)
        if (last - first).days > MAX_WAIT_DAYS or self._overlapping:
            return False
        first -= timedelta(days=1)  # a range may start the evening before in UTC terms
        if self._days is not None:
            first, last = min(first, self._days[0]), max(last, self._days[1])
        first, last = first - _MARGIN, last + _MARGIN
        intervals = []
        day = first
        while day <= last:
            intervals += [(epoch_micros(o), epoch_micros(c)) for o, c in self.open_intervals(day)]
            day += timedelta(days=1)
        intervals.sort()
        self._days = (first, last)
        self._starts = [opening for opening, _ in intervals]
        self._ends = [closing for _, closing in intervals]
        self._open_before = []
        total = 0
        for opening, closing in intervals:
            self._open_before.append(total)
            total += closing - opening
        # A day's ranges are merged, but a range in the hour a spring-forward change skips lands
        # on UTC instants after it, where the next range may start: the day-by-day sum counts
        # such overlaps as it always has. Prefix sums cannot, so those calendars keep that path.
        self._overlapping = any(self._starts[i + 1] < self._ends[i] for i in range(len(intervals) - 1))
        if self._overlapping:
            return False
        # Instants whose local day and the day before both lie in the layout (a day's margin kept
        # for zones that change their clocks at midnight).
        self._covered = (
            _midnight_micros(first + timedelta(days=2), self.zone),
            _midnight_micros(last, self.zone),
        )
        return True

    def _open_until(self, moment: int) -> int:
        """Open microseconds from the start of the layout to `moment`."""
        index = bisect_right(self._starts, moment) - 1
        if index < 0:
            return 0
        return self._open_before[index] + min(moment, self._ends[index]) - self._starts[index]

    def _summed_day_by_day(self, start: int, end: int, first: date, last: date) -> int:
        total = 0
        day = first - timedelta(days=1)
        while day <= last:
            for opening, closing in self.open_intervals(day):
                low, high = max(epoch_micros(opening), start), min(epoch_micros(closing), end)
                if high > low:
                    total += high - low
            day += timedelta(days=1)
        return total


def _span(start: time, end: time) -> tuple[int, int]:
    """A range from config as seconds from the day's midnight: "24:00" (23:59:59) is DAY, and
    a range that ends before it starts ends on the next day (past DAY)."""
    opening, closing = _seconds(start), _seconds(end)
    if (end.hour, end.minute, end.second) == (23, 59, 59):  # "24:00"
        closing = DAY
    elif closing <= opening:
        closing += DAY
    return opening, closing


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A day's ranges in order, those that overlap or touch made one: "09:00-14:00, 13:00-18:00"
    is open 9 hours, and its 13:00-14:00 counts once in a wait."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _midnight_micros(day: date, zone: ZoneInfo) -> int:
    return epoch_micros(datetime.combine(day, time(0), tzinfo=zone))


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second
