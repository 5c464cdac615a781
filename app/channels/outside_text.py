"""Text from outside, made storable without losing what the resident wrote.

PostgreSQL's text and JSONB cannot hold NUL, and UTF-8 cannot hold a lone surrogate (which a
JSON body may carry as an escape). Each is replaced with U+FFFD, and the caller records how
many, so nothing a resident wrote is silently dropped and an advisor can see it was altered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

REPLACEMENT = "\ufffd"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class Storable:
    """The text as it can be stored, and how many characters had to be replaced."""

    text: str
    replaced: int = 0


def storable(value: str) -> Storable:
    """`value` with NUL and lone surrogates replaced by U+FFFD."""
    text, replaced = _UNSTORABLE.subn(REPLACEMENT, value)
    return Storable(text, replaced)


def storable_values(values: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """A JSON object's string values made storable; and how many characters were replaced."""
    cleaned: dict[str, Any] = {}
    replaced = 0
    for key, value in values.items():
        if isinstance(value, str):
            kept = storable(value)
            value, replaced = kept.text, replaced + kept.replaced
        cleaned[key] = value
    return cleaned, replaced
