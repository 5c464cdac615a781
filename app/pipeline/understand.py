"""Understand: intent from the NLU, entities, and safety from two signals.

Safety is heard twice: the reviewed lexicon's cues (the words people use for risk) and the
learned model's verdict over the whole message (risk said otherwise, or in passing). Either one
puts a person onto the message; so where they disagree, a person decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.understanding.entities import Entities
from app.understanding.language import non_english
from app.understanding.near_miss import NearMiss
from app.understanding.nlu import NluBackend, NluResult
from app.understanding.reading import classify, entities_of, reading_text
from app.understanding.safety import SafetyCue, SafetyLexicon
from app.understanding.safety_model import SafetyModel, SafetyVerdict
from app.vocabulary import Channel, Flag, Priority, interpreter_flag


@dataclass(frozen=True)
class Understanding:
    """All we took from one message."""

    nlu: NluResult
    entities: Entities
    cues: tuple[SafetyCue, ...]
    language: str | None = None
    # The learned safety signal's verdict; None where no model was consulted (e.g. a keyword).
    safety: SafetyVerdict | None = None
    # Two needs that read alike: the bot asks which (app/pipeline/clarify.py).
    near_miss: NearMiss | None = None

    @property
    def flags(self) -> tuple[str, ...]:
        """Flag strings as stored: `interpreter:<lang>` carries the language.

        The model's risk_to_life verdict raises that flag too, so the case shows it; a
        needs_person verdict names no vulnerability, so it raises none (see `cue_ids`).
        """
        flags = {cue.flag.value for cue in self.cues}
        if self.safety is not None and self.safety.risk_to_life:
            flags.add(Flag.RISK_TO_LIFE.value)
        if self.language is not None:
            flags.add(interpreter_flag(self.language))
        return tuple(sorted(flags))

    @property
    def cue_ids(self) -> tuple[str, ...]:
        """Every signal that fired, to record: lexicon cue ids, then the model's pseudo-cue
        (`model.needs_person@0.83`) when it asked for a person."""
        ids = [cue.cue_id for cue in self.cues]
        if self.safety is not None and self.safety.needs_person:
            ids.append(self.safety.cue_id)
        return tuple(ids)

    @property
    def priority(self) -> Priority:
        return Priority.highest(*(cue.priority for cue in self.cues), *_model_priority(self.safety))

    @property
    def forces_human(self) -> bool:
        """Any risk signal, from either source, puts a person onto the message."""
        model = self.safety is not None and self.safety.needs_person
        return model or any(cue.forces_human for cue in self.cues)

    @property
    def emergency(self) -> bool:
        model = self.safety is not None and self.safety.risk_to_life
        return model or any(cue.emergency for cue in self.cues)

    @property
    def signals_disagree(self) -> bool:
        """One source hears risk and the other does not: the person who now has it decides."""
        if self.safety is None:
            return False
        lexicon = any(cue.forces_human for cue in self.cues)
        return lexicon != self.safety.needs_person


def _model_priority(verdict: SafetyVerdict | None) -> tuple[Priority, ...]:
    """The least urgency a model verdict asks for: a person soon, or an emergency."""
    if verdict is None or not verdict.needs_person:
        return ()
    return (Priority.EMERGENCY if verdict.risk_to_life else Priority.URGENT,)


# How much of a message the classifier, the entity finder and the language detector read.
# Every SMS (Twilio joins at most 10 segments, 1,600 characters) and chat message (2,000) is read
# whole; of an email, the opening 600 or so words, where residents say what they want, the
# reference they have and where they live. Past that the answer seldom changes but the cost
# does: phonenumbers' matcher is pure Python, about 0.1 s per 10,000 digit-heavy characters.
# Safety cues are cheaper and linear, and read everything: a risk told at the end still counts.
READ_CHARS = 4_000
# Of a text longer than that, the safety model also reads the end.
TAIL_CHARS = 1_000


def understand(
    text: str,
    nlu: NluBackend,
    lexicon: SafetyLexicon,
    reference_prefix: str,
    channel: Channel | None = None,
    safety_model: SafetyModel | None = None,
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
        safety=None if safety_model is None else assess(safety_model, text),
    )


def assess(model: SafetyModel, text: str) -> SafetyVerdict:
    """The model's verdict on the text as received (as the cues read it): its opening and, of a
    longer text, its end too (a risk told last still counts), keeping the more pressing one."""
    opening = leading(text)
    verdicts = [model.assess(opening)]
    if len(text) > len(opening):
        verdicts.append(model.assess(text[-TAIL_CHARS:]))
    return max(verdicts, key=lambda v: (v.risk_to_life, v.needs_person, v.risk))


def leading(text: str, limit: int = READ_CHARS) -> str:
    """At most `limit` characters of `text`, ending at a space where one is near the cut.

    Ending at a space keeps a phone number or reference cut in half from being misread as a
    shorter one.
    """
    if len(text) <= limit:
        return text
    space = max(text.rfind(blank, limit // 2, limit + 1) for blank in " \n\t")
    return text[:space] if space > 0 else text[:limit]
