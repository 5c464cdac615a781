"""Risk heard in anything a caller says, from both signals the text channels use.

A caller who says "I won't need the bin after this week" in answer to a menu is heard exactly as
a texter would be: the reviewed lexicon's cues and the learned safety model's verdict, either of
which puts a person on the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.pipeline.decide import decide, routing_context
from app.pipeline.understand import Understanding, assess
from app.runtime import Runtime
from app.understanding.entities import Entities
from app.understanding.safety import SafetyCue
from app.understanding.safety_model import SafetyVerdict
from app.vocabulary import Channel, Flag


@dataclass(frozen=True)
class HeardRisk:
    """What the words say about risk: the flags to record, and how soon a person is needed."""

    cues: tuple[SafetyCue, ...]
    verdict: SafetyVerdict

    @property
    def flags(self) -> frozenset[str]:
        flags = {cue.flag.value for cue in self.cues}
        if self.verdict.risk_to_life:
            flags.add(Flag.RISK_TO_LIFE.value)
        return frozenset(flags)

    @property
    def emergency(self) -> bool:
        return self.verdict.risk_to_life or any(cue.emergency for cue in self.cues)

    @property
    def needs_person(self) -> bool:
        return self.emergency or self.verdict.needs_person or self.named_by_lexicon

    @property
    def named_by_lexicon(self) -> bool:
        return any(cue.forces_human or cue.emergency for cue in self.cues)


def heard_risk(rt: Runtime, speech: str) -> HeardRisk:
    """The lexicon's cues and the model's verdict on `speech`."""
    return HeardRisk(tuple(rt.lexicon.detect(speech)), assess(rt.safety_model, speech))


def put_through_now(rt: Runtime, speech: str, risk: HeardRisk, now: datetime) -> bool:
    """Whether the caller goes to a person at once, before the menu goes on.

    Words the lexicon names as risk, and risk to life, always do. The model's quieter "a person
    should see this" does when the rules would otherwise leave the caller with self-service;
    where the need is already a team's ("my mum died, it's about her council tax"), the menu
    carries on to that team, who see the model's signal on the handoff.
    """
    if not risk.needs_person:
        return False
    if risk.emergency or risk.named_by_lexicon:
        return True
    understanding = Understanding(
        nlu=rt.nlu.parse(speech), entities=Entities(), cues=risk.cues, safety=risk.verdict
    )
    ctx = routing_context(understanding, Channel.VOICE, frozenset(), now, rt.calendar)
    decision = decide(rt.ruleset, ctx, understanding)
    return decision.safety_override or not any(
        route.outcome.is_human and route.source == "rule" for route in decision.routes
    )
