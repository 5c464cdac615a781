"""A resident who stops answering the bot's questions still gets their case: the sweep opens it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.jobs.idle_gatherings import NO_ANSWER, open_idle
from app.jobs.inline_sweep import InlineSweep
from app.models import Case, Conversation, OutboxMessage, RoutingDecision, utcnow
from app.pipeline.gather import GATHERING
from app.pipeline.handle import handle_message
from app.runtime import Runtime
from app.vocabulary import Channel
from tests.factories import count, inbound, seed_demo, store


def _say(
    rt: Runtime, text: str, thread: str = "idle-thread", channel: Channel = Channel.SMS
) -> None:
    assert handle_message(rt, store(rt, inbound(text, channel=channel, thread=thread)))


def _back_date(session: Session, by: timedelta) -> None:
    """As if every conversation had last been heard from `by` ago."""
    for conversation in session.exec(select(Conversation)):
        held = dict(conversation.state[GATHERING])
        held["asked_at"] = (datetime.fromisoformat(held["asked_at"]) - by).isoformat()
        conversation.state = {**conversation.state, GATHERING: held}
        conversation.last_activity_at = conversation.last_activity_at - by
        session.add(conversation)
    session.commit()


def test_the_sweep_opens_a_complaint_left_unanswered_with_everything_said(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    _say(rt, "I need to make a complaint", channel=Channel.WEB)
    said = "Nobody came to fix the broken streetlight outside my house after three reports"
    _say(rt, said, channel=Channel.WEB)
    assert count(session, Case) == 0
    _back_date(session, timedelta(minutes=rt.settings.conversation_idle_minutes + 1))

    InlineSweep(rt, timedelta(hours=1)).run_once()

    case = session.exec(select(Case)).one()
    assert (case.case_type, case.queue, case.raised_from) == (
        "complaint",
        "complaints",
        "+447700900999",
    )
    assert case.summary.splitlines() == [
        "I need to make a complaint",
        "What went wrong: Nobody came to fix the broken streetlight outside my house after "
        "three reports",
        "Not given: When, To put it right.",
    ]
    decision = session.exec(
        select(RoutingDecision).where(col(RoutingDecision.case_id).is_not(None))
    ).one()
    assert decision.rule_id == "complaints.new" and decision.outcome == "service_request"
    told = session.exec(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).one()
    assert told.body.startswith(NO_ANSWER) and case.reference in told.body
    assert told.status == "sent"
    session.expire_all()
    assert GATHERING not in session.exec(select(Conversation)).one().state
    # Once is enough: a second sweep finds nothing waiting.
    assert open_idle(rt, utcnow()) == 0
    assert count(session, Case) == 1


def test_a_gathering_still_within_the_idle_time_is_left_to_the_resident(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    _say(rt, "someone has fly tipped again")
    idle = timedelta(minutes=rt.settings.conversation_idle_minutes)
    assert open_idle(rt, utcnow() + idle - timedelta(minutes=1)) == 0
    assert count(session, Case) == 0
    assert open_idle(rt, utcnow() + idle + timedelta(minutes=1)) == 1
    case = session.exec(select(Case)).one()
    assert case.case_type == "fly_tipping"
    assert case.summary == "someone has fly tipped again\nNot given: Where, What was dumped."


def test_a_resident_marked_no_contact_meanwhile_gets_the_case_but_no_text(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    _say(rt, "my bins have been missed")
    # They asked, on another thread, that nothing more is texted to this number.
    _say(rt, "please don't text this number again", thread="another-thread")
    sent = count(session, OutboxMessage)
    assert open_idle(rt, utcnow() + timedelta(days=1)) == 1
    assert session.exec(select(Case).where(Case.case_type == "missed_bin")).one()
    assert count(session, OutboxMessage) == sent
