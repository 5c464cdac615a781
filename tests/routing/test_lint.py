"""The shadowing check: exact about the rules, naming both rules by file:line."""

from __future__ import annotations

import itertools
import shutil
from dataclasses import fields
from datetime import datetime, time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.routing.cover import FIELDS, Space, takers
from app.routing.lint import example_flags, located_rules, shadowing
from app.routing.match import Match, RoutingContext
from app.understanding.safety import SafetyLexicon
from app.understanding.training_data import load_examples, routable_intents
from app.vocabulary import Channel
from tests.conftest import REPO

INTENTS = routable_intents(REPO / "bots")
FALLBACK = (
    "  - id: fallback\n    description: d\n    then:\n      outcome: advisor\n      queue: waste\n"
)


def _rule(rule_id: str, when: str, queue: str = "waste") -> str:
    """One rule's YAML; `when` is its operators, one per line."""
    lines = "".join(f"      {line}\n" for line in when.splitlines())
    return (
        f"  - id: {rule_id}\n    description: d\n    when:\n{lines}"
        f"    then:\n      outcome: advisor\n      queue: {queue}\n"
    )


def _rules_dir(tmp_path: Path, *files: tuple[str, str]) -> Path:
    for name, body in files:
        (tmp_path / name).write_text(body, encoding="utf-8")
    return tmp_path


def _findings(
    rules_dir: Path, examples: dict[str, list[frozenset[str]]] | None = None
) -> list[str]:
    return [str(f) for f in shadowing(located_rules(rules_dir), INTENTS, examples)]


def test_a_broader_earlier_rule_in_another_file_is_named_with_both_lines(tmp_path: Path) -> None:
    rules_dir = _rules_dir(
        tmp_path,
        ("10-a.yaml", "rules:\n" + _rule("roads.any", "intent: [pothole, fly_tipping]")),
        ("20-b.yaml", "rules:\n" + _rule("waste.bulky", "intent: bulky_waste")
         + _rule("roads.sms-pothole", "intent: pothole\nchannel: sms") + FALLBACK),
    )  # fmt: skip
    (finding,) = _findings(rules_dir)
    assert finding.startswith(f"{tmp_path / '20-b.yaml'}:9: rule roads.sms-pothole ")
    assert "can never fire for intent pothole" in finding
    assert f"{tmp_path / '10-a.yaml'}:2: rule roads.any" in finding


def test_several_earlier_rules_together_shadow_a_later_one(tmp_path: Path) -> None:
    rules_dir = _rules_dir(
        tmp_path,
        ("10-a.yaml", "rules:\n"
         + _rule("day", "intent: pothole\ntime_of_day: {start: '08:30', end: '17:00'}")
         + _rule("night", "intent: pothole\ntime_of_day: {start: '17:00', end: '08:30'}")
         + _rule("pothole", "intent: pothole") + FALLBACK),
    )  # fmt: skip
    (finding,) = _findings(rules_dir)
    assert "rule pothole can never fire for intent pothole" in finding
    assert "rule day" in finding and "rule night" in finding


@pytest.mark.parametrize(
    "earlier",
    [
        "intent: pothole\nconfidence_at_least: 0.5",  # an unsure pothole gets past
        "intent: pothole\ntime_of_day: {start: '08:30', end: '17:00'}",
        "intent: pothole\nflags_none: [elderly]",
        "intent: pothole\nhas_open_case_of_type: pothole",
        "intent: pothole\nhas_entity: [postcode]",
        "intent: pothole\nworking_day: true",
        "intent_not: [pothole]",
    ],
)
def test_an_earlier_rule_that_leaves_some_messages_is_no_shadow(
    tmp_path: Path, earlier: str
) -> None:
    rules_dir = _rules_dir(
        tmp_path,
        ("10-a.yaml", "rules:\n" + _rule("narrow", earlier) + _rule("pothole", "intent: pothole")
         + FALLBACK),
    )  # fmt: skip
    assert _findings(rules_dir) == []


def test_a_gap_of_half_an_hour_between_two_windows_is_no_shadow(tmp_path: Path) -> None:
    rules_dir = _rules_dir(
        tmp_path,
        ("10-a.yaml", "rules:\n"
         + _rule("day", "intent: pothole\ntime_of_day: {start: '08:30', end: '17:00'}")
         + _rule("night", "intent: pothole\ntime_of_day: {start: '17:00', end: '08:00'}")
         + _rule("pothole", "intent: pothole") + FALLBACK),
    )  # fmt: skip
    assert _findings(rules_dir) == []


def test_a_flag_rule_capturing_an_intent_s_own_examples_is_named(tmp_path: Path) -> None:
    rules_dir = _rules_dir(
        tmp_path,
        ("10-a.yaml", "rules:\n"
         + _rule("money", "flags_any: [financial_hardship]", "revenues")
         + _rule("food", "intent: food_support") + FALLBACK),
    )  # fmt: skip
    hardship = frozenset({"financial_hardship"})
    examples = {"food_support": [hardship, frozenset(), hardship | {"children"}, frozenset()]}
    (finding,) = _findings(rules_dir, examples)
    path = tmp_path / "10-a.yaml"
    assert finding.startswith(f"{path}:9: rule food never fires for intent food_support")
    assert "with flag financial_hardship (2 of its 4 training examples)" in finding
    assert f"{path}:2: rule money matches first" in finding
    # Without examples raising the flag there is nothing to capture: the rules alone allow it.
    assert _findings(rules_dir, {"food_support": [frozenset(), frozenset()]}) == []


