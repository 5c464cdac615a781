"""NLU_BACKEND=rasa: a real server when one is up; the embedded model whenever it is not."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.understanding.embedded import EmbeddedModel, train
from app.understanding.rasa import RasaNlu
from app.understanding.training_data import load_examples
from tests.conftest import REPO

RASA_URL = os.environ.get("RASA_URL")


@pytest.fixture(scope="module")
def embedded() -> EmbeddedModel:
    return train(load_examples(REPO / "bots"), threshold=0.4)


class _Server(ThreadingHTTPServer):
    """Joins its handler threads on close, so nothing they do lands after the test, and keeps
    any error a handler raises for the test to fail on."""

    daemon_threads = False

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.released = threading.Event()  # a slow answer goes out early once the test is done
        self.errors: list[BaseException] = []

    def handle_error(self, request: object, client_address: object) -> None:
        error = sys.exc_info()[1]
        if error is not None:
            self.errors.append(error)
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Misbehaving(BaseHTTPRequestHandler):
    """Stands in for a Rasa server that is failing in one particular way."""

    mode = "500"
    server: _Server

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.mode == "slow":
            self.server.released.wait(1.0)
        body = b"<html>oops</html>" if self.mode == "garbage" else b'{"error": "boom"}'
        try:
            self.send_response(500 if self.mode == "500" else 200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            if self.mode != "slow":
                raise
            # The client gave up at its timeout, as it should: nobody is left to answer.

    def log_message(self, *_args: object) -> None:
        return


@contextmanager
def _serving(mode: str) -> Iterator[str]:
    handler = type("Handler", (_Misbehaving,), {"mode": mode})
    server = _Server(handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.released.set()
        server.shutdown()
        server.server_close()
    assert not server.errors, f"the fake Rasa server failed: {server.errors!r}"


@pytest.fixture(params=["500", "garbage", "slow"])
def misbehaving(request: pytest.FixtureRequest) -> Iterator[str]:
    with _serving(request.param) as url:
        yield url


def test_falls_back_to_embedded_when_rasa_is_down(
    embedded: EmbeddedModel, capsys: pytest.CaptureFixture[str]
) -> None:
    nlu = RasaNlu("http://127.0.0.1:9", timeout=0.3, fallback=embedded)  # nothing listens there
    result = nlu.parse("my bin wasnt collected again")
    assert (result.intent, result.backend) == ("missed_bin", "embedded:fallback")
    assert "nlu.rasa_fallback" in capsys.readouterr().err


def test_falls_back_when_rasa_misbehaves(misbehaving: str, embedded: EmbeddedModel) -> None:
    nlu = RasaNlu(misbehaving, timeout=0.3, fallback=embedded)
    started = time.perf_counter()
    result = nlu.parse("pothole outside the school")
    assert time.perf_counter() - started < 0.9  # the timeout, not the server, decides
    assert (result.intent, result.backend) == ("pothole", "embedded:fallback")


def test_a_client_that_hangs_up_leaves_no_traceback(
    embedded: EmbeddedModel, capfd: pytest.CaptureFixture[str]
) -> None:
    with _serving("slow") as url:
        nlu = RasaNlu(url, timeout=0.3, fallback=embedded)
        assert nlu.parse("hello").backend == "embedded:fallback"
    # The server has finished answering the caller that left; it said nothing about it.
    assert "Traceback" not in capfd.readouterr().err


def test_after_a_failure_it_backs_off_instead_of_waiting_each_time(
    misbehaving: str, embedded: EmbeddedModel
) -> None:
    nlu = RasaNlu(misbehaving, timeout=0.3, fallback=embedded)
    nlu.parse("hello")
    started = time.perf_counter()
    for _ in range(20):
        assert nlu.parse("hello").backend == "embedded:fallback"
    assert time.perf_counter() - started < 0.2


@pytest.mark.skipif(RASA_URL is None, reason="RASA_URL is not set: no Rasa server (make test-rasa)")
def test_a_real_rasa_server_parses_residents_words(embedded: EmbeddedModel) -> None:
    assert RASA_URL is not None
    nlu = RasaNlu(RASA_URL, timeout=5.0, fallback=embedded)
    result = nlu.parse("my bin wasnt collected again")
    assert result.backend == "rasa"
    assert result.intent == "missed_bin"
    assert [s.confidence for s in result.ranking] == sorted(
        (s.confidence for s in result.ranking), reverse=True
    )
    assert json.dumps(result.ranking[0].__dict__)
