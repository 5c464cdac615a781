"""Gather a case's details before it opens: one question at a time, in the conversation.

"I want to make a complaint" is not yet a complaint anyone can investigate. When a message's
only route would open a case whose type declares `details:` (case_types.yaml) and some are
missing, the bot asks for the first missing one and keeps the need in the conversation's state.
Each reply is taken as the answer, and any other detail it happens to give counts too. The case
opens when nothing is missing, and in every other event that ends the gathering: a risk signal
or a request for a person (the message routes on its own words and the gathered need rides
along), a wish not to be texted, or silence (the sweep, app/jobs/idle_gatherings.py). Nothing
said is lost: every message is stored, and the case's summary holds each one under the detail
it answered.

Nobody a person must see is asked anything: a message with a risk signal, another language, or
a route to a person opens at once, as does one to a contact point we may not reply to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from app.audit import record
from app.lifecycle.details import DetailSpec, found
from app.lifecycle.notify import needs_safe_contact
from app.models import Case, Conversation, Customer, Message, RoutingDecision
from app.pipeline import memory
from app.pipeline.decide import Decision, Route
from app.pipeline.safe_reply import DEVICE_CHANNELS, no_contact
from app.pipeline.understand import Understanding
from app.runtime import Runtime
from app.understanding.nlu import NluResult
from app.vocabulary import Channel, Outcome, Priority

GATHERING = "gathering"
# Written conversations; a call gathers in its flow (app/ivr/gathering.py).
GATHERED_CHANNELS = frozenset({Channel.SMS, Channel.WEB, Channel.EMAIL})
ROUTER = "frontdoor:router"
# A reply this sure that the resident wants a person is not an answer: they get one.
WANTS_PERSON = frozenset({"speak_to_advisor"})
SURE_ENOUGH = 0.6


class Held(BaseModel):
    """A need waiting for its details, kept in the conversation's state (plain JSON)."""

    case_type: str
    intent: str
    confidence: float
    # The route the need will take, as decided on its first message.
    outcome: str
    queue: str | None
    priority: str
    rule_id: str
    reason: str
    reply: str | None = None
    asking: str  # the detail asked for last
    asked_at: datetime
    started_at: datetime
    # Every inbound message of the gathering, in order; the first is the request itself.
    message_ids: list[int]
    answers: dict[str, int] = Field(default_factory=dict)  # detail -> message that answered
    heard_in: dict[str, int] = Field(default_factory=dict)  # detail -> message that gave it
    flags: list[str] = Field(default_factory=list)

    def route(self) -> Route:
        # "also": a rider, never placed as "more detail" on whatever case the message opened.
        return Route(
            Outcome(self.outcome), self.queue, Priority(self.priority), self.case_type,
            self.rule_id, self.reason, reply=self.reply, source="also",
        )  # fmt: skip

    def given(self) -> set[str]:
        return set(self.answers) | set(self.heard_in)


def held(conversation: Conversation) -> Held | None:
    raw = conversation.state.get(GATHERING)
    return Held.model_validate(raw) if isinstance(raw, dict) else None


def keep(conversation: Conversation, gathering: Held) -> None:
    conversation.state = {**conversation.state, GATHERING: gathering.model_dump(mode="json")}


def forget(conversation: Conversation) -> None:
    conversation.state = {k: v for k, v in conversation.state.items() if k != GATHERING}


def needs_person(understanding: Understanding) -> bool:
    """The rule app/pipeline/clarify.py keeps: anyone with a risk signal, a safety cue or
    another language goes to a person as they are, never held up by the bot's questions."""
    return (
        bool(understanding.cues)
        or understanding.forces_human
        or understanding.emergency
        or understanding.language is not None
    )


