"""Act: answer, raise a case, queue for an advisor, refer to a partner, or raise the alarm.

Everything here is written in the caller's transaction, including the reply's outbox row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import structlog
from sqlmodel import Session, col, select

from app.audit import record, record_flags_set
from app.cases import link_cases, new_reference, start_case
from app.lifecycle.status import VERIFIED_KEY
from app.models import Case, Conversation, Handoff, Message, OutboxMessage, RoutingDecision
from app.pipeline import memory
from app.pipeline.decide import GENERIC_QUEUE, Decision, Route, decision_record, route_flags
from app.pipeline.replies import Told, combined_reply, plain_reply
from app.pipeline.replies import compose_reply as compose_reply
from app.pipeline.safe_reply import guard_reply, withhold
from app.pipeline.understand import Understanding
from app.runtime import Runtime
from app.vocabulary import Outcome, Priority

log = structlog.get_logger(__name__)

ROUTER = "frontdoor:router"
# Answers about a case the resident already has: the question joins that case.
STATUS_ANSWERS = frozenset({"case_status", "subscribe_updates"})

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
    # Every case this message raised or joined, one per need, the primary route's first.
    case_ids: tuple[int, ...] = ()


@dataclass
class _Acted:
    """One route carried out: the case it raised or joined (None for a bot answer)."""

    route: Route
    case: Case | None
    new: bool = False


def act(
    session: Session,
    rt: Runtime,
    message: Message,
    conversation: Conversation,
    understanding: Understanding,
    decision: Decision,
    now: datetime,
) -> ActResult:
    """Carry out every route of `decision` for `message`; the caller commits.

    One case per need: each route joins the conversation's case for that need or opens its own,
    and the cases are linked, with one handoff for the person that names the others.
    """
    open_cases = _open_cases(session, conversation)
    acted: list[_Acted] = []
    for route in decision.routes:
        if route.outcome is Outcome.ANSWER:
            acted.append(_Acted(route, None))
        else:
            acted.append(
                _case_for(session, rt, message, conversation, understanding, route, open_cases, now)
            )
    told = [Told(i.route, i.case, joined=i.case is not None and not i.new) for i in acted]
    reply = combined_reply(session, rt, told, understanding, conversation, now, message)
    for item in acted:
        if item.route.answer in STATUS_ANSWERS and item.case is None:
            item.case = _case_asked_about(session, conversation)
    cases = [item.case for item in acted if item.case is not None]
    case_ids = tuple(dict.fromkeys(case.id for case in cases if case.id is not None))
    _link(session, rt, message, conversation, acted, open_cases, now)
    records = [_record(rt, decision, item, understanding, message, now) for item in acted]
    session.add_all(records)
    primary = cases[0] if cases and acted[0].case is cases[0] else None
    verdict = guard_reply(session, rt, message, understanding, cases, now)
    if verdict.plain and decision.most_human is not Outcome.EMERGENCY:
        reply = plain_reply(rt, told, understanding, now)
    outbox = None
    if conversation.advisor_id is None and not verdict.send:
        withhold(session, message, primary or (cases[0] if cases else None), verdict)
    elif conversation.advisor_id is None:
        # Once an advisor has taken the conversation, the bot stays quiet.
        outbox = OutboxMessage(
            idempotency_key=f"reply:{message.id}",
            conversation_id=conversation.id,
            case_id=primary.id if primary else None,
            channel=message.channel,
            to_address=message.from_address,
            body=reply,
        )
        session.add(outbox)
    session.flush()
    assert records[0].id is not None
    return ActResult(
        decision_id=records[0].id,
        case_id=primary.id if primary else None,
        case_reference=primary.reference if primary else None,
        reply=reply,
        outbox_id=outbox.id if outbox else None,
        case_ids=case_ids,
    )


def _open_cases(session: Session, conversation: Conversation) -> list[Case]:
    """The conversation's open cases, newest first."""
    return list(
        session.exec(
            select(Case)
            .where(Case.conversation_id == conversation.id, Case.status == "open")
            .order_by(col(Case.updated_at).desc(), col(Case.id).desc())
        ).all()
    )


def _case_asked_about(session: Session, conversation: Conversation) -> Case | None:
    """The case a status answer found: the question joins it rather than opening one."""
    reference = conversation.state.get(VERIFIED_KEY)
    if not reference:
        return None
    return session.exec(select(Case).where(Case.reference == str(reference))).first()


def _record(
    rt: Runtime,
    decision: Decision,
    item: _Acted,
    understanding: Understanding,
    message: Message,
    now: datetime,
) -> RoutingDecision:
    """One route's RoutingDecision row: its rule, and the case it went to."""
    route, case = item.route, item.case
    as_routed = replace(
        decision,
        rule_id=route.rule_id,
        outcome=route.outcome,
        queue=route.queue,
        priority=route.priority,
        safety_override=decision.safety_override and route.source != "rule",
    )
    return decision_record(
        as_routed, understanding, rt.ruleset.version, case.queue if case else route.queue, now,
        message.conversation_id, message_id=message.id, case_id=case.id if case else None,
    )  # fmt: skip


