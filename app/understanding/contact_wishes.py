"""Contact wishes: "please don't text back", "he checks my phone".

Read from every message before anything is sent back; the rule and the patterns are in
routing_rules/contact_wishes.yaml, whose header says why each matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.routing.yaml_source import load_yaml
from app.understanding.safety import normalise

CONTACT_WISHES_FILE = "contact_wishes.yaml"
WishKind = Literal["no_reply", "watched"]
# The same clause breaks the safety lexicon uses: a guard speaks only for its own clause.
_CLAUSE = re.compile(r"[.!?;,:]|\b(?:but|and|so|because)\b")


class _Wish(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: WishKind
    patterns: Annotated[list[str], Field(min_length=1)]
    unless: list[str] = []
    examples: Annotated[list[str], Field(min_length=1)]
    non_examples: Annotated[list[str], Field(min_length=1)]

    @field_validator("patterns", "unless")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad regex {pattern!r}: {exc}") from None
        return patterns


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    contact_wishes: list[_Wish]


@dataclass(frozen=True)
class _Compiled:
    kind: WishKind
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]

    def heard(self, text: str) -> bool:
        for pattern in self.patterns:
            for match in pattern.finditer(text):
                clause = _clause_around(text, match.start(), match.end())
                if not any(guard.search(clause) for guard in self.unless):
                    return True
        return False


@dataclass(frozen=True)
class ContactWishes:
    """The wishes a message states, in file order."""

    compiled: tuple[_Compiled, ...]

    @classmethod
    def load(cls, rules_dir: Path) -> ContactWishes:
        document = load_yaml(rules_dir / CONTACT_WISHES_FILE)
        parsed = document.parse(_Document)
        wishes = cls(
            tuple(
                _Compiled(
                    wish.id,
                    tuple(re.compile(p, re.IGNORECASE) for p in wish.patterns),
                    tuple(re.compile(p, re.IGNORECASE) for p in wish.unless),
                )
                for wish in parsed.contact_wishes
            )
        )
        for index, wish in enumerate(parsed.contact_wishes):
            where: list[int | str] = ["contact_wishes", index]
            for example in wish.examples:
                if wish.id not in wishes.heard(example):
                    raise document.error([*where, "examples"], f"{example!r} is not heard")
            for example in wish.non_examples:
                if wish.id in wishes.heard(example):
                    raise document.error([*where, "non_examples"], f"{example!r} is heard")
        return wishes

    def heard(self, text: str) -> frozenset[WishKind]:
        """Every wish `text` states."""
        normal = normalise(text)
        return frozenset(wish.kind for wish in self.compiled if wish.heard(normal))


def _clause_around(text: str, start: int, end: int) -> str:
    """The clause holding text[start:end]: from the break before it to the break after."""
    before = [m.end() for m in _CLAUSE.finditer(text, 0, start)]
    after = _CLAUSE.search(text, end)
    return text[before[-1] if before else 0 : after.start() if after else len(text)]
