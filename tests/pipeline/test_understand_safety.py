"""Understanding hears safety twice, lexicon and model: any risk signal puts a person on it."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path

from app.calendar import CouncilCalendar
from app.pipeline.answers import ANSWER_PROVIDERS
from app.pipeline.decide import Decision, decide, decision_record, routing_context
from app.pipeline.understand import Understanding, understand
from app.routing.queues import load_queues
from app.routing.rules import Ruleset, load_ruleset
from app.understanding.entities import Entities
from app.understanding.nlu import NluBackend, NluResult, build_nlu
from app.understanding.safety import SafetyCue, SafetyLexicon
from app.understanding.safety_model import (
    NEEDS_PERSON,
    NONE,
    RISK_TO_LIFE,
    SafetyModel,
    SafetyVerdict,
    load_or_train,
)
from app.understanding.training_data import routable_intents
from app.vocabulary import Channel, Flag, Outcome, Priority
from tests.conftest import REPO

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
CALENDAR = CouncilCalendar("Europe/London")
CACHE = REPO / "instance" / "nlu"
ABUSE = SafetyCue("domestic_abuse.test", Flag.DOMESTIC_ABUSE, Priority.URGENT, True, False)
ELDERLY = SafetyCue("elderly.test", Flag.ELDERLY, Priority.HIGH, False, False)


@functools.cache
def _rules() -> Ruleset:
    rules_dir = REPO / "routing_rules"
    return load_ruleset(
        rules_dir, load_queues(rules_dir), routable_intents(REPO / "bots"), ANSWER_PROVIDERS
    )


@functools.cache
def _model() -> SafetyModel:
    return load_or_train(REPO / "bots", CACHE)


@functools.cache
def _nlu() -> NluBackend:
    return build_nlu("embedded", REPO / "bots", CACHE, None, 1.0)


def _understanding(
    label: str | None, *cues: SafetyCue, intent: str = "bin_collection_day"
) -> Understanding:
    verdict = (
        None if label is None else SafetyVerdict(label, 0.83, 0.9 if label == RISK_TO_LIFE else 0.1)
    )
    return Understanding(
        nlu=NluResult(intent, 0.99, (), "test"), entities=Entities(), cues=cues, safety=verdict
    )


def _decide(understanding: Understanding) -> Decision:
    ctx = routing_context(understanding, Channel.SMS, frozenset(), NOW, CALENDAR)
    return decide(_rules(), ctx, understanding)


def test_the_model_alone_puts_a_person_onto_the_message() -> None:
    understanding = _understanding(NEEDS_PERSON)
    assert understanding.forces_human and not understanding.emergency
    assert understanding.priority is Priority.URGENT
    assert understanding.cue_ids == ("model.needs_person@0.83",)
    assert understanding.flags == ()  # a needs_person verdict names no vulnerability
    decision = _decide(understanding)
    assert decision.outcome.is_human and decision.safety_override


def test_a_model_risk_to_life_goes_to_the_emergency_outcome() -> None:
    understanding = _understanding(RISK_TO_LIFE)
    assert understanding.emergency and understanding.forces_human
    assert understanding.priority is Priority.EMERGENCY
    assert Flag.RISK_TO_LIFE.value in understanding.flags
    assert understanding.cue_ids == ("model.risk_to_life@0.90",)
    decision = _decide(understanding)
    assert decision.outcome is Outcome.EMERGENCY and decision.priority is Priority.EMERGENCY


def test_where_lexicon_and_model_disagree_a_person_decides() -> None:
    lexicon_only = _understanding(NONE, ABUSE)
    model_only = _understanding(NEEDS_PERSON, ELDERLY)
    for understanding in (lexicon_only, model_only):
        assert understanding.signals_disagree and understanding.forces_human
        assert _decide(understanding).outcome.is_human
    assert model_only.cue_ids == ("elderly.test", "model.needs_person@0.83")


def test_when_both_signals_are_quiet_the_bot_keeps_the_message() -> None:
    understanding = _understanding(NONE, ELDERLY)
    assert not understanding.forces_human and not understanding.signals_disagree
    assert understanding.cue_ids == ("elderly.test",)
    assert not _decide(understanding).outcome.is_human


QUIET_LEXICON = """safety_cues:
  - id: elderly.frail
    flag: elderly
    priority: high
    forces_human: false
    emergency: false
    description: Only here so the lexicon is valid; it never fires on the text below.
    patterns: ['\\bfrail\\b']
    examples: [my nan is frail]
    non_examples: [my bin was missed]
"""


def test_understand_consults_the_model_on_the_whole_text(tmp_path: Path) -> None:
    (tmp_path / "safety_cues.yaml").write_text(QUIET_LEXICON)
    lexicon = SafetyLexicon.load(tmp_path / "safety_cues.yaml")
    text = (
        "Hi, the blue bin on Tern Close was missed on Friday. "
        + "The crew may have been confused by the parked cars. " * 90
        + "P.S. I've given my dog to my neighbour and said my goodbyes, I won't be here next week."
    )
    assert len(text) > 4_000  # the risk is past what the classifier reads: the model reads the end
    understanding = understand(text, _nlu(), lexicon, "WNC", safety_model=_model())
    assert understanding.cues == ()
    assert understanding.safety is not None and understanding.safety.needs_person
    assert understanding.forces_human
    assert understand(text, _nlu(), lexicon, "WNC").safety is None


def test_the_record_and_the_reason_name_the_model_when_it_alone_fired() -> None:
    understanding = _understanding(NEEDS_PERSON)
    decision = _decide(understanding)
    record = decision_record(decision, understanding, "v1", decision.queue, NOW, None)
    assert record.cues == ["model.needs_person@0.83"]
    person = [route for route in decision.routes if route.outcome.is_human]
    assert any("model.needs_person@0.83" in route.reason for route in person), person
