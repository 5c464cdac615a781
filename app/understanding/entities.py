"""Entities every backend extracts the same way: case references, postcodes, phones, emails."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from app.contact_points import normalise_postcode

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
    return re.compile(rf"(?<![\w-])(?:{re.escape(prefix)}[\s-]?)?(\d{{6}})(?!\d)", re.IGNORECASE)


def extract_entities(text: str, reference_prefix: str) -> Entities:
    """Pull the first of each entity out of `text`, normalised."""
    phone = None
    for match in phonenumbers.PhoneNumberMatcher(text, "GB"):
        phone = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        break
    # A phone number's digits are not a case reference.
    without_phone = _strip_phones(text)
    reference_match = reference_pattern(reference_prefix).search(without_phone)
    postcode_match = _POSTCODE.search(text)
    email_match = _EMAIL.search(text)
    return Entities(
        case_reference=(
            f"{reference_prefix}-{reference_match.group(1)}" if reference_match else None
        ),
        postcode=normalise_postcode(postcode_match.group(0)) if postcode_match else None,
        phone=phone,
        email=email_match.group(0).lower() if email_match else None,
    )


def _strip_phones(text: str) -> str:
    for match in reversed(list(phonenumbers.PhoneNumberMatcher(text, "GB"))):
        text = text[: match.start] + " " + text[match.end :]
    return text
