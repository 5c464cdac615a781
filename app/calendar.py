"""The council's calendar: England's bank holidays plus its own closure days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import holidays


class CouncilCalendar:
    """Answers 'is this a working day?' in the council's time zone."""

    def __init__(self, timezone: str, closure_days: Iterable[date] = ()) -> None:
        self.zone = ZoneInfo(timezone)
        self.closure_days = frozenset(closure_days)
        self._bank_holidays = holidays.country_holidays("GB", subdiv="ENG")

    def local(self, moment: datetime) -> datetime:
        """`moment` in the council's local time."""
        return moment.astimezone(self.zone)

    def is_bank_holiday(self, day: date) -> bool:
        return day in self._bank_holidays

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_bank_holiday(day) and day not in self.closure_days
