"""Safety cues: spot people at risk in free text, from a reviewed lexicon.

The lexicon is data (routing_rules/safety_cues.yaml) so safeguarding reviewers
can change it without touching code. It is loaded once at start-up and checked
hard: a malformed entry, or an entry whose own examples disagree with it, stops
the service rather than silently weakening the safety net.
"""

from __future__ import annotations

import bisect
import pathlib
import re
from dataclasses import dataclass
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    model_validator,
)

from app.vocabulary import Flag, Priority

# The reviewed lexicon, and the further cue files merged after it (SafetyLexicon.load_dir).
LEXICON_FILE = "safety_cues.yaml"
LEXICON_GLOB = "safety_cues*.yaml"
DEFAULT_RULES_DIR = pathlib.Path(__file__).resolve().parents[2] / "routing_rules"
DEFAULT_LEXICON_PATH = DEFAULT_RULES_DIR / LEXICON_FILE


class SafetyLexiconError(ValueError):
    """The lexicon file is unusable; the message reads '<file>:<line>: <reason>'."""


@dataclass(frozen=True)
class SafetyCue:
    """One reviewed cue: the flag it raises and the least it demands of routing."""

    cue_id: str
    flag: Flag
    priority: Priority
    forces_human: bool
    emergency: bool


# --- Normalisation: deliberately small, so a reviewer can predict what a pattern sees.
# Curly single quotes, prime and backtick become ', curly double quotes become ".
_QUOTES = str.maketrans(
    "\u2018\u2019\u201a\u201b\u2032`\u201c\u201d\u201e\u2033", "''''''" + '""""'
)
_TEXT_SPEAK = {
    "u": "you",
    "ur": "your",
    "im": "i'm",
    "ive": "i've",
    "cant": "can't",
    "dont": "don't",
    "wont": "won't",
    "hes": "he's",
    "shes": "she's",
    "gonna": "going to",
    "wanna": "want to",
}
# Whole words only: "u" must not rewrite the "u" of "u-turn" or "bureau".
_TEXT_SPEAK_RE = re.compile(r"(?<![\w'-])(" + "|".join(_TEXT_SPEAK) + r")(?![\w'-])")
_SPACE_RE = re.compile(r"\s+")
# `unless` guards only look at the clause around a match, so "I'm not homeless,
# but we have nowhere to sleep tonight" still fires on its second clause.
_CLAUSE_BREAK_RE = re.compile(
    r"[.!?;,:]|\b(?:but|and|also|although|though|however|whereas|plus|then)\b"
)


# How much of a long message the cues read: its opening and its end. Every pattern is linear, but
# each is a full pass of Python's regex engine, and the lexicon has some 160: about 5 s a
# megabyte of prose (measured 2026-12-05, shared 2-core box). 16,000 characters is some 2,700 words,
# more than residents write by hand, so every SMS, chat and typed email is read whole; past that
# come attachments and quoted threads. The end is read too, because a risk said last still counts.
SCAN_HEAD_CHARS = 16_000
SCAN_TAIL_CHARS = 4_000
# Joins the two ends as a clause break, so no cue is made of words either side of the gap.
_GAP = " . "


def scanned_part(text: str) -> str:
    """`text` whole when short, else its opening and its end, each cut at a space if one is near."""
    if len(text) <= SCAN_HEAD_CHARS + SCAN_TAIL_CHARS:
        return text
    head_end = _space_before(text, SCAN_HEAD_CHARS)
    tail_start = len(text) - SCAN_TAIL_CHARS
    after = _space_after(text, tail_start)
    return text[:head_end] + _GAP + text[after:]


