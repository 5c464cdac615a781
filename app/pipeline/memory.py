"""Conversation memory: what the resident's next message belongs to.

When the bot asks a question, the next message answers it. The question is kept in the
conversation's state with the time it was asked; after the idle time it is forgotten, so a
reply days later starts afresh.

A message about a case the conversation already has (the same need again, an answer, more
detail) joins that case; a new need opens its own case, which act links to the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from app.models import Case, Conversation
from app.pipeline.decide import GENERIC_QUEUE
from app.pipeline.understand import Understanding
from app.understanding.near_miss import NearMiss, NearMisses
from app.understanding.nlu import NluResult

AWAITING = "awaiting"
# What answers each question, read from the message's entities.
ANSWERED_BY = {"postcode": "postcode", "reference": "case_reference"}
# "Which of these two?": answered by "1", "2" or the words of one option (near_miss.py).
CHOICE = "choice"
# Intents that say no new need of their own: a yes, a no, a detail, or words we did not follow.
DETAIL_INTENTS = frozenset({"inform", "affirm", "deny", "nlu_fallback"})


@dataclass(frozen=True)
class Placement:
    """The open case a route joins, and whether the route's team should take it over."""

    case: Case
    requeue: bool
    why: str


def place(
    open_cases: Sequence[Case],
    case_type: str,
    queue: str | None,
    intent: str,
    from_rule: bool,
    at_risk: bool = False,
) -> Placement | None:
    """The conversation's open case this route belongs to, or None for a new need.

    `open_cases` is newest first. `from_rule` is False for routes a flag raised: a disclosure
    is its own need, never a detail of the case the conversation was on. Nor is a message that
    carries a risk signal (`at_risk`): a person reads it on a case of its own. A detail joins
    the newest case a council person is handling, never one nobody here reads (a bot's service
    request, a partner's referral awaiting consent).
    """
    for case in open_cases:
        if case.case_type == case_type and case.queue == queue:
            return Placement(case, requeue=False, why="same need")
    if from_rule and not at_risk and intent in DETAIL_INTENTS:
        read = next((case for case in open_cases if _read_by_a_person(case)), None)
        if read is not None:
            return Placement(read, requeue=False, why="more detail")
    for case in open_cases:
        if case.case_type == case_type and case.queue == GENERIC_QUEUE and case.advisor_id is None:
            return Placement(case, requeue=True, why="need made clear")
    return None


def _read_by_a_person(case: Case) -> bool:
    return case.queued_at is not None and case.partner_consent is None


def ask(
    conversation: Conversation | None,
    question: str,
    intent: str,
    now: datetime,
    options: Sequence[str] = (),
) -> None:
    """Remember that we asked `question` while handling `intent` (offering `options`)."""
    if conversation is None:
        return
    pending: dict[str, Any] = {"question": question, "intent": intent, "asked_at": now.isoformat()}
    if options:
        pending["options"] = list(options)
    conversation.state = {**conversation.state, AWAITING: pending}


def resolve(
    conversation: Conversation,
    understanding: Understanding,
    now: datetime,
    idle: timedelta,
    text: str = "",
    near_misses: NearMisses | None = None,
) -> Understanding:
    """If this message answers our open question, it continues that intent. The question is
    cleared either way: answered, abandoned for something else, or gone stale."""
    pending = conversation.state.get(AWAITING)
    if not isinstance(pending, dict):
        return understanding
    conversation.state = {k: v for k, v in conversation.state.items() if k != AWAITING}
    if now - datetime.fromisoformat(str(pending["asked_at"])) > idle:
        return understanding
    if pending["question"] == CHOICE:
        return _chosen(pending, understanding, text, near_misses)
    entity = ANSWERED_BY.get(str(pending["question"]))
    if entity is None or getattr(understanding.entities, entity) is None:
        return understanding
    if understanding.nlu.intent not in {"inform", "affirm", "nlu_fallback", pending["intent"]}:
        return understanding  # they have moved on to something else
    continued = NluResult(
        str(pending["intent"]),
        1.0,
        understanding.nlu.ranking,
        f"{understanding.nlu.backend}+context",
    )
    return replace(understanding, nlu=continued)


def _chosen(
    pending: dict[str, Any],
    understanding: Understanding,
    text: str,
    near_misses: NearMisses | None,
) -> Understanding:
    """The option the resident picked routes this message; a reply we cannot place, or one
    that carries a risk signal, is routed on its own words (a person reads what we cannot)."""
    options = pending.get("options")
    if near_misses is None or not isinstance(options, list) or len(options) != 2:
        return understanding
    if understanding.cues or understanding.forces_human:
        return understanding
    asked = NearMiss(str(options[0]), str(options[1]), "")
    picked = near_misses.choice(asked, text, understanding.nlu)
    if picked is None:
        return understanding
    nlu = understanding.nlu
    chosen = NluResult(picked, 1.0, nlu.ranking, f"{nlu.backend}+choice")
    return replace(understanding, nlu=chosen)