def _case_for(
    session: Session,
    rt: Runtime,
    message: Message,
    conversation: Conversation,
    understanding: Understanding,
    route: Route,
    open_cases: list[Case],
    now: datetime,
) -> _Acted:
    """The conversation's case for this need, or a new one: nobody repeats themselves."""
    case_type = route.case_type or DEFAULT_CASE_TYPE[route.outcome]
    team = _team_case(rt, route, open_cases)
    placed = (
        memory.Placement(team, requeue=False, why="already with a team")
        if team is not None
        else memory.place(
            open_cases,
            case_type,
            route.queue,
            understanding.nlu.intent,
            route.source == "rule",
        )
    )
    if placed is not None:
        _add_to(session, placed.case, message, route, understanding, now, placed.requeue)
        log.info("case.joined", case_id=placed.case.id, rule=route.rule_id, why=placed.why)
        return _Acted(route, placed.case)
    human = route.outcome.is_human
    case = Case(
        reference=new_reference(rt.settings.case_reference_prefix),
        customer_id=conversation.customer_id,
        conversation_id=conversation.id,
        case_type=case_type,
        intent=understanding.nlu.intent,
        stage=rt.case_types[case_type].lifecycle.initial,
        priority=route.priority.value,
        flags=route_flags(route, understanding),
        queue=route.queue,
        channel=message.channel,
        summary=message.body,
        raised_from=message.from_address,
        attachments=list(message.media),
        partner_consent="requested" if route.outcome is Outcome.PARTNER else None,
        queued_at=now if human else None,
        created_at=now,
        updated_at=now,
    )
    reason = f"rule {route.rule_id}"
    start_case(session, case, rt.case_types[case_type], rt.calendar, ROUTER, reason, now)
    open_cases.insert(0, case)
    return _Acted(route, case, new=True)


def _team_case(rt: Runtime, route: Route, open_cases: list[Case]) -> Case | None:
    """A conversation already with a council team stays with it: "can I talk to a person" then
    wants that team's person, not a new case at Customer Services (the queue no team claimed).
    The most pressing such case wins; the newest among equals."""
    if route.outcome is not Outcome.ADVISOR or route.queue != GENERIC_QUEUE or route.case_type:
        return None
    teams = [
        case
        for case in open_cases
        if case.queued_at is not None
        and case.queue not in (None, GENERIC_QUEUE)
        and rt.queues[case.queue].kind == "council"
    ]
    return max(teams, key=lambda case: Priority(case.priority).rank, default=None)


def _link(
    session: Session,
    rt: Runtime,
    message: Message,
    conversation: Conversation,
    acted: list[_Acted],
    open_cases: list[Case],
    now: datetime,
) -> None:
    """Link the cases of this message with each other and with the conversation's open cases,
    and leave one handoff on the most human new case naming the others."""
    mine = {item.case.id: item.case for item in acted if item.case is not None}
    new = [item for item in acted if item.new and item.case is not None]
    group = {case.id: case for case in open_cases} if new else mine
    ids = [case_id for case_id in group if case_id is not None]
    if len(ids) < 2:
        return
    link_cases(session, ids, f"message {message.id}", now)
    person = max(
        (item for item in new if item.route.outcome.is_human),
        key=lambda item: item.route.rank,
        default=None,
    )
    if person is None or person.case is None or person.case.id is None or conversation.id is None:
        return
    others = [case for case_id, case in group.items() if case_id != person.case.id]
    described = "; ".join(
        f"{case.reference} ({case.case_type}, {_title(rt, case.queue)})" for case in others
    )
    session.add(
        Handoff(
            case_id=person.case.id,
            conversation_id=conversation.id,
            channel=message.channel,
            queue=person.case.queue or "",
            rule_id=person.route.rule_id,
            intent=person.case.intent,
            gathered={"linked_cases": described, "why": person.route.reason},
            flags=list(person.case.flags),
            summary=f"{message.body}\nAlso raised for this resident: {described}.",
            created_at=now,
        )
    )


def _title(rt: Runtime, queue: str | None) -> str:
    return rt.queues[queue].title if queue else "no queue"


def _add_to(
    session: Session,
    case: Case,
    message: Message,
    route: Route,
    understanding: Understanding,
    now: datetime,
    requeue: bool,
) -> None:
    """Fold a later message into an open case: flags join, priority only rises.

    A need made clear moves a case nobody has picked up yet from Customer Services to the
    route's team, so it reaches the team that can resolve it instead of being transferred later.
    """
    current = Priority(case.priority)
    if requeue and route.priority.rank > current.rank and route.queue not in (None, case.queue):
        record(
            session, ROUTER, "case.requeued", "case", case.id,
            from_queue=case.queue, to_queue=route.queue, rule=route.rule_id,
        )  # fmt: skip
        case.queue = route.queue
    case.priority = Priority.highest(current, route.priority).value
    case.flags = sorted(set(case.flags) | set(understanding.flags))
    case.attachments = [
        *case.attachments,
        *(url for url in message.media if url not in case.attachments),
    ]
    case.updated_at = now
    record_flags_set(session, case, ROUTER)
