"""The shared vocabulary of frontdoor: outcomes, priorities, flags and channels."""

from __future__ import annotations

from enum import StrEnum

# Case references are the configured prefix, a hyphen and this many digits: WNC-204318.
REFERENCE_DIGITS = 6


class Outcome(StrEnum):
    """What the router decides to do with a contact."""

    ANSWER = "answer"
    SERVICE_REQUEST = "service_request"
    ADVISOR = "advisor"
    PARTNER = "partner"
    EMERGENCY = "emergency"

    @property
    def is_human(self) -> bool:
        """True when a person, not the bot, takes the contact."""
        return self in (Outcome.ADVISOR, Outcome.PARTNER, Outcome.EMERGENCY)


class Priority(StrEnum):
    """Case priority; compare with `rank` (higher is more pressing)."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return _PRIORITY_RANK[self]

    @classmethod
    def highest(cls, *priorities: Priority) -> Priority:
        """The most pressing of the given priorities (NORMAL when none)."""
        return max(priorities, key=lambda p: p.rank, default=cls.NORMAL)


_PRIORITY_RANK = {
    Priority.LOW: 0,
    Priority.NORMAL: 1,
    Priority.HIGH: 2,
    Priority.URGENT: 3,
    Priority.EMERGENCY: 4,
}


class Flag(StrEnum):
    """Vulnerability flags. `interpreter` is stored as `interpreter:<lang>`."""

    BEREAVEMENT = "bereavement"
    DOMESTIC_ABUSE = "domestic_abuse"
    HOMELESSNESS = "homelessness"
    FINANCIAL_HARDSHIP = "financial_hardship"
    DISABILITY = "disability"
    MENTAL_HEALTH = "mental_health"
    RISK_TO_LIFE = "risk_to_life"
    ELDERLY = "elderly"
    CHILDREN = "children"
    INTERPRETER = "interpreter"


SENSITIVE_FLAGS = frozenset(
    {
        Flag.DOMESTIC_ABUSE,
        Flag.RISK_TO_LIFE,
        Flag.MENTAL_HEALTH,
        Flag.HOMELESSNESS,
        Flag.CHILDREN,
    }
)
"""Flags whose every viewing is audited."""


def interpreter_flag(language: str) -> str:
    """The flag string for a message in `language` (an ISO 639-1 code)."""
    return f"{Flag.INTERPRETER.value}:{language.lower()}"


def flag_name(flag: str) -> str:
    """The bare flag of a stored flag string: `interpreter:pl` -> `interpreter`."""
    return flag.split(":", 1)[0]


class Channel(StrEnum):
    """Ways into the council."""

    WEB = "web"
    SMS = "sms"
    EMAIL = "email"
    VOICE = "voice"
    MEMBERS = "members"
