"""Working days: England's bank holidays, the council's closure days, weekends, leap years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.calendar import CouncilCalendar
from app.lifecycle.types import load_closure_days
from tests.conftest import REPO

CALENDAR = CouncilCalendar("Europe/London", load_closure_days(REPO / "routing_rules"))


@pytest.mark.parametrize(
    ("start", "days", "due", "why"),
    [
        (
            date(2026, 3, 30),
            5,
            date(2026, 4, 8),
            "Good Friday 3 Apr and Easter Monday 6 Apr skipped",
        ),
        (
            date(2026, 4, 2),
            1,
            date(2026, 4, 7),
            "Thursday before Easter: next working day is Tuesday",
        ),
        (
            date(2026, 12, 21),
            5,
            date(2027, 1, 5),
            "Christmas, Boxing Day (observed 28th), shutdown 29-31, New Year",
        ),
        (
            date(2026, 12, 24),
            1,
            date(2027, 1, 4),
            "Christmas Eve: nothing until the Monday after New Year",
        ),
        (
            date(2027, 12, 23),
            3,
            date(2028, 1, 5),
            "24 Dec 2027 works; 27-28 observed, 29-31 shut, 3 Jan observed",
        ),
        (
            date(2028, 2, 25),
            2,
            date(2028, 2, 29),
            "leap year: 29 February 2028 is a working Tuesday",
        ),
        (date(2028, 2, 28), 1, date(2028, 2, 29), "leap day counts"),
        (date(2026, 11, 21), 5, date(2026, 11, 27), "received on a Saturday: Monday is day 1"),
        (date(2026, 11, 23), 10, date(2026, 12, 7), "ten working days is two weeks here"),
        (date(2026, 11, 23), 0, date(2026, 11, 23), "no days: the same day"),
    ],
)
def test_add_working_days(start: date, days: int, due: date, why: str) -> None:
    assert CALENDAR.add_working_days(start, days) == due, why


def test_bank_holidays_come_from_the_holidays_package_for_england() -> None:
    assert CALENDAR.is_bank_holiday(date(2026, 8, 31))  # late summer, England only
    assert not CALENDAR.is_bank_holiday(date(2026, 8, 3))  # Scotland's August holiday


def test_closure_days_are_not_working_days() -> None:
    assert not CALENDAR.is_working_day(date(2026, 12, 30))
    assert CouncilCalendar("Europe/London").is_working_day(date(2026, 12, 30))


def test_working_days_between_counts_the_half_open_interval() -> None:
    assert CALENDAR.working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1
    assert CALENDAR.working_days_between(date(2026, 4, 7), date(2026, 4, 2)) == 0


@given(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=1, max_value=40),
)
def test_counting_forward_and_back_agree(start: date, days: int) -> None:
    due = CALENDAR.add_working_days(start, days)
    assert CALENDAR.is_working_day(due)
    assert CALENDAR.working_days_between(start, due) == days
    assert CALENDAR.working_days_between(start, due - timedelta(days=1)) == days - 1


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CALENDAR.add_working_days(date(2026, 1, 5), -1)
