"""Whether a reply may be sent at all, and in which words, before the outbox row is written.

An SMS or an email lands on a device someone else may read. So, in the message's own
transaction:
  * a wish not to be contacted, or a sign the phone is watched (contact_wishes.yaml), marks the
    contact point "no contact" with the reason, and no reply goes to it, now or later;
  * a message or case that carries domestic abuse gets no reply on such a channel unless a
    safe-contact preference recorded for the case allows it (the README's promise);
  * where a reply is shown (web chat, the resident on screen), domestic abuse gets plain words
    that name no team: even "Safeguarding" tells a reader what was said.
A withheld reply is audited on the case with its reason, so the person who has it knows why
the resident heard nothing, and must choose a safe way to make contact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.audit import record
from app.lifecycle.notify import needs_safe_contact, safe_to_send
from app.models import Case, ContactPoint, Message
from app.pipeline.understand import Understanding
from app.runtime import Runtime
from app.understanding.contact_wishes import WishKind
from app.vocabulary import Channel, Flag

# Channels whose words wait on a device; a web chat reply is shown to the resident on screen.
DEVICE_CHANNELS = frozenset({Channel.SMS.value, Channel.EMAIL.value})
# Words that say nothing a reader could use: no team, no topic.
PLAIN_REPLY = (
    "Thank you for your message. A member of our team will pick this up as a priority. "
    "If you are in danger now, call 999."
)
_WHY = {
    "no_reply": "the resident asked not to be contacted here",
    "watched": "someone else reads this phone or inbox",
}
SAFE_REPLY_ACTOR = "frontdoor:router"


@dataclass(frozen=True)
class ReplyVerdict:
    """Send the reply or not; and if sent, whether in plain words."""

    send: bool
    reason: str = ""
    plain: bool = False


def guard_reply(
    session: Session,
    rt: Runtime,
    message: Message,
    understanding: Understanding,
    cases: Sequence[Case],
    now: datetime,
) -> ReplyVerdict:
    """Decide the reply's fate; record a stated wish on the contact point it came from."""
    wishes = rt.contact_wishes.heard(message.body)
    if wishes and message.from_address:
        mark_no_contact(session, message.from_address, _reason(wishes), now)
    abuse = Flag.DOMESTIC_ABUSE.value in understanding.flags or any(
        needs_safe_contact(case) for case in cases
    )
    plain = abuse or "watched" in wishes
    if message.channel not in DEVICE_CHANNELS:
        return ReplyVerdict(True, plain=plain)
    if wishes:
        return ReplyVerdict(False, _reason(wishes))
    if no_contact(session, message.from_address):
        return ReplyVerdict(False, "this contact point is marked no contact")
    for case in cases:
        verdict = safe_to_send(session, case, message.channel, now, rt.calendar)
        if not verdict.allowed or verdict.not_before is not None:
            return ReplyVerdict(False, verdict.reason or "outside the safe hours recorded")
    if abuse and not cases:
        return ReplyVerdict(False, "no safe-contact preference recorded")
    return ReplyVerdict(True, plain=plain)


def withhold(session: Session, message: Message, case: Case | None, verdict: ReplyVerdict) -> None:
    """Audit a reply not sent, on the case a person will pick up."""
    subject, subject_id = ("case", case.id) if case is not None else ("message", message.id)
    record(
        session, SAFE_REPLY_ACTOR, "reply.withheld", subject, subject_id,
        channel=message.channel, reason=verdict.reason, message_id=message.id,
    )  # fmt: skip


def mark_no_contact(session: Session, address: str, reason: str, now: datetime) -> None:
    """Every contact point with this address: nothing more is sent to it."""
    for point in session.exec(select(ContactPoint).where(ContactPoint.address == address)):
        if not point.no_contact:
            point.no_contact, point.no_contact_reason, point.no_contact_since = True, reason, now
            session.add(point)
            record(
                session, SAFE_REPLY_ACTOR, "contact_point.no_contact", "contact_point", point.id,
                reason=reason,
            )  # fmt: skip


def no_contact(session: Session, address: str | None) -> bool:
    """True when any contact point with this address is marked no contact."""
    if address is None:
        return False
    found = session.exec(
        select(ContactPoint.id).where(
            ContactPoint.address == address, col(ContactPoint.no_contact).is_(True)
        )
    ).first()
    return found is not None


def _reason(wishes: frozenset[WishKind]) -> str:
    return "; ".join(_WHY[kind] for kind in sorted(wishes))
