"""Is this message in English? If confidently not, which language, so an interpreter is booked.

Short English is easy to mistake for something else ("go ahead" reads as Irish), and sending an
English speaker to an interpreter queue is a real harm, so the detector (Google's CLD2) has the
last word only after two guards:
  1. Entities (postcodes, references, phones, emails) are masked out first.
  2. Latin-script text needs three or more words, under a fifth of them English function words.
Non-Latin scripts (Arabic, Bengali, Gurmukhi, Cyrillic, Han, ...) go straight to the detector.
"""

from __future__ import annotations

import re
import unicodedata

import pycld2

from app.understanding.text import normalise

UNDETERMINED = "und"  # ISO 639-2 for "a language we could not name"
_MIN_PERCENT = 60
# Above this share of English function words, Latin-script text is taken as English.
_ENGLISH_SHARE = 0.2
# CLD2 codes that are English for our purposes (Scots spellings, unknown).
_ENGLISH_LIKE = frozenset({"en", "sco", "un"})
# Common English words that are rare as words in the languages councils most often meet.
_ENGLISH_MARKERS = frozenset(
    (
        "the my i i'm im is are was you your to and of for can have has with it this that what "
        "when where how please me we our been not don't dont want need help hi hello thanks "
        "thank bin bins council tax just get got would could should will there they he she his "
        "her him am do does did about from by at on if but or yes any some ok okay go ahead yeah "
        "yep nope cheers"
    ).split()
)
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
        words = _WORD.findall(masked)
        english = sum(1 for word in words if word in _ENGLISH_MARKERS)
        if len(words) < 3 or english / len(words) >= _ENGLISH_SHARE:
            return None
        return _detect(masked)
    return _detect(masked) or UNDETERMINED


def _detect(text: str) -> str | None:
    try:
        reliable, _bytes, details = pycld2.detect(text)
    except pycld2.error:
        return None
    _name, code, percent, _score = details[0]
    if not reliable or percent < _MIN_PERCENT or code in _ENGLISH_LIKE:
        return None
    return str(code).split("-", 1)[0]
