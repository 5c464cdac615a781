"""One call webhook, once: lock the call, replay a step we already answered, else walk on.

Twilio retries a webhook that timed out, and a retry must not raise a second case or a second
transfer. Each TwiML we send names the next sequence number in its action URL; the answer
to (CallSid, seq) is stored in the same transaction as everything the step did, so a retry
gets the stored TwiML back and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

import structlog
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.channels.voice import CallInput
from app.db import session as db_session
from app.ivr.engine import Answer, CallWalker
from app.ivr.state import CallState
from app.models import CallStep, Conversation
from app.pipeline.ingest import upsert_conversation
from app.runtime import Runtime
from app.vocabulary import Channel

log = structlog.get_logger(__name__)

STEP_PATH = "/webhooks/twilio/voice/step"


def step_url_maker(public_base: str) -> Callable[[int, str], str]:
    def step_url(seq: int, step: str) -> str:
        return f"{public_base}{STEP_PATH}?{urlencode({'seq': seq, 'step': step})}"

    return step_url


def take_call_webhook(rt: Runtime, call: CallInput, public_base: str) -> str:
    """The TwiML for this webhook: stored if it is a retry, else freshly walked and stored."""
    with db_session(rt.engine) as session:
        now = rt.clock()
        conversation = _locked_call(session, call, now)
        stored = _stored(session, call)
        if stored is not None:
            log.info("call.replayed", seq=call.seq)
            return stored
        state = CallState.of(conversation.state, rt.settings.ivr_flow)
        walker = CallWalker(
            rt, session, rt.flows[state.flow], conversation, state, call.caller, now,
            step_url_maker(public_base),
        )  # fmt: skip
        answered = state.awaiting or "start"
        if call.seq == 0:
            response = walker.start()
        else:
            response = walker.answer(
                Answer(call.digits, call.speech, call.speech_confidence, call.recording_url)
            )
        twiml = str(response)
        conversation.state = state.into(conversation.state)
        conversation.last_activity_at = now
        session.add(conversation)
        session.add(
            CallStep(
                conversation_id=conversation.id or 0,
                call_sid=call.call_sid,
                seq=call.seq,
                step=answered,
                digits=call.digits,
                speech=call.speech,
                speech_confidence=call.speech_confidence,
                twiml=twiml,
                created_at=now,
            )
        )
        try:
            session.commit()
        except IntegrityError:
            # A concurrent retry of this very step won; answer what it answered.
            session.rollback()
            stored = _stored(session, call)
            if stored is None:
                raise
            return stored
    return twiml


def record_call_status(rt: Runtime, call_sid: str, status: str, order: dict[str, int]) -> bool:
    """Note the call's progress; a late callback never moves it back. False if unknown."""
    with db_session(rt.engine) as session:
        conversation = session.exec(
            select(Conversation)
            .where(Conversation.channel == Channel.VOICE.value, Conversation.thread_key == call_sid)
            .with_for_update()
        ).first()
        if conversation is None:
            return False
        state = CallState.of(conversation.state, rt.settings.ivr_flow)
        if order[status] > order.get(state.call_status or "", -1):
            state.call_status = status
            conversation.state = state.into(conversation.state)
            session.add(conversation)
            session.commit()
    return True


def _locked_call(session: Session, call: CallInput, now: datetime) -> Conversation:
    """The call's conversation, created if new, locked so its webhooks run one at a time."""
    conversation_id = upsert_conversation(session, Channel.VOICE.value, call.call_sid, now)
    return session.exec(
        select(Conversation).where(Conversation.id == conversation_id).with_for_update()
    ).one()


def _stored(session: Session, call: CallInput) -> str | None:
    return session.exec(
        select(CallStep.twiml).where(CallStep.call_sid == call.call_sid, CallStep.seq == call.seq)
    ).first()
