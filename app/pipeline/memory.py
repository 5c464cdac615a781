"""Conversation memory: when the bot asks a question, the resident's next message answers it.

The question is kept in the conversation's state with the time it was asked; after the idle
time it is forgotten, so a reply days later starts afresh.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from app.models import Conversation
from app.pipeline.understand import Understanding
from app.understanding.nlu import NluResult

AWAITING = "awaiting"
# What answers each question, read from the message's entities.
ANSWERED_BY = {"postcode": "postcode", "reference": "case_reference"}


def ask(conversation: Conversation | None, question: str, intent: str, now: datetime) -> None:
    """Remember that we asked `question` while handling `intent`."""
    if conversation is None:
        return
    pending = {"question": question, "intent": intent, "asked_at": now.isoformat()}
    conversation.state = {**conversation.state, AWAITING: pending}


def resolve(
    conversation: Conversation, understanding: Understanding, now: datetime, idle: timedelta
) -> Understanding:
    """If this message answers our open question, it continues that intent. The question is
    cleared either way: answered, abandoned for something else, or gone stale."""
    pending = conversation.state.get(AWAITING)
    if not isinstance(pending, dict):
        return understanding
    conversation.state = {k: v for k, v in conversation.state.items() if k != AWAITING}
    if now - datetime.fromisoformat(str(pending["asked_at"])) > idle:
        return understanding
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
