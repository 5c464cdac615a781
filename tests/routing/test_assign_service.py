"""Assignment against the database: queued cases reach advisors; going offline hands them back."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from app.models import Advisor, AuditEvent, Case, utcnow
from app.routing.assign_service import assign_waiting, set_availability
from app.runtime import Runtime


def _advisor(session: Session, email: str, skills: list[str], available: bool = True) -> Advisor:
    advisor = Advisor(
        name=email, email=email, skills=skills, capacity={"web": 2}, available=available
    )
    session.add(advisor)
    session.flush()
    return advisor


def _case(
    session: Session, ref: str, queue: str, minutes: int = 1, priority: str = "normal"
) -> Case:
    case = Case(
        reference=ref,
        case_type="advisor_enquiry",
        stage="queued",
        queue=queue,
        channel="web",
        priority=priority,
        queued_at=utcnow() - timedelta(minutes=minutes),
    )
    session.add(case)
    session.flush()
    return case


def test_waiting_cases_are_assigned_and_audited(rt: Runtime, session: Session) -> None:
    amira = _advisor(session, "amira@example.gov.uk", ["revenues"])
    case = _case(session, "WNC-100001", "revenues")
    plan = assign_waiting(session, rt.queues, utcnow())
    session.commit()
    assert [(a.case_id, a.advisor_id) for a in plan] == [(case.id, amira.id)]
    assert session.get(Case, case.id).advisor_id == amira.id  # type: ignore[union-attr]
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "case.assigned")).one()
    assert event.subject_id == case.id and event.detail["advisor_id"] == amira.id


def test_an_advisor_going_offline_hands_cases_back_to_the_queue_for_the_next(
    rt: Runtime, session: Session
) -> None:
    first = _advisor(session, "first@example.gov.uk", ["waste"])
    case = _case(session, "WNC-100002", "waste", minutes=7)
    assign_waiting(session, rt.queues, utcnow())
    assert case.advisor_id == first.id
    queued_at = case.queued_at
    second = _advisor(session, "second@example.gov.uk", ["waste"])
    returned = set_availability(session, first, False, rt.queues, utcnow())
    session.commit()
    assert returned == [case.id]
    refreshed = session.get(Case, case.id)
    assert refreshed is not None
    # Back in the queue without losing its place, and picked up by the other advisor.
    assert refreshed.queued_at == queued_at and refreshed.advisor_id == second.id
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]  # type: ignore[arg-type]
    assert actions == ["case.assigned", "case.handed_back", "case.assigned"]


def test_with_nobody_available_a_returned_case_waits(rt: Runtime, session: Session) -> None:
    only = _advisor(session, "only@example.gov.uk", ["complaints"])
    case = _case(session, "WNC-100003", "complaints")
    assign_waiting(session, rt.queues, utcnow())
    set_availability(session, only, False, rt.queues, utcnow())
    session.commit()
    assert session.get(Case, case.id).advisor_id is None  # type: ignore[union-attr]
