"""Act: answer, raise a case, queue for an advisor, refer to a partner, or raise the alarm.

Everything here is written in the caller's transaction, including the reply's outbox row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from app.audit import record, record_flags_set
from app.cases import new_reference, start_case
from app.models import Case, Conversation, Message, OutboxMessage
from app.pipeline.answers import (
    ANSWER_PROVIDERS,
    DEFAULT_REPLIES,
    AnswerContext,
    render_reply,
)
from app.pipeline.decide import Decision, decision_record
from app.pipeline.understand import Understanding
from app.runtime import Runtime
from app.vocabulary import Outcome, Priority

ROUTER = "frontdoor:router"

# The case type each outcome opens when its rule names none.
DEFAULT_CASE_TYPE = {
    Outcome.SERVICE_REQUEST: "service_request",
    Outcome.ADVISOR: "advisor_enquiry",
    Outcome.PARTNER: "partner_referral",
    Outcome.EMERGENCY: "advisor_enquiry",
}


@dataclass(frozen=True)
class ActResult:
    decision_id: int
    case_id: int | None
    case_reference: str | None
    reply: str
    outbox_id: int | None
    # True when the reply went back in the webhook's own response (TwiML), not the outbox relay.
    in_response: bool = False


def act(
    session: Session,
    rt: Runtime,
    message: Message,
    conversation: Conversation,
    understanding: Understanding,
    decision: Decision,
    now: datetime,
) -> ActResult:
    """Carry out `decision` for `message`; the caller commits."""
    case = None
    if decision.outcome is not Outcome.ANSWER:
        case = _case_for(session, rt, message, conversation, understanding, decision, now)
    reply = compose_reply(session, rt, decision, understanding, case, conversation, now, message)
    routing_decision = decision_record(
        decision, understanding, rt.ruleset.version, decision.queue, now, conversation.id,
        message_id=message.id, case_id=case.id if case else None,
    )  # fmt: skip
    session.add(routing_decision)
    outbox = None
    if conversation.advisor_id is None:
        # Once an advisor has taken the conversation, the bot stays quiet.
        outbox = OutboxMessage(
            idempotency_key=f"reply:{message.id}",
            conversation_id=conversation.id,
            case_id=case.id if case else None,
            channel=message.channel,
            to_address=message.from_address,
            body=reply,
        )
        session.add(outbox)
    session.flush()
    assert routing_decision.id is not None
    return ActResult(
        decision_id=routing_decision.id,
        case_id=case.id if case else None,
        case_reference=case.reference if case else None,
        reply=reply,
        outbox_id=outbox.id if outbox else None,
    )


def compose_reply(
    session: Session,
    rt: Runtime,
    decision: Decision,
    understanding: Understanding,
    case: Case | None,
    conversation: Conversation | None,
    now: datetime,
    message: Message | None = None,
) -> str:
    """The words the resident hears back."""
    if decision.answer is not None:
        postcode = understanding.entities.postcode or _known_postcode(conversation)
        provider = ANSWER_PROVIDERS[decision.answer]
        context = AnswerContext(
            session=session,
            calendar=rt.calendar,
            case_types=rt.case_types,
            now=now,
            postcode=postcode,
            reference=understanding.entities.case_reference,
            conversation=conversation,
            message=message,
        )
        return provider(context)
    template = decision.reply or DEFAULT_REPLIES[decision.outcome]
    if decision.outcome is Outcome.EMERGENCY:
        template = DEFAULT_REPLIES[Outcome.EMERGENCY]
    queue_title = rt.queues[decision.queue].title if decision.queue else None
    reference = case.reference if case else f"{rt.settings.case_reference_prefix}-??????"
    return render_reply(template, reference, queue_title)


def _known_postcode(conversation: Conversation | None) -> str | None:
    if conversation is None:
        return None
    value = conversation.state.get("postcode")
    return str(value) if value else None


def _case_for(
    session: Session,
    rt: Runtime,
    message: Message,
    conversation: Conversation,
    understanding: Understanding,
    decision: Decision,
    now: datetime,
) -> Case:
    """The conversation's open case of this kind, or a new one: nobody repeats themselves."""
    case_type = decision.case_type or DEFAULT_CASE_TYPE[decision.outcome]
    stage = rt.case_types[case_type].lifecycle.initial
    existing = session.exec(
        select(Case).where(
            Case.conversation_id == conversation.id,
            Case.case_type == case_type,
            Case.status == "open",
        )
    ).first()
    if existing is not None:
        _add_to(session, existing, message, decision, understanding, now)
        return existing
    human = decision.outcome.is_human
    case = Case(
        reference=new_reference(rt.settings.case_reference_prefix),
        customer_id=conversation.customer_id,
        conversation_id=conversation.id,
        case_type=case_type,
        intent=understanding.nlu.intent,
        stage=stage,
        priority=decision.priority.value,
        flags=list(understanding.flags),
        queue=decision.queue,
        channel=message.channel,
        summary=message.body,
        raised_from=message.from_address,
        attachments=list(message.media),
        partner_consent="requested" if decision.outcome is Outcome.PARTNER else None,
        queued_at=now if human else None,
        created_at=now,
        updated_at=now,
    )
    return start_case(
        session,
        case,
        rt.case_types[case_type],
        rt.calendar,
        ROUTER,
        f"rule {decision.rule_id}",
        now,
    )


def _add_to(
    session: Session,
    case: Case,
    message: Message,
    decision: Decision,
    understanding: Understanding,
    now: datetime,
) -> None:
    """Fold a later message into an open case: flags join, priority only rises.

    A more pressing message moves a case nobody has picked up yet to the new decision's queue,
    so it reaches the team that can resolve it instead of being transferred later.
    """
    current = Priority(case.priority)
    if (
        decision.priority.rank > current.rank
        and decision.queue not in (None, case.queue)
        and case.advisor_id is None
    ):
        record(
            session, ROUTER, "case.requeued", "case", case.id,
            from_queue=case.queue, to_queue=decision.queue, rule=decision.rule_id,
        )  # fmt: skip
        case.queue = decision.queue
    case.priority = Priority.highest(current, decision.priority).value
    case.flags = sorted(set(case.flags) | set(understanding.flags))
    case.attachments = [
        *case.attachments,
        *(url for url in message.media if url not in case.attachments),
    ]
    case.updated_at = now
    record_flags_set(session, case, ROUTER)
