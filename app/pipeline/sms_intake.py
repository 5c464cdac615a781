"""What happens to every incoming text, from the webhook or the simulator alike."""

from __future__ import annotations

from sqlmodel import col, select

from app.channels.base import InboundMessage
from app.db import session as db_session
from app.models import Message, OutboxMessage, utcnow
from app.pipeline.decide import decide, routing_context
from app.pipeline.handle import handle_message
from app.pipeline.ingest import Ingested, ingest
from app.pipeline.keywords import (
    HELP_REPLY,
    HELP_WORDS,
    apply_keyword,
    might_be_keyword,
    recognise,
)
from app.pipeline.understand import Understanding
from app.runtime import Runtime
from app.understanding.entities import Entities
from app.vocabulary import Channel, Outcome


def receive_sms(rt: Runtime, inbound: InboundMessage) -> tuple[Ingested, str | None]:
    """Store the text once; answer keywords at once; queue everything else for the pipeline.

    Returns what to say straight back (HELP's words, or a self-service answer), if anything.
    """
    word = _keyword(rt, inbound)
    answer_now = word is None and _looks_like_an_answer(rt, inbound)
    # Keywords and self-service are settled in this request; only the rest go to the relay.
    relay = rt.announces_inbound and word is None and not answer_now
    ingested = ingest(rt.engine, inbound, announce=relay)
    # Twilio may send copies of one text at once; every copy must get the same TwiML.
    if word is not None:
        return ingested, _apply_keyword_once(rt, ingested.message_id, word)
    if ingested.processed:
        return ingested, _answer_already_given(rt, ingested.message_id)
    if answer_now:
        result = handle_message(rt, ingested.message_id, reply_in_response=True)
        if result is None:
            # Another copy handled it while this one waited on the row lock: say what it said.
            return ingested, _answer_already_given(rt, ingested.message_id)
        return ingested, result.reply if result.in_response else None
    # The reply goes through the outbox once the pipeline has decided, so it is never lost.
    # A copy of a message already enqueued (by the relay or another copy) enqueues nothing.
    if not ingested.announced:
        rt.jobs.enqueue_inbound(ingested.message_id)
    return ingested, None


def _apply_keyword_once(rt: Runtime, message_id: int, word: str) -> str | None:
    """Record the keyword unless a copy of this text already has; the same words either way."""
    with db_session(rt.engine) as session:
        message = session.exec(
            select(Message).where(Message.id == message_id).with_for_update()
        ).one()
        if message.processed_at is None:
            apply_keyword(session, message, word)
            session.commit()
    return HELP_REPLY if word in HELP_WORDS else None


def _keyword(rt: Runtime, inbound: InboundMessage) -> str | None:
    if not might_be_keyword(inbound.body):
        return None  # most texts: no query at all
    with db_session(rt.engine) as session:
        return recognise(session, inbound.from_address or "", inbound.body)


def _looks_like_an_answer(rt: Runtime, inbound: InboundMessage) -> bool:
    """A cheap forecast (the intent alone, no database): would the rules answer this at once?

    A wrong forecast costs only time: the pipeline decides for real either way, safety cues
    and all, and anything that is not an answer still goes through the outbox.
    """
    understanding = Understanding(nlu=rt.nlu.parse(inbound.body), entities=Entities(), cues=())
    ctx = routing_context(understanding, Channel.SMS, frozenset(), utcnow(), rt.calendar)
    return decide(rt.ruleset, ctx, understanding).outcome is Outcome.ANSWER


def _answer_already_given(rt: Runtime, message_id: int) -> str | None:
    """Twilio retried a text we answered in our response: give the same answer again."""
    with db_session(rt.engine) as session:
        row = session.exec(
            select(OutboxMessage).where(OutboxMessage.idempotency_key == f"reply:{message_id}")
        ).first()
        sent_in_response = (
            row is not None
            and row.message_id is not None
            and session.exec(
                select(Message.id).where(
                    Message.id == row.message_id, col(Message.external_id).startswith("response:")
                )
            ).first()
            is not None
        )
        return row.body if row is not None and sent_in_response else None
