"""The face every NLU backend shares, shaped like Rasa's /model/parse answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class IntentScore:
    name: str
    confidence: float


@dataclass(frozen=True)
class NluResult:
    """The top intent and the full ranking."""

    intent: str
    confidence: float
    ranking: tuple[IntentScore, ...] = field(default=())
    backend: str = ""


class NluBackend(Protocol):
    """Anything that can classify a resident's words into an intent."""

    name: str

    def parse(self, text: str) -> NluResult: ...
