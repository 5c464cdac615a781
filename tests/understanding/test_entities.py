"""Entities are extracted the same way whatever the NLU backend."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.understanding.entities import extract_entities


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("any update on WNC-204318?", "WNC-204318"),
        ("my ref is wnc 204318", "WNC-204318"),
        ("ref WNC204318 please", "WNC-204318"),
        ("its 204318", "WNC-204318"),
        ("call me on 07700 900123", None),
        ("ref 2043189 is too long", None),
    ],
)
def test_case_references(text: str, reference: str | None) -> None:
    assert extract_entities(text, "WNC").case_reference == reference


@pytest.mark.parametrize(
    ("text", "postcode"),
    [("bins at nn11aa", "NN1 1AA"), ("NN12 6AB", "NN12 6AB"), ("I live in Towcester", None)],
)
def test_postcodes_are_normalised(text: str, postcode: str | None) -> None:
    assert extract_entities(text, "WNC").postcode == postcode


def test_phone_and_email() -> None:
    entities = extract_entities("text 07700 900123 or mail Jo.Bloggs@Example.com", "WNC")
    assert entities.phone == "+447700900123"
    assert entities.email == "jo.bloggs@example.com"


@given(st.integers(min_value=100_000, max_value=999_999))
def test_any_six_digit_reference_round_trips(number: int) -> None:
    assert extract_entities(f"where is WNC-{number} up to", "WNC").case_reference == f"WNC-{number}"
