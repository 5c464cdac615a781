"""Putting a caller through: the queue the routing rules choose, and the packet on the case.

The queue comes from the same rules as every other channel, fed with what the call taught us:
the menu path's intent and every safety cue in everything the caller said. The advisor who
answers sees the packet (intent, confidence, answers, flags, transcript) on the case, so the
caller never starts again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.cases import fold_in, new_reference, open_case_types, start_case
from app.ivr.call_store import CallConversation
from app.models import Case, Handoff
from app.pipeline.act import DEFAULT_CASE_TYPE
from app.pipeline.decide import Decision, decide, decision_record, routing_context
from app.pipeline.understand import Understanding, assess
from app.row_family import UNLINKED, Belonging
from app.runtime import Runtime
from app.understanding.entities import extract_entities
from app.understanding.nlu import NluResult
from app.vocabulary import Channel, Outcome

PHONEBOT = "frontdoor:phonebot"
DEFAULT_QUEUE = "customer_services"
VOICE_BACKEND = "ivr"


@dataclass(frozen=True)
class CallFacts:
    """What the call has taught us so far."""

    intent: str
    confidence: float
    gathered: dict[str, str]
    transcript: list[dict[str, object]]
    caller: str | None  # a hint: recorded as where the case came from, never as identity

    @property
    def spoken(self) -> str:
        return " ".join(str(h["speech"]) for h in self.transcript if h.get("speech"))


@dataclass(frozen=True)
class Transfer:
    queue: str
    case: Case
    handoff: Handoff
    decision: Decision


def hand_over(
    session: Session,
    rt: Runtime,
    conversation: CallConversation,
    facts: CallFacts,
    case: Case | None,
    now: datetime,
    queue: str | None = None,
) -> Transfer:
    """Decide the queue, put the packet on the case (a new one if need be); the caller commits.

    `case` is the caller's case, only once they are verified for it.
    """
    customer_id = case.customer_id if case is not None else conversation.customer_id
    understanding, decision = route_call(session, rt, customer_id, facts, now)
    chosen = _queue(decision, case, queue)
    routed = _Routed(conversation, facts, understanding, decision, chosen, now)
    record = decision_record(
        decision, understanding, rt.ruleset.version, chosen, now, conversation.id
    )
    handoff = _packet(routed)
    if case is None:
        # The case, its packet and the decision go in together; the handoff gets its id there.
        case = _new_case(session, rt, routed, [Belonging(handoff), Belonging(record)])
    else:
        fold_in(session, case, understanding.flags, decision.priority, PHONEBOT, now)
        assert case.id is not None  # a verified case was read from the database
        handoff.case_id = record.case_id = case.id
        session.add_all([handoff, record])
        session.flush()  # the queue's task attributes carry the handoff's id
    # The handoff row is itself the record of who was put through where, and why.
    return Transfer(queue=routed.queue, case=case, handoff=handoff, decision=decision)


def route_call(
    session: Session, rt: Runtime, customer_id: int | None, facts: CallFacts, now: datetime
) -> tuple[Understanding, Decision]:
    """What the routing rules make of the call so far, as they would of a text saying it."""
    understanding = Understanding(
        nlu=NluResult(facts.intent, facts.confidence, backend=VOICE_BACKEND),
        entities=extract_entities(facts.spoken, rt.settings.case_reference_prefix),
        cues=tuple(rt.lexicon.detect(facts.spoken)),
        safety=assess(rt.safety_model, facts.spoken) if facts.spoken else None,
    )
    ctx = routing_context(
        understanding, Channel.VOICE, open_case_types(session, customer_id), now, rt.calendar
    )
    return understanding, decide(rt.ruleset, ctx, understanding)


@dataclass(frozen=True)
class _Routed:
    """What the transfer worked out, for the rows that record it."""

    conversation: CallConversation
    facts: CallFacts
    understanding: Understanding
    decision: Decision
    queue: str
    now: datetime


def _packet(routed: _Routed) -> Handoff:
    """What the advisor reads instead of asking the caller to start again."""
    facts, understanding = routed.facts, routed.understanding
    return Handoff(
        case_id=UNLINKED,
        conversation_id=routed.conversation.id,
        channel=Channel.VOICE.value,
        queue=routed.queue,
        rule_id=routed.decision.rule_id,
        intent=facts.intent,
        confidence=facts.confidence,
        gathered=dict(facts.gathered),
        flags=list(understanding.flags),
        transcript=list(facts.transcript),
        summary=_summary(facts, understanding),
        created_at=routed.now,
    )


def _queue(decision: Decision, case: Case | None, step_queue: str | None) -> str:
    """Safety first; then the team already holding the caller's case, who can resolve it;
    then the flow's choice for this path; then the rules'."""
    if decision.safety_override or decision.outcome is Outcome.EMERGENCY:
        return decision.queue or DEFAULT_QUEUE
    if case is not None and case.queue:
        return case.queue
    if step_queue is not None:
        return step_queue
    if decision.outcome.is_human and decision.queue:
        return decision.queue
    return DEFAULT_QUEUE


def _new_case(session: Session, rt: Runtime, routed: _Routed, belongings: list[Belonging]) -> Case:
    facts, decision, now = routed.facts, routed.decision, routed.now
    outcome = decision.outcome if decision.outcome.is_human else Outcome.ADVISOR
    case_type = rt.case_types[decision.case_type or DEFAULT_CASE_TYPE[outcome]]
    case = Case(
        reference=new_reference(rt.settings.case_reference_prefix),
        customer_id=routed.conversation.customer_id,
        conversation_id=routed.conversation.id,
        case_type=case_type.id,
        intent=facts.intent,
        stage=case_type.lifecycle.initial,
        priority=decision.priority.value,
        flags=list(routed.understanding.flags),
        queue=routed.queue,
        channel=Channel.VOICE.value,
        summary=_summary(facts, routed.understanding),
        raised_from=facts.caller,
        queued_at=now,
        created_at=now,
        updated_at=now,
    )
    reason = f"call transferred, rule {decision.rule_id}"
    return start_case(session, case, case_type, rt.calendar, PHONEBOT, reason, now, belongings)


def _summary(facts: CallFacts, understanding: Understanding) -> str:
    said = facts.spoken
    lead = f"Phone call about {facts.intent.replace('_', ' ')}"
    if understanding.flags:
        lead += f" (flags: {', '.join(understanding.flags)})"
    return f"{lead}. Caller said: {said}" if said else f"{lead}."
