"""handle_message: the whole chain for one stored inbound message, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import structlog
from sqlmodel import Session, col, select

from app.cases import open_case_types
from app.db import session as db_session
from app.lifecycle.details import DetailSpec
from app.models import Case, ContactKind, Conversation, Message, OutboxMessage, utcnow
from app.pipeline import gather, memory
from app.pipeline.act import ActResult, act
from app.pipeline.clarify import ask_if_near_miss
from app.pipeline.decide import Decision, decide, routing_context
from app.pipeline.deliver import record_sent
from app.pipeline.identify import identify
from app.pipeline.understand import Understanding, understand
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
        result = _handle(rt, message_id, reply_in_response)
    if result is not None and result.outbox_id is not None and not result.in_response:
        rt.jobs.enqueue("send", result.outbox_id)
    return result


@dataclass
class _Turn:
    """One message being handled, in its locked transaction."""

    rt: Runtime
    session: Session
    message: Message
    conversation: Conversation
    customer_id: int | None
    identified_by: str | None
    now: datetime
    reply_in_response: bool


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
        turn = _Turn(
            rt, session, message, conversation, identification.customer_id,
            identification.method, now, reply_in_response,
        )  # fmt: skip
        result = _route(turn)
        message.processed_at = now
        conversation.last_activity_at = now
        session.commit()
    return result


def _route(turn: _Turn) -> ActResult:
    """Understand and decide; then ask for a need's missing detail, or act on the decision."""
    rt, message, conversation, now = turn.rt, turn.message, turn.conversation, turn.now
    understanding = understand(
        message.body,
        rt.nlu,
        rt.lexicon,
        rt.settings.case_reference_prefix,
        Channel(message.channel),
        safety_model=rt.safety_model,
    )
    if understanding.entities.postcode:
        conversation.state = {**conversation.state, "postcode": understanding.entities.postcode}
    idle = timedelta(minutes=rt.settings.conversation_idle_minutes)
    waiting = gather.held(conversation)
    if waiting is not None:
        gather.forget(conversation)  # answered now, or it opens with this message
    if waiting is not None and gather.answers_it(rt, waiting, message, understanding, now, idle):
        waiting, following = gather.heard(
            turn.session, rt, waiting, message, conversation, understanding, turn.customer_id
        )
        if following is not None:
            return _ask(turn, understanding, waiting, following, first=False)
        understanding = gather.continued(waiting, understanding)
    else:
        understanding = memory.resolve(
            conversation, understanding, now, idle, message.body, rt.near_misses
        )
        understanding = ask_if_near_miss(understanding, rt.near_misses, Channel(message.channel))
    decision = _decide(turn, understanding)
    if waiting is None:
        begun = gather.start(
            turn.session, rt, message, conversation, understanding, decision,
            turn.customer_id, now,
        )  # fmt: skip
        if begun is not None:
            return _ask(turn, understanding, *begun, first=True)
    else:
        decision = gather.with_held(decision, waiting)
    result = act(turn.session, rt, message, conversation, understanding, decision, now)
    if waiting is not None:
        _close(turn, waiting, result)
    if turn.reply_in_response and decision.outcome is Outcome.ANSWER and result.outbox_id:
        # The webhook's own response carries the answer; record it as sent that way.
        sent = mark_sent_in_response(turn.session, result.outbox_id, message, now)
        result = replace(result, in_response=sent)
    if decision.needs_person:
        assign_waiting(turn.session, rt.queues, now)
    log.info(
        "message.routed",
        rule=decision.rule_id,
        outcome=decision.outcome.value,
        queue=decision.queue,
        priority=decision.priority.value,
        identified_by=turn.identified_by,
        case_id=result.case_id,
        case_ids=list(result.case_ids),
        also=[route.rule_id for route in decision.also],
    )
    return result


def _decide(turn: _Turn, understanding: Understanding) -> Decision:
    ctx = routing_context(
        understanding,
        Channel(turn.message.channel),
        open_case_types(turn.session, turn.customer_id),
        turn.now,
        turn.rt.calendar,
    )
    return decide(turn.rt.ruleset, ctx, understanding)


def _ask(
    turn: _Turn,
    understanding: Understanding,
    gathering: gather.Held,
    detail: DetailSpec,
    first: bool,
) -> ActResult:
    """Ask for one missing detail; the need waits in the conversation, no case yet."""
    message, now = turn.message, turn.now
    gathering = gather.asked(gathering, detail, now)
    gather.keep(turn.conversation, gathering)
    words = gather.question(turn.rt, gathering, detail, first)
    row = gather.decision_row(gathering, understanding, message, turn.rt.ruleset.version, now)
    outbox = OutboxMessage(
        idempotency_key=f"reply:{message.id}",
        conversation_id=turn.conversation.id,
        channel=message.channel,
        to_address=message.from_address,
        body=words,
    )
    turn.session.add_all([row, outbox])
    turn.session.flush()
    assert row.id is not None and outbox.id is not None
    in_response = turn.reply_in_response and mark_sent_in_response(
        turn.session, outbox.id, message, now
    )
    log.info("message.gathering", case_type=gathering.case_type, asking=detail.id)
    return ActResult(
        decision_id=row.id,
        case_id=None,
        case_reference=None,
        reply=words,
        outbox_id=outbox.id,
        in_response=in_response,
    )


def _close(turn: _Turn, gathering: gather.Held, result: ActResult) -> None:
    """The gathered need's case (opened or joined by act) gets everything that was said."""
    if not result.case_ids:
        return
    case = turn.session.exec(
        select(Case)
        .where(col(Case.id).in_(result.case_ids), Case.case_type == gathering.case_type)
        .order_by(col(Case.id).desc())
    ).first()
    if case is None:
        return
    why = "complete" if not gather.missing_of(turn.rt, gathering) else "ended early"
    gather.close(turn.session, turn.rt, gathering, case, why, turn.now, turn.message.body)


def mark_sent_in_response(
    session: Session, outbox_id: int, inbound: Message, now: datetime
) -> bool:
    """Record an answer given in the webhook response (TwiML) as sent."""
    row = session.get_one(OutboxMessage, outbox_id)
    record_sent(session, row, inbound.conversation_id, f"response:{inbound.external_id}", now)
    return True
