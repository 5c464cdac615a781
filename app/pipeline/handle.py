"""handle_message: the whole chain for one stored inbound message, in one transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import structlog
from sqlmodel import Session, select

from app.cases import open_case_types
from app.db import session as db_session
from app.models import ContactKind, Conversation, Message, OutboxMessage, utcnow
from app.pipeline import memory
from app.pipeline.act import ActResult, act
from app.pipeline.clarify import ask_if_near_miss
from app.pipeline.decide import decide, routing_context
from app.pipeline.deliver import record_sent
from app.pipeline.identify import identify
from app.pipeline.understand import understand
from app.routing.assign_service import assign_waiting
from app.runtime import Runtime
from app.vocabulary import Channel, Outcome

log = structlog.get_logger(__name__)


def handle_message(
    rt: Runtime, message_id: int, reply_in_response: bool = False
) -> ActResult | None:
    """identify -> understand -> decide -> act, then hand the reply to the outbox relay.

    Safe to run twice: the message row is locked and a processed message is skipped.
    """
    with structlog.contextvars.bound_contextvars(message_id=message_id):
        return _handle(rt, message_id, reply_in_response)


def _handle(rt: Runtime, message_id: int, reply_in_response: bool) -> ActResult | None:
    with db_session(rt.engine) as session:
        conversation_id = session.exec(
            select(Message.conversation_id).where(Message.id == message_id)
        ).first()
        if conversation_id is None:
            log.info("message.skipped", reason="missing")
            return None
        # Always conversation, then message: one lock order, so handlers never deadlock, and
        # a conversation's messages are handled one at a time, in order.
        conversation = session.exec(
            select(Conversation).where(Conversation.id == conversation_id).with_for_update()
        ).one()
        message = session.exec(
            select(Message).where(Message.id == message_id).with_for_update()
        ).one()
        if message.processed_at is not None or message.direction != "in":
            log.info("message.skipped", reason="already handled")
            return None
        now = utcnow()

        contact = None
        if message.from_address and "from_kind" in message.hints:
            contact = (ContactKind(message.hints["from_kind"]), message.from_address)
        identification = identify(
            session,
            conversation,
            contact,
            name=message.hints.get("name"),
            postcode=message.hints.get("postcode"),
        )
        understanding = understand(
            message.body,
            rt.nlu,
            rt.lexicon,
            rt.settings.case_reference_prefix,
            Channel(message.channel),
            safety_model=rt.safety_model,
        )
        understanding = memory.resolve(
            conversation,
            understanding,
            now,
            timedelta(minutes=rt.settings.conversation_idle_minutes),
            message.body,
            rt.near_misses,
        )
        understanding = ask_if_near_miss(understanding, rt.near_misses, Channel(message.channel))
        if understanding.entities.postcode:
            conversation.state = {**conversation.state, "postcode": understanding.entities.postcode}
        ctx = routing_context(
            understanding,
            Channel(message.channel),
            open_case_types(session, identification.customer_id),
            now,
            rt.calendar,
        )
        decision = decide(rt.ruleset, ctx, understanding)
        result = act(session, rt, message, conversation, understanding, decision, now)
        if reply_in_response and decision.outcome is Outcome.ANSWER and result.outbox_id:
            # The webhook's own response carries the answer; record it as sent that way.
            result = replace(
                result, in_response=mark_sent_in_response(session, result.outbox_id, message, now)
            )
        if decision.needs_person:
            assign_waiting(session, rt.queues, now)
        message.processed_at = now
        conversation.last_activity_at = now
        session.commit()

    log.info(
        "message.routed",
        rule=decision.rule_id,
        outcome=decision.outcome.value,
        queue=decision.queue,
        priority=decision.priority.value,
        identified_by=identification.method,
        case_id=result.case_id,
        case_ids=list(result.case_ids),
        also=[route.rule_id for route in decision.also],
    )
    if result.outbox_id is not None and not result.in_response:
        rt.jobs.enqueue("send", result.outbox_id)
    return result


def mark_sent_in_response(
    session: Session, outbox_id: int, inbound: Message, now: datetime
) -> bool:
    """Record an answer given in the webhook response (TwiML) as sent."""
    row = session.get_one(OutboxMessage, outbox_id)
    record_sent(session, row, inbound.conversation_id, f"response:{inbound.external_id}", now)
    return True
