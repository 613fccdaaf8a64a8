"""Business time: how much of a wait fell inside the brand's opening hours.

Opening hours are wall-clock ranges per weekday in the brand's time zone; public holidays
of the brand's country (the maintained `holidays` package) are closed. Each local day's
ranges are turned into UTC instants through zoneinfo, so a day that changes to or from
daylight saving time counts the hours it really had.

A comment written at 21:00 on Friday and answered at 09:30 on Monday, with opening at
09:00 and no weekend hours, waited 30 business minutes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from socialmon.config import WEEKDAYS, BusinessHours


class BusinessCalendar:
    def __init__(self, hours: BusinessHours, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        ranges = hours.ranges()
        self._ranges = [ranges[day] for day in WEEKDAYS]
        self.country = hours.holidays
        self._holidays = None
        if self.country:
            import holidays

            self._holidays = holidays.country_holidays(self.country.upper())
        self._open_cache: dict[date, list[tuple[datetime, datetime]]] = {}

    @property
    def weekly_open_seconds(self) -> float:
        return sum((_seconds(end) - _seconds(start)) for day in self._ranges for start, end in day)

    def is_holiday(self, day: date) -> bool:
        return self._holidays is not None and day in self._holidays

    def open_intervals(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's opening hours as UTC instants (empty on a holiday or a closed day)."""
        cached = self._open_cache.get(day)
        if cached is not None:
            return cached
        intervals: list[tuple[datetime, datetime]] = []
        if not self.is_holiday(day):
            for start, end in self._ranges[day.weekday()]:
                opening = datetime.combine(day, start, tzinfo=self.zone).astimezone(UTC)
                closing = datetime.combine(day, end, tzinfo=self.zone).astimezone(UTC)
                if end.second == 59 and end.minute == 59 and end.hour == 23:  # "24:00"
                    closing = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone)
                    closing = closing.astimezone(UTC)
                if closing > opening:
                    intervals.append((opening, closing))
        self._open_cache[day] = intervals
        return intervals

    def business_seconds(self, start: datetime, end: datetime) -> float:
        """Seconds of opening hours between two instants."""
        if end <= start:
            return 0.0
        first = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        if (last - first).days > 3660:  # ten years: not a real wait; don't loop for ever
            last = first + timedelta(days=3660)
        total = 0.0
        day = first - timedelta(days=1)  # a range may start the evening before in UTC terms
        while day <= last:
            for opening, closing in self.open_intervals(day):
                low, high = max(opening, start), min(closing, end)
                if high > low:
                    total += (high - low).total_seconds()
            day += timedelta(days=1)
        return total


def _seconds(moment: time) -> float:
    return moment.hour * 3600 + moment.minute * 60 + moment.second
