"""A live frontdoor on a real port, answering SMS webhooks signed as Twilio signs them, with the
local Twilio stand-in taking what it sends."""

from __future__ import annotations

import html
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func
from sqlmodel import Session, select
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from app import create_app
from app.runtime import Runtime
from tests.factories import seed_demo
from tests.twilio_api import AUTH_TOKEN, TwilioApi, settings

RESIDENT, COUNCIL = "+447700900123", "+447700900000"


@dataclass
class Live:
    url: str
    public: str
    rt: Runtime
    api: TwilioApi

    def post(
        self, path: str, form: dict[str, str], signature: str | None = "sign"
    ) -> tuple[int, str]:
        if signature == "sign":
            signature = RequestValidator(AUTH_TOKEN).compute_signature(self.public + path, form)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        data = urllib.parse.urlencode(form).encode()
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def text(self, body: str, sid: str | None = None, sender: str = RESIDENT) -> tuple[int, str]:
        form = {"MessageSid": sid or "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
                "From": sender, "To": COUNCIL, "Body": body, "NumMedia": "0"}  # fmt: skip
        return self.post("/webhooks/twilio/sms", form)

    def last_reply(self) -> str:
        return self.api.calls[-1]["Body"]

    def answer(self, body: str, sid: str | None = None) -> str:
        """Send a text whose answer should come straight back in the TwiML response."""
        status, twiml = self.text(body, sid=sid)
        assert status == 200
        found = re.search(r"<Message>(.*)</Message>", twiml, re.DOTALL)
        assert found is not None, twiml
        return html.unescape(found.group(1))

    def count(self, model: type) -> int:
        with Session(self.rt.engine) as session:
            return int(session.exec(select(func.count()).select_from(model)).one())


@pytest.fixture
def live(pg_url: str) -> Iterator[Live]:
    with TwilioApi(refuse={"+447700900666": 21610}) as api:
        config = settings(api) | {"DATABASE_URL": pg_url, "SECRET_KEY": "k", "LOG_FORMAT": "json"}
        app = create_app(config)
        rt: Runtime = app.extensions["frontdoor"]
        seed_demo(rt)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield Live(f"http://127.0.0.1:{server.server_port}", config["PUBLIC_BASE_URL"], rt, api)
        server.shutdown()
        rt.engine.dispose()
