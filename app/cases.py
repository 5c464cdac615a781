"""Opening cases and moving them along, with their history recorded."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlmodel import Session, select

from app.audit import record_flags_set
from app.calendar import CouncilCalendar
from app.lifecycle import clocks
from app.lifecycle.types import CaseType
from app.models import Case, CaseStageChange, utcnow

REFERENCE_DIGITS = 6
_ATTEMPTS = 20


def new_reference(session: Session, prefix: str) -> str:
    """An unused reference like WNC-204318. Random, so one reference does not reveal the next."""
    for _ in range(_ATTEMPTS):
        candidate = f"{prefix}-{secrets.randbelow(900_000) + 100_000}"
        taken = session.exec(select(Case.id).where(Case.reference == candidate)).first()
        if taken is None:
            return candidate
    raise RuntimeError("could not find a free case reference")


def open_case(session: Session, case: Case, actor: str, reason: str) -> Case:
    """Insert `case` with its first stage recorded.

    Two transactions drawing the same free reference at once is a one-in-a-million race; the
    unique constraint then fails one of them, and its job is retried.
    """
    session.add(case)
    session.flush()
    assert case.id is not None
    session.add(
        CaseStageChange(
            case_id=case.id, from_stage=None, to_stage=case.stage, actor=actor, reason=reason
        )
    )
    return case


def start_case(
    session: Session,
    case: Case,
    case_type: CaseType,
    calendar: CouncilCalendar,
    actor: str,
    reason: str,
    now: datetime,
) -> Case:
    """Open a new case at its initial stage, start its clocks and audit any sensitive flags.

    A new case has no clocks yet, so its due date is known before it is inserted.
    """
    today = calendar.today(now)
    specs = clocks.starting(case_type, case.stage)
    case.sla_due_at = clocks.due_if_started(specs, today, calendar)
    open_case(session, case, actor, reason)
    assert case.id is not None
    for spec in specs:
        session.add(clocks.start(spec, case.id, today, calendar))
    record_flags_set(session, case, actor)
    return case


def open_case_types(session: Session, customer_id: int | None) -> frozenset[str]:
    """The types of the customer's open cases, for rules that ask."""
    if customer_id is None:
        return frozenset()
    rows = session.exec(
        select(Case.case_type).where(Case.customer_id == customer_id, Case.status == "open")
    )
    return frozenset(rows)


def touch(case: Case) -> None:
    case.updated_at = utcnow()
