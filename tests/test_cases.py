"""Starting a case: a free reference, its first stage, its clocks and its audit, all at once."""

from __future__ import annotations

from sqlmodel import Session, select

from app.cases import new_reference, start_case
from app.models import AuditEvent, Case, CaseClock, CaseStageChange, utcnow
from app.runtime import Runtime


def _complaint(rt: Runtime, reference: str, flags: list[str]) -> Case:
    now = utcnow()
    return Case(reference=reference, case_type="complaint", channel="web", flags=flags,
                stage=rt.case_types["complaint"].lifecycle.initial, created_at=now,
                updated_at=now)  # fmt: skip


def _start(rt: Runtime, session: Session, case: Case) -> Case:
    started = start_case(session, case, rt.case_types["complaint"], rt.calendar, "test",
                         "opened by a test", utcnow())  # fmt: skip
    session.commit()
    return started


def test_references_are_random_six_digit_numbers_after_the_prefix() -> None:
    drawn = {new_reference("WNC") for _ in range(50)}
    assert len(drawn) > 45
    assert all(r.startswith("WNC-") and len(r) == 10 and r[4:].isdigit() for r in drawn)


def test_a_new_case_starts_with_its_stage_clocks_and_due_date(
    rt: Runtime, session: Session
) -> None:
    case = _start(rt, session, _complaint(rt, "WNC-300001", flags=[]))
    assert case.id is not None and case.sla_due_at is not None
    stages = session.exec(select(CaseStageChange).where(CaseStageChange.case_id == case.id)).all()
    assert [(s.from_stage, s.to_stage) for s in stages] == [(None, case.stage)]
    clocks = session.exec(select(CaseClock).where(CaseClock.case_id == case.id)).all()
    assert clocks and all(c.started_on == rt.calendar.today(utcnow()) for c in clocks)
    # Its due date is the earliest clock's last day.
    earliest = min(c.due_on for c in clocks if c.due_on is not None)
    assert case.sla_due_at == rt.calendar.end_of_day(earliest)


def test_a_taken_reference_is_drawn_again(rt: Runtime, session: Session) -> None:
    first = _start(rt, session, _complaint(rt, "WNC-300002", flags=[]))
    second = _start(rt, session, _complaint(rt, "WNC-300002", flags=[]))
    assert second.reference != first.reference and second.reference.startswith("WNC-")
    assert second.id is not None and second.id != first.id
    stages = session.exec(select(CaseStageChange).where(CaseStageChange.case_id == second.id))
    assert len(stages.all()) == 1


def test_sensitive_flags_on_a_new_case_are_audited_against_it(
    rt: Runtime, session: Session
) -> None:
    case = _start(rt, session, _complaint(rt, "WNC-300003", flags=["risk_to_life", "elderly"]))
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "case.flags_set")).all()
    assert [(e.subject_type, e.subject_id, e.detail) for e in events] == [
        ("case", case.id, {"flags": ["risk_to_life"]})
    ]


def test_a_case_without_sensitive_flags_leaves_no_audit_event(
    rt: Runtime, session: Session
) -> None:
    _start(rt, session, _complaint(rt, "WNC-300004", flags=["elderly"]))
    assert session.exec(select(AuditEvent)).all() == []
