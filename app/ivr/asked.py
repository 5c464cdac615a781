"""What an answer to an `ask` step means: a case reference, yes or no, a postcode or a phone
number, or plain digits, whether it was keyed or said."""

from __future__ import annotations

from app.contact_points import InvalidContactPointError, normalise_phone
from app.ivr.flows import AskFor
from app.ivr.spoken import (
    case_reference_from_keys,
    case_reference_from_speech,
    postcode_from_speech,
    spoken_digits,
    yes_or_no,
)


def read_value(asked: AskFor, digits: str | None, speech: str | None, prefix: str) -> str | None:
    """The value the caller gave, normalised; None if it cannot be read as one."""
    if asked == "reference":
        if digits:
            return case_reference_from_keys(digits, prefix)
        return case_reference_from_speech(speech, prefix) if speech else None
    if asked == "yes_no":
        said = yes_or_no(speech or digits or "")
        return None if said is None else ("yes" if said else "no")
    if asked == "postcode_or_phone":
        if digits:
            return _phone(digits)
        if speech:
            return postcode_from_speech(speech) or _phone(spoken_digits(speech))
        return None
    return digits or spoken_digits(speech or "") or None


def _phone(digits: str) -> str | None:
    try:
        return normalise_phone(digits.rstrip("#"))
    except InvalidContactPointError:
        return None
