"""Understand: intent from the NLU, entities, and safety cues from their own reviewed layer."""

from __future__ import annotations

from dataclasses import dataclass

from app.understanding.entities import Entities, extract_entities
from app.understanding.language import non_english
from app.understanding.nlu import NluBackend, NluResult
from app.understanding.safety import SafetyCue, SafetyLexicon
from app.vocabulary import Priority, interpreter_flag


@dataclass(frozen=True)
class Understanding:
    """All we took from one message."""

    nlu: NluResult
    entities: Entities
    cues: tuple[SafetyCue, ...]
    language: str | None = None

    @property
    def flags(self) -> tuple[str, ...]:
        """Flag strings as stored: `interpreter:<lang>` carries the language."""
        flags = {cue.flag.value for cue in self.cues}
        if self.language is not None:
            flags.add(interpreter_flag(self.language))
        return tuple(sorted(flags))

    @property
    def priority(self) -> Priority:
        return Priority.highest(*(cue.priority for cue in self.cues))

    @property
    def forces_human(self) -> bool:
        return any(cue.forces_human for cue in self.cues)

    @property
    def emergency(self) -> bool:
        return any(cue.emergency for cue in self.cues)


def understand(
    text: str, nlu: NluBackend, lexicon: SafetyLexicon, reference_prefix: str
) -> Understanding:
    """Run every understanding step over one message's text."""
    return Understanding(
        nlu=nlu.parse(text),
        entities=extract_entities(text, reference_prefix),
        cues=tuple(lexicon.detect(text)),
        language=non_english(text),
    )
