"""Text features shared by training and inference, so the two can never drift apart."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from app.vocabulary import REFERENCE_DIGITS

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# The same pattern, tried only where a run of address characters begins (see email_spans).
_EMAIL_AT_RUN_START = re.compile(r"(?<![\w.+-])" + _EMAIL.pattern)
_ADDRESS_CHAR = re.compile(r"[\w.+-]")
_REFERENCE = re.compile(rf"\b(?:[a-z]{{2,6}}[\s-]?)?\d{{{REFERENCE_DIGITS}}}\b")
_POSTCODE = re.compile(r"\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b")
_PHONE = re.compile(r"(?:\+44\s?|\b0)\d[\d\s]{8,11}\d\b")
_WORD = re.compile(r"\w\w+")

CHAR_SIZES = range(2, 6)


def email_spans(text: str) -> Iterator[tuple[int, int]]:
    """The spans `_EMAIL.finditer(text)` gives, in time linear in the text.

    Searched plainly, the pattern retries from every character of a long run of address
    characters with no usable '@' after it, rescanning the run each time: quadratic (40,000
    characters took 8 s). Every start inside one run reaches the same '@' and the same domain,
    so all succeed or all fail: trying the run's first character is enough. The one exception
    is a previous match ending inside a run, where `finditer` resumes mid-run; that start is
    tried on its own.
    """
    pos = 0
    while True:
        found = None
        mid_run = 0 < pos < len(text) and bool(
            _ADDRESS_CHAR.match(text, pos - 1) and _ADDRESS_CHAR.match(text, pos)
        )
        if mid_run:
            found = _EMAIL.match(text, pos)
        if found is None:
            found = _EMAIL_AT_RUN_START.search(text, pos)
        if found is None:
            return
        yield found.span()
        pos = found.end()


def _mask_emails(text: str) -> str:
    pieces: list[str] = []
    last = 0
    for start, end in email_spans(text):
        pieces += (text[last:start], " emailtok ")
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def normalise(text: str) -> str:
    """Lower-case, straight quotes, and entities masked so '204318' and 'NN1 1AA' teach shape."""
    lowered = text.lower().translate(_QUOTES)
    lowered = _mask_emails(lowered)
    lowered = _PHONE.sub(" phonetok ", lowered)
    lowered = _REFERENCE.sub(" reftok ", lowered)
    return _POSTCODE.sub(" postcodetok ", lowered)


def word_features(text: str) -> list[str]:
    """Word unigrams and bigrams of the normalised text."""
    words = _WORD.findall(normalise(text))
    return words + [f"{first} {second}" for first, second in itertools.pairwise(words)]


def char_features(text: str) -> list[str]:
    """Character 2- to 5-grams inside each space-padded word: robust to typos and text-speak."""
    grams: list[str] = []
    for word in normalise(text).split():
        padded = f" {word} "
        for size in CHAR_SIZES:
            if size > len(padded):
                break
            grams.extend(padded[i : i + size] for i in range(len(padded) - size + 1))
    return grams
