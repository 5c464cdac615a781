"""Decide: the first matching rule, then the safety floor that no rule file can lower."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.calendar import CouncilCalendar
from app.models import RoutingDecision
from app.pipeline.understand import Understanding
from app.routing.rules import RoutingContext, Ruleset
from app.vocabulary import Channel, Outcome, Priority, flag_name

SAFEGUARDING_QUEUE = "safeguarding"


@dataclass(frozen=True)
class Decision:
    """The routing decision for one message, as recorded."""

    rule_id: str
    outcome: Outcome
    queue: str | None
    priority: Priority
    case_type: str | None
    answer: str | None
    reply: str | None
    safety_override: bool
    context: RoutingContext


def routing_context(
    understanding: Understanding,
    channel: Channel,
    open_case_types: frozenset[str],
    now: datetime,
    calendar: CouncilCalendar,
) -> RoutingContext:
    """The facts the rules may see."""
    local = calendar.local(now)
    return RoutingContext(
        intent=understanding.nlu.intent,
        confidence=understanding.nlu.confidence,
        channel=channel,
        flags=frozenset(flag_name(flag) for flag in understanding.flags),
        open_case_types=open_case_types,
        local_time=local,
        working_day=calendar.is_working_day(local.date()),
        entities=frozenset(
            name for name, value in vars(understanding.entities).items() if value is not None
        ),
    )


def decide(ruleset: Ruleset, ctx: RoutingContext, understanding: Understanding) -> Decision:
    """Apply the rules; then make sure nobody at risk is left with the bot."""
    rule = ruleset.first_match(ctx)
    action = rule.then
    outcome, queue = action.outcome, action.queue
    priority = Priority.highest(action.priority, understanding.priority)
    override = False
    if understanding.emergency and outcome is not Outcome.EMERGENCY:
        outcome, queue, override = Outcome.EMERGENCY, SAFEGUARDING_QUEUE, True
    elif understanding.forces_human and not outcome.is_human:
        outcome, queue, override = Outcome.ADVISOR, SAFEGUARDING_QUEUE, True
    if outcome is Outcome.EMERGENCY:
        priority = Priority.EMERGENCY
    return Decision(
        rule_id=rule.id,
        outcome=outcome,
        queue=queue,
        priority=priority,
        case_type=action.case_type,
        answer=None if override else action.answer,
        reply=None if override else action.reply,
        safety_override=override,
        context=ctx,
    )


def decision_record(
    decision: Decision,
    understanding: Understanding,
    ruleset_version: str,
    queue: str | None,
    at: datetime,
    conversation_id: int | None,
    message_id: int | None = None,
    case_id: int | None = None,
) -> RoutingDecision:
    """The decision as every channel records it: what was understood, the rule that decided and
    where the resident went (`queue`, which a call's menu path may have chosen)."""
    return RoutingDecision(
        message_id=message_id,
        conversation_id=conversation_id,
        case_id=case_id,
        intent=understanding.nlu.intent,
        confidence=understanding.nlu.confidence,
        nlu_backend=understanding.nlu.backend,
        rule_id=decision.rule_id,
        ruleset_version=ruleset_version,
        safety_override=decision.safety_override,
        outcome=decision.outcome.value,
        queue=queue,
        priority=decision.priority.value,
        flags=list(understanding.flags),
        cues=[cue.cue_id for cue in understanding.cues],
        decided_at=at,
    )