def test_a_rule_that_leaves_the_flag_to_the_earlier_rule_says_so_and_is_not_reported(
    tmp_path: Path,
) -> None:
    rules_dir = _rules_dir(
        tmp_path,
        ("10-a.yaml", "rules:\n"
         + _rule("money", "flags_any: [financial_hardship]", "revenues")
         + _rule("food", "intent: food_support\nflags_none: [financial_hardship]")
         + _rule("again", "intent: missed_bin\nflags_any: [elderly]")
         + _rule("bin", "intent: missed_bin") + FALLBACK),
    )  # fmt: skip
    flagged = {
        "food_support": [frozenset({"financial_hardship"})],
        # An earlier rule for the same intent is a deliberate special case.
        "missed_bin": [frozenset({"elderly"})],
    }
    assert _findings(rules_dir, flagged) == []


def test_today_s_money_hardship_rule_first_is_reported_on_the_shipped_rules(
    tmp_path: Path,
) -> None:
    """Issue 18: the flag rule placed before the food rule took every foodbank request."""
    rules_dir = tmp_path / "routing_rules"
    shutil.copytree(REPO / "routing_rules", rules_dir)
    first = rules_dir / "55-hardship-first.yaml"
    first.write_text("rules:\n" + _rule("money.early", "flags_any: [financial_hardship]"))
    found = _findings(rules_dir, _shipped_example_flags(rules_dir))
    food = [f for f in found if "rule food.support never fires for intent food_support" in f]
    assert len(food) == 1, found
    assert food[0].startswith(f"{rules_dir / '60-advisors.yaml'}:")
    assert f"{first}:2: rule money.early matches first" in food[0]


def test_the_shipped_rules_shadow_nothing() -> None:
    rules_dir = REPO / "routing_rules"
    assert _findings(rules_dir, _shipped_example_flags(rules_dir)) == []


def _shipped_example_flags(rules_dir: Path) -> dict[str, list[frozenset[str]]]:
    training = ((e.intent, e.text) for e in load_examples(REPO / "bots"))
    return example_flags(training, SafetyLexicon.load_dir(rules_dir))


def test_every_match_operator_belongs_to_one_fact() -> None:
    """A new operator must be taught to the lint, or it would judge rules by half their `when`."""
    named = [name for names in FIELDS.values() for name in names]
    assert sorted(named) == sorted(Match.model_fields)
    assert {f.name for f in fields(RoutingContext)} >= {"intent", "flags", "local_time"}


# The exact answer, checked against every message the cells stand for, matched directly.
WHENS = st.fixed_dictionaries(
    {},
    optional={
        "intent": st.lists(st.sampled_from(["pothole", "missed_bin", "greet"]), min_size=1),
        "intent_not": st.lists(st.sampled_from(["pothole", "greet"]), min_size=1),
        "confidence_at_least": st.sampled_from([0.3, 0.6]),
        "confidence_below": st.sampled_from([0.6, 0.9]),
        "channel": st.lists(st.sampled_from(["sms", "web"]), min_size=1),
        "flags_any": st.lists(st.sampled_from(["elderly", "children"]), min_size=1),
        "flags_none": st.lists(st.sampled_from(["elderly"]), min_size=1),
        "has_entity": st.just(["postcode"]),
        "time_of_day": st.sampled_from(
            [{"start": "08:00", "end": "17:00"}, {"start": "17:00", "end": "08:00"}]
        ),
        "working_day": st.booleans(),
    },
).map(Match.model_validate)


# Every value the operators above can tell apart, on both sides of every threshold.
GRID = list(
    itertools.product(
        ["pothole", "missed_bin", "greet", "thanks"],
        [0.0, 0.3, 0.59, 0.6, 0.9, 1.0],
        [Channel.SMS, Channel.WEB, Channel.EMAIL],
        [
            frozenset(),
            frozenset({"elderly"}),
            frozenset({"children"}),
            frozenset({"elderly", "children"}),
        ],
        [frozenset(), frozenset({"postcode"})],
        [time(0, 0), time(7, 59), time(8, 0), time(16, 59), time(17, 0), time(23, 59)],
        [True, False],
    )
)


@given(st.lists(WHENS, min_size=1, max_size=4), WHENS)
def test_shadowed_exactly_when_no_message_gets_past(earlier: list[Match], later: Match) -> None:
    later_fires = later_matches = False
    for intent, confidence, channel, flags, entities, moment, working in GRID:
        ctx = RoutingContext(
            intent=intent,
            confidence=confidence,
            channel=channel,
            flags=flags,
            open_case_types=frozenset(),
            local_time=datetime.combine(datetime(2026, 1, 5), moment),
            working_day=working,
            entities=entities,
        )
        if later.matches(ctx):
            later_matches = True
            if not any(rule.matches(ctx) for rule in earlier):
                later_fires = True
                break
    space = Space.of([*earlier, later], ["pothole", "missed_bin", "greet", "thanks"])
    taken = takers(space.box(later), [space.box(rule) for rule in earlier])
    assert (taken is not None) == (later_matches and not later_fires)
