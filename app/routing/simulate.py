"""`rules simulate`: example messages with the routes they should get, run through the real
understanding and rules, so a rule change shows which messages it moves.

An example file (routing_rules/examples/*.yaml) reads:

    examples:
      - text: "my bin was missed again"
        channel: sms                  # optional: web when not given
        open_cases: [missed_bin]      # optional: the resident's open cases, by type
        at: "2026-11-28 22:30"        # optional: local time; else a working Tuesday morning
        expect:
          outcome: advisor            # required
          queue: waste                # optional, and so is every other check below
          priority: high
          rule: waste.missed-bin-again   # the rule (or need) of the primary route
          matched: waste.missed-bin-again  # the rule that matched first
          also: []                    # the rules and needs of every other route, as a set
          intent: missed_bin
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.pipeline.clarify import ask_if_near_miss
from app.pipeline.decide import Decision, decide, routing_context
from app.pipeline.understand import Understanding, understand
from app.routing.yaml_source import DataFileError, load_yaml
from app.runtime import Runtime
from app.vocabulary import Channel, Outcome, Priority

# A working Tuesday morning, so an example without `at` reads the same on any day it is run.
DEFAULT_AT = datetime(2026, 11, 24, 10, 0)
EXAMPLES_DIR = "examples"


class Expect(BaseModel):
    """What the example should get; only what is given is checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: Outcome
    queue: str | None = None
    priority: Priority | None = None
    rule: str | None = None
    matched: str | None = None
    also: frozenset[str] | None = None
    intent: str | None = None


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)
    channel: Channel = Channel.WEB
    open_cases: frozenset[str] = frozenset()
    at: datetime | None = None
    expect: Expect


class _ExampleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    examples: list[Example] = Field(min_length=1)


@dataclass(frozen=True)
class LocatedExample:
    example: Example
    path: Path
    line: int


@dataclass(frozen=True)
class Result:
    """One example run: what it got, and every expectation it missed."""

    located: LocatedExample
    understanding: Understanding
    decision: Decision
    differences: tuple[tuple[str, object, object], ...]

    @property
    def rule_ids(self) -> frozenset[str]:
        """Every rule and need that had a part in the decision."""
        routes = {route.rule_id for route in self.decision.routes}
        return frozenset({self.decision.matched_rule, *routes})

    def describe(self) -> str:
        """One line: where, the text, what it got, and what was expected instead."""
        d, nlu = self.decision, self.understanding.nlu
        got = (
            f"{d.outcome.value} {d.queue or '-'} {d.priority.value} by {d.rule_id}"
            f" (intent {nlu.intent} {nlu.confidence:.2f}, matched {d.matched_rule})"
        )
        text = self.located.example.text
        head = f"{self.located.path}:{self.located.line}: {text[:60]!r}: got {got}"
        wrong = "; ".join(
            f"{field} expected {_show(want)}, got {_show(have)}"
            for field, want, have in self.differences
        )
        return f"{head}: {wrong}" if wrong else head


def _show(value: object) -> str:
    if isinstance(value, frozenset):
        return "[" + ", ".join(sorted(str(item) for item in value)) + "]"
    return str(getattr(value, "value", value))


def example_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, and the *.yaml files in each directory named, in name order."""
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return found


def load_examples(path: Path) -> list[LocatedExample]:
    """The examples in one file; a malformed file is a DataFileError naming its line."""
    document = load_yaml(path)
    parsed = document.parse(_ExampleFile)
    return [
        LocatedExample(example, path, document.line_of(["examples", index]))
        for index, example in enumerate(parsed.examples)
    ]


def run_example(rt: Runtime, located: LocatedExample) -> Result:
    """Understand and decide, as a message arriving on the example's channel would be."""
    example = located.example
    at = example.at or DEFAULT_AT
    now = at.replace(tzinfo=rt.calendar.zone) if at.tzinfo is None else at
    understanding = understand(
        example.text, rt.nlu, rt.lexicon, rt.settings.case_reference_prefix, example.channel,
        safety_model=rt.safety_model,
    )  # fmt: skip
    # A near miss is asked about, as every written channel asks (rule nlu.near-miss).
    understanding = ask_if_near_miss(understanding, rt.near_misses, example.channel)
    ctx = routing_context(understanding, example.channel, example.open_cases, now, rt.calendar)
    decision = decide(rt.ruleset, ctx, understanding)
    return Result(
        located, understanding, decision, _differences(example.expect, decision, understanding)
    )


def _differences(
    expect: Expect, decision: Decision, understanding: Understanding
) -> tuple[tuple[str, object, object], ...]:
    got: dict[str, Any] = {
        "outcome": decision.outcome,
        "queue": decision.queue,
        "priority": decision.priority,
        "rule": decision.rule_id,
        "matched": decision.matched_rule,
        "also": frozenset(route.rule_id for route in decision.also),
        "intent": understanding.nlu.intent,
    }
    return tuple(
        (field, want, got[field])
        for field, want in expect.model_dump().items()
        if field in expect.model_fields_set | {"outcome"} and want != got[field]
    )


def simulate(rt: Runtime, paths: Sequence[Path]) -> list[Result]:
    """Every example in `paths` run; a file that cannot be read raises DataFileError first."""
    files = example_files(paths)
    if not files:
        raise DataFileError(f"{', '.join(map(str, paths))}:1: no example files")
    examples = [located for path in files for located in load_examples(path)]
    return [run_example(rt, located) for located in examples]
