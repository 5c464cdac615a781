"""Breach warnings: tell the owning queue a day ahead; on breach, alert and raise the priority.

Idempotent: a clock is marked warned or breached in the same transaction as its alert, and an
alert is unique per clock and kind, so a second run (or two workers at once) adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlmodel import Session, col, select

from app import audit
from app.calendar import CouncilCalendar
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


def check_clocks(session: Session, calendar: CouncilCalendar, now: datetime) -> SlaCheck:
    """Warn and escalate; the caller commits."""
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
        if today > clock.due_on:
            _alert(session, clock, case, "breach", now)
            clock.breached_at = now
            case.priority = _ESCALATE.get(Priority(case.priority), Priority(case.priority)).value
            case.updated_at = now
            session.add(case)
            breached += 1
        elif clock.warned_at is None:
            _alert(session, clock, case, "warning", now)
            clock.warned_at = now
            warned += 1
        session.add(clock)
    if warned or breached:
        log.info("sla.checked", warned=warned, breached=breached)
    return SlaCheck(warned, breached)


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
