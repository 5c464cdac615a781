"""Routing rules: a closed set of match operators, validated at start-up, first match wins.

A message may carry several needs. A rule's `then` may name `also` routes raised with it, and a
second pass over the flags (files with a top-level `needs:` key) names the team that must act on
each vulnerability, so a quiet risk inside an ordinary request is never lost to the first match.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

# The operators live in match.py; they are imported from here too, as they always were.
from app.routing.match import Match as Match
from app.routing.match import RoutingContext as RoutingContext
from app.routing.match import TimeWindow as TimeWindow
from app.routing.queues import QueueDirectory
from app.routing.yaml_source import DataFileError, YamlDocument, load_yaml
from app.vocabulary import Flag, Outcome, Priority

# Data files in routing_rules/ that are not rule files, by their top-level key.
OTHER_KINDS = frozenset(
    {
        "queues",
        "safety_cues",
        "case_types",
        "lifecycles",
        "calendar",
        "near_misses",
        "contact_wishes",
        "translations",
    }
)
REPLY_FIELDS = frozenset({"reference", "queue_title"})


class RouteSpec(BaseModel):
    """A further route raised beside a rule's own: a case on a team's queue, never an answer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: Outcome
    queue: str
    priority: Priority = Priority.NORMAL
    case_type: str | None = None
    reason: str | None = None
    reply: str | None = None

    @model_validator(mode="after")
    def _outcome_needs(self) -> RouteSpec:
        if self.outcome is Outcome.ANSWER:
            raise ValueError("an answer is not a route of its own; give it in the rule's `then`")
        if self.outcome is Outcome.SERVICE_REQUEST and self.case_type is None:
            raise ValueError("a service_request needs a case_type")
        _check_reply(self.reply)
        return self


class Action(BaseModel):
    """What to do when a rule fires."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: Outcome
    queue: str | None = None
    priority: Priority = Priority.NORMAL
    case_type: str | None = None
    answer: str | None = None
    reply: str | None = None
    also: tuple[RouteSpec, ...] = ()

    @model_validator(mode="after")
    def _outcome_needs(self) -> Action:
        if self.outcome is Outcome.ANSWER:
            if self.queue is not None:
                raise ValueError("an answer is given by the bot; it takes no queue")
            if self.answer is None and self.reply is None:
                raise ValueError("an answer needs `answer` (a provider) or `reply` (text)")
        elif self.queue is None:
            raise ValueError(f"outcome {self.outcome.value} needs a queue")
        if self.outcome is Outcome.SERVICE_REQUEST and self.case_type is None:
            raise ValueError("a service_request needs a case_type")
        _check_reply(self.reply)
        return self


def _check_reply(reply: str | None) -> None:
    if reply is None:
        return
    fields = {name for _, name, _, _ in string.Formatter().parse(reply) if name}
    unknown = fields - REPLY_FIELDS
    if unknown:
        raise ValueError(
            f"reply uses unknown field(s) {sorted(unknown)}; allowed: {sorted(REPLY_FIELDS)}"
        )


class Rule(BaseModel):
    """One routing rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    description: str = Field(min_length=1)
    when: Match = Match()
    then: Action


class Need(BaseModel):
    """The team that must act on a vulnerability flag, whatever rule took the message.

    It is raised when a cue of `flag` forces a person, or when the flag's most pressing cue is
    at least `at_least` (so "my elderly mum" alone raises nothing, "not seen for days" does),
    and `when` holds.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    description: str = Field(min_length=1)
    flag: Flag
    at_least: Priority = Priority.NORMAL
    when: Match = Match()
    then: RouteSpec

    @model_validator(mode="after")
    def _a_person_acts(self) -> Need:
        if not self.then.outcome.is_human:
            raise ValueError("a need puts a person onto it: outcome advisor, partner or emergency")
        return self

    def raised(self, ctx: RoutingContext) -> bool:
        raised = self.flag.value in ctx.forced_flags or (
            self.flag.value in ctx.flag_priority
            and ctx.flag_priority[self.flag.value].rank >= self.at_least.rank
        )
        return raised and self.when.matches(ctx)


class _RulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[Rule] = Field(min_length=1)


class _NeedsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    needs: list[Need] = Field(min_length=1)


@dataclass(frozen=True)
class Ruleset:
    """Rules in evaluation order across files (sorted by file name), and the needs pass."""

    rules: tuple[Rule, ...]
    version: str
    sources: tuple[Path, ...]
    needs: tuple[Need, ...] = ()

    def first_match(self, ctx: RoutingContext) -> Rule:
        for rule in self.rules:
            if rule.when.matches(ctx):
                return rule
        raise LookupError("no rule matched; the ruleset must end with a catch-all")

    def needs_raised(self, ctx: RoutingContext) -> list[Need]:
        """Every need the message's flags raise, in file order (all of them, not the first)."""
        return [need for need in self.needs if need.raised(ctx)]


@dataclass(frozen=True)
class _Located:
    rule: Rule
    document: YamlDocument
    index: int


@dataclass(frozen=True)
class _LocatedNeed:
    need: Need
    document: YamlDocument
    index: int


def rule_files(rules_dir: Path) -> list[Path]:
    """Every YAML file in `rules_dir` whose top-level key is `rules`, sorted by name."""
    return _files(rules_dir)["rules"]


def _files(rules_dir: Path) -> dict[str, list[Path]]:
    """Rule files and needs files, each sorted by name; any other unknown file is an error."""
    found: dict[str, list[Path]] = {"rules": [], "needs": []}
    for path in sorted(rules_dir.glob("*.yaml")):
        data = load_yaml(path).data
        keys = set(data) if isinstance(data, dict) else set()
        if len(keys) == 1 and keys <= found.keys():
            found[keys.pop()].append(path)
        elif not keys & OTHER_KINDS:
            raise DataFileError(
                f"{path}:1: expected one top-level key: rules, needs, "
                f"or one of {sorted(OTHER_KINDS)}; found {sorted(keys) or 'nothing'}"
            )
    return found


