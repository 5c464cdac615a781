"""Replies: self-service answers, and the words residents hear when a person takes over."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from app.calendar import CouncilCalendar
from app.contact_points import InvalidContactPointError, postcode_sector
from app.lifecycle.notify import subscribe
from app.lifecycle.status import NOT_FOUND, find_verified_case, status_reply
from app.lifecycle.types import CaseTypeDirectory
from app.models import BinRound, ContactKind, Conversation, Message
from app.pipeline.memory import CHOICE, ask
from app.understanding.near_miss import CLARIFY_INTENT, NearMiss
from app.vocabulary import Outcome

EMERGENCY_REPLY = (
    "If you or anyone else is in immediate danger, call 999 now. "
    "If you are struggling to cope, Samaritans are free, day or night, on 116 123. "
    "A member of our team is being told about your message now as a priority. "
    "Your reference is {reference}."
)

DEFAULT_REPLIES: Mapping[Outcome, str] = {
    Outcome.SERVICE_REQUEST: (
        "Thank you. We have logged this as {reference} and will keep you updated."
    ),
    Outcome.ADVISOR: (
        "Thank you for telling us. I am passing this to our {queue_title} team with everything "
        "you have said, so you will not need to repeat it. Your reference is {reference}."
    ),
    Outcome.PARTNER: (
        "{queue_title} may be able to help. With your permission we will share what you have "
        "told us with them so you do not have to repeat it. Your reference is {reference}."
    ),
    Outcome.EMERGENCY: EMERGENCY_REPLY,
}
# A message that joins a case a team already has: that team keeps it, and the words say so.
JOINED_REPLY = (
    "Thank you. Your case is with our {queue_title} team, and I have added this message to it "
    "so they see it. Your reference is {reference}."
)


@dataclass(frozen=True)
class AnswerContext:
    """What an answer provider may read (conversation and message are None in `explain`)."""

    session: Session
    calendar: CouncilCalendar
    case_types: CaseTypeDirectory
    now: datetime
    postcode: str | None
    reference: str | None = None
    conversation: Conversation | None = None
    message: Message | None = None
    near_miss: NearMiss | None = None


AnswerProvider = Callable[[AnswerContext], str]


def bin_day(ctx: AnswerContext) -> str:
    """The next collection for the resident's postcode, moved past bank holidays."""
    if ctx.postcode is None:
        ask(ctx.conversation, "postcode", "bin_collection_day", ctx.now)
        return "I can look up your bin day. What is your postcode?"
    try:
        sector = postcode_sector(ctx.postcode)
    except InvalidContactPointError:
        return "That does not look like a postcode. What is your postcode?"
    round_ = ctx.session.exec(select(BinRound).where(BinRound.postcode_sector == sector)).first()
    if round_ is None:
        return (
            f"I could not find a collection round for {ctx.postcode}. Please check the postcode, "
            "or ask to speak to an advisor."
        )
    today = ctx.calendar.local(ctx.now).date()
    scheduled = next_weekday(today, round_.weekday)
    collection = scheduled
    while ctx.calendar.is_bank_holiday(collection):
        collection += timedelta(days=1)
    weeks = (scheduled - round_.recycling_anchor).days // 7
    bin_type = "recycling" if weeks % 2 == 0 else "general waste"
    moved = " (moved because of the bank holiday)" if collection != scheduled else ""
    return (
        f"Bins for {ctx.postcode} are collected on {scheduled:%A}s. Your next collection is "
        f"{collection:%A} {collection.day} {collection:%B}{moved}: {bin_type}. "
        "Please have your bin out by 7am."
    )


def next_weekday(start: date, weekday: int) -> date:
    """The first date on or after `start` that falls on `weekday` (Monday is 0)."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def case_status(ctx: AnswerContext) -> str:
    """Where a verified resident's case is, and when we aim to respond."""
    found = find_verified_case(
        ctx.session, ctx.reference, ctx.postcode, ctx.conversation, ctx.message
    )
    if found.case is None:
        ask(ctx.conversation, "reference", "case_status", ctx.now)
        return found.reply or NOT_FOUND
    return status_reply(ctx.session, ctx.case_types, ctx.calendar, found.case, ctx.now)


def subscribe_updates(ctx: AnswerContext) -> str:
    """'Tell me when it changes': a subscription on the channel they wrote from."""
    found = find_verified_case(
        ctx.session, ctx.reference, ctx.postcode, ctx.conversation, ctx.message
    )
    if found.case is None:
        return found.reply or NOT_FOUND
    kind = ctx.message.hints.get("from_kind") if ctx.message is not None else None
    address = ctx.message.from_address if ctx.message is not None else None
    if address is None or kind is None:
        return (
            "I can let you know when it moves on. Please give us a mobile number or email "
            "address to send updates to."
        )
    channel = "sms" if kind == ContactKind.PHONE.value else "email"
    assert found.case.id is not None  # a case found in the database
    subscribe(ctx.session, found.case.id, channel, address)
    means = "text this number" if channel == "sms" else "email this address"
    return f"Done. We will {means} when {found.case.reference} moves to its next stage."


def clarify(ctx: AnswerContext) -> str:
    """One line asking which of two needs it is; the reply is read by memory.resolve."""
    if ctx.near_miss is None:
        return "Could you tell me a little more about what you need?"
    ask(ctx.conversation, CHOICE, CLARIFY_INTENT, ctx.now, ctx.near_miss.options)
    return ctx.near_miss.question


ANSWER_PROVIDERS: Mapping[str, AnswerProvider] = {
    "clarify": clarify,
    "bin_day": bin_day,
    "case_status": case_status,
    "subscribe_updates": subscribe_updates,
}


def render_reply(template: str, reference: str | None, queue_title: str | None) -> str:
    """Fill a rule's reply template; fields were checked when the rules loaded."""
    return template.format(reference=reference or "", queue_title=queue_title or "our")
