"""The details a case needs before it opens: case_types.yaml `details:`, and how each is heard.

A complaint under the Complaint Handling Code needs what went wrong, when, and what would put
it right; a missed bin needs the address. Each detail names the question the bot asks when it
is missing and the kind of words that show it was given, so a detail the resident already said
is never asked for. Recognising is deliberately plain (words and shapes, no model): it only
decides whether to ask, and a wrong guess costs one question or one detail a person asks for.

Every check walks the text's words once, so a long message costs linear time.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from app.understanding.entities import Entities

_ID = r"^[a-z][a-z0-9_]*$"
# text: the resident's own account, heard as enough words of their own beyond the request;
# address: a postcode, or a house number or name before a street; place: an address or any of
# `words` (behind, outside, lane ...); time: a day, date or span; words: any of `words`; wish:
# any of `words` asked for ("I'd like a refund", "please fix it"), since the same verbs also
# tell what went wrong ("they didn't collect it").
DetailKind = Literal["text", "address", "place", "time", "words", "wish"]
# An account of what happened has at least this many words of its own (see `_own_words`).
MIN_OWN_WORDS = 4


class DetailSpec(BaseModel):
    """One thing a case needs, the question that asks for it, and how it is recognised."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    label: str = Field(min_length=1)  # names it in the case summary: "What went wrong"
    question: str = Field(min_length=1)  # asked by text and said on the phone, one at a time
    kind: DetailKind
    # Word starts that show the detail was given ("refund" hears "refunded"); a phrase matches
    # as consecutive words.
    words: tuple[str, ...] = ()
    min_words: int = Field(default=MIN_OWN_WORDS, ge=1, le=50)

    @model_validator(mode="after")
    def _words_where_needed(self) -> DetailSpec:
        if self.kind in ("words", "place", "wish") and not self.words:
            raise ValueError(f"detail {self.id!r} of kind {self.kind} needs `words`")
        return self


def _unique(details: tuple[DetailSpec, ...]) -> tuple[DetailSpec, ...]:
    ids = [detail.id for detail in details]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate is not None:
        raise ValueError(f"detail {duplicate!r} is listed twice")
    return details


# The field case_types.yaml gives a case type (app/lifecycle/types.py): validated at load.
Details = Annotated[tuple[DetailSpec, ...], AfterValidator(_unique)]


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STREET = frozenset(
    "road rd street st lane ln close avenue ave way drive dr crescent court ct place grove "
    "gardens terrace row walk square mews rise hill parade vale view green end gate".split()
)
_DAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tues weds thurs fri sat sun "
    "today yesterday tonight weekend overnight".split()
)
# "this morning", "last week", "every night": a time only with the word before it.
_PARTS = frozenset("morning afternoon evening night week month year time weekend".split())
_BEFORE_PARTS = frozenset("this last every each since yesterday same".split())
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_SPANS = frozenset(
    "day days week weeks fortnight month months year years ago since hours minutes".split()
)
_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b|\b\d{1,2}(?:st|nd|rd|th)\b")
# Words of the request itself ("I'd like to make a formal complaint please"), greetings and
# the commonest function words: what is left is the resident's own account.
_REQUEST = frozenset(
    """i i'd i'm im id me my we we'd our us you your it it's its a an the to of and or but so
    is am are was were be been being have has had do does did want wanted would like could can
    please hi hello hey dear sir madam good morning afternoon evening thanks thank make making
    made log raise raising file lodge put in make complaint complaints complain complaining
    formal formally about regarding re for with this that there here just really need needs
    wish some something on at by from council wnc west northamptonshire report reporting""".split()
)
# Words that ask for something; a remedy is heard within a few words of one.
_WISH = frozenset(
    "want wanted like expect expecting need please should must hope asking ask demand deserve "
    "would wish".split()
)
WISH_BEFORE, WISH_AFTER = 5, 2
# Dumping verbs say what happened, not what was dumped.
_NOT_ITEMS = frozenset("dumped dumping tipped tipping left fly".split())


def words_of(text: str) -> list[str]:
    """The text's words, lower case, curly apostrophes made straight."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def found(
    detail: DetailSpec, text: str, entities: Entities | None = None, known_address: bool = False
) -> bool:
    """Whether `text` (with its entities, and what we already know) gives `detail`."""
    words = words_of(text)
    if detail.kind == "text":
        return _own_words(words) >= detail.min_words
    if detail.kind == "address":
        return known_address or _address(words, entities)
    if detail.kind == "place":
        return known_address or _address(words, entities) or _has_any(words, detail.words)
    if detail.kind == "time":
        return _time(text, words) or _has_any(words, detail.words)
    if detail.kind == "wish":
        return _wished(words, detail.words)
    return _has_any([w for w in words if w not in _NOT_ITEMS], detail.words)


def missing(
    details: Sequence[DetailSpec],
    text: str,
    entities: Entities | None = None,
    known_address: bool = False,
) -> tuple[DetailSpec, ...]:
    """The details `text` does not give, in the order the case type lists them."""
    return tuple(d for d in details if not found(d, text, entities, known_address))


def _own_words(words: Iterable[str]) -> int:
    return sum(1 for word in words if word not in _REQUEST and len(word) > 1)


def _address(words: Sequence[str], entities: Entities | None) -> bool:
    """A postcode, or a street: a street word after a name ("Tern Close", "12 gold st")."""
    if entities is not None and entities.postcode:
        return True
    for before, word in itertools.pairwise(words):
        if word in _STREET and before not in _REQUEST and before not in _STREET:
            return True
    return False


def _time(text: str, words: Sequence[str]) -> bool:
    if _DATE.search(text.lower()):
        return True
    for i, word in enumerate(words):
        if word in _DAYS or (word in _MONTHS and word != "may") or word in _SPANS:
            return True
        if word in _BEFORE_PARTS and i + 1 < len(words) and words[i + 1] in _PARTS:
            return True
    return False


def _wished(words: Sequence[str], phrases: Iterable[str]) -> bool:
    """Any phrase within WISH_BEFORE words after, or WISH_AFTER before, a word that asks."""
    asks = [i for i, word in enumerate(words) if word in _WISH]
    if not asks:
        return False
    near = sorted(
        {
            j
            for i in asks
            for j in range(max(0, i - WISH_AFTER), min(len(words), i + WISH_BEFORE + 1))
        }
    )
    # Each window is searched on its own, so a phrase never spans two of them.
    windows: list[list[str]] = [[]]
    for previous, j in zip([-2, *near], near, strict=False):
        if j != previous + 1:
            windows.append([])
        windows[-1].append(words[j])
    return any(_has_any(window, phrases) for window in windows if window)


def _has_any(words: Sequence[str], phrases: Iterable[str]) -> bool:
    """Any phrase's words as consecutive word starts ("bin bag" hears "bin bags")."""
    for phrase in phrases:
        parts = words_of(phrase)
        if not parts:
            continue
        span = len(parts)
        for i in range(len(words) - span + 1):
            if all(words[i + j].startswith(part) for j, part in enumerate(parts)):
                return True
    return False
