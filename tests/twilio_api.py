"""A local stand-in for api.twilio.com, which this machine cannot reach. It records every call."""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token-0123456789abcdef"


class TwilioApi:
    """Answers Messages.create like Twilio; `refuse` maps a To number to a Twilio error code."""

    def __init__(
        self, delay: float = 0.0, refuse: dict[str, int] | None = None, port: int = 0
    ) -> None:
        self.delay = delay
        self.refuse = refuse or {}
        self.calls: list[dict[str, str]] = []
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    return self._reply(
                        401, {"code": 20003, "message": "Authenticate", "status": 401}
                    )
                if not self.path.endswith(f"/Accounts/{ACCOUNT_SID}/Messages.json"):
                    return self._reply(404, {"code": 20404, "message": "Not found", "status": 404})
                time.sleep(api.delay)
                with api._lock:
                    api.calls.append(form)
                code = api.refuse.get(form.get("To", ""))
                if code is not None:
                    return self._reply(400, {"code": code, "message": "refused", "status": 400})
                sid = "SM" + uuid.uuid4().hex
                self._reply(
                    201,
                    {
                        "sid": sid,
                        "status": "queued",
                        "to": form.get("To"),
                        "body": form.get("Body"),
                    },
                )

            def _reply(self, status: int, body: dict[str, object]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: object) -> None:
                return

        # A fixed port lets a test bring "Twilio" up where the app already points, mid-test.
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def sent_to(self) -> Counter[str]:
        with self._lock:
            return Counter(call.get("To", "") for call in self.calls)

    def __enter__(self) -> TwilioApi:
        self._thread.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()


def settings(api: TwilioApi) -> dict[str, str]:
    """The settings that point frontdoor's SMS adapter at this stand-in."""
    return {
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": "+447700900000",
        "TWILIO_API_BASE": api.base_url,
        "PUBLIC_BASE_URL": "https://frontdoor.example.gov.uk",
        # The real limit (1 a second) has its own test; others need not wait on it.
        "SMS_SEGMENTS_PER_SECOND": "1000",
    }
