"""Breach warnings: a day ahead to the owning queue; escalation on breach; never twice."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col, select

from app.lifecycle.sla_check import check_clocks
from app.models import AuditEvent, Case, QueueAlert
from app.runtime import Runtime
from tests.factories import open_test_case

MON_23_NOV = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _check(rt: Runtime, session: Session, when: datetime) -> tuple[int, int]:
    result = check_clocks(session, rt.calendar, when)
    session.commit()
    return result.warned, result.breached


def test_the_queue_is_warned_the_working_day_before_and_told_on_breach(
    rt: Runtime, session: Session
) -> None:
    case = open_test_case(rt, session, "missed_bin", now=MON_23_NOV, queue="waste")  # due Wed 25
    assert _check(rt, session, MON_23_NOV) == (0, 0)
    assert _check(rt, session, datetime(2026, 11, 24, 9, tzinfo=UTC)) == (1, 0)
    assert _check(rt, session, datetime(2026, 11, 25, 17, tzinfo=UTC)) == (
        0,
        0,
    )  # due today: not yet
    assert _check(rt, session, datetime(2026, 11, 26, 9, tzinfo=UTC)) == (0, 1)
    alerts = session.exec(select(QueueAlert).order_by(col(QueueAlert.id))).all()
    assert [(a.kind, a.queue) for a in alerts] == [("warning", "waste"), ("breach", "waste")]
    refreshed = session.get(Case, case.id)
    assert refreshed is not None and refreshed.priority == "high"
    actions = [e.action for e in session.exec(select(AuditEvent)) if e.action.startswith("sla.")]
    assert actions == ["sla.warning", "sla.breach"]


def test_running_twice_sends_nothing_twice(rt: Runtime, session: Session) -> None:
    open_test_case(rt, session, "missed_bin", now=MON_23_NOV, queue="waste")
    late = datetime(2026, 11, 30, 9, tzinfo=UTC)
    assert _check(rt, session, late) == (0, 1)
    assert _check(rt, session, late) == (0, 0)
    assert len(session.exec(select(QueueAlert)).all()) == 1


def test_paused_and_stopped_clocks_are_left_alone(rt: Runtime, session: Session) -> None:
    from app.lifecycle.stages import move_case

    case = open_test_case(rt, session, "missed_bin", now=MON_23_NOV, queue="waste")
    move_case(
        session, rt.case_types, rt.calendar, case, "awaiting_resident", "advisor", "x", MON_23_NOV
    )
    session.commit()
    assert _check(rt, session, datetime(2026, 12, 30, 9, tzinfo=UTC)) == (0, 0)
