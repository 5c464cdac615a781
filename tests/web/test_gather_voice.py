"""A complaint started on the phone gathers its details before the case is opened."""

from __future__ import annotations

from sqlmodel import Session, select

from app.models import AuditEvent, Case, Handoff
from tests.factories import count
from tests.ivr.phone import PUBLIC, Call, Server, post_signed

WHAT = "the bin crew smashed my green bin and threw it in the hedge"


def _case(server: Server) -> Case:
    with Session(server.rt.engine) as session:
        return session.exec(select(Case)).one()


def test_a_new_complaint_by_phone_is_asked_what_when_and_what_would_put_it_right(
    line_open: Server,
) -> None:
    call = Call(line_open)
    call.dial()
    assert "Please tell me what went wrong" in call.press("1")
    with Session(line_open.rt.engine) as session:
        assert count(session, Case) == 0
    assert "When did this happen?" in call.say(WHAT)
    assert "What would you like us to do to put it right?" in call.say("last monday morning")
    words = call.say("I would like a new bin delivered and an apology")
    assert "I have logged your complaint. Your reference is W N C, " in words
    assert "Is there anything else?" in words  # the caller is not put through
    assert "<Enqueue" not in call.twiml and "<Dial" not in call.twiml

    case = _case(line_open)
    assert (case.case_type, case.queue, case.channel) == ("complaint", "complaints", "voice")
    assert case.summary.splitlines() == [
        "Phone call: complaint.",
        f"What went wrong: {WHAT}",
        "When: last monday morning",
        "To put it right: I would like a new bin delivered and an apology",
    ]
    with Session(line_open.rt.engine) as session:
        handoff = session.exec(select(Handoff)).one()
        assert handoff.case_id == case.id
        assert handoff.gathered == {
            "what_went_wrong": WHAT,
            "when": "last monday morning",
            "put_right": "I would like a new bin delivered and an apology",
        }
    # Having made it, the caller can ask for a person about it, and reaches Complaints.
    assert "putting you through to Complaints" in call.press("1")


def test_what_the_caller_said_at_the_menu_is_not_asked_again(line_open: Server) -> None:
    call = Call(line_open)
    call.dial()
    opening = "I want to make a complaint, the bin crew smashed my bin last Monday"
    assert "What would you like us to do to put it right?" in call.say(opening)
    assert "I have logged your complaint" in call.say("just replace the bin please")
    summary = _case(line_open).summary
    assert f"What went wrong: {opening}" in summary and f"When: {opening}" in summary


def test_a_caller_who_goes_quiet_is_asked_once_more_then_the_next_detail(
    line_open: Server,
) -> None:
    call = Call(line_open)
    call.dial()
    call.press("1")
    call.say(WHAT)
    assert "Sorry, I did not catch that. When did this happen?" in call.silence()
    assert "What would you like us to do to put it right?" in call.silence()
    call.say("a replacement bin")
    assert "Not given: When." in _case(line_open).summary


def test_a_caller_who_hangs_up_part_way_still_has_their_complaint_logged(
    line_open: Server,
) -> None:
    call = Call(line_open)
    call.dial()
    call.press("1")
    call.say(WHAT)
    with Session(line_open.rt.engine) as session:
        assert count(session, Case) == 0
    status, _ = post_signed(
        line_open, f"{PUBLIC}/webhooks/twilio/voice/status", call.form(CallStatus="completed")
    )
    assert status == 204
    case = _case(line_open)
    assert case.case_type == "complaint" and case.raised_from == call.caller
    assert f"What went wrong: {WHAT}" in case.summary
    assert "Not given: When, To put it right." in case.summary
    with Session(line_open.rt.engine) as session:
        why = session.exec(select(AuditEvent).where(AuditEvent.action == "case.details_gathered"))
        assert why.one().detail["why"] == "caller hung up"
    # A late or repeated callback raises nothing more.
    post_signed(
        line_open, f"{PUBLIC}/webhooks/twilio/voice/status", call.form(CallStatus="completed")
    )
    with Session(line_open.rt.engine) as session:
        assert count(session, Case) == 1


def test_risk_heard_while_taking_details_puts_the_caller_straight_through(
    line_open: Server,
) -> None:
    call = Call(line_open)
    call.dial()
    call.press("1")
    words = call.say("I can't go on anymore, I want to end it all")
    assert "<Enqueue>safeguarding</Enqueue>" in call.twiml
    assert "When did this happen?" not in words
