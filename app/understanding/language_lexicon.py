"""Reviewed word lists that hear what the language detectors cannot.

Two lists, each a data file in app/understanding/data/ with its own examples and non-examples:
  * romanised_south_asian.yaml: Urdu, Hindi and Punjabi typed in Latin letters;
  * greetings.yaml: greetings and thanks alone, in the community languages.
Both are checked when first loaded, like the safety lexicon: an example that is not named with
its language, or a non-example that is, stops the service rather than quietly misrouting.
"""

from __future__ import annotations

import functools
import pathlib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.understanding.text import normalise

DATA_DIR = pathlib.Path(__file__).resolve().parent / "data"
ROMANISED_PATH = DATA_DIR / "romanised_south_asian.yaml"
GREETINGS_PATH = DATA_DIR / "greetings.yaml"

# Common English words that are rare as words in the languages councils most often meet.
ENGLISH_MARKERS = frozenset(
    (
        "the my i i'm im is are was you your to and of for can have has with it this that what "
        "when where how please me we our been not don't dont want need help hi hello thanks "
        "thank bin bins council tax just get got would could should will there they he she his "
        "her him am do does did about from by at on if but or yes any some ok okay go ahead yeah "
        "yep nope cheers here"
    ).split()
)
_MASKS = re.compile(r"\b(?:emailtok|phonetok|reftok|postcodetok)\b")
_LETTERS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ß": "ss", "\u0131": "i", "ħ": "h"})

# Romanised South Asian text: see the file's header for the rule these numbers make.
_MIN_STRONG = 2
_MIN_SHARE = 0.4
_HINDUSTANI = "hindustani"
# A message of greetings alone is short; longer ones go to the detector, unread here.
_MAX_GREETING_WORDS = 12
_GROUP_CODES = {"urdu": "ur", "hindi": "hi", "punjabi": "pa"}


class LanguageLexiconError(ValueError):
    """A word list is unusable; the message reads '<file>: <reason>'."""


def plain_words(text: str) -> list[str]:
    """Lower-case words of letters, accents dropped and entities masked out.

    Residents texting from an English keyboard drop the accents ("dzien dobry"), so the lists
    are written without them and every message is compared the same way.
    """
    return words_of_masked(_MASKS.sub(" ", normalise(text)))


def words_of_masked(masked: str) -> list[str]:
    """`plain_words` of text already normalised with its entities masked out."""
    decomposed = unicodedata.normalize("NFKD", masked.translate(_UNDECOMPOSED))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _LETTERS.findall(bare)


_Words = list[Annotated[str, Field(pattern=r"^[a-z]+$")]]
_Phrase = Annotated[str, Field(pattern=r"^[a-z]+( [a-z]+)*$")]
_Example = tuple[Annotated[str, Field(min_length=1)], Annotated[str, Field(pattern=r"^[a-z]+$")]]


class _RomanisedModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    strong: dict[str, _Words]
    weak: _Words
    neutral: _Words
    examples: Annotated[list[_Example], Field(min_length=1)]
    non_examples: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]


class _GreetingsModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    phrases: dict[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")], list[_Phrase]]
    examples: Annotated[list[_Example], Field(min_length=1)]
    non_examples: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]


