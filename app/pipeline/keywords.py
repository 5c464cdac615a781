"""SMS keywords (Twilio's standard set): STOP and START are recorded on the contact point.

Twilio's Advanced Opt-Out confirms STOP and START itself, so we stay quiet for those; HELP gets
our own words. YES is also one of Twilio's opt-in words, but residents say it to agree to a
referral, so it only counts as opting in from a number that had opted out.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from app import audit
from app.models import ContactKind, ContactPoint, Message, NotificationSubscription, utcnow

STOP_WORDS = frozenset(
    {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke"}
)
START_WORDS = frozenset({"start", "unstop"})
HELP_WORDS = frozenset({"help", "info"})
_ALL_WORDS = STOP_WORDS | START_WORDS | HELP_WORDS
HELP_REPLY = (
    "West Northamptonshire Council. Text us your question, or call 0300 126 7000. "
    "In an emergency call 999. Text STOP to stop texts."
)
KEYWORDS = "frontdoor:keywords"


@dataclass(frozen=True)
class Keyword:
    word: str
    reply: str | None


def _word(body: str) -> str:
    return body.strip().strip(".!").lower()


def might_be_keyword(body: str) -> bool:
    """Whether `recognise` could say yes: a cheap test that needs no database."""
    word = _word(body)
    return word in _ALL_WORDS or word == "yes"


def recognise(session: Session, number: str, body: str) -> str | None:
    """The keyword this text is, if it is one."""
    word = _word(body)
    if word in _ALL_WORDS:
        return word
    # Only a bare "yes" costs a query: is it a number that had opted out?
    if word == "yes" and _opted_out(session, number):
        return "start"
    return None


def apply_keyword(session: Session, message: Message, word: str) -> Keyword:
    """Record the keyword's effect for the sender's number, in the caller's transaction."""
    number = message.from_address or ""
    if word in HELP_WORDS:
        reply: str | None = HELP_REPLY
    else:
        opted_out = word in STOP_WORDS
        for point in _points(session, number):
            point.opted_out = opted_out
            session.add(point)
        for subscription in session.exec(
            select(NotificationSubscription).where(
                NotificationSubscription.channel == "sms",
                NotificationSubscription.address == number,
            )
        ):
            subscription.active = not opted_out
            session.add(subscription)
        audit.record(
            session, KEYWORDS, "contact.opted_out" if opted_out else "contact.opted_in",
            "message", message.id,
        )  # fmt: skip
        reply = None
    message.processed_at = utcnow()
    session.add(message)
    return Keyword(word, reply)


def _points(session: Session, number: str) -> list[ContactPoint]:
    return list(
        session.exec(
            select(ContactPoint).where(
                ContactPoint.kind == ContactKind.PHONE, ContactPoint.address == number
            )
        )
    )


def _opted_out(session: Session, number: str) -> bool:
    return any(point.opted_out for point in _points(session, number))
