"""A need said in passing at a menu routes the call as the same words in a text would."""

from __future__ import annotations

from sqlmodel import Session, select

from app.models import Case, Handoff, RoutingDecision
from tests.factories import count
from tests.ivr.phone import Call, Server

BEREAVED = "my mum died last week and I need to tell you about her council tax"


def test_a_bereaved_caller_is_put_through_to_the_team_the_rules_choose(line_open: Server) -> None:
    call = Call(line_open)
    call.dial()
    assert "putting you through to Council Tax and Benefits" in call.say(BEREAVED)
    assert "<Enqueue>revenues</Enqueue>" in call.twiml
    with Session(line_open.rt.engine) as session:
        case = session.exec(select(Case)).one()
        assert (case.queue, case.priority, case.intent) == ("revenues", "high", "bereavement")
        handoff = session.exec(select(Handoff)).one()
        assert handoff.intent == "bereavement" and handoff.transcript[0]["speech"] == BEREAVED
        decision = session.exec(select(RoutingDecision)).one()
        assert decision.rule_id == "life-events.bereavement"


def test_a_need_heard_unclearly_is_said_back_before_the_caller_is_put_through(
    line_open: Server,
) -> None:
    call = Call(line_open)
    call.dial()
    words = call.say(BEREAVED, confidence=0.3)
    assert "I think you are calling about bereavement. Is that right?" in words
    assert "<Enqueue" not in call.twiml
    call.say("yes")
    assert "<Enqueue>revenues</Enqueue>" in call.twiml


def test_a_need_said_back_and_denied_is_a_failed_attempt(line_open: Server) -> None:
    call = Call(line_open)
    call.dial()
    call.say(BEREAVED, confidence=0.3)
    assert "Sorry, I did not catch that." in call.say("no")
    with Session(line_open.rt.engine) as session:
        assert count(session, Case) == 0


def test_words_the_rules_would_answer_by_bot_leave_the_menu_to_ask_again(line_open: Server) -> None:
    call = Call(line_open)
    call.dial()
    assert "Sorry, I did not catch that." in call.say("I want to report a pothole")
    with Session(line_open.rt.engine) as session:
        assert count(session, Case) == 0 and count(session, Handoff) == 0
