"""Decide: the first matching rule, the needs its flags raise, then the safety floor.

A message may carry several needs ("my bin was missed, and I've no food and can't get out"), so
a decision holds a primary route and `also` routes. The floor under every rule file adds a
person; it never erases the request the resident made.

Whenever someone may be at risk, the team that must act leads: the most pressing route a flag
raised moves the resident's handling to its team (at the flag's priority), whatever the message
asked for and whatever case the conversation was on; the request rides along with its own team.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from app.calendar import CouncilCalendar
from app.models import RoutingDecision
from app.pipeline.understand import Understanding
from app.routing.rules import Need, RouteSpec, RoutingContext, Rule, Ruleset
from app.vocabulary import Channel, Flag, Outcome, Priority, flag_name

SAFEGUARDING_QUEUE = "safeguarding"
FLOOR_RULE = "safety.floor"
# A person route to this queue only says no team claimed the message; a need's team outranks it.
GENERIC_QUEUE = "customer_services"
# Routes a flag raised: the team that must act, which leads when someone may be at risk.
ACTING = frozenset({"need", "floor"})
# How human a route is, for choosing the primary route and for scoring: most human first.
HUMAN_RANK = {
    Outcome.ANSWER: 0,
    Outcome.SERVICE_REQUEST: 1,
    Outcome.ADVISOR: 2,
    Outcome.PARTNER: 3,
    Outcome.EMERGENCY: 4,
}


@dataclass(frozen=True)
class Route:
    """One need and who acts on it: the rule or need that chose it, and why."""

    outcome: Outcome
    queue: str | None
    priority: Priority
    case_type: str | None
    rule_id: str
    reason: str
    answer: str | None = None
    reply: str | None = None
    # "rule" (the first match), "also" (the rule's `also`), "need" (the flags), "floor" (code).
    source: str = "rule"

    @property
    def rank(self) -> tuple[int, int]:
        return HUMAN_RANK[self.outcome], self.priority.rank


@dataclass(frozen=True)
class Decision:
    """The routing decision for one message, as recorded.

    The top-level fields are the primary route's; `matched_rule` is the rule that matched first
    (a safety override may have put another route first). `also` holds every other route.
    """

    rule_id: str
    outcome: Outcome
    queue: str | None
    priority: Priority
    case_type: str | None
    answer: str | None
    reply: str | None
    safety_override: bool
    context: RoutingContext
    matched_rule: str = ""
    reason: str = ""
    source: str = "rule"
    also: tuple[Route, ...] = ()

    @property
    def primary(self) -> Route:
        return Route(
            self.outcome, self.queue, self.priority, self.case_type,
            self.rule_id, self.reason, self.answer, self.reply, self.source,
        )  # fmt: skip

    @property
    def routes(self) -> tuple[Route, ...]:
        return (self.primary, *self.also)

    @property
    def most_human(self) -> Outcome:
        """The most human outcome among the routes: what the resident is sure to meet."""
        return max(self.routes, key=lambda route: HUMAN_RANK[route.outcome]).outcome

    @property
    def needs_person(self) -> bool:
        return any(route.outcome.is_human for route in self.routes)


def routing_context(
    understanding: Understanding,
    channel: Channel,
    open_case_types: frozenset[str],
    now: datetime,
    calendar: CouncilCalendar,
) -> RoutingContext:
    """The facts the rules may see."""
    local = calendar.local(now)
    flag_priority: dict[str, Priority] = {}
    for cue in understanding.cues:
        flag_priority[cue.flag.value] = Priority.highest(
            cue.priority, flag_priority.get(cue.flag.value, Priority.LOW)
        )
    forced = {cue.flag.value for cue in understanding.cues if cue.forces_human}
    if understanding.safety is not None and understanding.safety.risk_to_life:
        # The model's risk to life is the flag's own emergency: its need acts, by its rule.
        flag_priority[Flag.RISK_TO_LIFE.value] = Priority.EMERGENCY
        forced.add(Flag.RISK_TO_LIFE.value)
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
        flag_priority=flag_priority,
        forced_flags=frozenset(forced),
    )


def decide(ruleset: Ruleset, ctx: RoutingContext, understanding: Understanding) -> Decision:
    """Apply the rules and the needs pass; then make sure nobody at risk is left with the bot."""
    rule = ruleset.first_match(ctx)
    routes = [_spec_route(spec, rule.id, rule.description, "also") for spec in rule.then.also]
    served: set[str] = set()
    for need in ruleset.needs_raised(ctx):
        if not _covered(need.then, [rule.then, *routes]):
            routes.append(_need_route(need, ctx, understanding))
            served.add(need.flag.value)
    at_risk = understanding.emergency or understanding.forces_human
    emergencies: list[_Routed] = [rule.then, *routes]
    if understanding.emergency and not any(r.outcome is Outcome.EMERGENCY for r in emergencies):
        routes.append(_floor_route(Outcome.EMERGENCY, Priority.EMERGENCY, understanding))
        served |= ctx.forced_flags
    if at_risk and not rule.then.outcome.is_human and not any(r.outcome.is_human for r in routes):
        priority = Priority.highest(rule.then.priority, understanding.priority)
        routes.append(_floor_route(Outcome.ADVISOR, priority, understanding))
        served |= ctx.forced_flags
    # The request's own route carries the urgency of whatever no other route serves.
    unserved = (cue.priority for cue in understanding.cues if cue.flag.value not in served)
    first = _rule_route(rule, Priority.highest(rule.then.priority, *unserved))
    primary, override = first, False
    if first.queue == GENERIC_QUEUE and any(r.outcome.is_human for r in routes):
        primary = max((r for r in routes if r.outcome.is_human), key=_lead_key)
        override = at_risk
        routes.remove(primary)
    elif at_risk and routes:
        # Someone may be at risk: the most pressing person leads, a flag's team before the
        # request's at the same priority; a bot answer gives way to the person (who can give
        # it), and a request the resident made rides along unless that team already has it.
        people = [route for route in (first, *routes) if route.outcome.is_human]
        lead = max(people, key=_lead_key, default=first)
        if lead is not first:
            primary, override = lead, True
            routes.remove(lead)
            if first.outcome is not Outcome.ANSWER and first.queue != lead.queue:
                routes.append(first)
    if primary.outcome is Outcome.EMERGENCY:
        primary = replace(primary, priority=Priority.EMERGENCY)
    return Decision(
        rule_id=primary.rule_id,
        outcome=primary.outcome,
        queue=primary.queue,
        priority=primary.priority,
        case_type=primary.case_type,
        answer=primary.answer,
        reply=primary.reply,
        safety_override=override,
        context=ctx,
        matched_rule=rule.id,
        reason=primary.reason,
        source=primary.source,
        also=tuple(sorted(routes, key=_order)),
    )


def _order(route: Route) -> tuple[int, int]:
    return -route.rank[0], -route.rank[1]


def _lead_key(route: Route) -> tuple[int, bool, int]:
    """Who leads when someone may be at risk: the most urgent, then a flag's team, then the
    most human (so a partner's referral never outranks safeguarding)."""
    return route.priority.rank, route.source in ACTING, HUMAN_RANK[route.outcome]


class _Routed(Protocol):
    @property
    def outcome(self) -> Outcome: ...
    @property
    def queue(self) -> str | None: ...


def _covered(spec: RouteSpec, routes: Iterable[_Routed]) -> bool:
    """A need adds nothing where a route already takes it to its team at least as humanly (an
    emergency is never covered by an ordinary route to the same team)."""
    return any(
        route.queue == spec.queue and HUMAN_RANK[route.outcome] >= HUMAN_RANK[spec.outcome]
        for route in routes
    )


def _rule_route(rule: Rule, priority: Priority) -> Route:
    action = rule.then
    return Route(
        outcome=action.outcome,
        queue=action.queue,
        priority=priority,
        case_type=action.case_type,
        rule_id=rule.id,
        reason=rule.description,
        answer=action.answer,
        reply=action.reply,
    )


def _spec_route(spec: RouteSpec, rule_id: str, description: str, source: str) -> Route:
    return Route(
        outcome=spec.outcome,
        queue=spec.queue,
        priority=spec.priority,
        case_type=spec.case_type,
        rule_id=rule_id,
        reason=spec.reason or description,
        reply=spec.reply,
        source=source,
    )


def _need_route(need: Need, ctx: RoutingContext, understanding: Understanding) -> Route:
    """A need's route at the flag's own priority, its reason naming the cues that raised it."""
    cues = [cue.cue_id for cue in understanding.cues if cue.flag is need.flag]
    verdict = understanding.safety
    if need.flag is Flag.RISK_TO_LIFE and verdict is not None and verdict.risk_to_life:
        cues.append(verdict.cue_id)  # the learned signal, named like a cue
    route = _spec_route(need.then, need.id, need.description, "need")
    flag_priority = ctx.flag_priority.get(need.flag.value, Priority.NORMAL)
    return replace(
        route,
        priority=Priority.highest(route.priority, flag_priority),
        reason=f"{route.reason} ({', '.join(cues)})" if cues else route.reason,
    )


def _floor_route(outcome: Outcome, priority: Priority, understanding: Understanding) -> Route:
    """The floor's own route, for a risk no rule or need put a person onto."""
    cues = [cue.cue_id for cue in understanding.cues if cue.forces_human or cue.emergency]
    if understanding.safety is not None and understanding.safety.needs_person:
        cues.append(understanding.safety.cue_id)  # the learned signal, named like a cue
    reason = "a safety signal needs a person" + (f" ({', '.join(cues)})" if cues else "")
    return Route(
        outcome=outcome,
        queue=SAFEGUARDING_QUEUE,
        priority=priority,
        case_type=None,
        rule_id=FLOOR_RULE,
        reason=reason,
        source="floor",
    )


def route_flags(route: Route, understanding: Understanding) -> list[str]:
    """The flags a route's case carries: every flag heard, and risk_to_life on an emergency
    whatever raised it (a crisis known by its intent alone still marks the case)."""
    flags = set(understanding.flags)
    if route.outcome is Outcome.EMERGENCY:
        flags.add(Flag.RISK_TO_LIFE.value)
    return sorted(flags)


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
        cues=list(understanding.cue_ids),
        decided_at=at,
    )
