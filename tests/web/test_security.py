"""Rate limits (counted in real Redis), security headers and the chat API's allowed origins."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from limits import parse_many
from redis import Redis
from sqlalchemy import func
from sqlmodel import Session, select
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

from app import create_app
from app.config import ConfigError, load_settings
from app.models import Message
from tests.twilio_api import ACCOUNT_SID, AUTH_TOKEN

PUBLIC = "https://frontdoor.example.gov.uk"
COUNCIL_SITE = "https://www.westnorthants.gov.uk"
ELSEWHERE = "https://evil.example"
RESIDENT, NEIGHBOUR = "203.0.113.7", "198.51.100.9"

Build = Callable[..., Flask]


@pytest.fixture
def build(pg_url: str, redis_url: str) -> Iterator[Build]:
    """create_app on PostgreSQL with limits counted in this run's Redis db."""
    apps: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        config: dict[str, Any] = {
            "DATABASE_URL": pg_url,
            "REDIS_URL": redis_url,
            "FRONTDOOR_ENV": "test",
            "SECRET_KEY": "test-secret-key",
            "LOG_FORMAT": "json",
            "PUBLIC_BASE_URL": PUBLIC,
        }
        app = create_app(config | overrides)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["frontdoor"].engine.dispose()


def _from(address: str) -> dict[str, str]:
    return {"REMOTE_ADDR": address}


def _start(client: FlaskClient, address: str = RESIDENT) -> TestResponse:
    return client.post("/api/chat/start", environ_overrides=_from(address))


def _token(client: FlaskClient, address: str = RESIDENT) -> str:
    started = _start(client, address)
    assert started.status_code == 201
    token: str = started.get_json()["token"]
    return token


def _say(client: FlaskClient, token: str, address: str = RESIDENT, **headers: str) -> TestResponse:
    return client.post(
        "/api/chat/messages",
        json={"client_message_id": uuid.uuid4().hex, "text": "when is my bin day?"},
        headers={"Authorization": f"Bearer {token}", **headers},
        environ_overrides=_from(address),
    )


def _assert_limited(response: TestResponse) -> None:
    assert response.status_code == 429
    assert "too many requests" in response.get_json()["error"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def _received(app: Flask) -> int:
    """Messages stored from residents (inline jobs add the replies beside them)."""
    with Session(app.extensions["frontdoor"].engine) as session:
        query = select(func.count()).select_from(Message).where(Message.direction == "in")
        return session.exec(query).one()


# --- rate limits -------------------------------------------------------------------------


def test_starting_conversations_is_limited_per_address(build: Build, redis_url: str) -> None:
    client = build(CHAT_START_RATE_LIMIT="3/minute").test_client()
    assert [_start(client).status_code for _ in range(3)] == [201, 201, 201]
    _assert_limited(_start(client))
    assert _start(client, NEIGHBOUR).status_code == 201  # someone else is unaffected
    keys = [key.decode() for key in Redis.from_url(redis_url).scan_iter("*frontdoor-limits*")]
    assert keys, "counted in Redis"
    assert not any(RESIDENT in key or NEIGHBOUR in key for key in keys), "addresses are hashed"


def test_messages_are_limited_per_conversation(build: Build) -> None:
    app = build(CHAT_MESSAGE_RATE_LIMIT="2/minute")
    client = app.test_client()
    chatty = _token(client)
    assert [_say(client, chatty).status_code for _ in range(2)] == [202, 202]
    _assert_limited(_say(client, chatty))
    assert _say(client, _token(client)).status_code == 202  # another conversation, same address
    assert _received(app) == 3


def test_conversations_from_one_address_share_its_limit(build: Build) -> None:
    app = build(CHAT_MESSAGE_RATE_LIMIT="2/minute", CHAT_ADDRESS_RATE_LIMIT="7/minute")
    client = app.test_client()
    statuses: list[int] = []
    for _ in range(5):  # a fresh conversation each time, so no conversation meets its own limit
        started = _start(client)
        statuses.append(started.status_code)
        if started.status_code != 201:
            break
        said = _say(client, started.get_json()["token"])
        statuses.append(said.status_code)
        if said.status_code != 202:
            break
    assert statuses == [201, 202, 201, 202, 201, 202, 201, 429]
    _assert_limited(client.get("/api/chat/messages", environ_overrides=_from(RESIDENT)))
    assert _start(client, NEIGHBOUR).status_code == 201


def _status_callback(client: FlaskClient) -> TestResponse:
    path = "/webhooks/twilio/status"
    form = {"MessageSid": "SM" + uuid.uuid4().hex, "MessageStatus": "delivered"}
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + path, form)
    return client.post(
        path,
        data=form,
        headers={"X-Twilio-Signature": signature},
        environ_overrides=_from(RESIDENT),
    )


