"""The words a resident hears back about every route of one message, and nothing untrue.

A case the message joined keeps its team, so the words name that team; a person's reply says
when it will come and, for a resident who wrote in another language, says it in theirs too
(holding_reply.py). act.py writes the outbox row; explain shows the same words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.models import Case, Conversation, Message
from app.pipeline import holding_reply
from app.pipeline.answers import (
    ANSWER_PROVIDERS,
    DEFAULT_REPLIES,
    JOINED_REPLY,
    AnswerContext,
    render_reply,
)
from app.pipeline.decide import Decision, Route
from app.pipeline.safe_reply import PLAIN_REPLY
from app.pipeline.understand import Understanding
from app.runtime import Runtime
from app.vocabulary import Outcome


@dataclass(frozen=True)
class Told:
    """One route and the case it raised or joined (`joined`: the case was already open)."""

    route: Route
    case: Case | None
    joined: bool = False


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
    """The words the resident hears back about every route (`case` is the primary's)."""
    told = [Told(route, case if i == 0 else None) for i, route in enumerate(decision.routes)]
    return combined_reply(session, rt, told, understanding, conversation, now, message)


def combined_reply(
    session: Session,
    rt: Runtime,
    told: Sequence[Told],
    understanding: Understanding,
    conversation: Conversation | None,
    now: datetime,
    message: Message | None,
) -> str:
    """Each route's own words, primary first, each said once: the truth about every need;
    then when a person will reply, in the resident's language too."""
    said: list[str] = []
    for item in told:
        words = route_reply(
            session, rt, item.route, understanding, item.case, conversation, now, message,
            joined=item.joined,
        )  # fmt: skip
        opening, _, rest = words.partition(". ")
        if rest and any(earlier.startswith(opening + ". ") for earlier in said):
            words = rest  # "Thank you for telling us." once is enough
        if not any(words in earlier for earlier in said):  # two routes, one set of words
            said.append(words)
    waiting = holding_reply.waiting_on_people(rt.queues, ((t.route, t.case) for t in told))
    kind = holding_reply.kind_of(item.route for item in told)
    reference = _reference(rt, told)
    english = " ".join(said)
    return holding_reply.finish(rt, english, waiting, understanding.language, kind, reference, now)


def plain_reply(
    rt: Runtime, told: Sequence[Told], understanding: Understanding, now: datetime
) -> str:
    """Words that name no team or topic (safe_reply.py), with when, in their language too."""
    waiting = holding_reply.waiting_on_people(rt.queues, ((t.route, t.case) for t in told))
    language = understanding.language
    return holding_reply.finish(rt, PLAIN_REPLY, waiting, language, "plain", "", now)


def route_reply(
    session: Session,
    rt: Runtime,
    route: Route,
    understanding: Understanding,
    case: Case | None,
    conversation: Conversation | None,
    now: datetime,
    message: Message | None = None,
    joined: bool = False,
) -> str:
    """The words for one route: a self-service answer, or the outcome's reply (`joined`: the
    message joined `case`, which keeps its team)."""
    if route.answer is not None:
        postcode = understanding.entities.postcode or _known_postcode(conversation)
        provider = ANSWER_PROVIDERS[route.answer]
        context = AnswerContext(
            session=session,
            calendar=rt.calendar,
            case_types=rt.case_types,
            now=now,
            postcode=postcode,
            reference=understanding.entities.case_reference,
            conversation=conversation,
            message=message,
            near_miss=understanding.near_miss,
        )
        return provider(context)
    template = route.reply or DEFAULT_REPLIES[route.outcome]
    if route.outcome is Outcome.EMERGENCY:
        template = DEFAULT_REPLIES[Outcome.EMERGENCY]
    # A case joined keeps its team: the words name the team that really has it, and do not
    # say the message is being passed to a team that already has it.
    queue = case.queue if case is not None and case.queue else route.queue
    if joined and route.reply is None and route.outcome is Outcome.ADVISOR and queue != route.queue:
        template = JOINED_REPLY
    queue_title = rt.queues[queue].title if queue else None
    reference = case.reference if case else _unknown_reference(rt)
    return render_reply(template, reference, queue_title)


def _reference(rt: Runtime, told: Sequence[Told]) -> str:
    """The reference the resident is given first: the primary route's case, if it has one."""
    case = next((item.case for item in told if item.case is not None), None)
    return case.reference if case else _unknown_reference(rt)


def _unknown_reference(rt: Runtime) -> str:
    """Where `explain` shows a reply for a case it does not open."""
    return f"{rt.settings.case_reference_prefix}-??????"


def _known_postcode(conversation: Conversation | None) -> str | None:
    if conversation is None:
        return None
    value = conversation.state.get("postcode")
    return str(value) if value else None
