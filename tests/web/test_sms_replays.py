"""Twilio's concurrent retries of one text: every copy gets the same answer, handled once.

A live threaded server on PostgreSQL with REDIS_URL set, as production runs it; copies of one
signed MessageSid are released together by a barrier.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer
from sqlmodel import Session, select
from werkzeug.serving import make_server

from app import create_app
from app.jobs.relay import InboundRelay
from app.jobs.runner import QUEUE_NAME
from app.models import AuditEvent, Message, OutboxMessage
from app.pipeline.keywords import HELP_REPLY
from app.runtime import Runtime
from tests.conftest import REPO
from tests.factories import seed_demo
from tests.jobs.workers import wait_for
from tests.twilio_api import TwilioApi, settings
from tests.web.sms_line import Live

COPIES = 3
FRONTDOOR = str(REPO / ".venv" / "bin" / "frontdoor")
POSTCODES = ["NN1 1AA", "NN1 5BB", "NN4 8CC", "NN7 4AQ", "NN11 4HJ", "NN12 6DD", "NN13 7EE"]


@pytest.fixture
def live(pg_url: str, redis_url: str) -> Iterator[tuple[Live, dict[str, str]]]:
    with TwilioApi() as api:
        config = settings(api) | {
            "DATABASE_URL": pg_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "k",
            "LOG_FORMAT": "json",
        }
        app = create_app(config)
        rt: Runtime = app.extensions["frontdoor"]
        seed_demo(rt)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield (
            Live(f"http://127.0.0.1:{server.server_port}", config["PUBLIC_BASE_URL"], rt, api),
            config,
        )
        server.shutdown()
        rt.engine.dispose()


def _sender(n: int) -> str:
    return f"+4477009{n:05d}"


def _all_at_once(live: Live, texts: list[tuple[str, str]]) -> list[list[tuple[int, str]]]:
    """Each (sender, body) sent COPIES times under one MessageSid, the copies released together."""
    jobs = []
    for sender, body in texts:
        sid, barrier = "SM" + uuid.uuid4().hex, threading.Barrier(COPIES, timeout=30)
        jobs += [(sid, sender, body, barrier)] * COPIES

    def send(job: tuple[str, str, str, threading.Barrier]) -> tuple[int, str]:
        sid, sender, body, barrier = job
        barrier.wait()
        return live.text(body, sid=sid, sender=sender)

    # Jobs are taken in order, so only the newest message can be part-started: no barrier starves.
    with ThreadPoolExecutor(max_workers=4 * COPIES) as pool:
        results = list(pool.map(send, jobs))
    return [results[i : i + COPIES] for i in range(0, len(results), COPIES)]


def _said(twiml: str) -> str | None:
    found = re.search(r"<Message>(.*)</Message>", twiml, re.DOTALL)
    return html.unescape(found.group(1)) if found else None


def test_concurrent_copies_of_a_self_service_text_all_get_the_same_answer(
    live: tuple[Live, dict[str, str]],
) -> None:
    server, _config = live
    texts = [
        (_sender(n), f"when is my bin day? {POSTCODES[n % len(POSTCODES)]}") for n in range(15)
    ]
    differing = []
    for (_, body), copies in zip(texts, _all_at_once(server, texts), strict=True):
        assert [status for status, _ in copies] == [200] * COPIES
        answers = [_said(twiml) for _, twiml in copies]
        expected = f"Bins for {body.rsplit('? ', 1)[1]} are collected on "
        if len(set(answers)) != 1 or not (answers[0] or "").startswith(expected):
            differing.append((body, answers))
    assert differing == [], f"{len(differing)} of {len(texts)} texts got differing answers"
    assert server.count(OutboxMessage) == len(texts)  # one answer each, given in the response
    assert server.api.calls == []


def test_concurrent_copies_of_a_keyword_all_get_the_same_words_and_count_once(
    live: tuple[Live, dict[str, str]],
) -> None:
    server, _config = live
    texts = [(_sender(n), "HELP" if n % 2 else "STOP") for n in range(8)]
    for (_, body), copies in zip(texts, _all_at_once(server, texts), strict=True):
        said = [(status, _said(twiml)) for status, twiml in copies]
        expected = HELP_REPLY if body == "HELP" else None  # Twilio itself confirms STOP
        assert said == [(200, expected)] * COPIES, body
    with Session(server.rt.engine) as session:
        opted_out = session.exec(
            select(AuditEvent).where(AuditEvent.action == "contact.opted_out")
        ).all()
    assert len(opted_out) == 4  # one per STOP, not one per copy


def _queued_handles(redis_url: str) -> Counter[int]:
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(redis_url), serializer=JSONSerializer)
    return Counter(
        int(job.args[0])
        for job in queue.get_jobs()
        if (job.func_name or "").endswith("handle_inbound")
    )


def test_concurrent_copies_of_an_outbox_text_enqueue_its_handling_once(
    live: tuple[Live, dict[str, str]], pg_url: str, redis_url: str
) -> None:
    server, config = live
    texts = [(_sender(n), f"pothole number {n} on the A45 near the roundabout") for n in range(12)]
    relay, stop = InboundRelay(pg_url, redis_url), threading.Event()
    listening = threading.Thread(target=relay.listen, args=(lambda: not stop.is_set(),))
    listening.start()
    try:
        for copies in _all_at_once(server, texts):
            assert [(status, _said(twiml)) for status, twiml in copies] == [(200, None)] * COPIES
        with Session(server.rt.engine) as session:
            stored = sorted(
                m.id for m in session.exec(select(Message).where(Message.direction == "in")) if m.id
            )
        assert len(stored) == len(texts)
        wait_for(lambda: set(_queued_handles(redis_url)) == set(stored), 10, "the relay")
    finally:
        stop.set()
        listening.join(timeout=5)
    # A relay that comes late finds every message already enqueued by someone.
    assert InboundRelay(pg_url, redis_url).catch_up_once() == 0
    assert _queued_handles(redis_url) == Counter(stored)  # one job each: 12, not 36

    env = {"PATH": os.environ.get("PATH", "")} | config
    worker = subprocess.run(
        [FRONTDOOR, "worker", "--burst"], env=env, capture_output=True, text=True, timeout=120
    )
    assert worker.returncode == 0, worker.stderr[-2000:]
    assert server.count(OutboxMessage) == len(texts)
    assert server.api.sent_to() == Counter({sender: 1 for sender, _ in texts})
