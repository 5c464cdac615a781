"""Out of hours: a voicemail or a callback request becomes a case for the morning."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.audit import record
from app.cases import new_reference, start_case
from app.ivr.call_store import CallConversation
from app.ivr.handoff import PHONEBOT
from app.models import Case
from app.runtime import Runtime
from app.vocabulary import Channel

CASE_TYPE = "advisor_enquiry"
# What a call gathers once the caller has left word: the case it went on.
MESSAGE_CASE = "message_case"


def case_for_later(
    session: Session,
    rt: Runtime,
    conversation: CallConversation,
    caller: str | None,
    queue: str,
    now: datetime,
    recording_url: str | None = None,
) -> Case:
    """A voicemail (with its recording) or, without one, a callback request; the caller commits."""
    stage = rt.case_types[CASE_TYPE].lifecycle.initial
    summary, intent = _left(recording_url)
    case = Case(
        reference=new_reference(rt.settings.case_reference_prefix),
        customer_id=conversation.customer_id,
        conversation_id=conversation.id,
        case_type=CASE_TYPE,
        intent=intent,
        stage=stage,
        queue=queue,
        channel=Channel.VOICE.value,
        summary=summary,
        raised_from=caller,
        attachments=[recording_url] if recording_url else [],
        queued_at=now,
        created_at=now,
        updated_at=now,
    )
    start_case(session, case, rt.case_types[CASE_TYPE], rt.calendar, PHONEBOT, summary, now)
    record(session, PHONEBOT, f"call.{intent}", "case", case.id, queue=queue)
    return case


def join_case(session: Session, case_id: int, recording_url: str | None = None) -> Case:
    """A voicemail or callback request from a call that already raised `case_id` (a transfer
    that met closed lines) joins that case, so its packet and the message are read together."""
    case = session.get_one(Case, case_id)
    summary, intent = _left(recording_url)
    case.summary = f"{case.summary} {summary}".strip()
    if recording_url is not None:
        case.attachments = [*case.attachments, recording_url]
    session.add(case)
    record(session, PHONEBOT, f"call.{intent}", "case", case.id, queue=case.queue)
    return case


def _left(recording_url: str | None) -> tuple[str, str]:
    """The summary line and intent of what the caller left."""
    if recording_url is not None:
        return "Voicemail left by phone.", "voicemail"
    return "Callback requested by phone.", "callback"
