"""Polish, Romanian, Portuguese, Lithuanian and Kurdish heard by their everyday words.

Typed without their special letters, these languages defeat CLD2 in short messages (it names
"kosz nie zostal oprozniony" Slovak). A reviewed list of common words, none of them English,
names the language where at least two of them make up enough of the message; the file's header
(app/understanding/data/community_words.yaml) gives the rule and how to add a word.
"""

from __future__ import annotations

import functools
import pathlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.understanding.language_lexicon import (
    DATA_DIR,
    ENGLISH_MARKERS,
    LanguageLexiconError,
    read_list,
    self_test,
)

COMMUNITY_WORDS_PATH = DATA_DIR / "community_words.yaml"
_MIN_WORDS = 2
_MIN_SHARE = 0.3

_Word = Annotated[str, Field(pattern=r"^[a-z]{3,}$")]
_Example = tuple[Annotated[str, Field(min_length=1)], Annotated[str, Field(pattern=r"^[a-z]+$")]]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    words: dict[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")], list[_Word]]
    examples: Annotated[list[_Example], Field(min_length=1)]
    non_examples: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]


@dataclass(frozen=True)
class CommunityWords:
    """Language code -> its listed words."""

    words: dict[str, frozenset[str]]

    @classmethod
    def load(cls, path: pathlib.Path = COMMUNITY_WORDS_PATH) -> CommunityWords:
        """Read and self-test the list at `path`."""
        try:
            model = _Model.model_validate(read_list(path, "community_words"))
        except ValidationError as exc:
            raise LanguageLexiconError(f"{path}: {exc.errors()[0]['msg']}") from None
        english = {w for listed in model.words.values() for w in listed} & ENGLISH_MARKERS
        if english:
            raise LanguageLexiconError(f"{path}: English function words listed: {sorted(english)}")
        lexicon = cls({code: frozenset(listed) for code, listed in model.words.items()})
        self_test(path, lexicon.language, model.examples, model.non_examples)
        return lexicon

    def language(self, plain: Sequence[str]) -> str | None:
        """The language whose words make up enough of `plain` (see the file's rule), or None."""
        if not plain:
            return None
        counts = Counter(
            code for word in plain for code, listed in self.words.items() if word in listed
        )
        if not counts:
            return None
        ranked = counts.most_common(2)
        code, hits = ranked[0]
        tied = len(ranked) > 1 and ranked[1][1] == hits
        english = sum(1 for word in plain if word in ENGLISH_MARKERS)
        if tied or hits < _MIN_WORDS or hits / len(plain) < _MIN_SHARE or hits <= english:
            return None
        return code


@functools.cache
def community_words() -> CommunityWords:
    """The community-language word list, loaded once per process."""
    return CommunityWords.load()
