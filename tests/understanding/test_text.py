"""Text features: the linear email finder agrees with the plain pattern it replaces."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.understanding.text import email_spans, normalise

# The pattern as it was searched before: the reference email_spans must agree with.
_PLAIN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _plain_spans(text: str) -> list[tuple[int, int]]:
    return [found.span() for found in _PLAIN.finditer(text)]


@pytest.mark.parametrize(
    "text",
    [
        "mail Jo.Bloggs@Example.com please",
        "a@b.com.x@c.org",
        "a@b.com+x@c.org",
        "a@b.com.+x@c.org and d@e.f",
        "a@b.com..y@c.org",
        "x@y @z.com a@@b.c a@b. a@b.c.",
        "first@one.uk,second@two.uk;third@three.uk",
        "",
    ],
)
def test_email_spans_match_the_plain_pattern(text: str) -> None:
    assert list(email_spans(text)) == _plain_spans(text)


@settings(max_examples=500)
@given(st.text(alphabet="ab1_.+-@ \u00e9", max_size=40))
def test_email_spans_match_the_plain_pattern_on_any_mix(text: str) -> None:
    assert list(email_spans(text)) == _plain_spans(text)


def test_normalise_masks_every_email() -> None:
    assert normalise("Mail jo@example.com or JO@EXAMPLE.ORG") == "mail  emailtok  or  emailtok "
