"""A caller for tests: follows the TwiML's action URLs, signed as Twilio signs."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import Flask
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from app import create_app
from app.ivr.twiml_reader import read_twiml
from app.runtime import Runtime
from tests.twilio_api import ACCOUNT_SID, AUTH_TOKEN

PUBLIC = "https://frontdoor.example.gov.uk"
COUNCIL = "+441604837837"
# 10:00 and 21:00 on a working Tuesday: the lines open, and closed.
TUESDAY_MORNING = datetime(2026, 11, 24, 10, tzinfo=UTC)
TUESDAY_NIGHT = datetime(2026, 11, 24, 21, tzinfo=UTC)


@dataclass
class Server:
    url: str
    rt: Runtime


@contextmanager
def council_line(database_url: str, now: datetime, **config: str) -> Iterator[Server]:
    """frontdoor answering the council's number on a live server, its clock stopped at `now`."""
    app = create_app({
        "DATABASE_URL": database_url, "SECRET_KEY": "k", "LOG_FORMAT": "json",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "PUBLIC_BASE_URL": PUBLIC, **config,
    })  # fmt: skip
    app.extensions["frontdoor"].clock = lambda: now
    try:
        with serving(app) as running:
            yield running
    finally:
        app.extensions["frontdoor"].engine.dispose()


@contextmanager
def serving(app: Flask) -> Iterator[Server]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{server.server_port}", app.extensions["frontdoor"])
    finally:
        server.shutdown()


def post_signed(
    server: Server, url: str, form: dict[str, str], signature: str | None = "sign"
) -> tuple[int, str]:
    """POST to a public URL's path on the live server, signed for the public URL."""
    if signature == "sign":
        signature = RequestValidator(AUTH_TOKEN).compute_signature(url, form)
    parts = urllib.parse.urlsplit(url)
    target = server.url + parts.path + (f"?{parts.query}" if parts.query else "")
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    request = urllib.request.Request(
        target, data=urllib.parse.urlencode(form).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@dataclass
class Call:
    """One phone call: each reply is the TwiML's words; `action` is where the next answer goes."""

    server: Server
    caller: str = "+447700900123"
    sid: str = field(default_factory=lambda: "CA" + uuid.uuid4().hex)
    action: str | None = None
    twiml: str = ""
    heard: list[str] = field(default_factory=list)

    def form(self, **fields: str) -> dict[str, str]:
        return {"CallSid": self.sid, "AccountSid": ACCOUNT_SID, "From": self.caller,
                "To": COUNCIL, "CallStatus": "in-progress", **fields}  # fmt: skip

    def dial(self) -> str:
        return self._post(f"{PUBLIC}/webhooks/twilio/voice", self.form())

    def press(self, digits: str) -> str:
        return self._answer(Digits=digits)

    def say(self, speech: str, confidence: float = 0.92) -> str:
        return self._answer(SpeechResult=speech, Confidence=str(confidence))

    def silence(self) -> str:
        return self._answer()

    def leave_message(self, recording_url: str) -> str:
        return self._answer(RecordingUrl=recording_url, RecordingDuration="14")

    def _answer(self, **fields: str) -> str:
        assert self.action is not None, f"the call is not waiting for an answer: {self.twiml}"
        return self._post(self.action, self.form(**fields))

    def _post(self, url: str, form: dict[str, str]) -> str:
        status, body = post_signed(self.server, url, form)
        assert status == 200, (status, body)
        self.twiml = body
        heard = read_twiml(body)
        self.action = heard.action
        self.heard.append(heard.words)
        return heard.words


def at(day: str, hour: int, minute: int = 0) -> datetime:
    """A UTC moment on an ISO day, for setting the runtime's clock."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)
