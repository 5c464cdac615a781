"""Twilio's webhook fields, checked against their documented shapes at the edge.

A field that cannot be what Twilio sends is refused with 400 naming the field, never echoing
its value (which may be personal data). Text a caller or texter wrote is kept, made storable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from werkzeug.exceptions import BadRequest

from app.channels.outside_text import Storable, storable

# A SID is two letters naming its kind and 32 hex digits.
_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
# E.164, or a short code: the only addresses Twilio puts in To for our numbers.
_NUMBER = re.compile(r"\+[1-9][0-9]{6,14}|[0-9]{3,8}")
# Keys a caller can press; Twilio also sends "hangup" when a recording ends that way.
_DIGITS = re.compile(r"[0-9*#]+|hangup")
_MAX_URL = 2048
_URL = re.compile(r"https://[!-~]+")  # printable ASCII, no spaces or controls
# Twilio forwards at most 10 media items with a message.
MAX_MEDIA = 10


class TwilioForm:
    """Typed, checked reads of one signed Twilio form."""

    def __init__(self, form: Mapping[str, str]) -> None:
        self._form = form

    def _raw(self, field: str) -> str:
        return self._form.get(field, "")

    def sid(self, field: str, kinds: tuple[str, ...]) -> str:
        """A SID of one of `kinds` (e.g. ("SM", "MM")); 400 otherwise."""
        value = self._raw(field)
        if not _SID.fullmatch(value) or not value.startswith(kinds):
            raise BadRequest(f"{field}: not a Twilio {'/'.join(kinds)} SID")
        return value

    def number(self, field: str) -> str | None:
        """Our own number (E.164 or a short code), or None if absent."""
        value = self._raw(field)
        if not value:
            return None
        if not _NUMBER.fullmatch(value):
            raise BadRequest(f"{field}: not a phone number or short code")
        return value

    def count(self, field: str, most: int) -> int:
        """A small count, 0..most; absent means 0."""
        value = self._raw(field) or "0"
        if not value.isascii() or not value.isdigit() or int(value) > most:
            raise BadRequest(f"{field}: must be a whole number from 0 to {most}")
        return int(value)

    def url(self, field: str) -> str | None:
        """An https URL Twilio gives us (media, a recording), or None if absent."""
        value = self._raw(field)
        if not value:
            return None
        if len(value) > _MAX_URL or not _URL.fullmatch(value):
            raise BadRequest(f"{field}: not an https URL")
        return value

    def digits(self, field: str) -> str | None:
        """Keys pressed, or None if none; 400 for characters no keypad has."""
        value = self._raw(field)
        if not value:
            return None
        if not _DIGITS.fullmatch(value):
            raise BadRequest(f"{field}: not keypad digits")
        return value

    def fraction(self, field: str) -> float | None:
        """A confidence from 0 to 1, or None if absent."""
        value = self._raw(field)
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            raise BadRequest(f"{field}: not a number") from None
        if not 0.0 <= number <= 1.0:
            raise BadRequest(f"{field}: must be from 0 to 1")
        return number

    def text(self, field: str) -> Storable:
        """What a person wrote or said, kept whole and made storable."""
        return storable(self._raw(field))
