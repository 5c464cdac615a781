"""The sweep's part for needs left waiting on a detail: the resident stopped answering.

A written conversation whose question for a case's details (app/pipeline/gather.py) has gone
unanswered for conversation_idle_minutes opens that case with whatever was said, and tells the
resident its reference where a reply may go to them. Nothing waits for ever on an answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy import String, cast
from sqlmodel import Session, col, select

from app.cases import link_cases, new_reference, start_case
from app.db import session as db_session
from app.models import Case, Conversation, Message, OutboxMessage, RoutingDecision
from app.pipeline import gather
from app.pipeline.answers import DEFAULT_REPLIES, render_reply
from app.pipeline.safe_reply import DEVICE_CHANNELS, no_contact
from app.routing.assign_service import assign_waiting
from app.runtime import Runtime
from app.vocabulary import Channel, Outcome

log = structlog.get_logger(__name__)

BATCH = 200
# Said before the need's own reply, so the resident knows why it opened without them.
NO_ANSWER = "We have not heard back, so we have logged what you told us."


def open_idle(rt: Runtime, now: datetime) -> int:
    """Open every gathering left unanswered for the idle time; returns how many opened."""
    idle = timedelta(minutes=rt.settings.conversation_idle_minutes)
    with db_session(rt.engine) as session:
        # The key's name in the JSON text: one statement on PostgreSQL and SQLite alike; each
        # candidate is read properly, under its lock, before anything is opened.
        candidates = session.exec(
            select(Conversation.id)
            .where(
                Conversation.last_activity_at < now - idle,
                cast(Conversation.state, String).like(f'%"{gather.GATHERING}"%'),
            )
            .order_by(col(Conversation.id))
            .limit(BATCH)
        ).all()
    opened = 0
    for conversation_id in candidates:
        if conversation_id is None:
            continue
        found, outbox_id = _open_one(rt, conversation_id, now, idle)
        opened += found
        if outbox_id is not None:
            rt.jobs.enqueue("send", outbox_id)
    if opened:
        log.info("sweep.gatherings_opened", opened=opened)
    return opened


def _open_one(
    rt: Runtime, conversation_id: int, now: datetime, idle: timedelta
) -> tuple[bool, int | None]:
    """Open one conversation's waiting need; (opened, the reply's outbox id if one is sent)."""
    with db_session(rt.engine) as session:
        conversation = session.exec(
            select(Conversation).where(Conversation.id == conversation_id).with_for_update()
        ).one()
        waiting = gather.held(conversation)
        if waiting is None or now - waiting.asked_at <= idle:
            return False, None  # answered meanwhile, or asked again since
        gather.forget(conversation)
        request = session.get(Message, waiting.message_ids[0])
        case = _open(session, rt, conversation, waiting, request, now)
        gather.close(session, rt, waiting, case, "no answer", now, opened_with="")
        outbox = _tell(session, rt, conversation, waiting, case, request)
        if Outcome(waiting.outcome).is_human:
            assign_waiting(session, rt.queues, now)
        session.add(conversation)
        session.commit()
        log.info("gathering.opened", case_id=case.id, conversation_id=conversation_id)
        return True, outbox.id if outbox is not None else None


def _open(
    session: Session,
    rt: Runtime,
    conversation: Conversation,
    waiting: gather.Held,
    request: Message | None,
    now: datetime,
) -> Case:
    route = waiting.route()
    case_type = rt.case_types[waiting.case_type]
    case = Case(
        reference=new_reference(rt.settings.case_reference_prefix),
        customer_id=conversation.customer_id,
        conversation_id=conversation.id,
        case_type=case_type.id,
        intent=waiting.intent,
        stage=case_type.lifecycle.initial,
        priority=route.priority.value,
        flags=list(waiting.flags),
        queue=route.queue,
        channel=conversation.channel,
        summary="",
        raised_from=request.from_address if request is not None else None,
        partner_consent="requested" if route.outcome is Outcome.PARTNER else None,
        queued_at=now if route.outcome.is_human else None,
        created_at=now,
        updated_at=now,
    )
    reason = f"rule {route.rule_id}; the resident stopped answering"
    start_case(session, case, case_type, rt.calendar, gather.ROUTER, reason, now)
    decided = RoutingDecision(
        message_id=waiting.message_ids[0], conversation_id=conversation.id, case_id=case.id,
        intent=waiting.intent, confidence=waiting.confidence, nlu_backend="gathered",
        rule_id=route.rule_id, ruleset_version=rt.ruleset.version, outcome=route.outcome.value,
        queue=route.queue, priority=route.priority.value, flags=list(waiting.flags),
        decided_at=now,
    )  # fmt: skip
    session.add(decided)
    others = session.exec(
        select(Case.id).where(Case.conversation_id == conversation.id, Case.status == "open")
    ).all()
    ids = [case_id for case_id in others if case_id is not None]
    if len(ids) > 1:
        link_cases(session, ids, f"conversation {conversation.id}", now)
    return case


def _tell(
    session: Session,
    rt: Runtime,
    conversation: Conversation,
    waiting: gather.Held,
    case: Case,
    request: Message | None,
) -> OutboxMessage | None:
    """The need's own reply with its reference, where a reply may safely go."""
    address = request.from_address if request is not None else None
    if conversation.advisor_id is not None or request is None:
        return None
    unsafe = address is None or no_contact(session, address)
    if conversation.channel in DEVICE_CHANNELS and unsafe:
        return None
    route = waiting.route()
    template = route.reply or DEFAULT_REPLIES[route.outcome]
    title = rt.queues[case.queue].title if case.queue else None
    outbox = OutboxMessage(
        idempotency_key=f"gathered:{conversation.id}:{waiting.message_ids[0]}",
        conversation_id=conversation.id,
        case_id=case.id,
        channel=Channel(conversation.channel).value,
        to_address=address,
        body=f"{NO_ANSWER} {render_reply(template, case.reference, title)}",
    )
    session.add(outbox)
    session.flush()
    return outbox
