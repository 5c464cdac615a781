"""Assignment against the database: load state, call the pure planner, write and audit."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import structlog
from sqlalchemy import func
from sqlmodel import Session, col, select

from app import audit
from app.models import Advisor, Case
from app.routing.assignment import AdvisorSlot, Assignment, WaitingCase, hand_back, plan_assignments
from app.routing.queues import QueueDirectory
from app.vocabulary import Priority, flag_name

log = structlog.get_logger(__name__)
SYSTEM = "frontdoor:assignment"
# The longest-waiting cases considered per run; the periodic run reaches the rest.
WAITING_BATCH = 500


def assign_waiting(session: Session, queues: QueueDirectory, now: datetime) -> list[Assignment]:
    """Assign every waiting case that an advisor can take now; the caller commits.

    Advisors' spare capacity is read first, so a busy contact centre (nobody free) costs two
    small queries rather than a scan of every waiting case.
    """
    # Locked in id order: concurrent runs queue here rather than overbook an advisor.
    advisors = session.exec(
        select(Advisor)
        .where(col(Advisor.available).is_(True))
        .order_by(col(Advisor.id))
        .with_for_update()
    ).all()
    loads = _loads(session, [advisor.id for advisor in advisors if advisor.id is not None])
    slots = [_slot(advisor, loads.get(advisor.id or 0, Counter())) for advisor in advisors]
    open_channels = {
        channel for slot in slots for channel in slot.capacity if slot.spare(channel) > 0
    }
    if not open_channels:
        return []
    waiting = session.exec(
        select(Case)
        .where(
            Case.status == "open",
            col(Case.advisor_id).is_(None),
            col(Case.queued_at).is_not(None),
            col(Case.channel).in_(open_channels),
        )
        .order_by(col(Case.queued_at))
        .limit(WAITING_BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    plan = plan_assignments(
        [_waiting(case) for case in waiting if case.queue in queues], slots, queues, now
    )
    by_id = {case.id: case for case in waiting}
    advisor_by_id = {advisor.id: advisor for advisor in advisors}
    for assignment in plan:
        case = by_id[assignment.case_id]
        case.advisor_id = assignment.advisor_id
        case.updated_at = now
        advisor_by_id[assignment.advisor_id].last_assigned_at = now
        audit.record(
            session,
            SYSTEM,
            "case.assigned",
            "case",
            case.id,
            advisor_id=assignment.advisor_id,
            escalated=assignment.escalated,
        )
        log.info("case.assigned", case_id=case.id, advisor_id=assignment.advisor_id)
    return plan


def set_availability(
    session: Session, advisor: Advisor, available: bool, queues: QueueDirectory, now: datetime
) -> list[int]:
    """Change an advisor's availability; going offline hands their open cases back."""
    advisor.available = available
    advisor.available_since = now if available else None
    returned: list[int] = []
    if not available:
        assigned = session.exec(
            select(Case).where(Case.advisor_id == advisor.id, Case.status == "open")
        ).all()
        returned = hand_back(
            {c.id: c.advisor_id for c in assigned if c.id and c.advisor_id}, advisor.id or 0
        )
        for case in assigned:
            if case.id in returned:
                # Keeps its original queued_at, so it does not lose its place in the queue.
                case.advisor_id = None
                case.updated_at = now
                audit.record(
                    session, SYSTEM, "case.handed_back", "case", case.id, advisor_id=advisor.id
                )
    session.flush()
    assign_waiting(session, queues, now)
    return returned


def _waiting(case: Case) -> WaitingCase:
    assert case.id is not None and case.queue is not None and case.queued_at is not None
    language = next(
        (
            flag.split(":", 1)[1]
            for flag in case.flags
            if flag_name(flag) == "interpreter" and ":" in flag
        ),
        "en",
    )
    return WaitingCase(
        case.id, case.queue, Priority(case.priority), case.channel, case.queued_at, language
    )


def _loads(session: Session, advisor_ids: list[int]) -> dict[int, Counter[str]]:
    """Open cases per advisor per channel, in one query."""
    rows = session.exec(
        select(Case.advisor_id, Case.channel, func.count())
        .where(col(Case.advisor_id).in_(advisor_ids), Case.status == "open")
        .group_by(col(Case.advisor_id), col(Case.channel))
    )
    loads: dict[int, Counter[str]] = {}
    for advisor_id, channel, open_cases in rows:
        if advisor_id is not None:
            loads.setdefault(advisor_id, Counter())[channel] = int(open_cases)
    return loads


def _slot(advisor: Advisor, load: Counter[str]) -> AdvisorSlot:
    assert advisor.id is not None
    return AdvisorSlot(
        advisor_id=advisor.id,
        skills=frozenset(advisor.skills),
        available=advisor.available,
        capacity=dict(advisor.capacity),
        load=dict(load),
        languages=frozenset(advisor.languages),
        idle_since=advisor.last_assigned_at or advisor.available_since,
    )
