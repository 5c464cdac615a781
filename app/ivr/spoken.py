"""Reading callers' answers: DTMF keys and speech transcripts into digits, references, postcodes."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from app.contact_points import InvalidContactPointError, normalise_postcode
from app.understanding.entities import reference_pattern
from app.vocabulary import REFERENCE_DIGITS

_TOKEN = re.compile(r"(?P<word>[a-z0-9]+)|(?P<mark>[^\sa-z0-9'\u2019-])", re.IGNORECASE)
_KEYS = re.compile(rf"\*?(\d{{{REFERENCE_DIGITS}}})#?")
_POSTCODE_LENGTHS = range(5, 8)

_UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_ZEROS = frozenset({"zero", "nought", "naught", "nil"})
_OHS = frozenset({"oh", "o"})
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_REPEATS = {"double": 2, "triple": 3}
_NUMBER_WORDS = frozenset(_UNITS) | _ZEROS | frozenset(_TEENS) | frozenset(_TENS)
_MULTIPLIERS = frozenset({"hundred", "thousand"})

# How speech recognisers write the names of letters, and the NATO alphabet.
_LETTER_NAMES = {
    "ay": "a",
    "bee": "b",
    "be": "b",
    "see": "c",
    "cee": "c",
    "sea": "c",
    "dee": "d",
    "ee": "e",
    "ef": "f",
    "eff": "f",
    "gee": "g",
    "aitch": "h",
    "haitch": "h",
    "eye": "i",
    "jay": "j",
    "kay": "k",
    "el": "l",
    "elle": "l",
    "em": "m",
    "en": "n",
    "oh": "o",
    "pee": "p",
    "pea": "p",
    "cue": "q",
    "queue": "q",
    "kew": "q",
    "ar": "r",
    "are": "r",
    "ess": "s",
    "es": "s",
    "tee": "t",
    "tea": "t",
    "you": "u",
    "yew": "u",
    "vee": "v",
    "ex": "x",
    "why": "y",
    "zed": "z",
    "zee": "z",
    "alpha": "a",
    "alfa": "a",
    "bravo": "b",
    "charlie": "c",
    "delta": "d",
    "echo": "e",
    "foxtrot": "f",
    "golf": "g",
    "hotel": "h",
    "india": "i",
    "juliet": "j",
    "juliett": "j",
    "kilo": "k",
    "lima": "l",
    "mike": "m",
    "november": "n",
    "oscar": "o",
    "papa": "p",
    "quebec": "q",
    "romeo": "r",
    "sierra": "s",
    "tango": "t",
    "uniform": "u",
    "victor": "v",
    "whiskey": "w",
    "whisky": "w",
    "xray": "x",
    "yankee": "y",
    "zulu": "z",
}
_TWO_WORD_LETTERS = {("double", "you"): "w", ("double", "u"): "w", ("x", "ray"): "x"}

# The UK's postcode areas. A reading in one of them beats one that merely fits the pattern,
# so "oh, N1 1AA" is N1 1AA rather than ON1 1AA.
_POSTCODE_AREAS = frozenset(
    "AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN "
    "DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA "
    "LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG "
    "SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO "
    "ZE".split()
)

_YES = frozenset({"yes", "yeah", "yea", "yep", "yup", "aye", "1", "one", "affirmative"})
_AGREE = frozenset({"correct", "right", "true"})
_SOFT_YES = frozenset({"please", "sure", "ok", "okay", "absolutely", "definitely"})
_NO = frozenset({"no", "nope", "nah", "wrong", "incorrect", "negative", "2", "two"})
_NEGATORS = frozenset({"not", "isnt", "wasnt", "aint", "dont", "doesnt", "arent"})


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    pause: bool  # punctuation came between this word and the one before
    capitals: bool


def _words(text: str) -> list[_Word]:
    """Lower-cased alphanumeric words; apostrophes dropped and hyphens treated as spaces."""
    words: list[_Word] = []
    pause = False
    for match in _TOKEN.finditer(text):
        word = match.group("word")
        if word is None:
            pause = True
            continue
        words.append(_Word(word.lower(), pause, word.isupper()))
        pause = False
    return words


def _unit(word: str) -> int | None:
    """1 to 9, said as a word or written as a single digit."""
    if word in _UNITS:
        return _UNITS[word]
    if len(word) == 1 and word in "123456789":
        return int(word)
    return None


def _numeric(word: str) -> bool:
    """Whether a word is part of a spoken number, so an "oh" beside it is a zero."""
    return word in _NUMBER_WORDS or word in _MULTIPLIERS or any(c.isdigit() for c in word)


def _zero_ohs(words: list[_Word]) -> set[int]:
    """Positions of the "oh"s that are zeros: those next to a number rather than interjections."""
    ohs = {i for i, word in enumerate(words) if word.text in _OHS}
    zeros: set[int] = set()
    changed = True
    while changed:
        changed = False
        for i in sorted(ohs - zeros):
            before = i > 0 and (
                _numeric(words[i - 1].text) or words[i - 1].text in _REPEATS or i - 1 in zeros
            )
            # "Oh, two oh four": a pause after an "oh" marks it as an exclamation.
            after = (
                i + 1 < len(words)
                and not words[i + 1].pause
                and (_numeric(words[i + 1].text) or i + 1 in zeros)
            )
            if before or after:
                zeros.add(i)
                changed = True
    return zeros


def _below_hundred(texts: list[str], i: int) -> tuple[int, int] | None:
    """A number under 100 said as words starting at `i`, and the index after it."""
    if i >= len(texts):
        return None
    text = texts[i]
    if text in _TENS:
        unit = _unit(texts[i + 1]) if i + 1 < len(texts) else None
        return (_TENS[text] + unit, i + 2) if unit else (_TENS[text], i + 1)
    if text in _TEENS:
        return _TEENS[text], i + 1
    unit = _unit(text)
    return (unit, i + 1) if unit else None


def _and_below_hundred(texts: list[str], i: int) -> tuple[int, int] | None:
    """`_below_hundred`, optionally after an "and"."""
    if i < len(texts) and texts[i] == "and":
        return _below_hundred(texts, i + 1)
    return _below_hundred(texts, i)


def _below_thousand(texts: list[str], i: int) -> tuple[int, int] | None:
    """A number under 1000 said as words starting at `i`, and the index after it."""
    unit = _unit(texts[i])
    if unit and i + 1 < len(texts) and texts[i + 1] == "hundred":
        rest = _and_below_hundred(texts, i + 2)
        low, end = rest if rest else (0, i + 2)
        return unit * 100 + low, end
    return _below_hundred(texts, i)


def _number_phrase(texts: list[str], i: int) -> tuple[str, int] | None:
    """Digits of a number said as words ("twenty four", "two hundred and four") at `i`."""
    first = _below_thousand(texts, i)
    if first is None:
        return None
    value, end = first
    if end < len(texts) and texts[end] == "thousand":
        rest = None
        if end + 1 < len(texts) and texts[end + 1] == "and":
            rest = _below_thousand(texts, end + 2) if end + 2 < len(texts) else None
        if rest is None and end + 1 < len(texts):
            rest = _below_thousand(texts, end + 1)
        low, end = rest if rest else (0, end + 1)
        return f"{value}{low:03d}", end
    return str(value), end


def _repeatable(text: str) -> str | None:
    """The digits a "double" or "triple" in front of `text` repeats."""
    if text in _UNITS:
        return str(_UNITS[text])
    if text in _ZEROS or text in _OHS:
        return "0"
    return text if text.isdigit() else None


def _digits(words: list[_Word]) -> str:
    """The digits said or written in `words`, in order."""
    texts = [word.text for word in words]
    zeros = _zero_ohs(words)
    digits: list[str] = []
    i = 0
    while i < len(texts):
        text = texts[i]
        repeated = _repeatable(texts[i + 1]) if text in _REPEATS and i + 1 < len(texts) else None
        if repeated:
            digits.append(repeated[0] * (_REPEATS[text] - 1) + repeated)
            i += 2
            continue
        phrase = _number_phrase(texts, i)
        if phrase:
            said, i = phrase
            digits.append(said)
            continue
        if text in _ZEROS or i in zeros:
            digits.append("0")
        else:
            digits.append("".join(c for c in text if c.isdigit()))
        i += 1
    return "".join(digits)


def spoken_digits(text: str) -> str:
    """The digits a caller said or keyed, in order: "double four, two oh" -> "4420"."""
    return _digits(_words(text))


def _letter_at(texts: list[str], i: int) -> tuple[str, int] | None:
    """The letter spelled at `i` ("n", "en", "november", "double you") and the words it took."""
    text = texts[i]
    pair = (text, texts[i + 1]) if i + 1 < len(texts) else None
    if pair in _TWO_WORD_LETTERS:
        return _TWO_WORD_LETTERS[pair], 2
    if len(text) == 1 and text.isalpha():
        return text, 1
    if text in _LETTER_NAMES:
        return _LETTER_NAMES[text], 1
    return None


def _spelled(texts: list[str], i: int, rest: str) -> tuple[int, str] | None:
    """Where the spelling of `rest` starting at `i` ends, and any digits stuck to its last word."""
    if not rest:
        return i, ""
    if i >= len(texts):
        return None
    text = texts[i]
    if text.startswith(rest) and text[len(rest) :].isdigit():
        return i + 1, text[len(rest) :]
    if rest.startswith(text):
        found = _spelled(texts, i + 1, rest[len(text) :])
        if found:
            return found
    letter = _letter_at(texts, i)
    if letter and rest.startswith(letter[0]):
        return _spelled(texts, i + letter[1], rest[1:])
    return None


def _without_prefix(words: list[_Word], prefix: str) -> list[_Word]:
    """`words` less the first place the caller spelled or said `prefix`."""
    texts = [word.text for word in words]
    for start in range(len(words)):
        found = _spelled(texts, start, prefix.lower())
        if found is None:
            continue
        end, stuck = found
        kept = [_Word(stuck, True, False)] if stuck else []
        after = [_Word(word.text, True, word.capitals) for word in words[end : end + 1]]
        return words[:start] + kept + after + words[end + 1 :]
    return words


def _reference(digits: str, prefix: str) -> str | None:
    """`WNC-204318` if `digits` are a case reference's."""
    match = reference_pattern(prefix).fullmatch(f"{prefix}-{digits}")
    return f"{prefix}-{match.group(1)}" if match else None


