"""A complaint started in web chat gathers its details before the case is opened, through the
chat API a browser uses."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from app.models import Case
from tests.factories import seed_demo


class _Chat:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        started = client.post("/api/chat/start")
        assert started.status_code == 201
        self.auth = {"Authorization": f"Bearer {started.get_json()['token']}"}

    def say(self, text: str) -> str:
        """Post `text`; the bot's reply to it."""
        body = {"client_message_id": uuid.uuid4().hex, "text": text}
        assert (
            self.client.post("/api/chat/messages", json=body, headers=self.auth).status_code == 202
        )
        messages: list[dict[str, Any]] = self.client.get(
            "/api/chat/messages", headers=self.auth
        ).get_json()["messages"]
        assert messages[-1]["direction"] == "out"
        return str(messages[-1]["text"])


def _cases(app: Flask) -> list[Case]:
    with Session(app.extensions["frontdoor"].engine) as session:
        return list(session.exec(select(Case)).all())


def test_a_complaint_in_web_chat_is_asked_for_what_is_missing_then_logged(flask_app: Flask) -> None:
    seed_demo(flask_app.extensions["frontdoor"])
    chat = _Chat(flask_app.test_client())
    first = chat.say("I'd like to complain about the state of the park")
    assert first.startswith(
        "I'm sorry to hear that. Please tell me what went wrong, in your own words. I will log"
    )
    assert _cases(flask_app) == []
    # This answer also says when, so only the remedy is left to ask.
    what = "The play area by the pond has had broken glass in it for two weeks"
    assert chat.say(what) == "What would you like us to do to put it right?"
    logged = chat.say("Clear it up today and check it every week please")
    (case,) = _cases(flask_app)
    assert case.case_type == "complaint" and case.reference in logged
    assert case.summary.splitlines() == [
        "I'd like to complain about the state of the park",
        f"What went wrong: {what}",
        "To put it right: Clear it up today and check it every week please",
    ]


def test_a_complaint_that_says_it_all_opens_at_once(flask_app: Flask) -> None:
    seed_demo(flask_app.extensions["frontdoor"])
    chat = _Chat(flask_app.test_client())
    said = (
        "I want to complain. Your parking warden ticketed me on Saturday while I was loading "
        "my disabled son's wheelchair into the car. I want the ticket cancelled."
    )
    assert "Your complaint is logged as WNC-" in chat.say(said)
    (case,) = _cases(flask_app)
    assert case.summary == said
