"""Out of hours nobody is left on hold in an unstaffed queue, least of all a caller at risk."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, select

from app.config import REPO_ROOT
from app.models import AuditEvent, Case, Handoff
from tests.factories import count
from tests.ivr.phone import (
    PUBLIC,
    TUESDAY_MORNING,
    TUESDAY_NIGHT,
    Call,
    Server,
    council_line,
    post_signed,
)

CALLER = "+447700900123"
DUTY_TEAM = "+441604000999"
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC/Recordings/RE0123"


def _edited_copy(tmp_path: Path, folder: str, name: str, edit: Callable[[Any], None]) -> str:
    """A copy of one of the repository's data folders with `name` edited by `edit`."""
    copy = tmp_path / folder
    shutil.copytree(REPO_ROOT / folder, copy)
    path = copy / name
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return str(copy)


def test_a_caller_at_risk_hears_999_and_leaves_word_on_the_case_raised_for_them(
    line_closed: Server,
) -> None:
    call = Call(line_closed, caller=CALLER)
    assert "call 999" in call.dial()
    words = call.say("I want to end my life")
    assert "call 999" in words and "1 1 6, 1 2 3" in words
    assert "Our lines are closed, so I cannot put you through to Safeguarding now" in words
    assert "<Record" in call.twiml
    assert "<Enqueue" not in call.twiml and "<Dial" not in call.twiml
    with Session(line_closed.rt.engine) as session:
        case = session.exec(select(Case)).one()
        assert (case.queue, case.priority) == ("safeguarding", "emergency")
        assert "risk_to_life" in case.flags
        assert session.exec(select(Handoff)).one().case_id == case.id
    assert "Your message has been passed to our team" in call.leave_message(RECORDING)
    with Session(line_closed.rt.engine) as session:
        case = session.exec(select(Case)).one()  # the message joined it: one case, not two
        assert case.attachments == [RECORDING]
        assert case.summary.endswith("Voicemail left by phone.")
        left = session.exec(select(AuditEvent).where(AuditEvent.action == "call.voicemail"))
        assert left.one().subject_id == case.id
    transcribed = call.form(TranscriptionSid="TR" + "1" * 32, TranscriptionStatus="completed",
                            TranscriptionText="please help me", RecordingUrl=RECORDING)  # fmt: skip
    callback = f"{PUBLIC}/webhooks/twilio/voice/transcription"
    assert post_signed(line_closed, callback, transcribed)[0] == 204
    with Session(line_closed.rt.engine) as session:
        assert session.exec(select(Case)).one().summary.endswith("They said: please help me")


def test_a_caller_who_needs_a_person_out_of_hours_is_told_and_not_enqueued(
    line_closed: Server,
) -> None:
    call = Call(line_closed, caller=CALLER)
    call.dial()
    call.silence()
    words = call.silence()  # two failed attempts at the closed menu
    assert "Please leave your message after the tone" in words
    assert "<Enqueue" not in call.twiml


def test_in_hours_a_caller_at_risk_is_put_through_as_ever(pg_url: str) -> None:
    with council_line(pg_url, TUESDAY_MORNING) as server:
        call = Call(server, caller=CALLER)
        call.dial()
        call.say("I want to end my life")
        assert "<Enqueue>safeguarding</Enqueue>" in call.twiml


def test_an_out_of_hours_number_puts_a_caller_at_risk_through_to_a_person(
    pg_url: str, tmp_path: Path
) -> None:
    def duty_team(document: dict[str, list[dict[str, object]]]) -> None:
        safeguarding = next(q for q in document["queues"] if q["id"] == "safeguarding")
        safeguarding["out_of_hours_number"] = "01604 000999"

    rules = _edited_copy(tmp_path, "routing_rules", "queues.yaml", duty_team)
    with council_line(pg_url, TUESDAY_NIGHT, ROUTING_RULES_DIR=rules) as server:
        call = Call(server, caller=CALLER)
        call.dial()
        words = call.say("my partner hits me and I'm scared to go home")
        assert "putting you straight through to Safeguarding" in words
        assert f"<Dial>{DUTY_TEAM}</Dial>" in call.twiml
    with council_line(pg_url, TUESDAY_MORNING, ROUTING_RULES_DIR=rules) as server:
        call = Call(server, caller=CALLER)
        call.dial()
        call.say("my partner hits me and I'm scared to go home")
        assert "<Enqueue>safeguarding</Enqueue>" in call.twiml  # by day, the team itself


def test_a_flow_without_when_closed_says_when_to_call_and_ends_the_call(
    pg_url: str, tmp_path: Path
) -> None:
    def no_when_closed(document: dict[str, dict[str, object]]) -> None:
        del document["flow"]["when_closed"]

    flows = _edited_copy(tmp_path, "ivr_flows", "council.yaml", no_when_closed)
    with council_line(pg_url, TUESDAY_NIGHT, IVR_FLOWS_DIR=flows) as server:
        call = Call(server, caller=CALLER)
        call.dial()
        words = call.say("I want to end my life")
        assert "call 999" in words and "Please call us again when we are open" in words
        assert "<Hangup" in call.twiml and "<Enqueue" not in call.twiml
        with Session(server.rt.engine) as session:
            assert count(session, Case) == 1 and count(session, Handoff) == 1
