"""One call webhook, once: lock the call, replay a step we already answered, else walk on.

Twilio retries a webhook that timed out, and a retry must not raise a second case or a second
transfer. Each TwiML we send names the next sequence number in its action URL; the answer
to (CallSid, seq) is stored in the same transaction as everything the step did, so a retry
gets the stored TwiML back and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import structlog
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.channels.voice import CallInput
from app.db import session as db_session
from app.ivr.call_store import (
    AnsweredStep,
    CallConversation,
    locked_call,
    save_step,
    stored_twiml,
)
from app.ivr.engine import Answer, CallWalker
from app.ivr.gathering import log_after_hang_up
from app.ivr.state import CallState
from app.models import Conversation
from app.runtime import Runtime
from app.vocabulary import Channel

log = structlog.get_logger(__name__)

STEP_PATH = "/webhooks/twilio/voice/step"
# A call status this far along (completed, busy, failed, ...) means the call is over.
CALL_OVER = 3
TRANSCRIPTION_PATH = "/webhooks/twilio/voice/transcription"


def step_url_maker(public_base: str) -> Callable[[int, str], str]:
    def step_url(seq: int, step: str) -> str:
        return f"{public_base}{STEP_PATH}?{urlencode({'seq': seq, 'step': step})}"

    return step_url


def take_call_webhook(rt: Runtime, call: CallInput, public_base: str) -> str:
    """The TwiML for this webhook: stored if it is a retry, else freshly walked and stored."""
    with db_session(rt.engine) as session:
        now = rt.clock()
        conversation = locked_call(session, Channel.VOICE.value, call.call_sid, now)
        state = CallState.of(conversation.state, rt.settings.ivr_flow)
        if call.seq <= state.answered:
            stored = stored_twiml(session, call.call_sid, call.seq)
            if stored is not None:
                log.info("call.replayed", seq=call.seq)
                return stored
        walker = CallWalker(
            rt, session, rt.flows[state.flow], conversation, state, call.caller, now,
            step_url_maker(public_base), f"{public_base}{TRANSCRIPTION_PATH}",
        )  # fmt: skip
        answered = state.awaiting or "start"
        if call.replaced_characters:
            # Kept in the step's speech as U+FFFD; said here so the alteration is on record.
            log.info("call.speech_replaced", seq=call.seq, characters=call.replaced_characters)
        if call.seq == 0:
            response = walker.start()
        else:
            response = walker.answer(
                Answer(call.digits, call.speech, call.speech_confidence, call.recording_url)
            )
        twiml = str(response)
        state.answered = max(state.answered, call.seq)
        conversation.state = state.into(conversation.state)
        step = AnsweredStep(
            call_sid=call.call_sid,
            seq=call.seq,
            step=answered,
            digits=call.digits,
            speech=call.speech,
            speech_confidence=call.speech_confidence,
            twiml=twiml,
            created_at=now,
        )
        try:
            save_step(session, conversation, step)
            session.commit()
        except IntegrityError:
            # A retry of this very step won (one from before `answered` was kept); answer as it did.
            session.rollback()
            stored = stored_twiml(session, call.call_sid, call.seq)
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
            if order[status] >= CALL_OVER:
                _hung_up(rt, session, conversation)
                state = CallState.of(conversation.state, rt.settings.ivr_flow)
            state.call_status = status
            conversation.state = state.into(conversation.state)
            session.add(conversation)
            session.commit()
    return True


def _hung_up(rt: Runtime, session: Session, conversation: Conversation) -> None:
    """A caller who hung up while we were taking down their details still gets the case."""
    call = CallConversation(conversation.id or 0, conversation.customer_id, conversation.state)
    state = CallState.of(call.state, rt.settings.ivr_flow)
    case = log_after_hang_up(session, rt, rt.flows[state.flow], call, rt.clock())
    if case is not None:
        conversation.state, conversation.customer_id = call.state, call.customer_id
        log.info("call.logged_after_hang_up", case_id=case.id)
