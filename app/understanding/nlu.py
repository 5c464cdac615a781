"""The face every NLU backend shares, shaped like Rasa's /model/parse answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

# What every backend answers when it is not confident (Rasa's FallbackClassifier does the same).
FALLBACK_INTENT = "nlu_fallback"


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


def build_nlu(
    backend: str, bots_dir: Path, cache_dir: Path, rasa_url: str | None, rasa_timeout: float
) -> NluBackend:
    """The configured backend; the embedded model is always built, as Rasa's fallback."""
    from app.understanding.embedded import load_or_train
    from app.understanding.rasa import RasaNlu
    from app.understanding.training_data import load_examples, load_fallback_threshold

    embedded = load_or_train(load_examples(bots_dir), load_fallback_threshold(bots_dir), cache_dir)
    if backend == "rasa" and rasa_url is not None:
        return RasaNlu(rasa_url, rasa_timeout, embedded)
    return embedded


class NluBackend(Protocol):
    """Anything that can classify a resident's words into an intent."""

    name: str

    def parse(self, text: str) -> NluResult: ...
