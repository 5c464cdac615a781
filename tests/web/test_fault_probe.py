"""The attacker's and careless client's probe, against production's own process layout.

gunicorn with app/gunicorn_conf.py, PostgreSQL, Redis and a `frontdoor worker` with its relay:
each malformed request from issue 16 is sent, then no answer may be a 5xx, no worker may hang,
and no log line of any process may carry the probe's personal data.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from twilio.request_validator import RequestValidator

from tests.conftest import REPO
from tests.jobs.workers import start_worker, stop
from tests.twilio_api import ACCOUNT_SID, AUTH_TOKEN, TwilioApi

pytestmark = pytest.mark.slow

PUBLIC = "https://frontdoor.example.gov.uk"
COUNCIL = "+441604837837"
# The probe's personal data: none of it may reach a log, in any form we can foresee.
NAME, EMAIL, POSTCODE, PHONE = "Zebedee Quarrington", "zeb.q@example.org", "NN4 7QQ", "07700900777"
NEVER_LOGGED = (NAME, "Quarrington", EMAIL, POSTCODE, "NN47QQ", PHONE, "7700900777", "7700 900777")
SAID = f"I am {NAME}, {EMAIL}, {POSTCODE}, call {PHONE}"
# Twilio gives up on a webhook after 15 seconds.
TWILIO_PATIENCE = 15.0


@dataclass
class Production:
    url: str
    logs: list[Path]

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, float]:
        started = time.monotonic()
        request = urllib.request.Request(self.url + path, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=TWILIO_PATIENCE + 5) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except TimeoutError:
            status = 0  # no answer in Twilio's time: as good as lost
        return status, time.monotonic() - started

    def twilio(self, path: str, form: dict[str, str]) -> tuple[int, float]:
        signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + path, form)
        headers = {"X-Twilio-Signature": signature,
                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        return self.post(path, urllib.parse.urlencode(form).encode(), headers)

    def chat(self, payload: str) -> tuple[int, float]:
        request = urllib.request.Request(
            self.url + "/api/chat/start", data=b"{}", headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            token = json.loads(response.read())["token"]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        return self.post("/api/chat/messages", payload.encode(), headers)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def production(pg_url: str, redis_url: str, tmp_path: Path) -> Iterator[Production]:
    with TwilioApi() as api:
        env = {
            "PATH": os.environ.get("PATH", ""), "DATABASE_URL": pg_url, "REDIS_URL": redis_url,
            "FRONTDOOR_ENV": "production", "SECRET_KEY": "probe-secret", "LOG_FORMAT": "json",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_FROM_NUMBER": COUNCIL, "TWILIO_API_BASE": api.base_url,
            "PUBLIC_BASE_URL": PUBLIC, "WEB_CONCURRENCY": "2", "WEB_THREADS": "2",
        }  # fmt: skip
        port = _free_port()
        web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
        with web_log.open("ab") as out:
            web = subprocess.Popen(
                [str(REPO / ".venv" / "bin" / "gunicorn"), "-c", "python:app.gunicorn_conf",
                 "--bind", f"127.0.0.1:{port}", "app:create_app()"],
                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        worker = start_worker(env, worker_log)
        try:
            _wait_for(port)
            yield Production(f"http://127.0.0.1:{port}", [web_log, worker_log])
        finally:
            web.terminate()
            try:
                web.wait(timeout=30)
            except subprocess.TimeoutExpired:
                web.kill()  # a worker hung on a probe will not go quietly
                web.wait(timeout=10)
            stop(worker)


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _text(**overrides: str) -> dict[str, str]:
    form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": ACCOUNT_SID,
            "From": "+447700900123", "To": COUNCIL, "Body": SAID, "NumMedia": "0"}  # fmt: skip
    return form | overrides


def _call(production: Production, seq: str = "1", **fields: str) -> tuple[int, float]:
    """A call answered, then its first step carrying `fields`."""
    form = {"CallSid": "CA" + uuid.uuid4().hex, "AccountSid": ACCOUNT_SID,
            "From": "+447700900123", "To": COUNCIL, "CallStatus": "in-progress"}  # fmt: skip
    assert production.twilio("/webhooks/twilio/voice", form)[0] == 200
    return production.twilio(f"/webhooks/twilio/voice/step?seq={seq}", form | fields)


def test_the_probe_finds_no_500_no_hung_worker_and_no_personal_data_in_logs(
    production: Production,
) -> None:
    sms = "/webhooks/twilio/sms"
    long_token = "x" * 600_000
    probes: dict[str, tuple[int, float]] = {
        "sms NUL in Body": production.twilio(sms, _text(Body=SAID + "\x00")),
        "sms NUL in To": production.twilio(sms, _text(To=COUNCIL + "\x00")),
        "sms 302-char MessageSid": production.twilio(sms, _text(MessageSid="SM" + "1" * 300)),
        "sms 403-char To": production.twilio(sms, _text(To="+" + "4" * 402)),
        "sms NumMedia=abc": production.twilio(sms, _text(NumMedia="abc")),
        "sms 600 KB token": production.twilio(sms, _text(Body=long_token)),
        "sms 600 KB email-ish token": production.twilio(
            sms, _text(Body="a." * 150_000 + "@" + "b-" * 100_000)
        ),
        "sms 600 KB prose": production.twilio(sms, _text(Body=(SAID + " ") * 8_000)),
        "chat NUL in text and name": production.chat(
            json.dumps({"client_message_id": uuid.uuid4().hex, "text": SAID, "name": f"{NAME}\x00"})
        ),
        # json.dumps escapes a lone surrogate as \ud800: valid JSON, unstorable text.
        "chat lone surrogate": production.chat(
            json.dumps({"client_message_id": uuid.uuid4().hex, "text": SAID + "\ud800"})
        ),
        "voice 100 digits": _call(production, Digits="1" * 100),
        "voice NUL in speech": _call(production, SpeechResult=SAID + "\x00"),
        "voice huge seq": _call(production, seq="9" * 20),
    }
    failed = {name: result for name, result in probes.items() if not 200 <= result[0] < 500}
    assert failed == {}, failed
    slow = {name: result for name, result in probes.items() if result[1] > TWILIO_PATIENCE}
    assert slow == {}, slow

    # Every worker still answers promptly afterwards: none is hung on a probe.
    for _ in range(6):
        status, seconds = production.twilio(sms, _text(Body="bins?"))
        assert status == 200 and seconds < 5
    time.sleep(2)  # the worker handles the stored texts and logs as it goes

    logs = "".join(path.read_text(errors="replace") for path in production.logs)
    assert "message.received" in logs and "WORKER TIMEOUT" not in logs
    leaked = [probe for probe in NEVER_LOGGED if probe in logs]
    assert leaked == [], leaked
