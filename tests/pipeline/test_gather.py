"""A case gathers its details before it opens: one question at a time, nothing lost."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.models import AuditEvent, Case, Conversation, Message, OutboxMessage, RoutingDecision
from app.pipeline.act import ActResult
from app.pipeline.gather import GATHERING
from app.pipeline.handle import handle_message
from app.runtime import Runtime
from app.vocabulary import Channel
from tests.factories import count, inbound, seed_demo, store

THREAD = "gathering-thread"


def _say(rt: Runtime, text: str, channel: Channel = Channel.WEB) -> ActResult:
    message = inbound(text, channel=channel, thread=THREAD)
    result = handle_message(rt, store(rt, message))
    assert result is not None
    return result


def _decisions(session: Session) -> list[RoutingDecision]:
    return list(session.exec(select(RoutingDecision).order_by(col(RoutingDecision.id))).all())


def test_a_bare_complaint_is_asked_what_when_and_what_would_put_it_right_then_logged(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    first = _say(rt, "I want to make a complaint")
    assert first.case_id is None and "what went wrong" in first.reply
    assert count(session, Case) == 0
    second = _say(rt, "The crew threw my green bin into the road and it split down the side")
    assert second.case_id is None and second.reply.startswith("When did this happen?")
    third = _say(rt, "Last Thursday, early in the morning")
    assert third.case_id is None and "put it right" in third.reply
    last = _say(rt, "I'd like a replacement bin and for the crew to be more careful")
    assert last.case_reference is not None
    assert "Your complaint is logged as" in last.reply and last.case_reference in last.reply

    case = session.exec(select(Case)).one()
    assert (case.case_type, case.queue, case.intent) == ("complaint", "complaints", "complaint_new")
    assert case.summary.splitlines() == [
        "I want to make a complaint",
        "What went wrong: The crew threw my green bin into the road and it split down the side",
        "When: Last Thursday, early in the morning",
        "To put it right: I'd like a replacement bin and for the crew to be more careful",
    ]
    # Every message was stored and decided on; the questions say so, the last one opened it.
    decisions = _decisions(session)
    assert [d.rule_id for d in decisions] == ["gather.complaint"] * 3 + ["complaints.new"]
    assert [d.case_id for d in decisions] == [None, None, None, case.id]
    assert count(session, OutboxMessage) == 4
    gathered = session.exec(
        select(AuditEvent).where(AuditEvent.action == "case.details_gathered")
    ).one()
    assert gathered.subject_id == case.id and gathered.detail["why"] == "complete"
    assert gathered.detail["missing"] == []
    conversation = session.exec(select(Conversation)).one()
    assert GATHERING not in conversation.state


def test_details_already_given_are_not_asked_for(rt: Runtime, session: Session) -> None:
    seed_demo(rt)
    full = (
        "I want to complain: the bin crew smashed my brown bin last Tuesday and left garden "
        "waste all over the drive. I would like the bin replaced."
    )
    result = _say(rt, full)
    assert result.case_reference is not None
    assert session.exec(select(Case)).one().summary == full

    partly = (
        "I'd like to make a complaint, my neighbour's hedge complaint has been ignored since March"
    )
    other = handle_message(rt, store(rt, inbound(partly, thread="another")))
    assert other is not None and other.case_id is None
    assert other.reply.startswith(
        "What would you like us to do to put it right? I will log your complaint"
    )


def test_an_answer_that_gives_more_than_was_asked_counts_for_all_of_it(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    _say(rt, "can I make a complaint please")
    result = _say(
        rt, "The library closed early on Saturday with no notice and I'd like an explanation"
    )
    assert result.case_reference is not None
    summary = session.exec(select(Case)).one().summary
    assert "What went wrong: The library closed early on Saturday" in summary
    assert "Not given" not in summary


def test_a_risk_signal_mid_gathering_goes_to_a_person_at_once_and_the_complaint_opens_too(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    _say(rt, "I want to make a complaint")
    result = _say(rt, "honestly I can't go on anymore, I want to end it all")
    assert result.reply.startswith("If you or anyone else is in immediate danger, call 999")
    cases = {case.case_type: case for case in session.exec(select(Case))}
    person = session.exec(select(Case).where(Case.queue == "safeguarding")).one()
    assert person.priority == "emergency" and "risk_to_life" in person.flags
    complaint = cases["complaint"]
    assert complaint.summary.splitlines()[0] == "I want to make a complaint"
    assert "Not given: What went wrong, When, To put it right." in complaint.summary
    assert {person.id, complaint.id} <= set(result.case_ids)
    why = session.exec(select(AuditEvent).where(AuditEvent.action == "case.details_gathered"))
    assert why.one().detail["why"] == "ended early"


def test_a_missed_bin_asks_for_the_address_unless_it_is_known(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    asked = _say(rt, "my bin wasn't collected this morning", channel=Channel.SMS)
    assert asked.case_id is None and asked.reply == (
        "Which address was missed? The house number and street, or the postcode, is enough. "
        "I will log your missed bin report as soon as I have the details."
    )
    done = _say(rt, "27 Tern Close NN4 9RT", channel=Channel.SMS)
    assert done.case_reference is not None
    case = session.exec(select(Case)).one()
    assert case.case_type == "missed_bin" and case.queue == "waste"
    assert case.summary == "my bin wasn't collected this morning\nAddress: 27 Tern Close NN4 9RT"

    # A postcode the resident gave with the message is the address: no question.
    known = handle_message(
        rt, store(rt, inbound("bins not emptied today", thread="web-2", postcode_hint="NN1 1AA"))
    )
    assert known is not None and known.case_reference is not None


def test_fly_tipping_asks_where_and_what_then_takes_both_from_one_answer(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    asked = _say(rt, "someone has been fly tipping again")
    assert asked.reply.startswith(
        "Where is it? A street name, or a landmark nearby, helps the crew find it."
    )
    done = _say(rt, "behind the garages off Kingsthorpe Grove, a fridge and loads of black bags")
    assert done.case_reference is not None
    case = session.exec(select(Case)).one()
    assert case.case_type == "fly_tipping"
    assert case.summary.endswith(
        "Where: behind the garages off Kingsthorpe Grove, a fridge and loads of black bags"
    )


def test_a_resident_who_may_not_be_texted_is_never_asked(rt: Runtime, session: Session) -> None:
    seed_demo(rt)
    result = _say(rt, "I want to make a complaint, please don't text me back", channel=Channel.SMS)
    assert result.outbox_id is None
    case = session.exec(select(Case)).one()
    assert case.case_type == "complaint"
    conversation = session.exec(select(Conversation)).one()
    assert GATHERING not in conversation.state


def test_a_reply_after_the_idle_time_is_a_fresh_start_and_the_waiting_need_opens(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    _say(rt, "I want to make a complaint")
    conversation = session.exec(select(Conversation)).one()
    held = dict(conversation.state[GATHERING])
    held["asked_at"] = "2020-01-01T00:00:00+00:00"
    conversation.state = {**conversation.state, GATHERING: held}
    session.add(conversation)
    session.commit()
    result = _say(rt, "when is my bin day? NN1 1AA")
    assert "Tuesday" in result.reply
    complaint = session.exec(select(Case)).one()
    assert complaint.case_type == "complaint" and complaint.id in result.case_ids
    stored = session.exec(select(Message).where(Message.direction == "in")).all()
    assert len(stored) == 2


def test_a_reply_surely_about_something_else_is_not_taken_as_the_address(
    rt: Runtime, session: Session
) -> None:
    seed_demo(rt)
    _say(rt, "my bin wasnt collected this week")
    result = _say(rt, "any update on my case?")
    case = session.exec(select(Case)).one()
    assert case.case_type == "missed_bin" and case.id in result.case_ids
    assert case.summary == "my bin wasnt collected this week\nNot given: Address."
    assert "any update" not in case.summary
