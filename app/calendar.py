"""The council's calendar: England's bank holidays (holidays, subdivision ENG) plus closure days.

One calendar serves SLA clocks, bin days and, later, the IVR's business hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

# Far enough for any SLA; stops a calendar with no working days from looping for ever.
_MAX_SCAN_DAYS = 3660


class CouncilCalendar:
    """Working days in the council's time zone."""

    def __init__(self, timezone: str, closure_days: Iterable[date] = ()) -> None:
        self.zone = ZoneInfo(timezone)
        self.closure_days = frozenset(closure_days)
        self._bank_holidays = holidays.country_holidays("GB", subdiv="ENG")

    def local(self, moment: datetime) -> datetime:
        """`moment` in the council's local time."""
        return moment.astimezone(self.zone)

    def today(self, now: datetime) -> date:
        return self.local(now).date()

    def is_bank_holiday(self, day: date) -> bool:
        return day in self._bank_holidays

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_bank_holiday(day) and day not in self.closure_days

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start` (`start` itself is day 0, working or not)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, counted = start, 0
        for _ in range(_MAX_SCAN_DAYS):
            if counted == days:
                return current
            current += timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
        raise ValueError("no working days in range; check the closure days")

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when `end` is not after `start`."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def end_of_day(self, day: date) -> datetime:
        """The last moment of `day`, local time, aware."""
        return datetime.combine(day, time(23, 59, 59), tzinfo=self.zone)
