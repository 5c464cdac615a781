"""Malformed and awkward input at every way in: a clear 400 or the text kept, never a 500.

Each case here gave a 500 on PostgreSQL before the edge checked Twilio's documented shapes.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import CallStep, Message
from tests.ivr.phone import (
    COUNCIL,
    PUBLIC,
    TUESDAY_MORNING,
    Call,
    Server,
    council_line,
    post_signed,
)
from tests.twilio_api import ACCOUNT_SID, TwilioApi

RESIDENT = "+447700900123"
REPLACED = "\ufffd"


@pytest.fixture
def line(pg_url: str) -> Iterator[Server]:
    with (
        TwilioApi() as api,
        council_line(
            pg_url, TUESDAY_MORNING, TWILIO_FROM_NUMBER=COUNCIL, TWILIO_API_BASE=api.base_url
        ) as running,
    ):
        yield running


def _text_form(**overrides: str) -> dict[str, str]:
    form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": ACCOUNT_SID, "From": RESIDENT,
            "To": COUNCIL, "Body": "my bin was not collected", "NumMedia": "0"}  # fmt: skip
    return form | overrides


def _text(line: Server, **overrides: str) -> tuple[int, str]:
    return post_signed(line, f"{PUBLIC}/webhooks/twilio/sms", _text_form(**overrides))


def _count(line: Server, model: type) -> int:
    with Session(line.rt.engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def _inbound(line: Server) -> list[Message]:
    with Session(line.rt.engine) as session:
        return list(
            session.exec(
                select(Message).where(Message.direction == "in").order_by(col(Message.id))
            ).all()
        )


def test_a_nul_in_a_text_is_kept_as_a_replacement_and_recorded(line: Server) -> None:
    status, _ = _text(line, Body="my bin\x00 was not collected\x00")
    assert status == 200
    [stored] = _inbound(line)
    assert stored.body == f"my bin{REPLACED} was not collected{REPLACED}"
    assert stored.hints["replaced_characters"] == "2"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("MessageSid", "SM" + "1" * 300),
        ("MessageSid", "XX" + "1" * 32),
        ("MessageSid", ""),
        ("To", "+44" + "7" * 400),
        ("To", "+447700\x00900000"),
        ("From", "+447700\x00900123"),
        ("NumMedia", "abc"),
        ("NumMedia", "11"),
        ("NumMedia", "-1"),
    ],
)
def test_a_text_whose_fields_twilio_never_sends_is_refused(
    line: Server, field: str, value: str
) -> None:
    status, body = _text(line, **{field: value})
    assert status == 400, body
    assert field in body and (
        not value or value not in body
    )  # names the field, never echoes the value
    assert _count(line, Message) == 0


def test_media_urls_must_be_https_and_counted(line: Server) -> None:
    status, _ = _text(line, NumMedia="1", MediaUrl0="javascript:alert(1)\x00")
    assert status == 400
    status, _ = _text(line, NumMedia="1", MediaUrl0="https://api.twilio.com/2010/Media/ME1")
    assert status == 200
    assert _inbound(line)[0].media == ["https://api.twilio.com/2010/Media/ME1"]


def test_a_status_callback_with_an_impossible_sid_is_refused(line: Server) -> None:
    form = {"MessageSid": "SM" + "9" * 300, "MessageStatus": "delivered"}
    status, _ = post_signed(line, f"{PUBLIC}/webhooks/twilio/status", form)
    assert status == 400


def _chat(line: Server, payload: dict[str, object] | str) -> tuple[int, dict[str, object]]:
    def call(path: str, body: bytes, token: str | None) -> tuple[int, dict[str, object]]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(line.url + path, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    _, started = call("/api/chat/start", b"{}", None)
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return call("/api/chat/messages", body.encode(), str(started["token"]))


def test_chat_text_and_name_with_nul_are_kept(line: Server) -> None:
    status, reply = _chat(
        line, {"client_message_id": "m" * 12, "text": "help\x00 me", "name": "Jade\x00 Smith"}
    )
    assert status == 202, reply
    [stored] = _inbound(line)
    assert stored.body == f"help{REPLACED} me"
    assert stored.hints["name"] == f"Jade{REPLACED} Smith"
    assert stored.hints["replaced_characters"] == "2"


def test_chat_text_with_a_lone_surrogate_is_kept(line: Server) -> None:
    # Valid JSON, but not valid UTF-8 once decoded: PostgreSQL could never store it.
    status, reply = _chat(line, '{"client_message_id": "mmmmmmmmmmmm", "text": "hi \\ud800 there"}')
    assert status == 202, reply
    assert _inbound(line)[0].body == f"hi {REPLACED} there"


def test_a_caller_keying_a_hundred_digits_is_asked_again(line: Server) -> None:
    call = Call(line)
    call.dial()
    heard = call.press("1" * 100)
    assert call.action is not None and heard  # still in the call, asked again
    with Session(line.rt.engine) as session:
        digits = session.exec(select(CallStep.digits)).all()
        assert all(d is None or len(d) <= 40 for d in digits)


def test_a_nul_in_speech_is_kept(line: Server) -> None:
    call = Call(line)
    call.dial()
    call.say("existing\x00 complaint")
    assert call.action is not None


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("seq=99999999999999999999", {}),
        ("seq=-3", {}),
        ("seq=1", {"Digits": "12ab"}),
        ("seq=1", {"CallSid": "CA" + "0" * 300}),
        ("seq=1", {"Confidence": "1e400"}),
        ("seq=1", {"RecordingUrl": "file:///etc/passwd"}),
    ],
)
def test_call_steps_twilio_never_sends_are_refused(
    line: Server, query: str, fields: dict[str, str]
) -> None:
    call = Call(line)
    call.dial()
    status, _ = post_signed(line, f"{PUBLIC}/webhooks/twilio/voice/step?{query}",
                            call.form(**fields))  # fmt: skip
    assert status == 400
