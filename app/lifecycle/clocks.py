"""SLA clocks in working days: start, stop, pause while we wait on the resident, resume.

A clock's due date is always `started_on + working_days + paused_working_days` working days,
so pausing, resuming and a change of policy all recompute it the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.calendar import CouncilCalendar
from app.lifecycle.types import CaseType, CaseTypeDirectory, ClockSpec
from app.models import Case, CaseClock


def due_on(clock: CaseClock, calendar: CouncilCalendar) -> date | None:
    """When the clock runs out; None while it is paused."""
    if clock.paused_since is not None:
        return None
    return calendar.add_working_days(
        clock.started_on, clock.working_days + clock.paused_working_days
    )


# Built once: every status a resident asks for, on any channel, reads the running clocks.
_RUNNING = select(CaseClock).where(
    CaseClock.case_id == bindparam("of_case"), col(CaseClock.stopped_at).is_(None)
)


def running(session: Session, case_id: int) -> list[CaseClock]:
    """The case's clocks that have not stopped, earliest due first."""
    clocks = session.exec(_RUNNING, params={"of_case": case_id}).all()
    return sorted(clocks, key=lambda c: (c.due_on or date.max, c.id or 0))


def on_stage(
    session: Session,
    case: Case,
    case_type: CaseType,
    leaving: str | None,
    entering: str,
    now: datetime,
    calendar: CouncilCalendar,
) -> None:
    """Move the case's clocks for a stage change (or, with `leaving` None, its opening)."""
    assert case.id is not None
    today = calendar.today(now)
    lifecycle = case_type.lifecycle
    clocks = running(session, case.id)
    waits_now = lifecycle.stage(entering).waits_on_resident
    waited = leaving is not None and lifecycle.stage(leaving).waits_on_resident
    for clock in clocks:
        spec = next((c for c in case_type.clocks if c.id == clock.clock), None)
        if spec is not None and entering in spec.stops:
            clock.stopped_at = now
        elif waited and not waits_now and clock.paused_since is not None:
            clock.paused_working_days += calendar.working_days_between(clock.paused_since, today)
            clock.paused_since = None
        elif waits_now and not waited:
            clock.paused_since = today
        clock.due_on = due_on(clock, calendar)
        session.add(clock)
    existing = {clock.clock for clock in clocks}
    for spec in starting(case_type, entering):
        if spec.id not in existing:
            session.add(start(spec, case.id, today, calendar))
    session.flush()
    refresh_case_due(session, case, calendar)


def starting(case_type: CaseType, stage: str) -> list[ClockSpec]:
    """The clocks a case of this type starts as it enters `stage`."""
    return [spec for spec in case_type.clocks if spec.starts == stage]


def start(spec: ClockSpec, case_id: int, today: date, calendar: CouncilCalendar) -> CaseClock:
    clock = CaseClock(
        case_id=case_id, clock=spec.id, working_days=spec.working_days, started_on=today
    )
    clock.due_on = due_on(clock, calendar)
    return clock


def due_if_started(
    specs: Sequence[ClockSpec], today: date, calendar: CouncilCalendar
) -> datetime | None:
    """Case.sla_due_at for a new case whose clocks `specs` start today (none paused yet)."""
    dues = [calendar.add_working_days(today, spec.working_days) for spec in specs]
    return calendar.end_of_day(min(dues)) if dues else None


def refresh_case_due(session: Session, case: Case, calendar: CouncilCalendar) -> None:
    """Case.sla_due_at: the end of the earliest running, unpaused clock's due day."""
    assert case.id is not None
    dues = [clock.due_on for clock in running(session, case.id) if clock.due_on is not None]
    case.sla_due_at = calendar.end_of_day(min(dues)) if dues else None


def apply_policy(session: Session, case_types: CaseTypeDirectory, calendar: CouncilCalendar) -> int:
    """Recompute every running clock against today's case_types.yaml; returns how many moved."""
    changed = 0
    rows = session.exec(
        select(CaseClock, Case)
        .join(Case, col(Case.id) == col(CaseClock.case_id))
        .where(col(CaseClock.stopped_at).is_(None))
    ).all()
    touched: dict[int, Case] = {}
    for clock, case in rows:
        if case.case_type not in case_types:
            continue
        spec = next((c for c in case_types[case.case_type].clocks if c.id == clock.clock), None)
        if spec is None or spec.working_days == clock.working_days:
            continue
        clock.working_days = spec.working_days
        clock.due_on = due_on(clock, calendar)
        session.add(clock)
        touched[case.id or 0] = case
        changed += 1
    session.flush()
    for case in touched.values():
        refresh_case_due(session, case, calendar)
    return changed


def describe(clocks: Sequence[CaseClock]) -> CaseClock | None:
    """The clock a resident should hear about: the earliest due, else a paused one."""
    active = [clock for clock in clocks if clock.due_on is not None]
    if active:
        return active[0]
    return clocks[0] if clocks else None
