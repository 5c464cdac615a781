"""Is this message in English? If confidently not, which language, so an interpreter is booked.

Short English is easy to mistake for something else ("go ahead" reads as Irish), and sending an
English speaker to an interpreter queue is a real harm; so is leaving someone who wrote
"Dzień dobry" or "mujhe madad chahiye" with an English bot. In order:
  1. Entities (postcodes, references, phones, emails) are masked out first.
  2. Non-Latin scripts (Arabic, Bengali, Gurmukhi, Cyrillic, ...) go straight to the detector.
  3. Latin script: a message made only of greetings in one community language is that language;
     romanised Urdu, Hindi or Punjabi is heard by its commonest words. Both are reviewed word
     lists (app/understanding/data/), because the detectors cannot hear either.
  4. Otherwise the detector (Google's CLD2) has the last word only for three or more words,
     under a fifth of them English function words, not all capitalised (a name or a place),
     and never for Welsh, Irish or Scots Gaelic, whose speakers all read English.
bench/language_bench.py measures this beside CLD2 alone and lingua-language-detector.
"""

from __future__ import annotations

import re
import unicodedata

import pycld2

from app.understanding.community_words import community_words
from app.understanding.language_lexicon import (
    ENGLISH_MARKERS,
    greetings,
    romanised,
    words_of_masked,
)
from app.understanding.text import normalise

UNDETERMINED = "und"  # ISO 639-2 for "a language we could not name"
_MIN_PERCENT = 60
# Above this share of English function words, Latin-script text is taken as English.
_ENGLISH_SHARE = 0.2
# CLD2 codes we take as English: Scots spellings, unknown, and the Celtic languages of these
# islands, which CLD2 hears in Welsh and Irish names and places ("Dafydd ap Gruffydd").
_ENGLISH_LIKE = frozenset({"en", "sco", "un", "cy", "ga", "gd", "kw", "gv"})
# Up to this many words, each capitalised, is a name or a place, not a sentence.
_NAME_WORDS = 5
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_MASKS = re.compile(r"\b(?:emailtok|phonetok|reftok|postcodetok)\b")


def non_english(text: str) -> str | None:
    """An ISO 639-1 code (or 'und') when `text` is confidently not English, else None."""
    masked = _MASKS.sub(" ", normalise(text))
    letters = [ch for ch in masked if ch.isalpha()]
    if len(letters) < 3:
        return None
    non_latin = sum(1 for ch in letters if not unicodedata.name(ch, "").startswith("LATIN"))
    if non_latin / len(letters) <= 0.5:
        plain = words_of_masked(masked)
        heard = (
            greetings().language(plain)
            or romanised().language(plain)
            or community_words().language(plain)
        )
        if heard is not None:
            return heard
        words = _WORD.findall(masked)
        english = sum(1 for word in words if word in ENGLISH_MARKERS)
        if len(words) < 3 or english / len(words) >= _ENGLISH_SHARE or _names_only(text):
            return None
        return _detect(masked)
    return _detect(masked) or UNDETERMINED


def _names_only(text: str) -> bool:
    """A few words, every one capitalised: "Nguyen Van Anh", "Weedon Bec", "Tír na nÓg"."""
    words = _WORD.findall(text)
    short = [word for word in words if len(word) > 2]  # "ap", "na", "de" stay lower-case
    return len(words) <= _NAME_WORDS and all(word[0].isupper() for word in short)


def _detect(text: str) -> str | None:
    try:
        reliable, _bytes, details = pycld2.detect(text)
    except pycld2.error:
        return None
    _name, code, percent, _score = details[0]
    if not reliable or percent < _MIN_PERCENT or code in _ENGLISH_LIKE:
        return None
    return str(code).split("-", 1)[0]
