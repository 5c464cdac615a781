"""Self-service 'where is my case?': find the case, check it is theirs, then say where it is.

Nothing is disclosed until the resident is verified by the reference plus the postcode on the
record, or by writing from the contact point the case was raised from. A From number alone
proves nothing about any other case, and an unknown reference gets the same words as a wrong
postcode, so nobody can probe which references exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from app.calendar import CouncilCalendar
from app.lifecycle import clocks
from app.lifecycle.types import CaseTypeDirectory
from app.lifecycle.wording import when_due, where_it_is
from app.models import Case, Conversation, Customer, Message, NotificationSubscription

ASK_REFERENCE = (
    "I can look that up. What is your case reference? It looks like WNC-123456. "
    "Please send your postcode with it."
)
NOT_FOUND = (
    "I could not find a case matching those details. Please send your case reference and "
    "postcode together, for example WNC-123456 NN1 1AA, or ask to speak to an advisor."
)
VERIFIED_KEY = "verified_case"


@dataclass(frozen=True)
class Lookup:
    case: Case | None
    reply: str | None  # what to say when there is no verified case


def find_verified_case(
    session: Session,
    reference: str | None,
    postcode: str | None,
    conversation: Conversation | None,
    message: Message | None,
) -> Lookup:
    """The case this resident may hear about, or what to ask them next."""
    state = conversation.state if conversation is not None else {}
    reference = reference or state.get(VERIFIED_KEY)
    if reference is None and conversation is not None and conversation.customer_id is not None:
        open_cases = session.exec(
            select(Case).where(Case.customer_id == conversation.customer_id, Case.status == "open")
        ).all()
        if len(open_cases) == 1:
            reference = open_cases[0].reference
    if reference is None:
        return Lookup(None, ASK_REFERENCE)
    case = session.exec(select(Case).where(Case.reference == reference)).first()
    if case is None or not _verified(session, case, postcode, state, message):
        return Lookup(None, NOT_FOUND)
    if conversation is not None:
        conversation.state = {**conversation.state, VERIFIED_KEY: case.reference}
        session.add(conversation)
    return Lookup(case, None)


def _verified(
    session: Session,
    case: Case,
    postcode: str | None,
    state: dict[str, object],
    message: Message | None,
) -> bool:
    if state.get(VERIFIED_KEY) == case.reference:
        return True
    if message is not None and message.from_address and message.from_address == case.raised_from:
        return True
    if postcode is None or case.customer_id is None:
        return False
    customer = session.get(Customer, case.customer_id)
    return customer is not None and customer.postcode == postcode


def where_and_when(
    session: Session,
    case_types: CaseTypeDirectory,
    calendar: CouncilCalendar,
    case: Case,
    now: datetime,
) -> str:
    """Where the case is, and whether we are inside our response window; every channel's words."""
    case_type = case_types[case.case_type]
    clock = clocks.describe(clocks.running(session, case.id or 0))
    return where_it_is(case, case_type) + when_due(clock, case_type, calendar.today(now))


def status_reply(
    session: Session,
    case_types: CaseTypeDirectory,
    calendar: CouncilCalendar,
    case: Case,
    now: datetime,
) -> str:
    """`Your complaint WNC-204318 is being investigated. We aim to reply by ...`"""
    reply = where_and_when(session, case_types, calendar, case, now)
    subscribed = session.exec(
        select(NotificationSubscription.id).where(
            NotificationSubscription.case_id == case.id,
            NotificationSubscription.active == True,  # noqa: E712 - SQL comparison
        )
    ).first()
    if case.status == "open" and subscribed is None:
        reply += (
            " If you would like a text or email when it moves on, "
            "just say 'tell me when it changes'."
        )
    return reply
