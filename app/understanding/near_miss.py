"""Near misses: two intents the classifier cannot tell apart, settled by asking one question.

Some needs read alike: "I can't pay my council tax this month" is a payment question or a
resident in hardship; "my bin still hasn't been emptied" is a new report or a chase of one
already made. Guessing sends some residents down the wrong path, and giving up sends every one
of them to an advisor. Where the two leading intents are a pair named in
`routing_rules/near_misses.yaml` and close, the bot asks which one, in a line, and the answer
("1", "2", or the resident's own words) routes the message. Nobody with a risk signal is ever
asked: they go to a person (app/pipeline/clarify.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.routing.yaml_source import load_yaml
from app.understanding.nlu import FALLBACK_INTENT, IntentScore, NluResult

NEAR_MISSES_FILE = "near_misses.yaml"
# The pseudo-intent a near miss is routed as: a rule answers it with the question.
CLARIFY_INTENT = "clarify"
_WORD = re.compile(r"[a-z0-9]+")
_SHORT_REPLY = 4
_ORDINALS = {"1": 0, "one": 0, "first": 0, "2": 1, "two": 1, "second": 1}


_Phrase = Annotated[str, Field(pattern=r"^[a-z]+( [a-z]+)*$")]


class _Label(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    says: Annotated[str, Field(min_length=3, max_length=80)]
    words: Annotated[list[_Phrase], Field(min_length=1)]


class _NearMissFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    margin: Annotated[float, Field(gt=0, lt=1)]
    least_share: Annotated[float, Field(gt=0, le=1)]
    question: Annotated[str, Field(min_length=10)]
    labels: dict[str, _Label]
    pairs: list[Annotated[list[str], Field(min_length=2, max_length=2)]]

    @model_validator(mode="after")
    def _pairs_are_labelled(self) -> _NearMissFile:
        for first, second in self.pairs:
            if first == second:
                raise ValueError(f"pair {first!r} names one intent twice")
            for intent in (first, second):
                if intent not in self.labels:
                    raise ValueError(f"pair intent {intent!r} has no label")
        if "{first}" not in self.question or "{second}" not in self.question:
            raise ValueError("question must contain {first} and {second}")
        return self


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    near_misses: _NearMissFile


@dataclass(frozen=True)
class NearMiss:
    """A question to ask: the two intents in the order offered (1, then 2), and the words."""

    first: str
    second: str
    question: str

    @property
    def options(self) -> tuple[str, str]:
        return self.first, self.second


@dataclass(frozen=True)
class NearMisses:
    """The reviewed pairs, and how close two intents must be to count as a near miss."""

    margin: float
    least_share: float
    question: str
    labels: Mapping[str, tuple[str, tuple[str, ...]]]  # intent -> (says, words)
    pairs: frozenset[frozenset[str]]

    @classmethod
    def load(cls, rules_dir: Path, intents: Sequence[str] | frozenset[str]) -> NearMisses:
        """Read `near_misses.yaml`; every intent it names must be one the NLU knows."""
        document = load_yaml(rules_dir / NEAR_MISSES_FILE)
        parsed = document.parse(_Document).near_misses
        for name in parsed.labels:
            if name not in intents:
                raise document.error(["near_misses", "labels", name], f"unknown intent {name!r}")
        return cls(
            margin=parsed.margin,
            least_share=parsed.least_share,
            question=parsed.question,
            labels={k: (v.says, tuple(v.words)) for k, v in parsed.labels.items()},
            pairs=frozenset(frozenset(pair) for pair in parsed.pairs),
        )

    def find(self, nlu: NluResult) -> NearMiss | None:
        """The question to ask when the two leading intents are a named pair and too close.

        Too close: the classifier fell back, or the runner-up is within `margin` of the leader.
        Together they must hold `least_share` of the belief, or the message may be neither.
        """
        ranked = [score for score in nlu.ranking if score.name != FALLBACK_INTENT]
        if len(ranked) < 2:
            return None
        top, runner_up = sorted(ranked, key=lambda s: -s.confidence)[:2]
        if frozenset((top.name, runner_up.name)) not in self.pairs:
            return None
        close = nlu.intent == FALLBACK_INTENT or top.confidence - runner_up.confidence < self.margin
        if not close or top.confidence + runner_up.confidence < self.least_share:
            return None
        return NearMiss(top.name, runner_up.name, self._question(top, runner_up))

    def _question(self, first: IntentScore, second: IntentScore) -> str:
        return self.question.format(
            first=self.labels[first.name][0], second=self.labels[second.name][0]
        )

    def choice(self, asked: NearMiss, reply: str, reply_nlu: NluResult) -> str | None:
        """The intent the resident chose with `reply`, or None if we cannot tell.

        "1" or "2"; else the words of one option and none of the other's; else the reply's own
        intent when it is one of the two.
        """
        words = _WORD.findall(reply.lower())
        picked = {_ORDINALS[w] for w in words if w in _ORDINALS}
        # "2" is an answer; "it's been 2 weeks" is not.
        if len(picked) == 1 and len(words) <= _SHORT_REPLY:
            return asked.options[picked.pop()]
        text = " ".join(words)
        hits = [
            intent
            for intent in asked.options
            if any(re.search(rf"\b{re.escape(w)}\b", text) for w in self.labels[intent][1])
        ]
        if len(hits) == 1:
            return hits[0]
        return reply_nlu.intent if reply_nlu.intent in asked.options else None
