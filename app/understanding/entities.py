"""Entities every backend extracts the same way: case references, postcodes, phones, emails."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.contact_points import find_phone_numbers, normalise_postcode
from app.vocabulary import REFERENCE_DIGITS

_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


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
    # A phone number's digits are not a case reference.
    without_phones = text
    for start, end, _ in reversed(phones):
        without_phones = without_phones[:start] + " " + without_phones[end:]
    reference = reference_pattern(reference_prefix).search(without_phones)
    postcode = _POSTCODE.search(text)
    email = _EMAIL.search(text)
    return Entities(
        case_reference=f"{reference_prefix}-{reference.group(1)}" if reference else None,
        postcode=normalise_postcode(postcode.group(0)) if postcode else None,
        phone=phones[0][2] if phones else None,
        email=email.group(0).lower() if email else None,
    )