def start(
    session: Session,
    rt: Runtime,
    message: Message,
    conversation: Conversation,
    understanding: Understanding,
    decision: Decision,
    customer_id: int | None,
    now: datetime,
) -> tuple[Held, DetailSpec] | None:
    """A gathering for this message's need and the first question, or None to open at once."""
    route = decision.primary
    if (
        Channel(message.channel) not in GATHERED_CHANNELS
        or conversation.advisor_id is not None  # an advisor has the conversation: bot is quiet
        or decision.also
        or decision.needs_person
        or needs_person(understanding)
        or route.case_type is None
        or route.case_type not in rt.case_types
    ):
        return None
    details = rt.case_types[route.case_type].details
    if not details or not _may_ask(session, rt, message, conversation):
        return None
    opened = _open_cases(session, conversation)
    if memory.place(opened, route.case_type, route.queue, understanding.nlu.intent, True):
        return None  # it joins the case the conversation already has for this need
    known = _known_address(session, conversation, message, customer_id)
    assert message.id is not None
    heard = {
        d.id: message.id for d in details if found(d, message.body, understanding.entities, known)
    }
    first = next((d for d in details if d.id not in heard), None)
    if first is None:
        return None
    nlu = understanding.nlu
    gathering = Held(
        case_type=route.case_type, intent=nlu.intent, confidence=nlu.confidence,
        outcome=route.outcome.value, queue=route.queue, priority=route.priority.value,
        rule_id=route.rule_id, reason=route.reason, reply=route.reply, asking=first.id,
        asked_at=now, started_at=now, message_ids=[message.id], heard_in=heard,
        flags=list(understanding.flags),
    )  # fmt: skip
    return gathering, first


def answers_it(
    rt: Runtime, gathering: Held, message: Message, understanding: Understanding,
    now: datetime, idle: timedelta,
) -> bool:  # fmt: skip
    """Whether this message answers our question; if not, the need opens beside its route.

    Any words answer a question for the resident's own account. For a detail with a shape (an
    address, a time, a remedy), a reply without it that is surely about something else ("any
    update on my case?") is not an answer: it is routed as what it is.
    """
    nlu = understanding.nlu
    if (
        now - gathering.asked_at > idle
        or needs_person(understanding)
        or (nlu.intent in WANTS_PERSON and nlu.confidence >= SURE_ENOUGH)
        or rt.contact_wishes.heard(message.body)  # "don't text me": we must not ask again
    ):
        return False
    details = rt.case_types[gathering.case_type].details
    asked = next((d for d in details if d.id == gathering.asking), None)
    if asked is None:
        return True  # a detail the case type no longer lists: any reply will do
    elsewhere = nlu.intent not in {*memory.DETAIL_INTENTS, gathering.intent}
    if asked.kind == "text" or not elsewhere or nlu.confidence < SURE_ENOUGH:
        return True
    return found(asked, message.body, understanding.entities)


def heard(
    session: Session,
    rt: Runtime,
    gathering: Held,
    message: Message,
    conversation: Conversation,
    understanding: Understanding,
    customer_id: int | None,
) -> tuple[Held, DetailSpec | None]:
    """The gathering with this answer in it, and the next detail to ask for (None: enough)."""
    assert message.id is not None
    details = rt.case_types[gathering.case_type].details
    known = _known_address(session, conversation, message, customer_id)
    given = gathering.given()
    heard_in = dict(gathering.heard_in)
    for detail in details:
        unasked = detail.id not in given and detail.id != gathering.asking
        if unasked and found(detail, message.body, understanding.entities, known):
            heard_in[detail.id] = message.id
    answered = {**gathering.answers, gathering.asking: message.id}
    flags = sorted(set(gathering.flags) | set(understanding.flags))
    update = {
        "answers": answered,
        "heard_in": heard_in,
        "flags": flags,
        "message_ids": [*gathering.message_ids, message.id],
    }
    now_held = gathering.model_copy(update=update)
    taken = now_held.given()
    return now_held, next((d for d in details if d.id not in taken), None)


def asked(gathering: Held, detail: DetailSpec, now: datetime) -> Held:
    return gathering.model_copy(update={"asking": detail.id, "asked_at": now})


def question(rt: Runtime, gathering: Held, detail: DetailSpec, first: bool) -> str:
    """The words that ask for `detail`; the first question also says why we ask at all."""
    if not first:
        return detail.question
    title = rt.case_types[gathering.case_type].title
    return f"{detail.question} I will log your {title} as soon as I have the details."


def continued(gathering: Held, understanding: Understanding) -> Understanding:
    """The last answer routes as the need it completes, as memory.resolve continues an intent."""
    nlu = understanding.nlu
    return replace(
        understanding,
        nlu=NluResult(gathering.intent, 1.0, nlu.ranking, f"{nlu.backend}+gathered"),
    )


def with_held(decision: Decision, gathering: Held) -> Decision:
    """The decision with the gathered need among its routes (unless a route already opens it)."""
    if any(route.case_type == gathering.case_type for route in decision.routes):
        return decision
    return replace(decision, also=(*decision.also, gathering.route()))


