"""Answers to `ask` steps read the same whether keyed or said."""

from __future__ import annotations

import pytest

from app.ivr.asked import read_value
from app.ivr.flows import AskFor


@pytest.mark.parametrize(
    ("asked", "digits", "speech", "value"),
    [
        ("reference", "204318#", None, "WNC-204318"),
        ("reference", None, "W N C two oh four three one eight", "WNC-204318"),
        ("reference", "12#", None, None),
        ("yes_no", "1", None, "yes"),
        ("yes_no", None, "no thanks", "no"),
        ("yes_no", None, "purple", None),
        ("postcode_or_phone", "07700900555#", None, "+447700900555"),
        ("postcode_or_phone", None, "N N one one A A", "NN1 1AA"),
        ("postcode_or_phone", "12", None, None),
        ("postcode_or_phone", None, None, None),
        ("digits", None, "four two", "42"),
        ("digits", None, None, None),
    ],
)  # fmt: skip
def test_keys_and_speech_read_as_one_value(
    asked: AskFor, digits: str | None, speech: str | None, value: str | None
) -> None:
    assert read_value(asked, digits, speech, "WNC") == value
