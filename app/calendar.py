"""The council's calendar: England's bank holidays (holidays, subdivision ENG) plus closure days.

One calendar serves SLA clocks, bin days and the phone lines' opening hours.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

# Monday to Friday, 08:30 to 17:00, unless calendar.yaml says otherwise.
DEFAULT_OPENING_HOURS = {day: (time(8, 30), time(17, 0)) for day in range(5)}
# Far enough for any SLA; stops a calendar with no working days from looping for ever.
_MAX_SCAN_DAYS = 3660


class CouncilCalendar:
    """Working days in the council's time zone."""

    def __init__(
        self,
        timezone: str,
        closure_days: Iterable[date] = (),
        opening_hours: Mapping[int, tuple[time, time]] | None = None,
    ) -> None:
        self.zone = ZoneInfo(timezone)
        self.closure_days = frozenset(closure_days)
        self._bank_holidays = holidays.country_holidays("GB", subdiv="ENG")
        self.opening_hours = dict(DEFAULT_OPENING_HOURS if opening_hours is None else opening_hours)

    def is_open(self, moment: datetime) -> bool:
        """Whether the phone lines are staffed at `moment`: within that day's hours, and not a
        bank holiday or closure day (a Saturday with hours is open)."""
        local = self.local(moment)
        hours = self.opening_hours.get(local.weekday())
        day = local.date()
        if hours is None or self.is_bank_holiday(day) or day in self.closure_days:
            return False
        return hours[0] <= local.time() < hours[1]

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

    def working_days_before(self, start: date, days: int) -> date:
        """The `days`-th working day before `start` (`start` itself is day 0, working or not)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, counted = start, 0
        for _ in range(_MAX_SCAN_DAYS):
            if counted == days:
                return current
            current -= timedelta(days=1)
            if self.is_working_day(current):
                counted += 1
        raise ValueError("no working days in range; check the closure days")

    def next_opening(self, moment: datetime) -> datetime | None:
        """The first moment at or after `moment` when the phone lines are staffed, local time;
        None if they never are (a calendar with no opening hours)."""
        local = self.local(moment)
        day = local.date()
        for _ in range(_MAX_SCAN_DAYS):
            hours = self.opening_hours.get(day.weekday())
            if hours is not None and not self.is_bank_holiday(day) and day not in self.closure_days:
                opens, closes = (datetime.combine(day, at, tzinfo=self.zone) for at in hours)
                if local < closes:
                    return max(opens, local)
            day += timedelta(days=1)
        return None

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
