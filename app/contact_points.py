"""Normalising the addresses residents reach us from, so the same person matches themselves."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import phonenumbers

DEFAULT_REGION = "GB"
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MIN_NATIONAL_DIGITS = 9


class InvalidContactPointError(ValueError):
    """An address that cannot be a phone number, email or postcode."""


@lru_cache(maxsize=4096)
def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """E.164 form of a phone number: `07700 900123` -> `+447700900123`.

    Cached: every webhook of a call or a text thread brings the same From, and parsing it is a
    good part of the webhook's own work. Invalid input raises and so is never cached.
    """
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidContactPointError(f"not a phone number: {exc}") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidContactPointError("not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def find_phone_numbers(text: str, region: str = DEFAULT_REGION) -> list[tuple[int, int, str]]:
    """(start, end, E.164) for each whole phone number in `text`.

    Lenient, so Ofcom's drama numbers (07700 900xxx) count, but a national number must have at
    least nine digits, so a six-digit case reference is never taken for one.
    """
    found = []
    for match in phonenumbers.PhoneNumberMatcher(
        text, region, leniency=phonenumbers.Leniency.POSSIBLE
    ):
        if len(str(match.number.national_number)) >= _MIN_NATIONAL_DIGITS:
            e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            found.append((match.start, match.end, e164))
    return found


def normalise_email(raw: str) -> str:
    """Lower-cased, trimmed address; the domain IDNA-encoded."""
    candidate = raw.strip().strip("<>").strip()
    if not _EMAIL.match(candidate):
        raise InvalidContactPointError("not an email address")
    local, _, domain = candidate.rpartition("@")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidContactPointError("not an email domain") from None
    return f"{local.lower()}@{ascii_domain.lower()}"


def normalise_postcode(raw: str) -> str:
    """`nn11aa` -> `NN1 1AA`."""
    compact = re.sub(r"\s+", "", raw.upper())
    match = _POSTCODE.match(compact)
    if not match:
        raise InvalidContactPointError("not a UK postcode")
    return f"{match.group(1)} {match.group(2)}"


def postcode_sector(postcode: str) -> str:
    """`NN1 1AA` -> `NN1 1`: the unit bin rounds are planned by."""
    normalised = normalise_postcode(postcode)
    return normalised[:-2]


def postcode_district(postcode: str) -> str:
    """`NN1 1AA` -> `NN1`."""
    return normalise_postcode(postcode).split(" ", 1)[0]


def optional(normaliser: Callable[[str], str]) -> Callable[[str | None], str | None]:
    """A pydantic field validator: blank becomes None, anything else is normalised or refused."""

    def validate(value: str | None) -> str | None:
        if not value:
            return None
        try:
            return normaliser(value)
        except InvalidContactPointError as exc:
            raise ValueError(str(exc)) from None

    return validate