def decision_row(
    gathering: Held, understanding: Understanding, message: Message, version: str, now: datetime
) -> RoutingDecision:
    """The record of a message answered with a question: nothing routed yet, and why."""
    return RoutingDecision(
        message_id=message.id, conversation_id=message.conversation_id, case_id=None,
        intent=understanding.nlu.intent, confidence=understanding.nlu.confidence,
        nlu_backend=understanding.nlu.backend, rule_id=f"gather.{gathering.case_type}",
        ruleset_version=version, outcome=Outcome.ANSWER.value, queue=None,
        priority=gathering.priority, flags=list(understanding.flags),
        cues=list(understanding.cue_ids), decided_at=now,
    )  # fmt: skip


def close(
    session: Session,
    rt: Runtime,
    gathering: Held,
    case: Case,
    why: str,
    now: datetime,
    opened_with: str | None = None,
) -> None:
    """Put everything the gathering heard on its case, and record how it ended.

    A case opened just now for the need (its summary is `opened_with`, the message that
    opened it) takes the gathering's summary; a case it joined keeps its own and adds it.
    """
    messages = _messages(session, gathering.message_ids)
    details = rt.case_types[gathering.case_type].details
    told = summary(gathering, details, messages)
    fresh = case.created_at == now and case.summary == opened_with
    case.summary = told if fresh or not case.summary else f"{case.summary}\n{told}"
    media = [url for m in messages for url in m.media]
    case.attachments = [*case.attachments, *(u for u in media if u not in case.attachments)]
    case.flags = sorted(set(case.flags) | set(gathering.flags))
    case.updated_at = now
    session.add(case)
    record(
        session, ROUTER, "case.details_gathered", "case", case.id, why=why,
        answers=gathering.answers, heard_in=gathering.heard_in, missing=missing_of(rt, gathering),
        message_ids=gathering.message_ids,
    )  # fmt: skip


def missing_of(rt: Runtime, gathering: Held) -> list[str]:
    """The details still not given, by id."""
    given = gathering.given()
    return [d.id for d in rt.case_types[gathering.case_type].details if d.id not in given]


def summary(gathering: Held, details: Sequence[DetailSpec], messages: Sequence[Message]) -> str:
    """The request, then each answer under the detail it was asked for, then what is missing."""
    by_id = {m.id: m for m in messages}
    labels = {d.id: d.label for d in details}
    answered_by = {mid: did for did, mid in gathering.answers.items()}
    first, *rest = gathering.message_ids
    lines = [by_id[first].body] if first in by_id else []
    for mid in rest:
        if mid in by_id:
            lines.append(f"{labels.get(answered_by.get(mid, ''), 'Also said')}: {by_id[mid].body}")
    not_given = [d.label for d in details if d.id not in gathering.given()]
    if not_given:
        lines.append(f"Not given: {', '.join(not_given)}.")
    return "\n".join(lines)


def _messages(session: Session, ids: Sequence[int]) -> list[Message]:
    rows = session.exec(select(Message).where(col(Message.id).in_(list(ids)))).all()
    return sorted(rows, key=lambda m: ids.index(m.id) if m.id in ids else 0)


def _open_cases(session: Session, conversation: Conversation) -> list[Case]:
    return list(
        session.exec(
            select(Case)
            .where(Case.conversation_id == conversation.id, Case.status == "open")
            .order_by(col(Case.updated_at).desc(), col(Case.id).desc())
        ).all()
    )


def _may_ask(session: Session, rt: Runtime, message: Message, conversation: Conversation) -> bool:
    """A question must reach the resident safely: never where no reply may go."""
    if message.channel not in DEVICE_CHANNELS:
        return True
    if rt.contact_wishes.heard(message.body) or no_contact(session, message.from_address):
        return False
    return not any(needs_safe_contact(case) for case in _open_cases(session, conversation))


def _known_address(
    session: Session, conversation: Conversation, message: Message, customer_id: int | None
) -> bool:
    """An address we already have: a postcode given in this conversation or the customer's."""
    if conversation.state.get("postcode") or message.hints.get("postcode"):
        return True
    if customer_id is None:
        return False
    customer = session.get(Customer, customer_id)
    return bool(customer is not None and customer.address)
