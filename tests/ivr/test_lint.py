"""The flow check: every class of bad flow is refused, naming the file, the line and the step."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.config import REPO_ROOT
from app.ivr.flows import load_flows, parse_flow
from app.ivr.lint import lint_flow
from app.routing.queues import load_queues
from app.routing.yaml_source import DataFileError, load_yaml

QUEUES = load_queues(REPO_ROOT / "routing_rules").by_id.keys()


def _flow(steps: dict[str, object], **flow: object) -> dict[str, object]:
    return {"flow": {"id": "test", "start": "menu", "fallback": "advisor", **flow, "steps": steps}}


GOOD: dict[str, object] = {
    "menu": {
        "kind": "menu",
        "prompt": "Press 1 for bins.",
        "options": [{"key": "1", "label": "bins", "says": ["bins"], "next": "bye"}],
    },
    "advisor": {"kind": "transfer"},
    "bye": {"kind": "hangup", "say": "Goodbye."},
}


def _problems(tmp_path: Path, document: dict[str, object]) -> list[str]:
    path = tmp_path / "test.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    loaded = load_yaml(path)
    return lint_flow(parse_flow(loaded), loaded, QUEUES)


def test_the_councils_own_flows_pass() -> None:
    flows = load_flows(REPO_ROOT / "ivr_flows", QUEUES)
    assert "council" in flows.by_id


def test_a_good_flow_has_no_problems(tmp_path: Path) -> None:
    assert _problems(tmp_path, _flow(GOOD)) == []


@pytest.mark.parametrize(
    ("steps", "step", "reason"),
    [
        pytest.param(
            {**GOOD, "orphan": {"kind": "say", "say": "Nobody hears this.", "next": "bye"}},
            "orphan", "unreachable", id="unreachable",
        ),
        pytest.param(
            {**GOOD, "menu": {**GOOD["menu"], "options": [  # type: ignore[dict-item]
                {"key": "1", "label": "info", "says": ["info"], "next": "info"}]},
             "info": {"kind": "say", "say": "We open at nine."}},
            "info", "dead end: say step has no 'next'", id="dead-end-missing-next",
        ),
        pytest.param(
            {**GOOD, "menu": {**GOOD["menu"], "options": [  # type: ignore[dict-item]
                {"key": "1", "label": "x", "says": ["x"], "next": "a"}]},
             "a": {"kind": "menu", "prompt": "A?", "on_failure": "b",
                   "options": [{"key": "1", "label": "b", "says": ["b"], "next": "b"}]},
             "b": {"kind": "menu", "prompt": "B?", "on_failure": "a",
                   "options": [{"key": "1", "label": "a", "says": ["a"], "next": "a"}]}},
            "a", "dead end: no path from here ever transfers or ends the call",
            id="dead-end-no-way-out",
        ),
        pytest.param(
            {**GOOD, "menu": {**GOOD["menu"], "options": [  # type: ignore[dict-item]
                {"key": "1", "label": "x", "says": ["x"], "next": "one"}]},
             "one": {"kind": "say", "say": "One.", "next": "two"},
             "two": {"kind": "branch", "by": "answer", "cases": {"y": "bye"}, "default": "one"}},
            "one", "loop that never asks the caller: one -> two -> one", id="silent-loop",
        ),
        pytest.param(
            {**GOOD, "menu": {**GOOD["menu"], "options": [  # type: ignore[dict-item]
                {"key": "1", "label": "x", "says": ["x"], "next": "nowhere"}]}},
            "menu", "options[1] names unknown step 'nowhere'", id="unknown-step",
        ),
        pytest.param(
            {**GOOD, "advisor": {"kind": "transfer", "queue": "no_such_team"}},
            "advisor", "unknown queue 'no_such_team'", id="unknown-queue",
        ),
        pytest.param(
            {**GOOD, "menu": {**GOOD["menu"], "options": [  # type: ignore[dict-item]
                {"key": "1", "label": "a", "says": ["a"], "next": "bye"},
                {"key": "1", "label": "b", "says": ["b"], "next": "advisor"}]}},
            "menu", "key 1 is used by more than one option", id="duplicate-key",
        ),
    ],
)  # fmt: skip
def test_each_class_of_bad_flow_is_named_with_its_file_line_and_step(
    tmp_path: Path, steps: dict[str, object], step: str, reason: str
) -> None:
    problems = _problems(tmp_path, _flow(steps))
    matching = [p for p in problems if f": step {step}: " in p and reason in p]
    assert matching, problems
    assert matching[0].startswith(f"{tmp_path / 'test.yaml'}:")
    line = int(matching[0].split(":")[1])
    assert line > 1


def test_the_fallback_must_be_a_person(tmp_path: Path) -> None:
    problems = _problems(tmp_path, _flow(GOOD, fallback="bye"))
    assert any("the fallback must be a transfer step" in p for p in problems), problems


MESSAGE = {"kind": "record", "prompt": "Leave a message.", "next": "bye"}


def test_when_closed_names_a_step_that_is_no_transfer(tmp_path: Path) -> None:
    unknown = _problems(tmp_path, _flow(GOOD, when_closed="nowhere"))
    assert any("flow test: when_closed names unknown step 'nowhere'" in p for p in unknown)
    transfer = _problems(tmp_path, _flow(GOOD, when_closed="advisor"))
    assert any("when_closed must not be a transfer" in p for p in transfer), transfer


def test_a_message_step_only_when_closed_leads_to_is_reachable_and_checked(
    tmp_path: Path,
) -> None:
    assert _problems(tmp_path, _flow({**GOOD, "message": MESSAGE}, when_closed="message")) == []
    dead_end = {**GOOD, "message": {**MESSAGE, "next": None}}
    problems = _problems(tmp_path, _flow(dead_end, when_closed="message"))
    assert any("step message: dead end" in p for p in problems), problems


def test_a_malformed_step_is_refused_at_load_naming_the_step(tmp_path: Path) -> None:
    broken = {**GOOD, "menu": {"kind": "menu", "prompt": "No options."}}
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(_flow(broken), sort_keys=False), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"broken\.yaml:\d+: step menu: "):
        load_flows(tmp_path)


def test_an_unknown_step_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kind.yaml"
    path.write_text(
        yaml.safe_dump(_flow({**GOOD, "bye": {"kind": "teleport"}}), sort_keys=False),
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match=r"step bye"):
        load_flows(tmp_path)


def test_a_bad_flow_stops_start_up(tmp_path: Path) -> None:
    path = tmp_path / "test.yaml"
    path.write_text(
        yaml.safe_dump(_flow({**GOOD, "orphan": {"kind": "hangup"}}), sort_keys=False),
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match="step orphan: unreachable"):
        load_flows(tmp_path, QUEUES)
