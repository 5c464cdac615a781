"""Breach warnings: tell the owning queue a day ahead; on breach, alert and raise the priority.

A clock in hours is warned when half its time is gone and breached the moment it runs out.

Idempotent: a clock is marked warned or breached in the same transaction as its alert, and an
alert is unique per clock and kind, so a second run (or two workers at once) adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlmodel import Session, col, select

from app import audit
from app.calendar import CouncilCalendar
from app.lifecycle.clocks import clock_due, in_hours
from app.lifecycle.types import CaseTypeDirectory
from app.models import Case, CaseClock, QueueAlert
from app.vocabulary import Priority

log = structlog.get_logger(__name__)
CHECKER = "frontdoor:sla"
WARN_WORKING_DAYS = 1
# A breach raises priority one step, but never to emergency: that is for risk to life.
_ESCALATE = {
    Priority.LOW: Priority.NORMAL,
    Priority.NORMAL: Priority.HIGH,
    Priority.HIGH: Priority.URGENT,
}


@dataclass(frozen=True)
class SlaCheck:
    warned: int
    breached: int


def check_clocks(
    session: Session,
    calendar: CouncilCalendar,
    now: datetime,
    case_types: CaseTypeDirectory | None = None,
) -> SlaCheck:
    """Warn and escalate; the caller commits. `case_types` makes clocks in hours exact (without
    it, one is breached only once its due day has passed)."""
    today = calendar.today(now)
    horizon = calendar.add_working_days(today, WARN_WORKING_DAYS)
    rows = session.exec(
        select(CaseClock, Case)
        .join(Case, col(Case.id) == col(CaseClock.case_id))
        .where(
            col(CaseClock.stopped_at).is_(None),
            col(CaseClock.due_on).is_not(None),
            col(CaseClock.due_on) <= horizon,
            col(CaseClock.breached_at).is_(None),
        )
        .with_for_update(skip_locked=True)
    ).all()
    warned = breached = 0
    for clock, case in rows:
        assert clock.due_on is not None and clock.id is not None
        if in_hours(clock) and case_types is not None and case.case_type in case_types:
            due = clock_due(session, clock, case_types[case.case_type], calendar)
            overdue = due is not None and now > due
            warn = due is not None and now >= due - _half(case_types, case, clock)
        else:
            overdue, warn = today > clock.due_on, True
        if overdue:
            _alert(session, clock, case, "breach", now)
            clock.breached_at = now
            case.priority = _ESCALATE.get(Priority(case.priority), Priority(case.priority)).value
            case.updated_at = now
            session.add(case)
            breached += 1
        elif warn and clock.warned_at is None:
            _alert(session, clock, case, "warning", now)
            clock.warned_at = now
            warned += 1
        session.add(clock)
    if warned or breached:
        log.info("sla.checked", warned=warned, breached=breached)
    return SlaCheck(warned, breached)


def _half(case_types: CaseTypeDirectory, case: Case, clock: CaseClock) -> timedelta:
    """Half a clock in hours' time: when its queue is warned."""
    spec = next((c for c in case_types[case.case_type].clocks if c.id == clock.clock), None)
    return timedelta(hours=(spec.hours or 0) / 2 if spec is not None else 0)


def _alert(session: Session, clock: CaseClock, case: Case, kind: str, now: datetime) -> None:
    assert clock.due_on is not None
    session.add(
        QueueAlert(
            queue=case.queue or "customer_services",
            case_id=case.id or 0,
            clock_id=clock.id or 0,
            kind=kind,
            due_on=clock.due_on,
            created_at=now,
        )
    )
    audit.record(
        session, CHECKER, f"sla.{kind}", "case", case.id,
        clock=clock.clock, due_on=clock.due_on.isoformat(), queue=case.queue,
    )  # fmt: skip
