"""Reading callers' answers: spoken and keyed digits, case references, postcodes, yes and no."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.ivr.spoken import (
    case_reference_from_keys,
    case_reference_from_speech,
    postcode_from_speech,
    spoken_digits,
    yes_or_no,
)

PREFIX = "WNC"
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("two oh four three one eight", "204318"),
        ("double four", "44"),
        ("triple seven", "777"),
        ("twenty four", "24"),
        ("two hundred and four", "204"),
        # A pause after a leading "oh" makes it an exclamation, not a zero.
        ("oh, two oh four", "204"),
        ("oh two oh four", "0204"),
        ("nought one", "01"),
        ("zero zero seven", "007"),
        ("2 oh 4", "204"),
        ("double four, two oh", "4420"),
        ("hello there", ""),
    ],
)
def test_spoken_digits(text: str, expected: str) -> None:
    assert spoken_digits(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("W N C two oh four three one eight", "WNC-204318"),
        ("WNC 204318", "WNC-204318"),
        ("WNC-204318", "WNC-204318"),
        ("wnc204318", "WNC-204318"),
        ("204318", "WNC-204318"),
        ("double you en see two oh four three one eight", "WNC-204318"),
        ("w n c two zero four three double one", "WNC-204311"),
        # Five or seven digits are not a reference.
        ("two oh four three one", None),
        ("two oh four three one eight nine", None),
        ("w n c two zero four three one", None),
        ("WNC 20431", None),
        ("WNC 2043189", None),
        # Nothing like a reference at all.
        ("hello there", None),
        ("I'd like to pay my council tax", None),
        ("", None),
    ],
)
def test_case_reference_from_speech(text: str, expected: str | None) -> None:
    assert case_reference_from_speech(text, PREFIX) == expected


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("204318", "WNC-204318"),
        ("204318#", "WNC-204318"),
        ("*204318#", "WNC-204318"),
        ("*204318", "WNC-204318"),
        (" 204318 ", "WNC-204318"),
        ("20431", None),
        ("2043189", None),
        ("abc", None),
        ("", None),
    ],
)
def test_case_reference_from_keys(keys: str, expected: str | None) -> None:
    assert case_reference_from_keys(keys, PREFIX) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("N N one one A A", "NN1 1AA"),
        ("en en one one ay ay", "NN1 1AA"),
        ("November November one one Alpha Alpha", "NN1 1AA"),
        ("November November 11 Alpha Alpha", "NN1 1AA"),
        ("it's S W one A one A A", "SW1A 1AA"),
        ("NN1 1AA", "NN1 1AA"),
        # A leading "oh" is an exclamation when the rest is a real postcode area.
        ("oh, N1 1AA", "N1 1AA"),
        # "EN" in capitals is Enfield's area rather than the letter N.
        ("EN one one A A", "EN1 1AA"),
        ("hello there", None),
        ("", None),
    ],
)
def test_postcode_from_speech(text: str, expected: str | None) -> None:
    assert postcode_from_speech(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", True),
        ("Yes please", True),
        ("yeah", True),
        ("that's right", True),
        ("correct", True),
        ("sure", True),
        ("1", True),
        ("one", True),
        ("no", False),
        ("no thanks", False),
        ("that's not right", False),
        ("wrong", False),
        ("2", False),
        ("two", False),
        ("no, please don't", False),
        ("maybe", None),
        ("", None),
    ],
)
def test_yes_or_no(text: str, expected: bool | None) -> None:
    assert yes_or_no(text) is expected


@given(st.text(alphabet="0123456789", min_size=6, max_size=6))
def test_six_digits_are_a_reference_keyed_or_spoken(digits: str) -> None:
    expected = f"{PREFIX}-{digits}"
    assert case_reference_from_keys(digits, PREFIX) == expected
    spelled = " ".join(DIGIT_WORDS[int(digit)] for digit in digits)
    assert case_reference_from_speech(spelled, PREFIX) == expected
