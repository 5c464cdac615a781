"""Inline jobs (`make run`: no Redis): an outside failure is answered 200, and swept up later."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text
from sqlmodel import Session, select
from twilio.request_validator import RequestValidator

from app import create_app
from app.jobs.inline_sweep import InlineSweep
from app.models import Message, OutboxMessage, utcnow
from app.runtime import Runtime
from tests.factories import seed_demo
from tests.jobs.workers import free_port, wait_for
from tests.twilio_api import ACCOUNT_SID, AUTH_TOKEN, TwilioApi

PUBLIC = "https://frontdoor.example.gov.uk"
COMPLAINT = (
    "I want to make a complaint, the grass in the park hasn't been cut for months "
    "and I'd like it cut this week"
)


@pytest.fixture
def twilio_port() -> int:
    """Where the app expects Twilio; nothing listens there until a test starts the stand-in."""
    return free_port()


@pytest.fixture
def app(settings_for: Callable[..., dict[str, Any]], twilio_port: int) -> Iterator[Flask]:
    config = settings_for(
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_FROM_NUMBER="+447700900000",
        TWILIO_API_BASE=f"http://127.0.0.1:{twilio_port}",
        PUBLIC_BASE_URL=PUBLIC,
        SMS_SEGMENTS_PER_SECOND="1000",
        SWEEP_INTERVAL_SECONDS="1",
    )
    application = create_app(config)
    seed_demo(application.extensions["frontdoor"])
    yield application
    application.extensions["frontdoor"].engine.dispose()


def _text(app: Flask, body: str) -> tuple[int, str]:
    form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": ACCOUNT_SID, "Body": body,
            "From": "+447700900123", "To": "+447700900000", "NumMedia": "0"}  # fmt: skip
    path = "/webhooks/twilio/sms"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + path, form)
    response = app.test_client().post(path, data=form, headers={"X-Twilio-Signature": signature})
    return response.status_code, response.get_data(as_text=True)


def _reply(rt: Runtime) -> OutboxMessage:
    with Session(rt.engine) as session:
        return session.exec(select(OutboxMessage)).one()


def test_a_complaint_texted_while_twilio_is_unreachable_is_answered_200_and_sent_once_later(
    app: Flask, twilio_port: int
) -> None:
    rt: Runtime = app.extensions["frontdoor"]
    status, twiml = _text(app, COMPLAINT)
    assert status == 200 and "<Message>" not in twiml
    first = _reply(rt)
    assert (first.status, first.attempts, first.sent_at) == ("pending", 1, None)
    assert first.last_error  # the connection error's name, for whoever looks

    sweep = app.extensions["frontdoor.sweep"]
    assert isinstance(sweep, InlineSweep) and sweep.running
    # Still unreachable: the sweep thread tries again, then holds the row back, not every second.
    wait_for(
        lambda: _reply(rt).attempts >= 2 and _reply(rt).not_before is not None,
        10,
        "the sweep to try again",
    )
    held = _reply(rt)
    assert held.status == "pending" and held.not_before and held.not_before > utcnow()
    time.sleep(2.5)
    assert _reply(rt).attempts == held.attempts

    with TwilioApi(port=twilio_port) as api:
        with Session(rt.engine) as session:  # as if the back-off had run its course
            row = session.get_one(OutboxMessage, held.id)
            row.not_before = utcnow() - timedelta(seconds=1)
            session.add(row)
            session.commit()
        wait_for(lambda: _reply(rt).status == "sent", 10, "the sweep to send the reply")
        time.sleep(2.5)  # more sweeps go by: nothing is sent twice
        assert len(api.calls) == 1
        assert "Your complaint is logged as WNC-" in api.calls[0]["Body"]

    rt.engine.dispose()  # the app's end: its sweep goes with it
    wait_for(lambda: not sweep.running, 5, "the sweep thread to end")


TRIGGERS = {
    "postgresql": [
        "CREATE FUNCTION refuse_decisions() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'decisions refused'; END $$",
        "CREATE TRIGGER refuse_decisions BEFORE INSERT ON routing_decision "
        "FOR EACH ROW EXECUTE FUNCTION refuse_decisions()",
    ],
    "sqlite": [
        "CREATE TRIGGER refuse_decisions BEFORE INSERT ON routing_decision "
        "BEGIN SELECT RAISE(ABORT, 'decisions refused'); END",
    ],
}
DROPS = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS refuse_decisions ON routing_decision",
        "DROP FUNCTION IF EXISTS refuse_decisions()",
    ],
    "sqlite": ["DROP TRIGGER IF EXISTS refuse_decisions"],
}


def _run(rt: Runtime, statements: list[str]) -> None:
    with rt.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def test_a_chat_message_whose_handling_fails_inline_is_kept_and_handled_by_the_sweep(
    app: Flask,
) -> None:
    rt: Runtime = app.extensions["frontdoor"]
    dialect = rt.engine.dialect.name
    client = app.test_client()
    token = client.post("/api/chat/start").get_json()["token"]
    _run(rt, TRIGGERS[dialect])  # the database refuses the routing decision: handling fails
    try:
        response = client.post(
            "/api/chat/messages",
            json={"client_message_id": uuid.uuid4().hex, "text": "pothole outside number 4"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 202
    finally:
        _run(rt, DROPS[dialect])
    with Session(rt.engine) as session:
        message = session.exec(select(Message).where(Message.direction == "in")).one()
        assert message.processed_at is None  # stored, not lost, not half-handled

    sweep = app.extensions["frontdoor.sweep"]
    assert isinstance(sweep, InlineSweep)
    assert sweep.run_once(grace=timedelta(0)) == (1, 0)
    with Session(rt.engine) as session:
        assert session.get_one(Message, message.id).processed_at is not None
        assert session.exec(select(OutboxMessage)).one().status == "sent"
