"""Clocks in hours: an emergency's first contact is due within the hour, day or night."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlmodel import Session, select

from app.lifecycle.clocks import apply_policy, in_hours, running
from app.lifecycle.sla_check import check_clocks
from app.lifecycle.stages import move_case
from app.lifecycle.types import CaseType, CaseTypeDirectory, ClockSpec, load_case_types
from app.lifecycle.wording import when_due
from app.models import Case, CaseClock, QueueAlert
from app.routing.yaml_source import DataFileError
from app.runtime import Runtime
from tests.factories import open_test_case, saved_id

# Friday 27 November 2026, 16:45 in London (GMT): the phone lines closed at 16:30.
FRIDAY_EVENING = datetime(2026, 11, 27, 16, 45, tzinfo=UTC)
# Saturday 28 November, 23:30: an hour later is Sunday.
SATURDAY_NIGHT = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)


def _emergency(rt: Runtime, session: Session, now: datetime) -> Case:
    return open_test_case(rt, session, "emergency", now=now, queue="safeguarding")


def _clock(session: Session, case: Case) -> CaseClock:
    return session.exec(select(CaseClock).where(CaseClock.case_id == saved_id(case))).one()


def test_the_shipped_emergency_type_counts_its_first_contact_in_hours(rt: Runtime) -> None:
    (respond,) = rt.case_types["emergency"].clocks
    assert (respond.hours, respond.working_days) == (1, None)
    # Every other type still counts working days.
    assert rt.case_types["advisor_enquiry"].clocks[0].working_days == 5


@pytest.mark.parametrize(
    ("opened", "due_day"),
    [(FRIDAY_EVENING, date(2026, 11, 27)), (SATURDAY_NIGHT, date(2026, 11, 29))],
)
def test_out_of_hours_weekends_and_midnight_all_count(
    rt: Runtime, session: Session, opened: datetime, due_day: date
) -> None:
    case = _emergency(rt, session, opened)
    assert case.sla_due_at == opened + timedelta(hours=1)
    clock = _clock(session, case)
    assert in_hours(clock) and clock.due_on == due_day


def test_an_hours_clock_does_not_pause_while_we_wait_on_the_resident(
    rt: Runtime, session: Session
) -> None:
    case = _emergency(rt, session, FRIDAY_EVENING)
    for stage in ("in_progress", "awaiting_resident"):
        move_case(
            session, rt.case_types, rt.calendar, case, stage, "advisor:sam", "test",
            FRIDAY_EVENING + timedelta(minutes=10),
        )  # fmt: skip
    session.commit()
    clock = _clock(session, case)
    assert clock.paused_since is None and clock.due_on == date(2026, 11, 27)
    assert case.sla_due_at == FRIDAY_EVENING + timedelta(hours=1)


def test_the_queue_is_warned_at_half_time_and_told_the_moment_it_runs_out(
    rt: Runtime, session: Session
) -> None:
    _emergency(rt, session, FRIDAY_EVENING)

    def check(minutes: int) -> tuple[int, int]:
        when = FRIDAY_EVENING + timedelta(minutes=minutes)
        result = check_clocks(session, rt.calendar, when, rt.case_types)
        session.commit()
        return result.warned, result.breached

    assert check(20) == (0, 0)
    assert check(35) == (1, 0)
    assert check(59) == (0, 0)
    assert check(61) == (0, 1)
    alerts = session.exec(select(QueueAlert)).all()
    assert [(a.kind, a.queue) for a in alerts] == [
        ("warning", "safeguarding"),
        ("breach", "safeguarding"),
    ]


def test_a_policy_change_moves_a_running_hours_clock(rt: Runtime, session: Session) -> None:
    case = _emergency(rt, session, SATURDAY_NIGHT - timedelta(hours=3))  # 20:30, due 21:30
    emergency = rt.case_types["emergency"]
    slower = CaseTypeDirectory(
        by_id={
            **rt.case_types.by_id,
            "emergency": CaseType(
                "emergency", emergency.title, emergency.lifecycle,
                tuple(c.model_copy(update={"hours": 4}) for c in emergency.clocks),
            ),
        }
    )  # fmt: skip
    assert apply_policy(session, slower, rt.calendar) == 1
    session.commit()
    assert _clock(session, case).due_on == date(2026, 11, 29)
    assert case.sla_due_at == SATURDAY_NIGHT + timedelta(hours=1)
    assert apply_policy(session, slower, rt.calendar) == 0


def test_a_resident_hears_the_promise_in_hours(rt: Runtime, session: Session) -> None:
    case = _emergency(rt, session, FRIDAY_EVENING)
    clocks = running(session, saved_id(case))
    words = when_due(clocks[0], rt.case_types["emergency"], date(2026, 11, 27))
    assert words == " We aim to reply within 1 hour."


@pytest.mark.parametrize("units", [{}, {"working_days": 5, "hours": 4}], ids=["neither", "both"])
def test_a_clock_counts_working_days_or_hours(units: dict[str, int]) -> None:
    with pytest.raises(ValidationError, match="working_days or hours"):
        ClockSpec(id="respond", starts="queued", stops=("resolved",), **units)


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ("clock_hours: {reply: 1}", "unknown clock 'reply'"),
        ("clock_days: {respond: 2}, clock_hours: {respond: 1}", "'respond' in days and hours"),
    ],
)
def test_a_case_type_names_its_hours_clock_once(tmp_path: Path, extra: str, reason: str) -> None:
    (tmp_path / "case_types.yaml").write_text(
        "lifecycles:\n"
        "  enquiry:\n"
        "    stages:\n"
        "      - {id: queued, says: is with our team}\n"
        "      - {id: resolved, says: has been resolved, final: true}\n"
        "    transitions: {queued: [resolved]}\n"
        "    clocks:\n"
        "      - {id: respond, starts: queued, stops: [resolved], working_days: 5}\n"
        "case_types:\n"
        f"  - {{id: urgent, title: urgent enquiry, lifecycle: enquiry, {extra}}}\n"
    )
    with pytest.raises(DataFileError, match=reason) as raised:
        load_case_types(tmp_path)
    assert "case_types.yaml:10" in str(raised.value)
