"""Routing rules: the real files load; every class of broken file fails with file and line."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.config import ConfigError, load_settings
from app.pipeline.answers import ANSWER_PROVIDERS
from app.routing.queues import load_queues
from app.routing.rules import Match, RoutingContext, Ruleset, load_ruleset
from app.routing.yaml_source import DataFileError
from app.runtime import build_runtime
from app.understanding.training_data import routable_intents
from app.vocabulary import Channel, Outcome, Priority
from tests.conftest import REPO

INTENTS = routable_intents(REPO / "bots")


def _load(rules_dir: Path) -> Ruleset:
    queues = load_queues(rules_dir)
    return load_ruleset(rules_dir, queues, INTENTS, ANSWER_PROVIDERS.keys(), ("safeguarding",))


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "routing_rules"
    shutil.copytree(REPO / "routing_rules", target)
    return target


def _ctx(**overrides: object) -> RoutingContext:
    values: dict[str, object] = {
        "intent": "missed_bin",
        "confidence": 0.9,
        "channel": Channel.SMS,
        "flags": frozenset(),
        "open_case_types": frozenset(),
        "local_time": datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        "working_day": True,
    }
    values.update(overrides)
    return RoutingContext(**values)  # type: ignore[arg-type]


def test_the_shipped_rules_load_and_end_with_a_catch_all() -> None:
    ruleset = _load(REPO / "routing_rules")
    assert ruleset.rules[-1].when.is_catch_all
    assert len(ruleset.version) == 12
    assert ruleset.first_match(_ctx()).id == "waste.missed-bin"


def test_first_match_wins_and_open_cases_change_the_route() -> None:
    ruleset = _load(REPO / "routing_rules")
    repeat = ruleset.first_match(_ctx(open_case_types=frozenset({"missed_bin"})))
    assert repeat.id == "waste.missed-bin-again"
    assert repeat.then.outcome.value == "advisor"


def test_a_flag_raises_its_need_beside_the_intent() -> None:
    ruleset = _load(REPO / "routing_rules")
    ctx = _ctx(
        intent="council_tax_payment",
        flags=frozenset({"domestic_abuse"}),
        flag_priority={"domestic_abuse": Priority.URGENT},
        forced_flags=frozenset({"domestic_abuse"}),
    )
    assert ruleset.first_match(ctx).id == "council-tax.how-to-pay"
    assert [need.id for need in ruleset.needs_raised(ctx)] == ["safety.domestic-abuse"]


@pytest.mark.parametrize(
    ("flag", "priority", "forced", "raised"),
    [
        ("children", Priority.NORMAL, False, []),  # a child mentioned is not a child at risk
        ("children", Priority.URGENT, True, ["needs.children-at-risk"]),
        ("elderly", Priority.NORMAL, False, []),
        ("elderly", Priority.NORMAL, True, ["needs.older-person-not-seen"]),  # forced: always
        ("homelessness", Priority.HIGH, False, ["housing.homeless"]),
        ("financial_hardship", Priority.HIGH, False, ["needs.financial-hardship"]),
    ],
)
def test_a_need_is_raised_by_a_forcing_cue_or_a_pressing_one(
    flag: str, priority: Priority, forced: bool, raised: list[str]
) -> None:
    ruleset = _load(REPO / "routing_rules")
    ctx = _ctx(
        flags=frozenset({flag}),
        flag_priority={flag: priority},
        forced_flags=frozenset({flag}) if forced else frozenset(),
    )
    assert [need.id for need in ruleset.needs_raised(ctx)] == raised


def test_a_need_s_when_holds_it_back() -> None:
    ruleset = _load(REPO / "routing_rules")
    food = _ctx(
        intent="food_support",
        flags=frozenset({"financial_hardship"}),
        flag_priority={"financial_hardship": Priority.HIGH},
    )
    assert ruleset.needs_raised(food) == []


def test_a_rule_may_raise_also_routes(rules_dir: Path) -> None:
    _write(
        rules_dir,
        "45-also.yaml",
        "rules:\n  - id: waste.bulky-also\n    description: d\n    when:\n"
        "      intent: bulky_waste\n    then:\n      outcome: service_request\n"
        "      queue: waste\n      case_type: bulky_waste\n      also:\n"
        "        - outcome: advisor\n          queue: adult_social_care\n"
        "          priority: high\n          reason: help to move it\n",
    )
    rule = _load(rules_dir).first_match(_ctx(intent="bulky_waste"))
    assert rule.id == "waste.bulky-also"
    (also,) = rule.then.also
    assert (also.outcome, also.queue, also.priority, also.reason) == (
        Outcome.ADVISOR,
        "adult_social_care",
        Priority.HIGH,
        "help to move it",
    )


def test_low_confidence_goes_to_a_person() -> None:
    ruleset = _load(REPO / "routing_rules")
    unsure = _ctx(intent="nlu_fallback", confidence=0.3)
    assert ruleset.first_match(unsure).id == "nlu.unsure"


def test_a_non_english_message_goes_to_a_person_with_an_interpreter() -> None:
    ruleset = _load(REPO / "routing_rules")
    rule = ruleset.first_match(_ctx(intent="nlu_fallback", flags=frozenset({"interpreter"})))
    assert rule.id == "language.interpreter"


MATCHES: list[tuple[dict[str, object], dict[str, object], bool]] = [
    ({"intent": "missed_bin"}, {}, True),
    ({"intent": ["pothole", "fly_tipping"]}, {}, False),
    ({"intent_not": "missed_bin"}, {}, False),
    ({"confidence_at_least": 0.9}, {"confidence": 0.89}, False),
    ({"confidence_below": 0.5}, {"confidence": 0.49}, True),
    ({"channel": ["sms", "voice"]}, {}, True),
    ({"channel": "web"}, {}, False),
    ({"flags_any": ["bereavement", "elderly"]}, {"flags": frozenset({"elderly"})}, True),
    ({"flags_all": ["bereavement", "elderly"]}, {"flags": frozenset({"elderly"})}, False),
    ({"flags_none": ["bereavement"]}, {"flags": frozenset({"bereavement"})}, False),
    ({"has_open_case_of_type": "complaint"}, {"open_case_types": frozenset({"complaint"})}, True),
    ({"time_of_day": {"start": "08:30", "end": "17:00"}}, {}, True),
    ({"time_of_day": {"start": "17:00", "end": "08:30"}}, {}, False),
    (
        {"time_of_day": {"start": "17:00", "end": "08:30"}},
        {"local_time": datetime(2026, 11, 23, 23, 0, tzinfo=UTC)},
        True,
    ),
    ({"working_day": False}, {}, False),
    ({"has_entity": "case_reference"}, {"entities": frozenset({"case_reference"})}, True),
    ({"has_entity": ["postcode", "phone"]}, {"entities": frozenset({"email"})}, False),
    ({"intent": "missed_bin", "channel": "web"}, {}, False),
]


@pytest.mark.parametrize(("when", "facts", "expected"), MATCHES)
def test_each_match_operator(
    when: dict[str, object], facts: dict[str, object], expected: bool
) -> None:
    assert Match.model_validate(when).matches(_ctx(**facts)) is expected


def _write(rules_dir: Path, name: str, body: str) -> Path:
    path = rules_dir / name
    path.write_text(body, encoding="utf-8")
    return path


BROKEN = {
    "unknown operator": (
        "rules:\n  - id: x\n    description: d\n    when:\n      intent_like: missed_bin\n"
        "    then:\n      outcome: advisor\n      queue: waste\n",
        5,
        "intent_like",
    ),
    "unknown intent": (
        "rules:\n  - id: x\n    description: d\n    when:\n      intent: bin_day_typo\n"
        "    then:\n      outcome: advisor\n      queue: waste\n",
        5,
        "unknown intent 'bin_day_typo'",
    ),
    "unknown queue": (
        "rules:\n  - id: x\n    description: d\n    when:\n      intent: pothole\n"
        "    then:\n      outcome: advisor\n      queue: roads\n",
        8,
        "unknown queue 'roads'",
    ),
    "bad outcome": (
        "rules:\n  - id: x\n    description: d\n    when:\n      intent: pothole\n"
        "    then:\n      outcome: ignore\n      queue: highways\n",
        7,
        "outcome",
    ),
    "partner outcome on a council queue": (
        "rules:\n  - id: x\n    description: d\n    when:\n      intent: food_support\n"
        "    then:\n      outcome: partner\n      queue: waste\n",
        8,
        "needs a partner queue",
    ),
    "advisor outcome without a queue": (
        "rules:\n  - id: x\n    description: d\n    when:\n      intent: pothole\n"
        "    then:\n      outcome: advisor\n",
        7,
        "needs a queue",
    ),
    "unknown reply field": (
        "rules:\n  - id: x\n    description: d\n    when:\n      intent: pothole\n"
        "    then:\n      outcome: answer\n      reply: 'Hello {name}'\n",
        7,
        "unknown field",
    ),
    "catch-all before other rules": (
        "rules:\n  - id: x\n    description: d\n    then:\n      outcome: advisor\n"
        "      queue: waste\n",
        2,
        "matches everything",
    ),
    "YAML syntax": ("rules:\n  - id: x\n    description: [unclosed\n", 4, "YAML syntax"),
    "duplicate id": (
        "rules:\n  - id: greet\n    description: d\n    when:\n      intent: greet\n"
        "    then:\n      outcome: answer\n      reply: hi\n",
        2,
        "duplicate rule id 'greet'",
    ),
    "unknown top-level key": ("rulez:\n  - id: x\n", 1, "expected one top-level key"),
    "bad time window": (
        "rules:\n  - id: x\n    description: d\n    when:\n"
        "      time_of_day: {start: '25:00', end: '08:00'}\n"
        "    then:\n      outcome: advisor\n      queue: waste\n",
        5,
        "time_of_day",
    ),
    "also route to an unknown queue": (
        "rules:\n  - id: x\n    description: d\n    when:\n      intent: pothole\n"
        "    then:\n      outcome: service_request\n      queue: highways\n"
        "      case_type: pothole\n      also:\n        - outcome: advisor\n"
        "          queue: roads\n",
        12,
        "unknown queue 'roads'",
    ),
    "also route that answers": (
        "rules:\n  - id: x\n    description: d\n    when:\n      intent: pothole\n"
        "    then:\n      outcome: service_request\n      queue: highways\n"
        "      case_type: pothole\n      also:\n        - outcome: answer\n"
        "          queue: highways\n",
        11,
        "an answer is not a route of its own",
    ),
    "also partner route on a council queue": (
        "rules:\n  - id: x\n    description: d\n    when:\n      intent: pothole\n"
        "    then:\n      outcome: service_request\n      queue: highways\n"
        "      case_type: pothole\n      also:\n        - outcome: partner\n"
        "          queue: revenues\n",
        12,
        "needs a partner queue",
    ),
    "also with an unknown field": (
        "rules:\n  - id: x\n    description: d\n    when:\n      intent: pothole\n"
        "    then:\n      outcome: service_request\n      queue: highways\n"
        "      case_type: pothole\n      also:\n        - outcome: advisor\n"
        "          queue: revenues\n          answer: bin_day\n",
        13,
        "answer",
    ),
    "need for an unknown flag": (
        "needs:\n  - id: n\n    description: d\n    flag: sadness\n"
        "    then:\n      outcome: advisor\n      queue: revenues\n",
        4,
        "flag",
    ),
    "need a bot answers": (
        "needs:\n  - id: n\n    description: d\n    flag: elderly\n"
        "    then:\n      outcome: service_request\n      queue: waste\n"
        "      case_type: missed_bin\n",
        2,
        "a need puts a person onto it",
    ),
    "need with an unknown queue": (
        "needs:\n  - id: n\n    description: d\n    flag: elderly\n"
        "    then:\n      outcome: advisor\n      queue: social_services\n",
        7,
        "unknown queue 'social_services'",
    ),
    "need with the id of a rule": (
        "needs:\n  - id: greet\n    description: d\n    flag: elderly\n"
        "    then:\n      outcome: advisor\n      queue: adult_social_care\n",
        2,
        "duplicate rule id 'greet'",
    ),
    "need with an unknown intent": (
        "needs:\n  - id: n\n    description: d\n    flag: elderly\n    when:\n"
        "      intent_not: [bin_day_typo]\n"
        "    then:\n      outcome: advisor\n      queue: adult_social_care\n",
        6,
        "unknown intent 'bin_day_typo'",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_rule_file_names_file_line_and_reason(rules_dir: Path, case: str) -> None:
    body, line, reason = BROKEN[case]
    path = _write(rules_dir, "85-broken.yaml", body)
    with pytest.raises(DataFileError) as caught:
        _load(rules_dir)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert reason in message


def test_the_last_rule_must_catch_everything(rules_dir: Path) -> None:
    (rules_dir / "90-fallback.yaml").unlink()
    with pytest.raises(DataFileError, match="the last rule must match everything"):
        _load(rules_dir)


def test_a_broken_queue_file_names_the_line(rules_dir: Path) -> None:
    path = rules_dir / "queues.yaml"
    path.write_text(path.read_text().replace("kind: partner", "kind: charity", 1))
    with pytest.raises(DataFileError) as caught:
        _load(rules_dir)
    assert str(caught.value).startswith(f"{path}:")
    assert "kind" in str(caught.value)


def test_a_queue_out_of_hours_number_must_be_a_phone_number(rules_dir: Path) -> None:
    path = rules_dir / "queues.yaml"
    unset = '# out_of_hours_number: "+44 ..."'
    path.write_text(path.read_text().replace(unset, "out_of_hours_number: ring the duty team"))
    with pytest.raises(DataFileError, match="out_of_hours_number"):
        _load(rules_dir)


def test_start_up_fails_on_a_broken_rule_file(rules_dir: Path, sqlite_url: str) -> None:
    path = _write(rules_dir, "85-broken.yaml", BROKEN["unknown queue"][0])
    settings = load_settings({"DATABASE_URL": sqlite_url, "ROUTING_RULES_DIR": str(rules_dir)})
    with pytest.raises(DataFileError, match=f"^{path}:8: "):
        build_runtime(settings)


def test_rules_lint_exits_non_zero_naming_file_and_reason(rules_dir: Path, sqlite_url: str) -> None:
    path = _write(rules_dir, "85-broken.yaml", BROKEN["unknown intent"][0])
    env = {"DATABASE_URL": sqlite_url, "ROUTING_RULES_DIR": str(rules_dir), "PATH": _path()}
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "frontdoor"), "rules", "lint"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1
    assert f"{path}:5: " in result.stderr
    assert "unknown intent 'bin_day_typo'" in result.stderr


def test_rules_lint_passes_on_the_shipped_rules(sqlite_url: str) -> None:
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "frontdoor"), "rules", "lint"],
        capture_output=True,
        text=True,
        env={"DATABASE_URL": sqlite_url, "PATH": _path()},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")


def test_a_wrong_setting_is_one_line_naming_the_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"NLU_BACKEND": "telepathy"})
    assert str(caught.value).startswith("NLU_BACKEND: ")
    assert "\n" not in str(caught.value)


def _path() -> str:
    import os

    return os.environ.get("PATH", "/usr/bin:/bin")
