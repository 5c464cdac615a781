"""handle_message: the whole chain for one stored inbound message, in one transaction."""

from __future__ import annotations

from datetime import timedelta

import structlog
from sqlmodel import select

from app.cases import open_case_types
from app.db import session as db_session
from app.models import ContactKind, Conversation, Message, utcnow
from app.pipeline import memory
from app.pipeline.act import ActResult, act
from app.pipeline.decide import decide, routing_context
from app.pipeline.identify import identify
from app.pipeline.understand import understand
from app.routing.assign_service import assign_waiting
from app.runtime import Runtime
from app.vocabulary import Channel

log = structlog.get_logger(__name__)


def handle_message(rt: Runtime, message_id: int) -> ActResult | None:
    """identify -> understand -> decide -> act, then hand the reply to the outbox relay.

    Safe to run twice: the message row is locked and a processed message is skipped.
    """
    with structlog.contextvars.bound_contextvars(message_id=message_id):
        return _handle(rt, message_id)


def _handle(rt: Runtime, message_id: int) -> ActResult | None:
    with db_session(rt.engine) as session:
        message = session.exec(
            select(Message).where(Message.id == message_id).with_for_update()
        ).first()
        if message is None or message.processed_at is not None or message.direction != "in":
            log.info("message.skipped", reason="missing or already handled")
            return None
        conversation = session.get_one(Conversation, message.conversation_id)
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
            message.body, rt.nlu, rt.lexicon, rt.settings.case_reference_prefix
        )
        understanding = memory.resolve(
            conversation,
            understanding,
            now,
            timedelta(minutes=rt.settings.conversation_idle_minutes),
        )
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
        if decision.outcome.is_human:
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
    )
    if result.outbox_id is not None:
        rt.jobs.enqueue("send", result.outbox_id)
    return result
