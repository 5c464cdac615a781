"""Text features shared by training and inference, so the two can never drift apart."""

from __future__ import annotations

import itertools
import re

from app.vocabulary import REFERENCE_DIGITS

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_REFERENCE = re.compile(rf"\b(?:[a-z]{{2,6}}[\s-]?)?\d{{{REFERENCE_DIGITS}}}\b")
_POSTCODE = re.compile(r"\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b")
_PHONE = re.compile(r"(?:\+44\s?|\b0)\d[\d\s]{8,11}\d\b")
_WORD = re.compile(r"\w\w+")

CHAR_SIZES = range(2, 6)


def normalise(text: str) -> str:
    """Lower-case, straight quotes, and entities masked so '204318' and 'NN1 1AA' teach shape."""
    lowered = text.lower().translate(_QUOTES)
    lowered = _EMAIL.sub(" emailtok ", lowered)
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
