"""Web chat over HTTP: tokens, idempotent posts, forged requests leave no trace."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from app.models import Conversation, Message, OutboxMessage, RoutingDecision
from tests.factories import count

COMPLAINT = (
    "I'd like to complain: the park gates have been locked since Easter and I want them reopened"
)


def _start(client: FlaskClient) -> str:
    response = client.post("/api/chat/start")
    assert response.status_code == 201
    token: str = response.get_json()["token"]
    return token


def _post(
    client: FlaskClient, token: str, text: str, message_id: str | None = None, **extra: Any
) -> Any:
    return client.post(
        "/api/chat/messages",
        json={"client_message_id": message_id or uuid.uuid4().hex, "text": text, **extra},
        headers={"Authorization": f"Bearer {token}"},
    )


def _session(app: Flask) -> Session:
    return Session(app.extensions["frontdoor"].engine)


def test_a_resident_chats_and_reads_the_reply(flask_app: Flask) -> None:
    client = flask_app.test_client()
    token = _start(client)
    response = _post(client, token, COMPLAINT)
    assert response.status_code == 202
    messages = client.get(
        "/api/chat/messages", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    directions = [m["direction"] for m in messages["messages"]]
    assert directions == ["in", "out"]
    assert "Your complaint is logged as WNC-" in messages["messages"][1]["text"]


def test_a_replayed_post_creates_nothing_twice(flask_app: Flask) -> None:
    client = flask_app.test_client()
    token = _start(client)
    first = _post(client, token, "pothole on Gold Street", message_id="abcdef123456")
    again = _post(client, token, "pothole on Gold Street", message_id="abcdef123456")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.get_json() == {"message_id": first.get_json()["message_id"], "replay": True}
    with _session(flask_app) as session:
        assert count(session, Message) == 2  # one in, one reply out
        assert count(session, RoutingDecision) == 1
        assert count(session, OutboxMessage) == 1


def test_forged_or_missing_tokens_get_403_and_leave_no_trace(flask_app: Flask) -> None:
    client = flask_app.test_client()
    token = _start(client)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert _post(client, forged, "hello").status_code == 403
    assert (
        client.post(
            "/api/chat/messages", json={"client_message_id": "abcdefgh1", "text": "x"}
        ).status_code
        == 403
    )
    assert (
        client.get("/api/chat/messages", headers={"Authorization": "Bearer nope"}).status_code
        == 403
    )
    with _session(flask_app) as session:
        assert count(session, Message) == 0
        assert count(session, Conversation) == 0


def test_bad_input_gets_a_clear_400_and_stores_nothing(flask_app: Flask) -> None:
    client = flask_app.test_client()
    token = _start(client)
    too_long = _post(client, token, "x" * 2001)
    assert too_long.status_code == 400
    bad_postcode = _post(client, token, "bins", postcode="not a postcode")
    assert bad_postcode.status_code == 400
    assert bad_postcode.get_json() == {"error": "postcode: not a UK postcode"}
    not_json = client.post(
        "/api/chat/messages", data="hello", headers={"Authorization": f"Bearer {token}"}
    )
    assert not_json.status_code == 400
    with _session(flask_app) as session:
        assert count(session, Message) == 0


def test_one_conversation_cannot_read_another(flask_app: Flask) -> None:
    client = flask_app.test_client()
    mine, theirs = _start(client), _start(client)
    _post(client, mine, "my husband died and I need help with council tax")
    other = client.get(
        "/api/chat/messages", headers={"Authorization": f"Bearer {theirs}"}
    ).get_json()
    assert other == {"messages": []}


def test_health_reports_the_database_and_inline_jobs(flask_app: Flask) -> None:
    body = flask_app.test_client().get("/healthz").get_json()
    assert body == {"status": "ok", "database": "ok", "redis": "not used (inline jobs)"}


def test_the_chat_page_shows_the_safety_line(flask_app: Flask) -> None:
    page = flask_app.test_client().get("/")
    assert page.status_code == 200
    assert b"call 999" in page.data and b"116 123" in page.data


def test_every_response_carries_a_request_id(flask_app: Flask) -> None:
    client = flask_app.test_client()
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 32
    offered = client.get("/healthz", headers={"X-Request-ID": "proxy-abc-12345"})
    assert offered.headers["X-Request-ID"] == "proxy-abc-12345"
    hostile = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert hostile.headers["X-Request-ID"] != "<script>alert(1)</script>"


def test_an_api_error_keeps_its_headers(flask_app: Flask) -> None:
    response = flask_app.test_client().open("/api/chat/start", method="TRACE")
    assert response.status_code == 405 and response.is_json
    assert "POST" in response.headers["Allow"]
