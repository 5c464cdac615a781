"""A voicemail's words are triaged as a text's would be, once, and only from Twilio."""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, select

from app.ivr.transcription import UNHEARD
from app.models import AuditEvent, Case, Message, RoutingDecision
from tests.factories import count
from tests.ivr.phone import PUBLIC, Call, Server, post_signed

CALLBACK = f"{PUBLIC}/webhooks/twilio/voice/transcription"
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE0456"


def _voicemail(server: Server) -> Call:
    """A caller who left a message out of hours, by keys."""
    call = Call(server)
    call.dial()
    call.press("1")
    assert 'transcribe="true"' in call.twiml
    assert f'transcribeCallback="{CALLBACK}"' in call.twiml
    call.leave_message(RECORDING)
    return call


def _transcribed(
    call: Call, text: str, status: str = "completed", recording: str = RECORDING
) -> dict[str, str]:
    return call.form(
        TranscriptionSid="TR" + uuid.uuid4().hex, TranscriptionText=text,
        TranscriptionStatus=status, RecordingUrl=recording, RecordingSid="RE0456",
    )  # fmt: skip


def _case(server: Server) -> Case:
    with Session(server.rt.engine) as session:
        return session.exec(select(Case)).one()


def test_words_at_risk_move_the_voicemail_to_safeguarding_at_once_and_once_only(
    line_closed: Server,
) -> None:
    call = _voicemail(line_closed)
    assert _case(line_closed).queue == "customer_services"
    form = _transcribed(call, "I can't go on any more, I want to end my life tonight")
    assert post_signed(line_closed, CALLBACK, form)[0] == 204
    case = _case(line_closed)
    assert (case.queue, case.priority) == ("safeguarding", "emergency")
    assert "risk_to_life" in case.flags
    assert case.summary.endswith("They said: I can't go on any more, I want to end my life tonight")
    assert post_signed(line_closed, CALLBACK, form)[0] == 204  # Twilio retries: nothing twice
    with Session(line_closed.rt.engine) as session:
        words = session.exec(select(Message)).one()
        assert (words.external_id, words.media) == (form["TranscriptionSid"], [RECORDING])
        assert words.processed_at is not None  # triaged already: the relay leaves it be
        decision = session.exec(select(RoutingDecision)).one()
        assert (decision.case_id, decision.message_id, decision.queue) == (
            case.id, words.id, "safeguarding",
        )  # fmt: skip
        actions = [e.action for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))]
        assert actions.count("case.requeued") == 1 and actions.count("case.flags_set") == 1
    assert _case(line_closed).summary == case.summary


def test_everyday_words_are_kept_and_leave_the_case_where_it_is(line_closed: Server) -> None:
    call = _voicemail(line_closed)
    form = _transcribed(call, "hello it's about my council tax bill, please ring me back")
    assert post_signed(line_closed, CALLBACK, form)[0] == 204
    case = _case(line_closed)
    assert (case.queue, case.priority, case.flags) == ("customer_services", "normal", [])
    assert "my council tax bill" in case.summary


def test_a_failed_transcription_says_to_listen_to_the_recording(line_closed: Server) -> None:
    call = _voicemail(line_closed)
    assert post_signed(line_closed, CALLBACK, _transcribed(call, "", status="failed"))[0] == 204
    case = _case(line_closed)
    assert case.summary.endswith(UNHEARD) and case.queue == "customer_services"


def test_a_forged_transcription_is_refused_and_leaves_no_trace(line_closed: Server) -> None:
    call = _voicemail(line_closed)
    before = _case(line_closed)
    form = _transcribed(call, "I want to end my life")
    assert post_signed(line_closed, CALLBACK, form, signature="forged")[0] == 403
    assert post_signed(line_closed, CALLBACK, form, signature=None)[0] == 403
    with Session(line_closed.rt.engine) as session:
        assert count(session, Message) == 0 and count(session, RoutingDecision) == 0
    assert _case(line_closed).summary == before.summary


def test_a_transcription_for_no_voicemail_of_ours_changes_nothing(line_closed: Server) -> None:
    call = _voicemail(line_closed)
    stranger = Call(line_closed)  # a call that left no message
    for form in (_transcribed(stranger, "hello"),
                 _transcribed(call, "hello", recording=RECORDING + "9")):  # fmt: skip
        assert post_signed(line_closed, CALLBACK, form)[0] == 204
    assert post_signed(line_closed, CALLBACK, call.form(TranscriptionText="no sid"))[0] == 400
    with Session(line_closed.rt.engine) as session:
        assert count(session, Message) == 0


def test_a_nul_in_the_words_is_kept_as_a_replacement(line_closed: Server) -> None:
    call = _voicemail(line_closed)
    form = _transcribed(call, "please\x00 ring me back")
    assert post_signed(line_closed, CALLBACK, form)[0] == 204
    with Session(line_closed.rt.engine) as session:
        words = session.exec(select(Message)).one()
        assert words.body == "please\ufffd ring me back"
        assert words.hints["replaced_characters"] == "1"
