"""Example messages run through the real understanding and rules: the shipped examples pass and
exercise every rule, a wrong expectation is reported, and a rule change shows what it moves."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from app.config import load_settings
from app.routing.simulate import EXAMPLES_DIR, Result, simulate
from app.routing.yaml_source import DataFileError
from app.runtime import Runtime, build_runtime
from tests.conftest import REPO

EXAMPLES = REPO / "routing_rules" / EXAMPLES_DIR


def _runtime(tmp: Path, rules_dir: Path = REPO / "routing_rules") -> Runtime:
    # Simulating reads no database; an empty SQLite file keeps the settings whole.
    return build_runtime(
        load_settings(
            {
                "DATABASE_URL": f"sqlite:///{tmp / 'unused.sqlite3'}",
                "NLU_BACKEND": "embedded",
                "ROUTING_RULES_DIR": str(rules_dir),
            }
        )
    )


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    runtime = _runtime(tmp_path_factory.mktemp("simulate"))
    yield runtime
    runtime.engine.dispose()


def _write(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


def test_the_shipped_examples_pass_and_exercise_every_rule_and_need(rt: Runtime) -> None:
    results = simulate(rt, [EXAMPLES])
    assert [r.describe() for r in results if r.differences] == []
    exercised = frozenset().union(*(result.rule_ids for result in results))
    every = {rule.id for rule in rt.ruleset.rules} | {need.id for need in rt.ruleset.needs}
    assert sorted(every - exercised) == []


def test_every_rule_file_ships_an_example_file() -> None:
    files = (REPO / "routing_rules").glob("*.yaml")
    wanted = {p.name for p in files if {"rules", "needs"} & set(yaml.safe_load(p.read_text()))}
    assert "60-advisors.yaml" in wanted and "70-needs.yaml" in wanted
    assert wanted <= {path.name for path in EXAMPLES.glob("*.yaml")}


def test_a_wrong_expectation_is_reported_with_its_line(rt: Runtime, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "wrong.yaml",
        "examples:\n"
        "  - text: hello\n"
        "    expect: {outcome: answer, rule: greet}\n"
        "  - text: food bank referral please\n"
        "    channel: sms\n"
        "    expect:\n"
        "      outcome: advisor\n"
        "      queue: revenues\n"
        "      priority: high\n"
        "      rule: money.hardship\n"
        "      also: [needs.financial-hardship]\n"
        "      intent: financial_hardship\n",
    )
    right, wrong = simulate(rt, [path])
    assert right.differences == ()
    assert {field: (want, got) for field, want, got in wrong.differences} == {
        "outcome": ("advisor", "partner"),
        "queue": ("revenues", "foodbank"),
        "rule": ("money.hardship", "food.support"),
        "also": (frozenset({"needs.financial-hardship"}), frozenset()),
        "intent": ("financial_hardship", "food_support"),
    }
    line = wrong.describe()
    assert line.startswith(f"{path}:4: 'food bank referral please': got partner foodbank high")
    assert "queue expected revenues, got foodbank" in line
    assert "also expected [needs.financial-hardship], got []" in line


def test_the_example_s_open_cases_reach_the_rules(rt: Runtime, tmp_path: Path) -> None:
    body = "examples:\n  - text: my bin was missed again this week\n    channel: sms\n{}"
    expect = "    expect: {outcome: service_request, rule: waste.missed-bin}\n"
    path = _write(tmp_path / "a.yaml", body.format("    open_cases: [missed_bin]\n" + expect))
    (result,) = simulate(rt, [path])
    assert result.differences == (
        ("outcome", "service_request", "advisor"),
        ("rule", "waste.missed-bin", "waste.missed-bin-again"),
    )


def test_a_rule_change_shows_the_messages_it_moves(rt: Runtime, tmp_path: Path) -> None:
    """Put a hardship rule before the food rule (issue 18) and the food examples move."""
    rules_dir = tmp_path / "routing_rules"
    shutil.copytree(REPO / "routing_rules", rules_dir)
    _write(
        rules_dir / "55-hardship-first.yaml",
        "rules:\n  - id: money.early\n    description: d\n    when:\n"
        "      flags_any: [financial_hardship]\n    then:\n      outcome: advisor\n"
        "      queue: revenues\n",
    )
    runtime = _runtime(tmp_path, rules_dir)
    try:
        before, after = simulate(rt, [EXAMPLES]), simulate(runtime, [EXAMPLES])
    finally:
        runtime.engine.dispose()
    moved = [
        new
        for old, new in zip(before, after, strict=True)
        if new.differences and new.decision.routes != old.decision.routes
    ]
    texts = {r.located.example.text for r in moved}
    assert {"food bank referral please", "foodbank", "food parcel"} <= texts
    assert all(r.decision.matched_rule == "money.early" for r in moved), _lines(moved)


def _lines(results: list[Result]) -> list[str]:
    return [result.describe() for result in results]


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("examples:\n  - text: hi\n    expect: {outcome: maybe}\n", 3, "outcome"),
        ("examples:\n  - text: hi\n    expect: {outcome: answer}\n    mood: calm\n", 4, "mood"),
        ("examples:\n  - text: hi\n", 2, "expect"),
        ("examples: []\n", 1, "examples"),
    ],
)
def test_a_malformed_example_file_names_its_line(
    rt: Runtime, tmp_path: Path, body: str, line: int, reason: str
) -> None:
    path = _write(tmp_path / "bad.yaml", body)
    with pytest.raises(DataFileError) as caught:
        simulate(rt, [path])
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert reason in str(caught.value)