def case_reference_from_speech(text: str, prefix: str) -> str | None:
    """`WNC-204318` from "W N C two oh four three one eight" or "204318"; else None."""
    digits = _digits(_without_prefix(_words(text), prefix))
    if len(digits) != REFERENCE_DIGITS:
        return None
    return _reference(digits, prefix)


def case_reference_from_keys(digits: str, prefix: str) -> str | None:
    """`WNC-204318` from keypad presses "204318", "204318#" or "*204318#"; else None."""
    match = _KEYS.fullmatch(digits.strip())
    return _reference(match.group(1), prefix) if match else None


def _readings(words: list[_Word], i: int) -> tuple[list[str], int] | None:
    """The characters the words at `i` could stand for in a postcode, most likely first."""
    texts = [word.text for word in words]
    text = texts[i]
    two_word = _letter_at(texts, i)
    if two_word and two_word[1] == 2:
        letter = two_word[0].upper()
        return ([letter, "UU"] if letter == "W" else [letter]), 2
    if text in _REPEATS and i + 1 < len(words):
        repeated = _readings(words, i + 1)
        if repeated and repeated[1] == 1:
            times = _REPEATS[text]
            return [r[0] * (times - 1) + r for r in repeated[0]], 2
    if text in _TENS and i + 1 < len(texts):
        unit = _unit(texts[i + 1])
        if unit:
            return [str(_TENS[text] + unit)], 2
    readings = _word_readings(words[i])
    return (readings, 1) if readings else None


