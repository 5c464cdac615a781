"""Scoring the router on a held-out set: what residents nobody trained on would have met.

Cross-validation on bots/data/nlu.yml cannot show whether a resident at risk reached a person,
because the training data holds few such messages. A held-out set labels each message with its
intent, the outcomes a good council would accept, whether it is safety-critical and its
language, and this module scores the whole understand -> decide chain against it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.pipeline.clarify import ask_if_near_miss
from app.pipeline.decide import HUMAN_RANK, decide, routing_context
from app.pipeline.understand import understand
from app.runtime import Runtime
from app.understanding.near_miss import NearMiss
from app.understanding.nlu import FALLBACK_INTENT, NluResult
from app.vocabulary import Channel, Outcome

PERSON = frozenset({Outcome.ADVISOR, Outcome.PARTNER, Outcome.EMERGENCY})
BOT = frozenset({Outcome.ANSWER, Outcome.SERVICE_REQUEST})


class HeldOutMessage(BaseModel):
    """One labelled message (one line of a held-out JSONL file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    channel: Literal["sms", "web", "email", "voice"]
    text: str = Field(min_length=1)
    intent: str
    outcomes: tuple[Outcome, ...] = Field(min_length=1)
    safety_critical: bool
    flags: tuple[str, ...] = ()
    language: str = Field(pattern=r"^[a-z]{2,3}$")
    family: str = "everyday"
    note: str = ""


class HeldOutFileError(ValueError):
    """A held-out file line that does not parse; the message says file:line."""


def load_heldout(paths: Iterable[Path]) -> list[HeldOutMessage]:
    """Every message of the given JSONL files, checked; ids must be unique across them."""
    messages: list[HeldOutMessage] = []
    seen: set[str] = set()
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                message = HeldOutMessage.model_validate(json.loads(line))
            except (json.JSONDecodeError, ValidationError) as exc:
                raise HeldOutFileError(f"{path}:{number}: {exc}") from None
            if message.id in seen:
                raise HeldOutFileError(f"{path}:{number}: duplicate id {message.id}")
            seen.add(message.id)
            messages.append(message)
    return messages


@dataclass(frozen=True)
class Scored:
    """What the router did with one message: the primary route's outcome and every route's."""

    id: str
    intent: str
    outcome: str
    flags: tuple[str, ...]
    rule: str
    routes: tuple[str, ...] = ()
    # Asked "is it A or B?" (a near miss); the resident's answer is simulated from the label.
    asked: bool = False
    first_reading: str = ""  # the classifier's intent, before any question

    @property
    def scored(self) -> Outcome:
        """The most human of its routes: a message that reaches a person anywhere reached one."""
        return max(map(Outcome, (self.outcome, *self.routes)), key=HUMAN_RANK.__getitem__)


@dataclass
class HeldOutReport:
    """What `frontdoor nlu evaluate --heldout` prints."""

    messages: int
    english: int
    intent_accuracy: float
    intent_accuracy_unasked: float
    outcome_acceptable: float
    safety_critical: int
    safety_reached_person: int
    risk_to_life: int
    risk_to_life_emergency: int
    non_english: int
    interpreter_flagged: int
    bot_right: int
    false_alarms: int
    asked_which: int
    outcome_by_channel: dict[str, float]
    safety_misses: list[dict[str, str]] = field(default_factory=list)
    interpreter_misses: list[str] = field(default_factory=list)
    false_alarm_ids: list[str] = field(default_factory=list)
    intent_confusions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def safety_recall(self) -> float:
        return self.safety_reached_person / self.safety_critical if self.safety_critical else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.bot_right if self.bot_right else 0.0

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {
            "safety_recall": round(self.safety_recall, 4),
            "false_alarm_rate": round(self.false_alarm_rate, 4),
        }


def route(rt: Runtime, message: HeldOutMessage, now: datetime) -> Scored:
    """The router's decision on one message, as `frontdoor explain` makes it."""
    channel = Channel(message.channel)
    understanding = understand(
        message.text, rt.nlu, rt.lexicon, rt.settings.case_reference_prefix, channel,
        safety_model=rt.safety_model,
    )  # fmt: skip
    first_reading = understanding.nlu.intent
    asked = ask_if_near_miss(understanding, rt.near_misses, channel).near_miss
    if asked is not None:
        understanding = replace(understanding, nlu=_answer(asked, message, understanding.nlu))
    ctx = routing_context(understanding, channel, frozenset(), now, rt.calendar)
    decision = decide(rt.ruleset, ctx, understanding)
    return Scored(
        id=message.id,
        intent=understanding.nlu.intent,
        outcome=decision.outcome.value,
        flags=understanding.flags,
        rule=decision.rule_id,
        routes=tuple(route.outcome.value for route in decision.routes),
        asked=asked is not None,
        first_reading=first_reading,
    )


def _answer(asked: NearMiss, message: HeldOutMessage, nlu: NluResult) -> NluResult:
    """The resident's reply to "is it A (1) or B (2)?": the option that is their need; a
    resident whose need is neither says something else, which a person reads."""
    if message.intent in asked.options:
        return NluResult(message.intent, 1.0, nlu.ranking, f"{nlu.backend}+choice")
    return NluResult(FALLBACK_INTENT, 0.0, nlu.ranking, f"{nlu.backend}+choice")


def score(messages: Sequence[HeldOutMessage], routed: Sequence[Scored]) -> HeldOutReport:
    """Intent, outcome, safety recall, interpreter recall and false alarms, each message scored
    by its most human route (emergency > partner > advisor > service_request > answer)."""
    english = [(m, r) for m, r in zip(messages, routed, strict=True) if m.language == "en"]
    pairs = list(zip(messages, routed, strict=True))
    critical = [(m, r) for m, r in pairs if m.safety_critical]
    to_life = [(m, r) for m, r in critical if set(m.outcomes) == {Outcome.EMERGENCY}]
    foreign = [(m, r) for m, r in pairs if m.language != "en"]
    bot_right = [(m, r) for m, r in pairs if not m.safety_critical and set(m.outcomes) <= BOT]
    by_channel: dict[str, list[bool]] = defaultdict(list)
    for m, r in pairs:
        by_channel[m.channel].append(r.scored in m.outcomes)
    confusions = Counter((m.intent, r.intent) for m, r in english if m.intent != r.intent)
    return HeldOutReport(
        messages=len(pairs),
        english=len(english),
        intent_accuracy=_share(m.intent == r.intent for m, r in english),
        intent_accuracy_unasked=_share(m.intent == r.first_reading for m, r in english),
        outcome_acceptable=_share(r.scored in m.outcomes for m, r in pairs),
        safety_critical=len(critical),
        safety_reached_person=sum(r.scored in PERSON for _, r in critical),
        risk_to_life=len(to_life),
        risk_to_life_emergency=sum(r.scored is Outcome.EMERGENCY for _, r in to_life),
        non_english=len(foreign),
        interpreter_flagged=sum(_interpreter(r) for _, r in foreign),
        bot_right=len(bot_right),
        false_alarms=sum(r.scored in PERSON for _, r in bot_right),
        asked_which=sum(r.asked for r in routed),
        outcome_by_channel={c: round(_share(v), 4) for c, v in sorted(by_channel.items())},
        safety_misses=[
            {"id": m.id, "family": m.family, "outcome": r.scored.value, "rule": r.rule}
            for m, r in critical
            if r.scored not in PERSON
        ],
        interpreter_misses=[m.id for m, r in foreign if not _interpreter(r)],
        false_alarm_ids=[m.id for m, r in bot_right if r.scored in PERSON],
        intent_confusions=[
            {"intent": gold, "predicted": got, "count": n}
            for (gold, got), n in confusions.most_common(10)
        ],
    )


def evaluate_heldout(rt: Runtime, paths: Iterable[Path], now: datetime) -> HeldOutReport:
    messages = load_heldout(paths)
    return score(messages, [route(rt, message, now) for message in messages])


def _interpreter(routed: Scored) -> bool:
    return any(flag.startswith("interpreter:") for flag in routed.flags)


def _share(hits: Iterable[bool]) -> float:
    values = list(hits)
    return round(sum(values) / len(values), 4) if values else 0.0
