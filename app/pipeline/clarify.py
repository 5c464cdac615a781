"""Ask which of two needs, rather than guess, when the classifier cannot tell them apart.

Only written conversations are asked (SMS, web chat, email): a caller already chose from the
IVR's menu. Nobody with a risk signal, a safety cue or another language is ever asked a
question by the bot: their message goes to a person as it would have.
"""

from __future__ import annotations

from dataclasses import replace

from app.pipeline.understand import Understanding
from app.understanding.near_miss import CLARIFY_INTENT, NearMisses
from app.understanding.nlu import NluResult
from app.vocabulary import Channel

ASKABLE = frozenset({Channel.SMS, Channel.WEB, Channel.EMAIL})


def ask_if_near_miss(
    understanding: Understanding, near_misses: NearMisses | None, channel: Channel
) -> Understanding:
    """`understanding` routed as a question when its two leading intents are a near miss."""
    if near_misses is None or channel not in ASKABLE or _person_needed(understanding):
        return understanding
    near_miss = near_misses.find(understanding.nlu)
    if near_miss is None:
        return understanding
    nlu = understanding.nlu
    asked = NluResult(CLARIFY_INTENT, nlu.confidence, nlu.ranking, nlu.backend)
    return replace(understanding, nlu=asked, near_miss=near_miss)


def _person_needed(understanding: Understanding) -> bool:
    return (
        bool(understanding.cues)
        or understanding.forces_human
        or understanding.emergency
        or (understanding.language is not None)
    )
