"""Entities every backend extracts the same way: case references, postcodes, phones, emails."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.contact_points import find_phone_numbers, normalise_postcode
from app.understanding.text import email_spans
from app.vocabulary import REFERENCE_DIGITS

_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Entities:
    case_reference: str | None = None
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None


def reference_pattern(prefix: str) -> re.Pattern[str]:
    """`WNC-204318`, `wnc 204318`, `WNC204318` or a bare 6-digit number."""
    return re.compile(
        rf"(?<![\w-])(?:{re.escape(prefix)}[\s-]?)?(\d{{{REFERENCE_DIGITS}}})(?!\d)", re.IGNORECASE
    )


def extract_entities(text: str, reference_prefix: str) -> Entities:
    """Pull the first of each entity out of `text`, normalised."""
    phones = find_phone_numbers(text)
    # A phone number's digits are not a case reference. Joined once: slicing the text per number
    # would copy it once for each.
    pieces: list[str] = []
    last = 0
    for start, end, _ in phones:
        pieces += (text[last:start], " ")
        last = end
    without_phones = "".join([*pieces, text[last:]])
    reference = reference_pattern(reference_prefix).search(without_phones)
    postcode = _POSTCODE.search(text)
    email = next(email_spans(text), None)
    return Entities(
        case_reference=f"{reference_prefix}-{reference.group(1)}" if reference else None,
        postcode=normalise_postcode(postcode.group(0)) if postcode else None,
        phone=phones[0][2] if phones else None,
        email=text[email[0] : email[1]].lower() if email else None,
    )
