"""The relay sweep: whatever Redis missed (down, or a worker killed) is enqueued again.

It also keeps time for the conversation: SLA clocks are checked, and a need left waiting on a
detail the resident never gave opens anyway (app/jobs/idle_gatherings.py)."""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlmodel import col, or_, select

from app.db import session as db_session
from app.jobs.idle_gatherings import open_idle
from app.jobs.runner import BACKOFF_SECONDS, RqJobRunner
from app.lifecycle.sla_check import check_clocks
from app.models import Message, OutboxMessage, utcnow
from app.pipeline.deliver import stale_claim
from app.runtime import Runtime

log = structlog.get_logger(__name__)

BATCH = 500


def sweep(rt: Runtime, grace: timedelta | None = None, back_off: bool = False) -> tuple[int, int]:
    """Enqueue unhandled inbound messages and unsent outbox rows; returns the two counts.

    Rows younger than one sweep interval are probably still on their way; they are left be.
    With `back_off` (inline jobs, where no rq Retry spaces the tries), an outbox row whose send
    fails again is held back longer each time.
    """
    now = utcnow()
    if grace is None:
        grace = timedelta(seconds=rt.settings.sweep_interval_seconds)
    with db_session(rt.engine) as session:
        inbound = session.exec(
            select(Message.id)
            .where(
                Message.direction == "in",
                col(Message.processed_at).is_(None),
                Message.created_at < now - grace,
            )
            .order_by(col(Message.id))
            .limit(BATCH)
        ).all()
        outbound = session.exec(
            select(OutboxMessage.id)
            .where(
                or_(
                    (col(OutboxMessage.status) == "pending")
                    & (col(OutboxMessage.created_at) < now - grace)
                    & or_(
                        col(OutboxMessage.not_before).is_(None),
                        col(OutboxMessage.not_before) <= now,
                    ),
                    (col(OutboxMessage.status) == "sending")
                    & (col(OutboxMessage.claimed_at) < now - stale_claim(rt)),
                )
            )
            .order_by(col(OutboxMessage.id))
            .limit(BATCH)
        ).all()
    for message_id in inbound:
        if message_id is not None:
            rt.jobs.enqueue("handle_inbound", message_id)
    for outbox_id in outbound:
        if outbox_id is not None and not rt.jobs.enqueue("send", outbox_id) and back_off:
            _hold_back(rt, outbox_id)
    if inbound or outbound:
        log.info("sweep.requeued", inbound=len(inbound), outbound=len(outbound))
    with db_session(rt.engine) as session:
        check_clocks(session, rt.calendar, now, rt.case_types)
        session.commit()
    open_idle(rt, now)
    return len(inbound), len(outbound)


def _hold_back(rt: Runtime, outbox_id: int) -> None:
    """Not before the next step of rq's own back-off, chosen by the row's attempts so far.

    `not_before` already holds a row back (quiet hours), and the claim and this sweep honour
    it, so a retry's wait needs no column of its own; it only ever moves later.
    """
    with db_session(rt.engine) as session:
        row = session.get(OutboxMessage, outbox_id)
        if row is None or row.status != "pending":
            return
        step = BACKOFF_SECONDS[min(max(row.attempts, 1), len(BACKOFF_SECONDS)) - 1]
        later = utcnow() + timedelta(seconds=step)
        if row.not_before is None or row.not_before < later:
            row.not_before = later
            session.add(row)
            session.commit()
            log.info("sweep.held_back", outbox_id=outbox_id, attempts=row.attempts, seconds=step)


def schedule_next(rt: Runtime, every: timedelta) -> None:
    """Keep the sweep going: each run books the next (the worker's scheduler runs it)."""
    if isinstance(rt.jobs, RqJobRunner):
        seconds = int(every.total_seconds())
        slot = int(utcnow().timestamp()) // seconds + 1
        rt.jobs.schedule_in(every, "sweep", 0, job_id=f"frontdoor-sweep-{slot}")
