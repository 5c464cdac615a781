"""Moving a case from stage to stage: the one place that does it, with its history and effects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app import audit
from app.calendar import CouncilCalendar
from app.lifecycle import clocks
from app.lifecycle.notify import notify_stage_change
from app.lifecycle.types import CaseTypeDirectory
from app.models import Case, CaseStageChange


class TransitionRefusedError(ValueError):
    """The move is not one the case type's lifecycle allows."""


@dataclass(frozen=True)
class StageMoved:
    change_id: int
    outbox_ids: tuple[int, ...]


def move_case(
    session: Session,
    case_types: CaseTypeDirectory,
    calendar: CouncilCalendar,
    case: Case,
    to_stage: str,
    actor: str,
    reason: str,
    now: datetime,
) -> StageMoved:
    """Move `case` to `to_stage` in the caller's transaction: history, clocks, notifications.

    Notifications are outbox rows written here, so they commit or roll back with the move.
    """
    case_type = case_types[case.case_type]
    lifecycle = case_type.lifecycle
    if not lifecycle.allows(case.stage, to_stage):
        allowed = ", ".join(lifecycle.transitions.get(case.stage, ())) or "nothing (final stage)"
        raise TransitionRefusedError(
            f"{case.reference}: a {case_type.id} cannot move from {case.stage!r} to "
            f"{to_stage!r}; from {case.stage!r} it may move to {allowed}"
        )
    change = CaseStageChange(
        case_id=case.id or 0,
        from_stage=case.stage,
        to_stage=to_stage,
        actor=actor,
        reason=reason,
        at=now,
    )
    session.add(change)
    leaving = case.stage
    case.stage = to_stage
    case.updated_at = now
    if lifecycle.stage(to_stage).final:
        case.status = "closed"
    session.add(case)
    session.flush()
    clocks.on_stage(session, case, case_type, leaving, to_stage, now, calendar)
    outbox_ids = notify_stage_change(session, case_types, calendar, case, change, now)
    audit.record(
        session, actor, "case.stage_changed", "case", case.id,
        from_stage=leaving, to_stage=to_stage,
    )  # fmt: skip
    assert change.id is not None
    return StageMoved(change.id, tuple(outbox_ids))