def test_webhooks_are_limited_per_address(build: Build) -> None:
    twilio = {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": "+447700900000",
    }
    client = build(WEBHOOK_RATE_LIMIT="3/minute", **twilio).test_client()
    assert [_status_callback(client).status_code for _ in range(3)] == [204, 204, 204]
    refused = _status_callback(client)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_the_default_webhook_limit_is_far_above_twilios_rates() -> None:
    (limit,) = parse_many(load_settings({}).webhook_rate_limit)
    assert limit.amount / limit.get_expiry() >= 50  # per second, from all of Twilio at once


@pytest.mark.parametrize(
    ("name", "value"),
    [("CHAT_MESSAGE_RATE_LIMIT", "lots"), ("CHAT_ALLOWED_ORIGINS", "council.gov.uk")],
)
def test_a_bad_limit_or_origin_stops_start_up(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({name: value})


def test_an_unreachable_redis_limits_in_memory_and_answers(build: Build) -> None:
    app = build(REDIS_URL="redis://127.0.0.1:1/0", CHAT_START_RATE_LIMIT="2/minute")
    client = app.test_client()
    assert [_start(client).status_code for _ in range(2)] == [201, 201]
    _assert_limited(_start(client))


def test_behind_a_trusted_proxy_the_forwarded_address_is_limited(build: Build) -> None:
    def start_as(client: FlaskClient, forwarded: str) -> int:
        headers = {"X-Forwarded-For": forwarded}
        return client.post("/api/chat/start", headers=headers).status_code

    direct = build(CHAT_START_RATE_LIMIT="2/minute").test_client()
    # Untrusted, X-Forwarded-For is the client's own claim: it cannot buy a fresh allowance.
    assert [start_as(direct, f"192.0.2.{n}") for n in range(3)] == [201, 201, 429]
    proxied = build(CHAT_START_RATE_LIMIT="2/minute", TRUSTED_PROXY_HOPS=1).test_client()
    assert [start_as(proxied, "192.0.2.50") for _ in range(3)] == [201, 201, 429]
    assert start_as(proxied, "192.0.2.51") == 201


# --- headers -----------------------------------------------------------------------------


def _assert_secure_headers(response: TestResponse) -> None:
    policy = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_every_kind_of_response_carries_the_security_headers(build: Build) -> None:
    client = build(REDIS_URL=None).test_client()
    page = client.get("/")
    api = _start(client)
    webhook = client.post("/webhooks/twilio/sms", data={"Body": "hi"})
    assert (page.status_code, api.status_code, webhook.status_code) == (200, 201, 403)
    for response in (page, api, webhook):
        _assert_secure_headers(response)
        assert "Strict-Transport-Security" not in response.headers


def test_hsts_only_in_production_and_no_redirect_to_https(build: Build) -> None:
    secure = {"base_url": PUBLIC}
    assert "Strict-Transport-Security" not in build().test_client().get("/", **secure).headers
    production = build(FRONTDOOR_ENV="production").test_client()
    hsts = production.get("/", **secure).headers["Strict-Transport-Security"]
    assert hsts.startswith("max-age=31536000")
    # TLS ends at the proxy: plain HTTP is answered, never redirected (Twilio's signed URLs).
    assert production.get("/").status_code == 200


# --- origins -----------------------------------------------------------------------------


def test_another_sites_page_cannot_use_the_chat_api(build: Build) -> None:
    app = build(REDIS_URL=None)
    client = app.test_client()
    token = _token(client)
    refused = _say(client, token, Origin=ELSEWHERE)
    assert refused.status_code == 403
    assert "may not call" in refused.get_json()["error"]
    assert _received(app) == 0
    started = client.post("/api/chat/start", headers={"Origin": ELSEWHERE})
    assert started.status_code == 403
    assert _say(client, token, Origin="null").status_code == 403
    assert _say(client, token, Origin=PUBLIC + ".evil.example").status_code == 403


def test_our_own_and_listed_origins_and_servers_may(build: Build) -> None:
    app = build(REDIS_URL=None, CHAT_ALLOWED_ORIGINS=f"{COUNCIL_SITE}, https://other.example")
    client = app.test_client()
    token = _token(client)
    assert _say(client, token, Origin=PUBLIC).status_code == 202
    assert _say(client, token, Origin=COUNCIL_SITE).status_code == 202
    assert _say(client, token, Origin="http://localhost").status_code == 202  # the page's own
    assert _say(client, token).status_code == 202  # no Origin: a server-side client
    assert _received(app) == 4


# --- favicon -----------------------------------------------------------------------------


def test_the_favicon_is_served(build: Build) -> None:
    client = build(REDIS_URL=None).test_client()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)
