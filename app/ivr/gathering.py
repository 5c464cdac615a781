"""A call gathers a case's details as a written conversation does (app/pipeline/gather.py).

A `details` step asks, one at a time, for what the case type needs and the caller has not said
anywhere in the call; a `log` step raises the case with all of it. A caller who hangs up part
way still gets their case, with what they said (`log_after_hang_up`). Risk in anything said is
heard before any of this (CallWalker._at_risk) and puts the caller straight through.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from app.audit import record
from app.ivr.call_store import CallConversation
from app.ivr.flows import DetailsStep, Flow, LogStep
from app.ivr.handoff import PHONEBOT, CallFacts, hand_over
from app.ivr.prompts import speakable
from app.ivr.state import CallState
from app.lifecycle.details import DetailSpec, found
from app.models import Case
from app.runtime import Runtime
from app.understanding.entities import extract_entities

NOT_GIVEN = "(not given)"


def next_detail(rt: Runtime, step: DetailsStep, state: CallState) -> DetailSpec | None:
    """The first detail neither answered nor already said in the call; None when done.

    A detail heard in something said earlier (at the menu, in another answer) is noted with
    the words that gave it.
    """
    if step.case_type not in rt.case_types:
        return None
    said = [heard.speech for heard in state.transcript if heard.speech]
    prefix = rt.settings.case_reference_prefix
    for detail in rt.case_types[step.case_type].details:
        if detail.id in state.gathered:
            continue
        giving = next((s for s in said if found(detail, s, extract_entities(s, prefix))), None)
        if giving is None:
            return detail
        state.gathered[detail.id] = giving
    return None


def take(rt: Runtime, step: DetailsStep, state: CallState, speech: str) -> None:
    """The caller's answer to the detail asked for; other details it gives count too."""
    if state.asking is not None:
        state.gathered[state.asking] = speech
    entities = extract_entities(speech, rt.settings.case_reference_prefix)
    for detail in _details(rt, step.case_type):
        if detail.id not in state.gathered and found(detail, speech, entities):
            state.gathered[detail.id] = speech
    state.asking = None


def skip(state: CallState) -> None:
    """Nothing heard, twice: noted as not given, and the next detail is asked."""
    if state.asking is not None:
        state.gathered[state.asking] = NOT_GIVEN
    state.asking = None


def log(
    session: Session,
    rt: Runtime,
    conversation: CallConversation,
    state: CallState,
    step: LogStep,
    now: datetime,
    why: str = "complete",
) -> tuple[Case, str]:
    """Raise the case from what the call gathered; the case and the words that tell the caller."""
    facts = CallFacts(
        intent=step.intent,
        confidence=1.0,
        gathered=dict(state.gathered),
        transcript=[heard.model_dump(exclude_none=True) for heard in state.transcript],
        caller=state.caller,
    )
    case = hand_over(session, rt, conversation, facts, None, now, step.queue).case
    details = _details(rt, case.case_type)
    title = rt.case_types[case.case_type].title
    case.summary = summary(title, details, state.gathered)
    session.add(case)
    missing = [d.id for d in details if state.gathered.get(d.id, NOT_GIVEN) == NOT_GIVEN]
    record(session, PHONEBOT, "case.details_gathered", "case", case.id, why=why, missing=missing)
    # The caller made this case on this call: they may hear its progress or subscribe to it.
    state.case_reference, state.case_id, state.handoff_case_id = case.reference, case.id, case.id
    state.intent, state.intent_confidence = step.intent, 1.0
    return case, step.say.format(title=title, reference=speakable(case.reference))


def log_after_hang_up(
    session: Session, rt: Runtime, flow: Flow, conversation: CallConversation, now: datetime
) -> Case | None:
    """A caller who hung up while a `details` step was asking still gets their case."""
    state = CallState.of(conversation.state, flow.id)
    if state.ended or state.awaiting is None or state.handoff_case_id is not None:
        return None
    step = flow.spec.steps.get(state.awaiting)
    if not isinstance(step, DetailsStep) or step.next is None:
        return None
    logging = flow.spec.steps.get(step.next)
    if not isinstance(logging, LogStep):
        return None
    skip(state)
    case, _ = log(session, rt, conversation, state, logging, now, why="caller hung up")
    state.ended = True
    conversation.state = state.into(conversation.state)
    return case


def summary(title: str, details: tuple[DetailSpec, ...], gathered: dict[str, str]) -> str:
    """One line per detail, as the caller said it, and what they could not give."""
    lines = [f"Phone call: {title}."]
    not_given = []
    for detail in details:
        value = gathered.get(detail.id, NOT_GIVEN)
        if value == NOT_GIVEN:
            not_given.append(detail.label)
        else:
            lines.append(f"{detail.label}: {value}")
    if not_given:
        lines.append(f"Not given: {', '.join(not_given)}.")
    return "\n".join(lines)


def _details(rt: Runtime, case_type: str) -> tuple[DetailSpec, ...]:
    return rt.case_types[case_type].details if case_type in rt.case_types else ()
