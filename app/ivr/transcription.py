"""A voicemail's transcription, read as a text would be: safety cues change its case's route.

A message left out of hours waits for the morning, so what it says must be heard before then:
"I can't go on" in a voicemail raises the same flags and the same priority as in a text, and
moves the case to safeguarding. The words are kept as an inbound message on the call's
conversation, unique on Twilio's TranscriptionSid, so a retried callback changes nothing.

Like a call step, this runs in the webhook: understanding and deciding are a few milliseconds in
memory, and storing the words in the same transaction as their triage means a transcription we
acknowledged has always been acted on.
"""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from sqlalchemy import Table
from sqlmodel import Session, select

from app.audit import record
from app.cases import fold_in, open_case_types
from app.channels.voice import TranscriptionInput
from app.db import session as db_session
from app.db import upsert_insert
from app.ivr.handoff import PHONEBOT
from app.ivr.later import MESSAGE_CASE
from app.ivr.state import CallState
from app.models import Case, Conversation, Message, utcnow
from app.pipeline.decide import decide, decision_record, routing_context
from app.pipeline.understand import understand
from app.runtime import Runtime
from app.vocabulary import Channel, Outcome

log = structlog.get_logger(__name__)

UNHEARD = "Its transcription failed: listen to the recording."
_COUNCIL_OUTCOMES = (Outcome.SERVICE_REQUEST, Outcome.ADVISOR, Outcome.EMERGENCY)


@dataclass(frozen=True)
class Triage:
    case_id: int
    queue: str | None
    priority: str
    flags: tuple[str, ...]


def take_transcription(rt: Runtime, transcription: TranscriptionInput) -> Triage | None:
    """Keep the words on the voicemail's case and route it again by them; None if there is
    no such voicemail or this transcription was taken before."""
    with db_session(rt.engine) as session:
        conversation = session.exec(
            select(Conversation)
            .where(
                Conversation.channel == Channel.VOICE.value,
                Conversation.thread_key == transcription.call_sid,
            )
            .with_for_update()
        ).first()
        case = _voicemail_case(session, rt, conversation, transcription.recording_url)
        if conversation is None or case is None:
            log.info("voicemail.transcription_unmatched")
            return None
        message_id = _keep_words(session, conversation, transcription)
        if message_id is None:
            log.info("voicemail.transcription_replayed", case_id=case.id)
            return None
        triage = _triage(session, rt, conversation, case, transcription, message_id)
        session.commit()
    log.info("voicemail.transcribed", case_id=triage.case_id, queue=triage.queue,
             priority=triage.priority)  # fmt: skip
    return triage


def _voicemail_case(
    session: Session, rt: Runtime, conversation: Conversation | None, recording_url: str | None
) -> Case | None:
    """The case the call left this recording on: its own, or the one a transfer raised."""
    if conversation is None or recording_url is None:
        return None
    state = CallState.of(conversation.state, rt.settings.ivr_flow)
    reference = state.gathered.get(MESSAGE_CASE)
    if reference is None:
        return None
    case = session.exec(select(Case).where(Case.reference == reference).with_for_update()).first()
    return case if case is not None and recording_url in case.attachments else None


def _keep_words(
    session: Session, conversation: Conversation, transcription: TranscriptionInput
) -> int | None:
    """The words as an inbound message, handled as it is stored; None if already kept."""
    table: Table = Message.__table__  # type: ignore[attr-defined]
    now = utcnow()
    statement = (
        upsert_insert(session)(table)
        .values(
            conversation_id=conversation.id,
            direction="in",
            channel=Channel.VOICE.value,
            external_id=transcription.sid,
            body=transcription.text,
            media=[transcription.recording_url],
            hints=(
                {"replaced_characters": str(transcription.replaced_characters)}
                if transcription.replaced_characters
                else {}
            ),
            created_at=now,
            processed_at=now,  # triaged in this transaction: the relay has nothing to do
        )
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        .returning(table.c.id)
    )
    row = session.execute(statement).first()
    return int(row[0]) if row is not None else None


def _triage(
    session: Session,
    rt: Runtime,
    conversation: Conversation,
    case: Case,
    transcription: TranscriptionInput,
    message_id: int,
) -> Triage:
    assert case.id is not None
    now = utcnow()
    if not transcription.completed or not transcription.text:
        case.summary = f"{case.summary} {UNHEARD}".strip()
        session.add(case)
        return Triage(case.id, case.queue, case.priority, tuple(case.flags))
    understanding = understand(
        transcription.text, rt.nlu, rt.lexicon, rt.settings.case_reference_prefix, Channel.VOICE,
        safety_model=rt.safety_model,
    )  # fmt: skip
    ctx = routing_context(
        understanding, Channel.VOICE, open_case_types(session, case.customer_id), now, rt.calendar
    )
    decision = decide(rt.ruleset, ctx, understanding)
    case.summary = f"{case.summary} They said: {transcription.text}".strip()
    fold_in(session, case, understanding.flags, decision.priority, PHONEBOT, now)
    # The rules that route every text route these words too, to a council team's queue; never
    # to a partner's, which needs the resident's consent first.
    moves = decision.outcome in _COUNCIL_OUTCOMES and decision.queue
    if moves and decision.queue != case.queue:
        record(session, PHONEBOT, "case.requeued", "case", case.id,
               from_queue=case.queue, to_queue=decision.queue, rule=decision.rule_id)  # fmt: skip
        case.queue = decision.queue
    recorded = decision_record(
        decision, understanding, rt.ruleset.version, case.queue, now, conversation.id,
        message_id=message_id, case_id=case.id,
    )  # fmt: skip
    session.add(recorded)
    return Triage(case.id, case.queue, case.priority, tuple(case.flags))