def read_list(path: pathlib.Path, key: str) -> Any:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LanguageLexiconError(f"{path}: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict) or set(data) != {key}:
        raise LanguageLexiconError(f"{path}: expected one top-level key {key!r}")
    return data[key]


@dataclass(frozen=True)
class RomanisedLexicon:
    """Everyday words of Urdu, Hindi and Punjabi as typed in Latin letters."""

    strong: dict[str, str]  # word -> group: hindustani, urdu, hindi or punjabi
    weak: frozenset[str]
    neutral: frozenset[str]

    @classmethod
    def load(cls, path: pathlib.Path = ROMANISED_PATH) -> RomanisedLexicon:
        """Read and self-test the list at `path`."""
        try:
            model = _RomanisedModel.model_validate(read_list(path, "romanised_south_asian"))
        except ValidationError as exc:
            raise LanguageLexiconError(f"{path}: {exc.errors()[0]['msg']}") from None
        strong = {word: group for group, words in model.strong.items() for word in words}
        unknown = set(model.strong) - {_HINDUSTANI, *_GROUP_CODES}
        overlap = (strong.keys() & set(model.weak)) | (strong.keys() & set(model.neutral))
        if unknown or overlap or set(model.weak) & set(model.neutral):
            raise LanguageLexiconError(
                f"{path}: unknown groups {sorted(unknown)} or words listed twice {sorted(overlap)}"
            )
        lexicon = cls(strong, frozenset(model.weak), frozenset(model.neutral))
        self_test(path, lexicon.language, model.examples, model.non_examples)
        return lexicon

    def language(self, plain: Sequence[str]) -> str | None:
        """'ur', 'hi' or 'pa' when the words are romanised South Asian by the file's rule."""
        words = [word for word in plain if word not in self.neutral]
        if not words:
            return None
        groups = Counter(self.strong[word] for word in words if word in self.strong)
        strong = sum(groups.values())
        if strong < _MIN_STRONG:
            return None
        ours = strong + sum(1 for word in words if word in self.weak)
        theirs = sum(1 for word in words if word in ENGLISH_MARKERS and word not in self.weak)
        if ours / len(words) < _MIN_SHARE or ours <= theirs:
            return None
        if groups["punjabi"] and groups["punjabi"] >= max(groups["urdu"], groups["hindi"]):
            return "pa"
        return "hi" if groups["hindi"] > groups["urdu"] else "ur"


@dataclass(frozen=True)
class GreetingLexicon:
    """Greetings and thanks in the community languages, for messages made of nothing else."""

    phrases: dict[str, frozenset[tuple[str, ...]]]  # language -> phrases as word tuples
    openers: dict[str, tuple[str, ...]]  # first word of a phrase -> languages that have it

    @classmethod
    def load(cls, path: pathlib.Path = GREETINGS_PATH) -> GreetingLexicon:
        """Read and self-test the list at `path`."""
        try:
            model = _GreetingsModel.model_validate(read_list(path, "greetings"))
        except ValidationError as exc:
            raise LanguageLexiconError(f"{path}: {exc.errors()[0]['msg']}") from None
        phrases = {
            code: frozenset(tuple(phrase.split()) for phrase in listed)
            for code, listed in model.phrases.items()
        }
        openers: dict[str, list[str]] = {}
        for code, listed_phrases in phrases.items():
            for first in {phrase[0] for phrase in listed_phrases}:
                openers.setdefault(first, []).append(code)
        lexicon = cls(phrases, {word: tuple(codes) for word, codes in openers.items()})
        self_test(path, lexicon.language, model.examples, model.non_examples)
        return lexicon

    def language(self, words: Sequence[str]) -> str | None:
        """The language whose phrases make up the whole of the words, if exactly one does."""
        if not words or len(words) > _MAX_GREETING_WORDS:
            return None
        # Most messages open with a word no greeting opens with: one look-up settles them.
        candidates = self.openers.get(words[0], ())
        found = [code for code in candidates if _covers(words, self.phrases[code])]
        return found[0] if len(found) == 1 else None


def _covers(words: Sequence[str], phrases: frozenset[tuple[str, ...]]) -> bool:
    """True when `words` split wholly into `phrases` (a short dynamic programme)."""
    if not words:
        return False
    reachable = [True] + [False] * len(words)
    for end in range(1, len(words) + 1):
        reachable[end] = any(
            reachable[start] and tuple(words[start:end]) in phrases
            for start in range(max(0, end - 5), end)
        )
    return reachable[-1]


def self_test(
    path: pathlib.Path,
    verdict: Any,
    examples: Sequence[tuple[str, str]],
    non_examples: Sequence[str],
) -> None:
    for text, code in examples:
        if (got := verdict(plain_words(text))) != code:
            raise LanguageLexiconError(f"{path}: example {text!r} is named {got!r}, not {code!r}")
    for text in non_examples:
        if (got := verdict(plain_words(text))) is not None:
            raise LanguageLexiconError(f"{path}: non-example {text!r} is named {got!r}")


@functools.cache
def romanised() -> RomanisedLexicon:
    """The romanised South Asian list, loaded once per process."""
    return RomanisedLexicon.load()


@functools.cache
def greetings() -> GreetingLexicon:
    """The greetings list, loaded once per process."""
    return GreetingLexicon.load()