def _word_readings(word: _Word) -> list[str]:
    """The characters one word could stand for in a postcode, most likely first."""
    text = word.text
    if text in _OHS:
        return ["0", "O"]
    if text in _UNITS:
        return [str(_UNITS[text])]
    if text in _ZEROS:
        return ["0"]
    if text in _TEENS or text in _TENS:
        return [str(_TEENS.get(text) or _TENS[text])]
    if text in _LETTER_NAMES:
        letter = _LETTER_NAMES[text].upper()
        if len(text) != 2:
            return [letter]
        # "EN" written in capitals is more likely Enfield's area than the letter N.
        return [text.upper(), letter] if word.capitals else [letter, text.upper()]
    if any(c.isdigit() for c in text) or len(text) <= 2:
        return [text.upper()]
    return []


def postcode_from_speech(text: str) -> str | None:
    """`NN1 1AA` from "N N one one A A", "en en one one ay ay" or "November November 11 Alpha
    Alpha"; None unless a valid UK postcode was said."""
    words = _words(text)
    # Runs of words that could each be part of a postcode, as (readings, first word, last word).
    runs: list[list[tuple[list[str], int, int]]] = [[]]
    i = 0
    while i < len(words):
        readings = _readings(words, i)
        if readings is None:
            runs.append([])
            i += 1
            continue
        runs[-1].append((readings[0], i, i + readings[1]))
        i += readings[1]
    best: tuple[bool, int, int, str] | None = None
    for run in runs:
        for start in range(len(run)):
            for end in range(start + 1, len(run) + 1):
                pieces = run[start:end]
                if sum(min(len(r) for r in p[0]) for p in pieces) > max(_POSTCODE_LENGTHS):
                    break
                for choice in itertools.product(*(enumerate(p[0]) for p in pieces)):
                    compact = "".join(reading for _, reading in choice)
                    if len(compact) not in _POSTCODE_LENGTHS:
                        continue
                    try:
                        postcode = normalise_postcode(compact)
                    except InvalidContactPointError:
                        continue
                    area = postcode[: 2 if postcode[1].isalpha() else 1]
                    span = pieces[-1][2] - pieces[0][1]
                    rank = -sum(n for n, _ in choice)
                    candidate = (area in _POSTCODE_AREAS, span, rank, postcode)
                    if best is None or candidate[:3] > best[:3]:
                        best = candidate
    return best[3] if best else None


def yes_or_no(text: str) -> bool | None:
    """True for "yes", "that's right" or 1; False for "no thanks", "wrong" or 2; else None."""
    said = {word.text for word in _words(text)}
    negated = bool(said & _NEGATORS)
    no = bool(said & _NO) or (negated and bool(said & _AGREE))
    yes = bool(said & _YES) or (not negated and bool(said & _AGREE))
    # "Please" and "sure" agree only when nothing else disagrees: "no, please don't".
    soft = not negated and not no and bool(said & _SOFT_YES)
    if (yes or soft) and not no:
        return True
    if no and not yes:
        return False
    return None
