"""Working days: England's bank holidays, the council's closure days, weekends, leap years."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.calendar import CouncilCalendar
from app.lifecycle.types import load_closure_days, load_opening_hours
from tests.conftest import REPO

CALENDAR = CouncilCalendar("Europe/London", load_closure_days(REPO / "routing_rules"))
LINES = CouncilCalendar(
    "Europe/London",
    load_closure_days(REPO / "routing_rules"),
    load_opening_hours(REPO / "routing_rules"),
)
LONDON = ZoneInfo("Europe/London")


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


@pytest.mark.parametrize(
    ("moment", "opens", "why"),
    [
        (datetime(2026, 12, 5, 10, 12), datetime(2026, 12, 7, 8, 30), "Saturday: Monday morning"),
        (datetime(2026, 12, 4, 16, 45), datetime(2026, 12, 7, 8, 30), "Friday shuts at 16:30"),
        (datetime(2026, 12, 8, 7, 0), datetime(2026, 12, 8, 8, 30), "before opening: today"),
        (datetime(2026, 12, 8, 10, 0), datetime(2026, 12, 8, 10, 0), "open: this moment"),
        (datetime(2026, 12, 8, 17, 0), datetime(2026, 12, 9, 8, 30), "at closing: tomorrow"),
        (
            datetime(2026, 12, 24, 18, 0),
            datetime(2027, 1, 4, 8, 30),
            "Christmas, Boxing Day (observed 28th), shutdown 29-31, New Year",
        ),
    ],
)
def test_next_opening(moment: datetime, opens: datetime, why: str) -> None:
    found = LINES.next_opening(moment.replace(tzinfo=LONDON))
    assert found == opens.replace(tzinfo=LONDON), why


def test_next_opening_is_in_local_time_whatever_zone_it_is_asked_in() -> None:
    # 07:00 UTC on a summer Monday is 08:00 in London: the lines open half an hour later.
    found = LINES.next_opening(datetime(2026, 6, 1, 7, 0, tzinfo=UTC))
    assert found == datetime(2026, 6, 1, 7, 30, tzinfo=UTC)
    assert found is not None and found.tzinfo == LONDON


def test_lines_that_never_open_have_no_next_opening() -> None:
    closed = CouncilCalendar("Europe/London", opening_hours={})
    assert closed.next_opening(datetime(2026, 12, 7, 9, 0, tzinfo=UTC)) is None


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2030, 12, 31)))
def test_next_opening_is_open_and_nothing_before_it_is(moment: datetime) -> None:
    asked = moment.replace(tzinfo=UTC)
    found = LINES.next_opening(asked)
    assert found is not None and found >= asked and LINES.is_open(found)
    if LINES.is_open(asked):
        assert found == asked
    else:
        assert not LINES.is_open(found - timedelta(minutes=1))


@pytest.mark.parametrize(
    ("start", "days", "back", "why"),
    [
        (date(2026, 12, 7), 2, date(2026, 12, 3), "Monday: the Thursday before"),
        (date(2026, 12, 5), 2, date(2026, 12, 3), "Saturday: Friday is one, Thursday two"),
        (date(2027, 1, 4), 1, date(2026, 12, 24), "after the Christmas shutdown"),
        (date(2026, 12, 7), 0, date(2026, 12, 7), "no days: the same day"),
    ],
)
def test_working_days_before(start: date, days: int, back: date, why: str) -> None:
    assert CALENDAR.working_days_before(start, days) == back, why


@given(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=1, max_value=40),
)
def test_counting_back_is_counting_forward_reversed(start: date, days: int) -> None:
    back = CALENDAR.working_days_before(start, days)
    assert CALENDAR.is_working_day(back)
    day = timedelta(days=1)
    assert CALENDAR.working_days_between(back - day, start - day) == days  # in [back, start)