def _space_before(text: str, limit: int) -> int:
    space = max(text.rfind(blank, limit // 2, limit + 1) for blank in " \n\t")
    return space if space > 0 else limit


def _space_after(text: str, start: int) -> int:
    found = [i for i in (text.find(blank, start, start + 500) for blank in " \n\t") if i >= 0]
    return min(found) + 1 if found else start


def normalise(text: str) -> str:
    """Lower-case, straighten quotes, expand common text-speak, collapse whitespace."""
    text = text.lower().translate(_QUOTES)
    text = _TEXT_SPEAK_RE.sub(lambda m: _TEXT_SPEAK[m.group(1)], text)
    return _SPACE_RE.sub(" ", text).strip()


class _Message:
    """A normalised message and its clause breaks, computed once per detect()."""

    def __init__(self, raw: str) -> None:
        self.text = normalise(raw)
        breaks = list(_CLAUSE_BREAK_RE.finditer(self.text))
        self._starts = [brk.start() for brk in breaks]
        self._ends = [brk.end() for brk in breaks]

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """Bounds of the clause holding the span [start, end); bisect keeps long texts linear."""
        i = bisect.bisect_right(self._ends, start)
        j = bisect.bisect_left(self._starts, end)
        return (
            self._ends[i - 1] if i else 0,
            self._starts[j] if j < len(self._starts) else len(self.text),
        )


@dataclass(frozen=True)
class _Entry:
    cue: SafetyCue
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]
    # Each combination fires when every one of its patterns is found somewhere in the message.
    all_of: tuple[tuple[re.Pattern[str], ...], ...] = ()

    def matches(self, message: _Message) -> bool:
        """True when a pattern, or every pattern of a combination, survives the `unless` guards."""
        guarded: dict[tuple[int, int], bool] = {}  # per clause, so repeats cost nothing
        return any(self._found(p, message, guarded) for p in self.patterns) or any(
            self.combination_matches(k, message, guarded) for k in range(len(self.all_of))
        )

    def combination_matches(
        self, k: int, message: _Message, guarded: dict[tuple[int, int], bool] | None = None
    ) -> bool:
        """True when every pattern of the k-th `all_of` combination is found, guards applied."""
        seen = {} if guarded is None else guarded
        return all(self._found(pattern, message, seen) for pattern in self.all_of[k])

    def _found(
        self, pattern: re.Pattern[str], message: _Message, guarded: dict[tuple[int, int], bool]
    ) -> bool:
        for found in pattern.finditer(message.text):
            lo, hi = message.clause(found.start(), found.end())
            if (lo, hi) not in guarded:
                clause = message.text[lo:hi]
                guarded[lo, hi] = any(guard.search(clause) for guard in self.unless)
            if not guarded[lo, hi]:
                return True
        return False


# --- Schema of the YAML file.
def _check_regex(pattern: str) -> str:
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"bad regex {pattern!r}: {exc}") from None
    if compiled.search("") is not None:
        # Such a pattern would fire on every message, or such a guard silence every cue.
        raise ValueError(f"regex {pattern!r} matches empty text")
    return pattern


_Regex = Annotated[str, AfterValidator(_check_regex)]
_Text = Annotated[str, Field(min_length=1)]


