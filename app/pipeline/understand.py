"""Understand: intent from the NLU, entities, and safety cues from their own reviewed layer."""

from __future__ import annotations

from dataclasses import dataclass

from app.understanding.entities import Entities
from app.understanding.language import non_english
from app.understanding.nlu import NluBackend, NluResult
from app.understanding.reading import classify, entities_of, reading_text
from app.understanding.safety import SafetyCue, SafetyLexicon
from app.vocabulary import Channel, Priority, interpreter_flag


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


# How much of a message the classifier, the entity finder and the language detector read.
# Every SMS (Twilio joins at most 10 segments, 1,600 characters) and chat message (2,000) is read
# whole; of an email, the opening 600 or so words, where residents say what they want, the
# reference they have and where they live. Past that the answer seldom changes but the cost
# does: phonenumbers' matcher is pure Python, about 0.1 s per 10,000 digit-heavy characters.
# Safety cues are cheaper and linear, and read everything: a risk told at the end still counts.
READ_CHARS = 4_000


def understand(
    text: str,
    nlu: NluBackend,
    lexicon: SafetyLexicon,
    reference_prefix: str,
    channel: Channel | None = None,
) -> Understanding:
    """Run every understanding step over one message's text.

    The classifier, entities and language read the resident's new words (no quoted reply or
    signature, mishearings put right); safety cues read the whole text as received.
    """
    reading = reading_text(text, channel)
    opening = leading(reading.words)
    return Understanding(
        nlu=classify(nlu, opening, leading(text)),
        entities=entities_of(leading(reading.own), leading(text), reference_prefix),
        cues=tuple(lexicon.detect(text)),
        language=non_english(opening),
    )


def leading(text: str, limit: int = READ_CHARS) -> str:
    """At most `limit` characters of `text`, ending at a space where one is near the cut.

    Ending at a space keeps a phone number or reference cut in half from being misread as a
    shorter one.
    """
    if len(text) <= limit:
        return text
    space = max(text.rfind(blank, limit // 2, limit + 1) for blank in " \n\t")
    return text[:space] if space > 0 else text[:limit]
