"""The strategy's complaint-status call, against a running server, signed as Twilio signs."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlmodel import Session, select
from twilio.request_validator import RequestValidator

from app.ivr.twiml_reader import read_twiml
from app.models import (
    AuditEvent,
    CallStep,
    Case,
    Conversation,
    Customer,
    Handoff,
    NotificationSubscription,
    RoutingDecision,
)
from app.runtime import Runtime
from tests.factories import count, open_test_case
from tests.ivr.phone import PUBLIC, Call, Server, at, council_line, post_signed
from tests.twilio_api import AUTH_TOKEN

TUESDAY_MORNING = at("2026-11-24", 10)
TUESDAY_NIGHT = at("2026-11-24", 21)
CALLER = "+447700900123"
RAISED_FROM = "+447700900555"
POSTCODE = "NN1 1AA"
WORDS = "oh one two three four five six seven eight nine".split()


@dataclass
class Complaint:
    reference: str
    case_id: int

    @property
    def digits(self) -> str:
        return self.reference.split("-")[1]

    @property
    def spoken(self) -> str:
        return "W N C " + " ".join(WORDS[int(d)] for d in self.digits)


@pytest.fixture
def server(pg_url: str) -> Iterator[Server]:
    with council_line(pg_url, TUESDAY_MORNING) as running:
        yield running


def _complaint(rt: Runtime, days_ago: int) -> Complaint:
    with Session(rt.engine) as session:
        customer = Customer(name="Doris Example", postcode=POSTCODE)
        session.add(customer)
        session.commit()
        case = open_test_case(
            rt, session, now=TUESDAY_MORNING - timedelta(days=days_ago),
            customer_id=customer.id, raised_from=RAISED_FROM,
        )  # fmt: skip
        assert case.id is not None
        return Complaint(case.reference, case.id)


def test_by_speech_alone_an_update_inside_the_window_and_a_text_when_it_moves(
    server: Server,
) -> None:
    complaint = _complaint(server.rt, days_ago=1)
    call = Call(server, caller=CALLER)
    assert "Are you calling about a complaint?" in call.dial()
    assert "add information" in call.say("I'd like an update on my complaint")
    assert "case reference" in call.say("just an update please")
    assert "postcode" in call.say(complaint.spoken)
    status = call.say(f"it's {' '.join(POSTCODE.replace(' ', ''))}")
    spoken_reference = f"W N C, {' '.join(complaint.digits)}"
    assert f"Your complaint {spoken_reference} has been received." in status
    assert "so we are still within our 5 working days" in status
    assert "Would you like a text message" in status
    assert "We will send you a text message" in call.say("yes please")
    assert "Goodbye" in call.say("no thanks that's all")
    assert "<Hangup" in call.twiml
    with Session(server.rt.engine) as session:
        subscription = session.exec(select(NotificationSubscription)).one()
        assert (subscription.case_id, subscription.channel, subscription.address) == (
            complaint.case_id, "sms", CALLER,
        )  # fmt: skip
        steps = session.exec(select(CallStep).where(CallStep.call_sid == call.sid)).all()
        assert all(step.digits is None for step in steps)
        assert session.exec(select(Handoff)).all() == []  # happy callers need nobody


def test_by_keys_alone_past_the_window_then_put_through_with_the_packet_on_the_case(
    server: Server,
) -> None:
    complaint = _complaint(server.rt, days_ago=30)
    call = Call(server, caller="+441604000111")  # a landline the case was not raised from
    call.dial()
    call.press("2")
    call.press("2")
    assert "postcode" in call.press(complaint.digits)
    status = call.press("07700900555#")  # the number the complaint was raised from
    assert "so we are past our 5 working days" in status
    assert "I am sorry: the team has been told it is overdue." in status
    call.press("2")  # no text, thanks
    assert "putting you through to Complaints" in call.press("1")
    assert "<Enqueue>complaints</Enqueue>" in call.twiml
    with Session(server.rt.engine) as session:
        handoff = session.exec(select(Handoff)).one()
        assert handoff.case_id == complaint.case_id and handoff.queue == "complaints"
        assert handoff.intent == "case_status"
        assert handoff.gathered == {"reference": complaint.reference, "wants_updates": "no"}
        assert [h["digits"] for h in handoff.transcript] == [
            "2", "2", complaint.digits, "07700900555#", "2", "1",
        ]  # fmt: skip
        decision = session.exec(select(RoutingDecision)).one()
        assert (decision.case_id, decision.queue, decision.nlu_backend) == (
            complaint.case_id, "complaints", "ivr",
        )  # fmt: skip


def test_an_unknown_reference_and_a_wrong_postcode_sound_exactly_the_same(
    server: Server,
) -> None:
    complaint = _complaint(server.rt, days_ago=1)
    heard = []
    for reference_digits, postcode in (("999999", "N N one one A A"),
                                       (complaint.digits, "S W one A one A A")):  # fmt: skip
        call = Call(server, caller=CALLER)
        call.dial()
        call.press("2")
        call.press("2")
        asked = call.press(reference_digits)
        answer = call.say(postcode)
        heard.append((asked, answer))
        assert "has been received" not in call.twiml and complaint.reference not in call.twiml
        assert "could not find a complaint matching those details" in answer
        # Put through to the team that can find it another way, not the general line.
        assert "<Enqueue>complaints</Enqueue>" in call.twiml
    assert heard[0] == heard[1]
    with Session(server.rt.engine) as session:
        assert session.exec(select(NotificationSubscription)).all() == []


def test_a_caller_at_risk_goes_straight_to_safeguarding_whatever_the_menu(
    server: Server,
) -> None:
    call = Call(server, caller=CALLER)
    call.dial()
    words = call.say("my partner hits me and I'm scared to go home")
    assert "putting you straight through to Safeguarding" in words
    assert "<Enqueue>safeguarding</Enqueue>" in call.twiml
    with Session(server.rt.engine) as session:
        case = session.exec(select(Case)).one()
        assert "domestic_abuse" in case.flags and case.queue == "safeguarding"
        handoff = session.exec(select(Handoff)).one()
        assert handoff.transcript[0]["speech"].startswith("my partner hits me")
        decision = session.exec(select(RoutingDecision)).one()
        assert decision.safety_override or decision.rule_id.startswith("safety")
        flagged = session.exec(select(AuditEvent).where(AuditEvent.action == "case.flags_set"))
        assert flagged.first() is not None


def test_two_failed_attempts_lead_to_a_person_not_round_again(server: Server) -> None:
    call = Call(server, caller=CALLER)
    call.dial()
    assert "Sorry, I did not catch that." in call.silence()
    assert "Are you calling about a complaint?" in call.twiml
    words = call.say("purple elephants", confidence=0.3)
    assert "Let me put you through to someone" in words
    assert "<Enqueue>customer_services</Enqueue>" in call.twiml


def test_an_unsure_choice_is_said_back_before_it_is_acted_on(server: Server) -> None:
    call = Call(server, caller=CALLER)
    call.dial()
    assert "I think you said a complaint you have already made" in call.say(
        "existing complaint", confidence=0.2
    )
    assert "add information" in call.say("yes")


def test_out_of_hours_a_voicemail_becomes_a_case(server: Server) -> None:
    server.rt.clock = lambda: TUESDAY_NIGHT
    call = Call(server, caller=CALLER)
    assert "Our phone lines are closed" in call.dial()
    assert "after the tone" in call.press("1")
    assert "<Record" in call.twiml
    recording = "https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE123"
    assert "Your message has been passed to our team" in call.leave_message(recording)
    with Session(server.rt.engine) as session:
        case = session.exec(select(Case)).one()
        assert (case.attachments, case.channel, case.queue) == (
            [recording], "voice", "customer_services",
        )  # fmt: skip


def test_out_of_hours_a_callback_request_becomes_a_case(server: Server) -> None:
    server.rt.clock = lambda: at("2026-12-25", 11)  # Christmas Day: closed all day
    call = Call(server, caller=CALLER)
    call.dial()
    assert "call you back on the next working day" in call.say("please call me back")
    with Session(server.rt.engine) as session:
        case = session.exec(select(Case)).one()
        assert (case.intent, case.raised_from) == ("callback", CALLER)


def test_forged_and_unsigned_call_webhooks_are_refused_and_leave_no_trace(
    server: Server,
) -> None:
    call = Call(server, caller=CALLER)
    url = f"{PUBLIC}/webhooks/twilio/voice"
    assert post_signed(server, url, call.form(), signature=None)[0] == 403
    assert post_signed(server, url, call.form(), signature="forged")[0] == 403
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, call.form())
    tampered = call.form(From="+447700900999")  # signed for one caller, sent as another
    assert post_signed(server, url, tampered, signature=signature)[0] == 403
    with Session(server.rt.engine) as session:
        assert count(session, Conversation) == 0 and count(session, CallStep) == 0
    for path in ("/step?seq=1&step=main_menu", "/status"):
        status, _ = post_signed(server, url + path, call.form(Digits="1"), signature="bad")
        assert status == 403


def _answering_the_main_menu(server: Server) -> tuple[Call, str]:
    """A call just dialled, and the URL its answer to the main menu goes to."""
    call = Call(server, caller=CALLER)
    call.dial()
    assert call.action is not None
    return call, call.action


def test_a_retried_step_answers_the_same_and_does_nothing_twice(server: Server) -> None:
    call, action = _answering_the_main_menu(server)
    first = post_signed(server, action, call.form(Digits="3"))
    again = post_signed(server, action, call.form(Digits="3"))
    assert first == again and "<Enqueue>customer_services</Enqueue>" in first[1]
    with Session(server.rt.engine) as session:
        assert count(session, Handoff) == 1 and count(session, Case) == 1
        assert count(session, Conversation) == 1


def test_retries_racing_each_other_answer_alike_and_put_the_caller_through_once(
    server: Server,
) -> None:
    call, action = _answering_the_main_menu(server)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(
            pool.map(lambda _: post_signed(server, action, call.form(Digits="3")), range(4))
        )
    assert len(set(answers)) == 1
    assert answers[0][0] == 200 and "<Enqueue>customer_services</Enqueue>" in answers[0][1]
    with Session(server.rt.engine) as session:
        assert count(session, Handoff) == 1 and count(session, Case) == 1
        assert len(session.exec(select(CallStep).where(CallStep.seq == 1)).all()) == 1


def test_a_late_retry_of_an_earlier_step_gets_its_first_answer_and_moves_nothing(
    server: Server,
) -> None:
    call, menu_url = _answering_the_main_menu(server)
    assert "add information" in call.press("2")  # existing complaint: the next menu
    first = call.twiml
    assert "case reference" in call.press("2")  # an update: asked for the reference
    late = post_signed(server, menu_url, call.form(Digits="2"))
    assert late == (200, first)
    with Session(server.rt.engine) as session:
        state = session.exec(select(Conversation)).one().state["ivr"]
        assert state["awaiting"] == "ask_reference" and state["answered"] == 2
        assert count(session, CallStep) == 3


def test_call_status_only_moves_forwards(server: Server) -> None:
    call = Call(server, caller=CALLER)
    call.dial()
    url = f"{PUBLIC}/webhooks/twilio/voice/status"
    for status in ("completed", "in-progress", "ringing"):
        assert post_signed(server, url, call.form(CallStatus=status))[0] == 204
    with Session(server.rt.engine) as session:
        conversation = session.exec(select(Conversation)).one()
        assert conversation.state["ivr"]["call_status"] == "completed"


def test_twiml_gathers_take_speech_and_keys(server: Server) -> None:
    call = Call(server, caller=CALLER)
    call.dial()
    assert 'input="dtmf speech"' in call.twiml and 'actionOnEmptyResult="true"' in call.twiml
    heard = read_twiml(call.twiml)
    assert heard.action is not None and "seq=1" in heard.action and heard.words
