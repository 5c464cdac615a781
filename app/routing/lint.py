"""`rules lint`'s shadowing check: a rule that can never fire for an intent it names.

First match wins, so a rule placed after a broader one is dead for whatever the broader one
takes. Two findings, both exact about the rules (app/routing/cover.py), both naming the two
rules by file:line:

- shadowed: whatever else the message says, earlier rules take every message of an intent the
  rule names (say `intent: missed_bin` after a duplicate with no extra condition);
- captured: with the flags that the intent's own training examples raise (the safety lexicon
  reads "food bank" as financial hardship), an earlier rule that names no such intent takes
  them, so the rule written for that intent never sees its typical message. A rule meaning to
  leave those to the earlier one says so with `flags_none`, and then nothing is reported.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from app.routing.cover import Box, Space, firsts, restrict, takers
from app.routing.rules import Rule, rule_files
from app.routing.yaml_source import load_yaml
from app.understanding.safety import SafetyLexicon


class _RuleFile(BaseModel):
    rules: list[Rule]


@dataclass(frozen=True)
class LocatedRule:
    """A rule and where it is written."""

    rule: Rule
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Finding:
    """`rule` never fires for `intent` (with `flags`, if any): `by` take it first."""

    rule: LocatedRule
    intent: str | None
    by: tuple[LocatedRule, ...]
    flags: frozenset[str] = frozenset()
    # (how many of the intent's training examples raise `flags`, how many it has)
    examples: tuple[int, int] | None = None

    def __str__(self) -> str:
        rule = self.rule.rule.id
        first = "; ".join(f"{taker.where}: rule {taker.rule.id}" for taker in self.by)
        if not self.flags:
            what = "can never fire" + (f" for intent {self.intent}" if self.intent else "")
            return f"{self.rule.where}: rule {rule} {what}: earlier rules match first: {first}"
        raised, total = self.examples or (0, 0)
        flags = sorted(self.flags)
        return (
            f"{self.rule.where}: rule {rule} never fires for intent {self.intent} with flag "
            f"{' or '.join(flags)} ({raised} of its {total} training examples): {first} "
            f"matches first. Move rule {self.by[0].rule.id} after it, or give rule {rule} "
            f"`flags_none: [{', '.join(flags)}]` if {self.by[0].rule.id} should take these"
        )


def located_rules(rules_dir: Path) -> list[LocatedRule]:
    """Every rule in evaluation order, with its file and line (the files already validated)."""
    found: list[LocatedRule] = []
    for path in rule_files(rules_dir):
        document = load_yaml(path)
        for index, rule in enumerate(document.parse(_RuleFile).rules):
            found.append(LocatedRule(rule, path, document.line_of(["rules", index])))
    return found


def shadowing(
    rules: Sequence[LocatedRule],
    intents: Collection[str],
    example_flags: Mapping[str, Sequence[frozenset[str]]] | None = None,
) -> list[Finding]:
    """Every rule earlier rules make dead for an intent it names; with `example_flags` (each
    intent's training examples' flag sets), every rule an earlier one captures too."""
    by_intent = example_flags or {}
    seen_flags = {flag for sets in by_intent.values() for flags in sets for flag in flags}
    space = Space.of([item.rule.when for item in rules], intents, seen_flags)
    boxes = [space.box(item.rule.when) for item in rules]
    findings: list[Finding] = []
    for position, item in enumerate(rules):
        when = item.rule.when
        if when.is_catch_all:
            continue  # the fallback is there for whatever the others leave
        earlier = boxes[:position]
        if when.intent is None:
            taken = takers(boxes[position], earlier)
            if taken is not None:
                findings.append(Finding(item, None, tuple(rules[i] for i in taken)))
            continue
        for intent in when.intent:
            box = restrict(boxes[position], "intents", [intent])
            taken = takers(box, earlier)
            if taken is not None:
                findings.append(Finding(item, intent, tuple(rules[i] for i in taken)))
                continue
            findings.extend(_captured(item, intent, box, by_intent.get(intent, ()), rules, earlier))
    return findings


def _captured(
    item: LocatedRule,
    intent: str,
    box: Box,
    examples: Sequence[frozenset[str]],
    rules: Sequence[LocatedRule],
    earlier: Sequence[Box],
) -> Iterable[Finding]:
    """Earlier rules naming no such intent that take `intent`'s messages by the flags its
    own examples raise: one finding per taker, counting the examples it takes."""
    # Who takes some of the intent's messages whatever their flags (the members' channel, say)
    # is no capture by a flag.
    anyway = set(firsts(restrict(box, "flags", [frozenset()]), earlier))
    taken_by: dict[int, list[frozenset[str]]] = {}
    for flags in examples:
        taken = takers(restrict(box, "flags", [flags]), earlier) if flags else None
        # An earlier rule for this very intent (a repeat missed bin) is a deliberate special
        # case; only a rule that never asked for this intent captures it.
        for position in set(taken or ()) - anyway:
            if not _names(rules[position].rule, intent):
                taken_by.setdefault(position, []).append(flags)
    for position, flag_sets in sorted(taken_by.items()):
        taker = rules[position]
        named = {
            f.value
            for f in (*(taker.rule.when.flags_any or ()), *(taker.rule.when.flags_all or ()))
        }
        flags = frozenset(named.intersection(*flag_sets)) or frozenset().union(*flag_sets)
        yield Finding(item, intent, (taker,), flags, (len(flag_sets), len(examples)))


def _names(rule: Rule, intent: str) -> bool:
    return rule.when.intent is not None and intent in rule.when.intent


def example_flags(
    examples: Iterable[tuple[str, str]], lexicon: SafetyLexicon
) -> dict[str, list[frozenset[str]]]:
    """Each intent's (intent, text) training examples as the flag sets the lexicon raises."""
    found: dict[str, list[frozenset[str]]] = {}
    for intent, text in examples:
        flags = frozenset(cue.flag.value for cue in lexicon.detect(text))
        found.setdefault(intent, []).append(flags)
    return found
