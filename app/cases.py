"""Opening cases and moving them along, with their history recorded."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlmodel import Session, col, or_, select

from app.audit import flags_set_event, record_flags_set
from app.calendar import CouncilCalendar
from app.lifecycle import clocks
from app.lifecycle.types import CaseType
from app.models import Case, CaseStageChange, utcnow
from app.models.case import CaseLink
from app.row_family import UNLINKED, Belonging, insert_family
from app.vocabulary import REFERENCE_DIGITS, Priority

_ATTEMPTS = 20
_LOWEST = 10 ** (REFERENCE_DIGITS - 1)  # no leading zero: every reference has all its digits


def new_reference(prefix: str) -> str:
    """A reference like WNC-204318. Random, so one reference does not reveal the next;
    `open_case` draws again if it is taken."""
    return f"{prefix}-{secrets.randbelow(9 * _LOWEST) + _LOWEST}"


def open_case(
    session: Session,
    case: Case,
    actor: str,
    reason: str,
    belongings: Sequence[Belonging] = (),
) -> Case:
    """Insert `case` with its first stage recorded and `belongings` linked to it, at once.

    A taken reference is redrawn: the insert skips a conflicting row, so two transactions that
    draw the same reference at once cannot both have it.
    """
    first_stage = CaseStageChange(
        case_id=UNLINKED, from_stage=None, to_stage=case.stage, actor=actor, reason=reason,
        at=case.created_at,  # the caller's clock, not the wall's: a simulated call, the demo
    )  # fmt: skip
    family = [Belonging(first_stage), *belongings]
    for _ in range(_ATTEMPTS):
        if insert_family(session, case, family, unique="reference"):
            return case
        case.reference = new_reference(case.reference.rpartition("-")[0])
    raise RuntimeError("could not find a free case reference")


def start_case(
    session: Session,
    case: Case,
    case_type: CaseType,
    calendar: CouncilCalendar,
    actor: str,
    reason: str,
    now: datetime,
    belongings: Sequence[Belonging] = (),
) -> Case:
    """Open a new case at its initial stage, start its clocks and audit any sensitive flags.

    A new case has no clocks yet, so its due date is known before it is inserted, and the case
    goes in with its clocks, its audit event and `belongings` in one round trip.
    """
    today = calendar.today(now)
    specs = clocks.starting(case_type, case.stage)
    # The moment matters for a clock in hours: an emergency's hour runs from the message.
    case.sla_due_at = clocks.due_if_started(specs, today, calendar, at=now)
    family = [Belonging(clocks.start(spec, UNLINKED, today, calendar, at=now)) for spec in specs]
    flagged = flags_set_event(case, actor)
    if flagged is not None:
        family.append(Belonging(flagged, link="subject_id"))
    return open_case(session, case, actor, reason, [*family, *belongings])


def open_case_types(session: Session, customer_id: int | None) -> frozenset[str]:
    """The types of the customer's open cases, for rules that ask."""
    if customer_id is None:
        return frozenset()
    rows = session.exec(
        select(Case.case_type).where(Case.customer_id == customer_id, Case.status == "open")
    )
    return frozenset(rows)


def fold_in(
    session: Session,
    case: Case,
    flags: Iterable[str],
    priority: Priority,
    actor: str,
    now: datetime,
) -> None:
    """What a later contact revealed joins the case: flags add, priority only rises."""
    before = set(case.flags)
    case.flags = sorted(before | set(flags))
    case.priority = Priority.highest(Priority(case.priority), priority).value
    case.updated_at = now
    session.add(case)
    if set(case.flags) != before:
        record_flags_set(session, case, actor)


def touch(case: Case) -> None:
    case.updated_at = utcnow()


def link_cases(session: Session, case_ids: Iterable[int], reason: str, now: datetime) -> int:
    """Link every pair of `case_ids` (one row per pair, lower id first); returns rows added.

    The callers hold the conversation's row lock, so no other handler links the same cases.
    """
    ids = sorted(set(case_ids))
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    known = set(
        session.exec(
            select(CaseLink.case_id, CaseLink.linked_case_id).where(
                col(CaseLink.case_id).in_(ids), col(CaseLink.linked_case_id).in_(ids)
            )
        ).all()
    )
    added = 0
    for a, b in pairs:
        if (a, b) not in known:
            session.add(CaseLink(case_id=a, linked_case_id=b, reason=reason, created_at=now))
            added += 1
    return added


def linked_cases(session: Session, case_id: int) -> list[Case]:
    """The cases linked to `case_id`, oldest first."""
    rows = session.exec(
        select(CaseLink.case_id, CaseLink.linked_case_id).where(
            or_(CaseLink.case_id == case_id, CaseLink.linked_case_id == case_id)
        )
    ).all()
    others = {b if a == case_id else a for a, b in rows}
    if not others:
        return []
    return list(
        session.exec(select(Case).where(col(Case.id).in_(others)).order_by(col(Case.id))).all()
    )