def load_ruleset(
    rules_dir: Path,
    queues: QueueDirectory,
    intents: Collection[str],
    answers: Collection[str],
    required_queues: Sequence[str] = (),
    case_types: Collection[str] | None = None,
) -> Ruleset:
    """Read, validate and cross-check every rule file; raises DataFileError on the first fault."""
    located: list[_Located] = []
    found = _files(rules_dir)
    files = found["rules"]
    if not files:
        raise DataFileError(f"{rules_dir}:1: no rule files (YAML with a top-level `rules:` key)")
    digest = hashlib.sha256()
    for path in files:
        document = load_yaml(path)
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        parsed = document.parse(_RulesFile)
        located.extend(_Located(rule, document, i) for i, rule in enumerate(parsed.rules))
    needs: list[_LocatedNeed] = []
    for path in found["needs"]:
        document = load_yaml(path)
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        parsed_needs = document.parse(_NeedsFile)
        needs.extend(_LocatedNeed(n, document, i) for i, n in enumerate(parsed_needs.needs))
    _cross_check(located, queues, intents, answers, case_types)
    _check_needs(needs, {item.rule.id: item.document.path for item in located}, intents)
    for item in located:
        for number, spec in enumerate(item.rule.then.also):
            where: list[int | str] = ["rules", item.index, "then", "also", number]
            _check_route(item.document, where, spec, queues, case_types)
    for need in needs:
        _check_route(
            need.document, ["needs", need.index, "then"], need.need.then, queues, case_types
        )
    for queue_id in required_queues:
        if queue_id not in queues:
            raise DataFileError(f"{rules_dir / 'queues.yaml'}:1: queue {queue_id!r} is required")
    return Ruleset(
        rules=tuple(item.rule for item in located),
        version=digest.hexdigest()[:12],
        sources=(*files, *found["needs"]),
        needs=tuple(item.need for item in needs),
    )


def _check_needs(
    needs: list[_LocatedNeed], seen: dict[str, Path], intents: Collection[str]
) -> None:
    """Needs: ids unique among rules and needs, known intents in `when`."""
    for item in needs:
        where: list[int | str] = ["needs", item.index]
        need_id = item.need.id
        if need_id in seen:
            raise item.document.error(
                [*where, "id"], f"duplicate rule id {need_id!r} (first in {seen[need_id]})"
            )
        seen[need_id] = item.document.path
        for field_name in ("intent", "intent_not"):
            for intent in getattr(item.need.when, field_name) or ():
                if intent not in intents:
                    raise item.document.error(
                        [*where, "when", field_name], f"unknown intent {intent!r}"
                    )


def _check_route(
    doc: YamlDocument,
    where: list[int | str],
    spec: RouteSpec,
    queues: QueueDirectory,
    case_types: Collection[str] | None,
) -> None:
    """An `also` route or a need's route: a known queue of the right kind, a known case type."""
    _check_queue(doc, [*where, "queue"], spec.outcome, spec.queue, queues)
    if case_types is not None and spec.case_type is not None and spec.case_type not in case_types:
        raise doc.error([*where, "case_type"], f"unknown case type {spec.case_type!r}")


def _check_queue(
    doc: YamlDocument,
    where: list[int | str],
    outcome: Outcome,
    queue_id: str,
    queues: QueueDirectory,
) -> None:
    if queue_id not in queues:
        raise doc.error(where, f"unknown queue {queue_id!r}")
    want = "partner" if outcome is Outcome.PARTNER else "council"
    if queues[queue_id].kind != want:
        raise doc.error(
            where,
            f"outcome {outcome.value} needs a {want} queue, "
            f"{queue_id!r} is a {queues[queue_id].kind} queue",
        )


def _cross_check(
    located: list[_Located],
    queues: QueueDirectory,
    intents: Collection[str],
    answers: Collection[str],
    case_types: Collection[str] | None,
) -> None:
    seen: dict[str, Path] = {}
    for position, item in enumerate(located):
        rule, doc = item.rule, item.document
        where: list[int | str] = ["rules", item.index]
        if rule.id in seen:
            raise doc.error(
                [*where, "id"], f"duplicate rule id {rule.id!r} (first in {seen[rule.id]})"
            )
        seen[rule.id] = doc.path
        for operator in ("intent", "intent_not"):
            for intent in getattr(rule.when, operator) or ():
                if intent not in intents:
                    raise doc.error([*where, "when", operator], f"unknown intent {intent!r}")
        queue_id = rule.then.queue
        if queue_id is not None:
            _check_queue(doc, [*where, "then", "queue"], rule.then.outcome, queue_id, queues)
        case_type = rule.then.case_type
        if case_types is not None and case_type is not None and case_type not in case_types:
            raise doc.error([*where, "then", "case_type"], f"unknown case type {case_type!r}")
        if rule.then.answer is not None and rule.then.answer not in answers:
            raise doc.error(
                [*where, "then", "answer"],
                f"unknown answer {rule.then.answer!r}; known: {sorted(answers)}",
            )
        if rule.when.is_catch_all and position != len(located) - 1:
            raise doc.error(where, f"rule {rule.id!r} matches everything, so later rules never run")
    last = located[-1]
    if not last.rule.when.is_catch_all:
        raise last.document.error(
            ["rules", last.index],
            "the last rule must match everything (no `when`), so every message gets a decision",
        )
