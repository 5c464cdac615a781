"""Speech-recognition mishearings of places and council services, put right before classifying.

A recogniser writes "council tacks", "dave entry" and "fly tripping"; the classifier learned
"council tax", "Daventry" and "fly tipping". The phrases are reviewed data
(speech_confusions.yaml). Each is matched on whole words, longest first, by walking a word trie
from every word: a few dictionary steps per word, so a long transcript costs one pass.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CONFUSIONS_PATH = Path(__file__).with_name("speech_confusions.yaml")
SCOPES = frozenset({"all", "voice"})
# Case-blind on the original text, so spans stay true (lower() can change a text's length).
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?", re.IGNORECASE)
# Words of one phrase may be apart by spaces or hyphens ("north-hampton"), nothing else.
_JOINER = re.compile(r"[\s-]+")


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    means: str | None = None


@dataclass(frozen=True)
class Confusions:
    """Two tries: phrases misheard anywhere, and those that are mishearings only in speech."""

    everywhere: _Node
    spoken: _Node

    @classmethod
    def load(cls, path: Path = CONFUSIONS_PATH) -> Confusions:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        everywhere, spoken = _Node(), _Node()
        for entry in data.get("confusions", []):
            heard, means, scope = str(entry["heard"]), str(entry["means"]), entry["scope"]
            if scope not in SCOPES:
                raise ValueError(f"{path}: {heard!r}: scope must be one of {sorted(SCOPES)}")
            words = _WORD.findall(heard.lower())
            if " ".join(words) != heard.lower().replace("-", " "):
                raise ValueError(f"{path}: {heard!r}: write it as lower-case words")
            _add(spoken, words, means)
            if scope == "all":
                _add(everywhere, words, means)
        return cls(everywhere, spoken)

    def correct(self, text: str, spoken: bool) -> str:
        """`text` with each misheard phrase replaced by what was meant."""
        root = self.spoken if spoken else self.everywhere
        words = list(_WORD.finditer(text))
        pieces: list[str] = []
        last = i = 0
        while i < len(words):
            found = _longest(root, text, words, i)
            if found is None:
                i += 1
                continue
            end, means = found
            pieces += (text[last : words[i].start()], means)
            last, i = words[end].end(), end + 1
        pieces.append(text[last:])
        return "".join(pieces)


def _add(root: _Node, words: list[str], means: str) -> None:
    node = root
    for word in words:
        node = node.children.setdefault(word, _Node())
    node.means = means


def _longest(
    root: _Node, text: str, words: list[re.Match[str]], start: int
) -> tuple[int, str] | None:
    """(index of the last word, what was meant) of the longest phrase starting at word `start`."""
    node, found = root, None
    for j in range(start, len(words)):
        if j > start and not _JOINER.fullmatch(text, words[j - 1].end(), words[j].start()):
            break
        child = node.children.get(words[j].group().lower())
        if child is None:
            break
        node = child
        if node.means is not None:
            found = (j, node.means)
    return found


@functools.cache
def default_confusions() -> Confusions:
    """The reviewed phrases, read once per process."""
    return Confusions.load()


def heard_as_meant(text: str, spoken: bool) -> str:
    """`text` with recognised mishearings put right; `spoken` adds the voice-only phrases."""
    return default_confusions().correct(text, spoken)
