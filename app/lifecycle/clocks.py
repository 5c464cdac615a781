"""SLA clocks: start, stop, pause while we wait on the resident, resume.

A clock in working days is due at the end of `started_on + working_days + paused_working_days`
working days, so pausing, resuming and a change of policy all recompute it the same way.

A clock in hours (an emergency's first contact) counts real hours from the moment it starts:
nights, weekends and bank holidays all count, because a risk to life keeps no office hours,
and it never pauses (a resident we cannot reach is a reason to act, not to stop counting).
Its row counts no working days (`working_days` 0, which a clock in days never has); its due
moment is the moment its case entered the clock's starting stage plus the hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.calendar import CouncilCalendar
from app.lifecycle.types import CaseType, CaseTypeDirectory, ClockSpec
from app.models import Case, CaseClock, CaseStageChange

# A clock row with no working days counts hours (see the module docstring).
HOURS_ROW = 0


def in_hours(clock: CaseClock) -> bool:
    return clock.working_days == HOURS_ROW


def due_on(clock: CaseClock, calendar: CouncilCalendar) -> date | None:
    """The day the clock runs out; None while it is paused. A clock in hours keeps the day
    its start gave it."""
    if clock.paused_since is not None:
        return None
    if in_hours(clock):
        return clock.due_on
    return calendar.add_working_days(
        clock.started_on, clock.working_days + clock.paused_working_days
    )


def due_at(spec: ClockSpec, started: datetime, calendar: CouncilCalendar) -> datetime:
    """When a clock that started at `started` runs out (none paused): the hours later, or the
    end of the last of its working days."""
    if spec.hours is not None:
        return started + timedelta(hours=spec.hours)
    assert spec.working_days is not None
    return calendar.end_of_day(
        calendar.add_working_days(calendar.today(started), spec.working_days)
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
        elif in_hours(clock):
            continue  # never pauses
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
            session.add(start(spec, case.id, today, calendar, at=now))
    session.flush()
    refresh_case_due(session, case, calendar, case_type)


def starting(case_type: CaseType, stage: str) -> list[ClockSpec]:
    """The clocks a case of this type starts as it enters `stage`."""
    return [spec for spec in case_type.clocks if spec.starts == stage]


def start(
    spec: ClockSpec,
    case_id: int,
    today: date,
    calendar: CouncilCalendar,
    at: datetime | None = None,
) -> CaseClock:
    """A new clock row starting `today`, at the moment `at` (which a clock in hours counts
    from; without it, from the start of `today`, so it is never due later than it should be)."""
    clock = CaseClock(
        case_id=case_id,
        clock=spec.id,
        working_days=spec.working_days or HOURS_ROW,
        started_on=today,
    )
    if spec.in_hours:
        clock.due_on = calendar.today(due_at(spec, _moment(today, at, calendar), calendar))
    else:
        clock.due_on = due_on(clock, calendar)
    return clock


def due_if_started(
    specs: Sequence[ClockSpec],
    today: date,
    calendar: CouncilCalendar,
    at: datetime | None = None,
) -> datetime | None:
    """Case.sla_due_at for a new case whose clocks `specs` start today (none paused yet)."""
    started = _moment(today, at, calendar)
    dues = [due_at(spec, started, calendar) for spec in specs]
    return min(dues) if dues else None


def _moment(today: date, at: datetime | None, calendar: CouncilCalendar) -> datetime:
    return at if at is not None else datetime.combine(today, time(0, 0), tzinfo=calendar.zone)


def refresh_case_due(
    session: Session, case: Case, calendar: CouncilCalendar, case_type: CaseType | None = None
) -> None:
    """Case.sla_due_at: when the earliest running, unpaused clock runs out (a clock in days at
    the end of its due day, a clock in hours at its moment)."""
    assert case.id is not None
    dues = [
        moment
        for clock in running(session, case.id)
        if (moment := clock_due(session, clock, case_type, calendar)) is not None
    ]
    case.sla_due_at = min(dues) if dues else None


def clock_due(
    session: Session, clock: CaseClock, case_type: CaseType | None, calendar: CouncilCalendar
) -> datetime | None:
    """When one running clock runs out; None while paused. A clock in hours needs its case type
    to be exact; without it, it is taken as due at the end of its due day."""
    if clock.due_on is None:
        return None
    spec = None if case_type is None else next(
        (c for c in case_type.clocks if c.id == clock.clock and c.in_hours), None
    )  # fmt: skip
    if in_hours(clock) and spec is not None:
        started = started_at(session, clock, spec.starts)
        if started is not None:
            return due_at(spec, started, calendar)
    return calendar.end_of_day(clock.due_on)


def started_at(session: Session, clock: CaseClock, stage: str) -> datetime | None:
    """The moment the clock's case first entered `stage` (where the clock starts)."""
    return session.exec(
        select(CaseStageChange.at)
        .where(CaseStageChange.case_id == clock.case_id, CaseStageChange.to_stage == stage)
        .order_by(col(CaseStageChange.at))
    ).first()


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
        if spec is None or not _repolicy(session, clock, spec, calendar):
            continue
        session.add(clock)
        touched[case.id or 0] = case
        changed += 1
    session.flush()
    for case in touched.values():
        refresh_case_due(session, case, calendar, case_types[case.case_type])
    return changed


def _repolicy(
    session: Session, clock: CaseClock, spec: ClockSpec, calendar: CouncilCalendar
) -> bool:
    """Bring one running clock to `spec`; True if its due date moved or its unit changed."""
    before = (clock.working_days, clock.due_on)
    clock.working_days = spec.working_days or HOURS_ROW
    if spec.in_hours:
        started = started_at(session, clock, spec.starts)
        moment = started or _moment(clock.started_on, None, calendar)
        clock.paused_since, clock.paused_working_days = None, 0
        clock.due_on = calendar.today(due_at(spec, moment, calendar))
    else:
        clock.due_on = due_on(clock, calendar)
    return (clock.working_days, clock.due_on) != before


def describe(clocks: Sequence[CaseClock]) -> CaseClock | None:
    """The clock a resident should hear about: the earliest due, else a paused one."""
    active = [clock for clock in clocks if clock.due_on is not None]
    if active:
        return active[0]
    return clocks[0] if clocks else None