class _CueModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z_]+\.[a-z_]+$")]
    flag: Flag
    priority: Priority
    forces_human: StrictBool
    emergency: StrictBool
    description: _Text
    patterns: list[_Regex] = []
    # "A and B in the same message": a list of combinations, each of two or more patterns.
    all_of: list[Annotated[list[_Regex], Field(min_length=2)]] = []
    unless: list[_Regex] = []
    examples: Annotated[list[_Text], Field(min_length=1)]
    non_examples: Annotated[list[_Text], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> _CueModel:
        if self.id.split(".")[0] != self.flag.value:
            raise ValueError(f"id {self.id!r} must start with its flag {self.flag.value!r}")
        if self.emergency != (self.priority is Priority.EMERGENCY):
            raise ValueError("emergency must be true exactly when priority is emergency")
        if self.emergency and not self.forces_human:
            raise ValueError("an emergency cue must force a human")
        if not self.patterns and not self.all_of:
            raise ValueError("a cue needs `patterns`, `all_of` or both")
        for combination in self.all_of:
            if len(set(combination)) != len(combination):
                raise ValueError("an all_of combination repeats a pattern")
        return self


class _FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    safety_cues: Annotated[list[_CueModel], Field(min_length=1)]


# --- Locating errors in the file.
def _line(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int:
    """1-based line of the deepest YAML node reached by a pydantic error path."""
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == key), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _reject_duplicate_keys(node: yaml.Node | None, path: pathlib.Path) -> None:
    # PyYAML keeps the last of two equal keys: a second `patterns:` would silently drop the first.
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key, value in node.value:
            if key.value in seen:
                raise SafetyLexiconError(
                    f"{path}:{key.start_mark.line + 1}: duplicate key {key.value!r}"
                )
            seen.add(key.value)
            _reject_duplicate_keys(value, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _reject_duplicate_keys(item, path)


def _load_file(path: pathlib.Path) -> list[tuple[_Entry, str]]:
    """One file's entries, each with its 'file:line', after the schema and self-tests pass."""
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise SafetyLexiconError(
            f"{path}:{line}: invalid YAML: {' '.join(str(exc).split())}"
        ) from None
    _reject_duplicate_keys(root, path)
    try:
        model = _FileModel.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(part) for part in err["loc"]) or "<file>"
        raise SafetyLexiconError(
            f"{path}:{_line(root, err['loc'])}: {where}: {err['msg']}"
        ) from None

    def place(loc: tuple[int | str, ...]) -> str:
        return f"{path}:{_line(root, loc)}"

    loaded: list[tuple[_Entry, str]] = []
    for i, cue in enumerate(model.safety_cues):
        entry = _Entry(
            SafetyCue(cue.id, cue.flag, cue.priority, cue.forces_human, cue.emergency),
            tuple(re.compile(p, re.IGNORECASE) for p in cue.patterns),
            tuple(re.compile(p, re.IGNORECASE) for p in cue.unless),
            tuple(tuple(re.compile(p, re.IGNORECASE) for p in combo) for combo in cue.all_of),
        )
        # Every combination is reviewed like a pattern: some example must show it firing.
        for k in range(len(entry.all_of)):
            if not any(entry.combination_matches(k, _Message(sample)) for sample in cue.examples):
                raise SafetyLexiconError(
                    f"{place(('safety_cues', i, 'all_of', k))}: "
                    f"{cue.id}: all_of entry {k + 1} fires on none of the examples"
                )
        # The reviewed examples are the contract: refuse to start if the patterns break it.
        for field, texts, wanted in (
            ("examples", cue.examples, True),
            ("non_examples", cue.non_examples, False),
        ):
            for j, sample in enumerate(texts):
                if entry.matches(_Message(sample)) != wanted:
                    verdict = "does not trigger" if wanted else "triggers"
                    raise SafetyLexiconError(
                        f"{place(('safety_cues', i, field, j))}: "
                        f"{cue.id}: {field} entry {sample!r} {verdict} it"
                    )
        loaded.append((entry, place(("safety_cues", i, "id"))))
    return loaded


@dataclass(frozen=True)
class SafetyLexicon:
    """The loaded, checked lexicon. Immutable; build it once with `load`."""

    _entries: tuple[_Entry, ...]

    @property
    def cues(self) -> tuple[SafetyCue, ...]:
        """Every cue, in lexicon order."""
        return tuple(entry.cue for entry in self._entries)

    @classmethod
    def load(cls, path: pathlib.Path) -> SafetyLexicon:
        """Read, validate and self-test the one lexicon file at `path`."""
        return cls._merge([path])

    @classmethod
    def load_dir(cls, rules_dir: pathlib.Path) -> SafetyLexicon:
        """Every `safety_cues*.yaml` in `rules_dir`, merged: safety_cues.yaml first, then by name.

        Cue files can be split by reviewer (e.g. community-language cues) without a code change;
        a cue id defined twice is an error naming both places.
        """
        main = rules_dir / LEXICON_FILE
        if not main.is_file():
            raise SafetyLexiconError(f"{main}:1: missing: the reviewed lexicon must exist")
        others = sorted(p for p in rules_dir.glob(LEXICON_GLOB) if p.name != LEXICON_FILE)
        return cls._merge([main, *others])

    @classmethod
    def _merge(cls, paths: list[pathlib.Path]) -> SafetyLexicon:
        entries: list[_Entry] = []
        where: dict[str, str] = {}
        for path in paths:
            for entry, place in _load_file(path):
                first = where.setdefault(entry.cue.cue_id, place)
                if first != place:
                    raise SafetyLexiconError(
                        f"{place}: duplicate id {entry.cue.cue_id!r} (first defined at {first})"
                    )
                entries.append(entry)
        return cls(tuple(entries))

    def detect(self, text: str) -> list[SafetyCue]:
        """The cues found in `text`, unique by cue_id, in lexicon order."""
        message = _Message(scanned_part(text))
        return [entry.cue for entry in self._entries if entry.matches(message)]
