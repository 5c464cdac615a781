"""Explain: how one message would be routed, without storing anything.

This is how a council officer checks why a message goes where it goes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import OperationalError, ProgrammingError

from app.db import session as db_session
from app.pipeline.act import compose_reply
from app.pipeline.clarify import ask_if_near_miss
from app.pipeline.decide import decide, routing_context
from app.pipeline.understand import understand
from app.runtime import Runtime
from app.vocabulary import Channel


def explain(rt: Runtime, text: str, channel: Channel, now: datetime) -> dict[str, Any]:
    """One JSON-ready object: intent, confidence, outcome, queue, priority, flags, rule, reply
    for the primary route, then `routes`: every need's route, with its rule and reason."""
    understanding = understand(
        text, rt.nlu, rt.lexicon, rt.settings.case_reference_prefix, channel,
        safety_model=rt.safety_model,
    )  # fmt: skip
    understanding = ask_if_near_miss(understanding, rt.near_misses, channel)
    ctx = routing_context(understanding, channel, frozenset(), now, rt.calendar)
    decision = decide(rt.ruleset, ctx, understanding)
    with db_session(rt.engine) as session:
        try:
            reply = compose_reply(session, rt, decision, understanding, None, None, now)
        except (OperationalError, ProgrammingError):
            reply = "(this answer reads the database: run `frontdoor db upgrade` first)"
        finally:
            session.rollback()
    return {
        "intent": understanding.nlu.intent,
        "confidence": round(understanding.nlu.confidence, 4),
        "outcome": decision.outcome.value,
        "queue": decision.queue,
        "priority": decision.priority.value,
        "flags": list(understanding.flags),
        "rule": decision.rule_id,
        "reply": reply,
        "safety_override": decision.safety_override,
        "asks_which": list(understanding.near_miss.options) if understanding.near_miss else None,
        "routes": [
            {
                "outcome": route.outcome.value,
                "queue": route.queue,
                "priority": route.priority.value,
                "case_type": route.case_type,
                "rule": route.rule_id,
                "reason": route.reason,
            }
            for route in decision.routes
        ],
    }
