"""The safety floor: no rule file can leave a resident at risk with the bot."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from app.calendar import CouncilCalendar
from app.pipeline.answers import ANSWER_PROVIDERS
from app.pipeline.decide import (
    SAFEGUARDING_QUEUE,
    Decision,
    decide,
    route_flags,
    routing_context,
)
from app.pipeline.understand import Understanding, understand
from app.routing.queues import load_queues
from app.routing.rules import Ruleset, load_ruleset
from app.understanding.embedded import train
from app.understanding.entities import Entities
from app.understanding.nlu import NluResult
from app.understanding.safety import DEFAULT_LEXICON_PATH, SafetyCue, SafetyLexicon
from app.understanding.safety_model import SafetyVerdict
from app.understanding.training_data import load_examples, routable_intents
from app.vocabulary import Channel, Flag, Outcome, Priority
from tests.conftest import REPO

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CALENDAR = CouncilCalendar("Europe/London")
LEXICON = SafetyLexicon.load(DEFAULT_LEXICON_PATH)


@pytest.fixture(scope="module")
def careless_rules(tmp_path_factory: pytest.TempPathFactory) -> Ruleset:
    """The shipped rules without 10-safety.yaml, as a careless edit might leave them."""
    rules_dir = tmp_path_factory.mktemp("rules") / "routing_rules"
    shutil.copytree(REPO / "routing_rules", rules_dir)
    (rules_dir / "10-safety.yaml").unlink()
    queues = load_queues(rules_dir)
    return load_ruleset(rules_dir, queues, routable_intents(REPO / "bots"), ANSWER_PROVIDERS)


def _understanding(text: str, intent: str) -> Understanding:
    return Understanding(
        nlu=NluResult(intent, 0.99, (), "test"),
        entities=Entities(),
        cues=tuple(LEXICON.detect(text)),
    )


def _decide(ruleset: Ruleset, understanding: Understanding) -> Decision:
    ctx = routing_context(understanding, Channel.SMS, frozenset(), NOW, CALENDAR)
    return decide(ruleset, ctx, understanding)


def test_risk_to_life_becomes_an_emergency_even_if_the_rule_says_answer(
    careless_rules: Ruleset,
) -> None:
    understanding = _understanding("hi there, I want to end it all", "greet")
    decision = _decide(careless_rules, understanding)
    assert decision.matched_rule == "greet" and decision.rule_id == "safety.risk-to-life"
    assert decision.outcome is Outcome.EMERGENCY
    assert decision.queue == SAFEGUARDING_QUEUE
    assert decision.priority is Priority.EMERGENCY
    assert decision.safety_override is True


@pytest.mark.parametrize(
    "text",
    [
        "when is bin day? also my partner takes all my money and won't let me out",
        "when is bin day? we have nowhere to sleep tonight",
        "when is bin day? the kids haven't eaten in two days",
    ],
)
def test_forcing_cues_never_get_a_bot_only_answer(careless_rules: Ruleset, text: str) -> None:
    decision = _decide(careless_rules, _understanding(text, "bin_collection_day"))
    assert decision.outcome is Outcome.ADVISOR
    assert decision.safety_override is True
    assert decision.priority.rank >= Priority.URGENT.rank


def test_a_mundane_message_is_not_overridden(careless_rules: Ruleset) -> None:
    decision = _decide(careless_rules, _understanding("when is bin day", "bin_collection_day"))
    assert decision.outcome is Outcome.ANSWER
    assert decision.safety_override is False


def test_understand_runs_every_layer_on_real_text() -> None:
    model = train(load_examples(REPO / "bots"), 0.4)
    result = understand("any news on WNC-204318? my husband died last week", model, LEXICON, "WNC")
    assert result.entities.case_reference == "WNC-204318"
    assert "bereavement" in result.flags
    assert result.priority is Priority.HIGH
    assert result.language is None


@pytest.fixture(scope="module")
def shipped_rules() -> Ruleset:
    rules_dir = REPO / "routing_rules"
    return load_ruleset(rules_dir, load_queues(rules_dir), INTENTS, ANSWER_PROVIDERS)


@pytest.fixture(scope="module")
def bare_floor(tmp_path_factory: pytest.TempPathFactory) -> Ruleset:
    """Neither the safety rules nor the needs file: only the floor in code is left."""
    rules_dir = tmp_path_factory.mktemp("bare") / "routing_rules"
    shutil.copytree(REPO / "routing_rules", rules_dir)
    (rules_dir / "10-safety.yaml").unlink()
    (rules_dir / "70-needs.yaml").unlink()
    return load_ruleset(rules_dir, load_queues(rules_dir), INTENTS, ANSWER_PROVIDERS)


INTENTS = routable_intents(REPO / "bots")
ABUSE_IN_A_BIN_REPORT = "the bin men skipped us again. he hits me when the bins are left out"


def _kinds(decision: Decision) -> list[tuple[Outcome, str | None]]:
    return [(route.outcome, route.queue) for route in decision.routes]


def test_the_floor_adds_a_person_and_keeps_the_request(bare_floor: Ruleset) -> None:
    decision = _decide(bare_floor, _understanding(ABUSE_IN_A_BIN_REPORT, "missed_bin"))
    assert _kinds(decision) == [
        (Outcome.ADVISOR, SAFEGUARDING_QUEUE),
        (Outcome.SERVICE_REQUEST, "waste"),
    ]
    assert decision.safety_override is True and decision.rule_id == "safety.floor"
    assert decision.matched_rule == "waste.missed-bin"
    assert "domestic_abuse.abuse" in decision.reason
    request = decision.also[0]
    assert (request.rule_id, request.case_type, request.priority) == (
        "waste.missed-bin",
        "missed_bin",
        Priority.NORMAL,  # the crew need not hurry because the resident is at risk
    )


def test_a_need_names_the_team_that_must_act(shipped_rules: Ruleset) -> None:
    text = "missed bin on our road again. we've got nowhere to sleep tonight"
    decision = _decide(shipped_rules, _understanding(text, "missed_bin"))
    assert _kinds(decision) == [
        (Outcome.ADVISOR, "housing_options"),
        (Outcome.SERVICE_REQUEST, "waste"),
    ]
    assert decision.rule_id == "housing.homeless" and decision.priority is Priority.URGENT


def test_risk_to_life_is_the_emergency_first_and_the_request_rides_along(
    shipped_rules: Ruleset,
) -> None:
    text = "my bin has been missed three weeks running and honestly i want to end it all"
    decision = _decide(shipped_rules, _understanding(text, "missed_bin"))
    assert decision.outcome is Outcome.EMERGENCY and decision.priority is Priority.EMERGENCY
    assert decision.queue == SAFEGUARDING_QUEUE and decision.safety_override is True
    (request,) = decision.also
    assert (request.outcome, request.queue, request.rule_id) == (
        Outcome.SERVICE_REQUEST,
        "waste",
        "waste.missed-bin",
    )
    assert decision.most_human is Outcome.EMERGENCY


def test_a_bot_answer_gives_way_to_the_person(shipped_rules: Ruleset) -> None:
    text = "when is bin day? also my partner hits me"
    decision = _decide(shipped_rules, _understanding(text, "bin_collection_day"))
    assert _kinds(decision) == [(Outcome.ADVISOR, SAFEGUARDING_QUEUE)]
    assert decision.answer is None and decision.safety_override is True


def test_a_quiet_need_rides_beside_the_request_without_overriding_it(
    shipped_rules: Ruleset,
) -> None:
    text = "bins not emptied on friday. i can't afford to feed the kids this week"
    decision = _decide(shipped_rules, _understanding(text, "missed_bin"))
    assert _kinds(decision) == [(Outcome.SERVICE_REQUEST, "waste"), (Outcome.ADVISOR, "revenues")]
    assert decision.safety_override is False and decision.needs_person
    assert decision.most_human is Outcome.ADVISOR
    assert decision.also[0].rule_id == "needs.financial-hardship"
    assert "financial_hardship.cannot_afford" in decision.also[0].reason


# --- A disclosure moves the handling; an emergency is handled as one (issue 18, items 2 and 4).

LIFE = SafetyVerdict("risk_to_life", risk=0.99, life=0.91)


def _heard(text: str, intent: str, verdict: SafetyVerdict | None = None) -> Understanding:
    return replace(_understanding(text, intent), safety=verdict)


def test_a_crisis_is_one_emergency_not_a_second_from_the_floor(shipped_rules: Ruleset) -> None:
    decision = _decide(
        shipped_rules, _heard("I can't go on anymore, I want to end it", "crisis", LIFE)
    )
    emergencies = [route for route in decision.routes if route.outcome is Outcome.EMERGENCY]
    assert [route.rule_id for route in emergencies] == ["safety.crisis"]
    assert decision.case_type == "emergency" and decision.priority is Priority.EMERGENCY


def test_the_models_risk_to_life_raises_its_need_by_rule(shipped_rules: Ruleset) -> None:
    text = "the bin men have missed us again and honestly I might as well not be here"
    decision = _decide(shipped_rules, _heard(text, "missed_bin", LIFE))
    assert (decision.rule_id, decision.queue, decision.case_type) == (
        "safety.risk-to-life",
        SAFEGUARDING_QUEUE,
        "emergency",
    )
    assert "model.risk_to_life@0.91" in decision.reason
    assert [route.rule_id for route in decision.also] == ["waste.missed-bin"]


def test_a_partners_referral_never_outranks_the_team_that_must_act(
    shipped_rules: Ruleset,
) -> None:
    text = "food bank referral please, and he hit me again when I asked for money for food"
    decision = _decide(shipped_rules, _understanding(text, "food_support"))
    assert (decision.rule_id, decision.queue, decision.priority) == (
        "safety.domestic-abuse",
        SAFEGUARDING_QUEUE,
        Priority.URGENT,
    )
    assert decision.safety_override is True
    assert [(route.rule_id, route.queue) for route in decision.also] == [
        ("food.support", "foodbank")
    ]


def test_at_the_same_priority_the_flags_team_leads(shipped_rules: Ruleset) -> None:
    eviction = SafetyCue("homelessness.threatened", Flag.HOMELESSNESS, Priority.HIGH, True, False)
    understanding = replace(
        _understanding(
            "about dad's council tax: his landlord wants me out by friday", "bereavement"
        ),
        cues=(eviction,),
    )
    decision = _decide(shipped_rules, understanding)
    assert (decision.rule_id, decision.queue) == ("housing.homeless", "housing_options")
    assert [(route.rule_id, route.queue) for route in decision.also] == [
        ("life-events.bereavement", "revenues")
    ]


def test_abuse_with_a_threat_to_life_is_one_emergency_for_safeguarding(
    shipped_rules: Ruleset,
) -> None:
    text = "he says he will kill me tonight, he's hit me before"
    decision = _decide(shipped_rules, _understanding(text, "domestic_abuse"))
    assert _kinds(decision) == [(Outcome.EMERGENCY, SAFEGUARDING_QUEUE)]
    assert decision.rule_id == "safety.risk-to-life" and decision.case_type == "emergency"
    assert decision.matched_rule == "safety.domestic-abuse-intent"


def test_an_emergency_case_carries_the_risk_to_life_flag_whatever_raised_it(
    shipped_rules: Ruleset,
) -> None:
    quiet = Understanding(nlu=NluResult("crisis", 0.9, (), "test"), entities=Entities(), cues=())
    decision = _decide(shipped_rules, quiet)
    assert decision.outcome is Outcome.EMERGENCY and quiet.flags == ()
    assert route_flags(decision.primary, quiet) == ["risk_to_life"]
    bin_day = _decide(shipped_rules, _understanding("when is bin day", "bin_collection_day"))
    assert route_flags(bin_day.primary, quiet) == []
