"""The inbound relay: PostgreSQL announces each committed message; exactly one relay enqueues it."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer
from sqlmodel import Session, select

from app import create_app
from app.jobs.relay import InboundRelay
from app.jobs.runner import QUEUE_NAME
from app.models import Message
from tests.jobs.workers import wait_for


def _app(pg_url: str, redis_url: str) -> Flask:
    # Forty messages on one conversation in a second: more than a resident may send.
    config = {"DATABASE_URL": pg_url, "REDIS_URL": redis_url, "SECRET_KEY": "k",
              "LOG_FORMAT": "json", "CHAT_MESSAGE_RATE_LIMIT": "100/minute"}  # fmt: skip
    return create_app(config)


def _chat(app: Flask, count: int) -> None:
    client = app.test_client()
    token = client.post("/api/chat/start").get_json()["token"]
    for n in range(count):
        response = client.post(
            "/api/chat/messages",
            json={"client_message_id": uuid.uuid4().hex, "text": f"pothole number {n}"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 202


def _queued_ids(redis_url: str) -> list[int]:
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(redis_url), serializer=JSONSerializer)
    return [
        int(job.args[0])
        for job in queue.get_jobs()
        if (job.func_name or "").endswith("handle_inbound")
    ]


@contextmanager
def _listening(relays: list[InboundRelay]) -> Iterator[None]:
    stop = threading.Event()
    threads = [
        threading.Thread(target=relay.listen, args=(lambda: not stop.is_set(),), daemon=True)
        for relay in relays
    ]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)


def _stored_ids(app: Flask) -> list[int]:
    with Session(app.extensions["frontdoor"].engine) as session:
        return sorted(
            m.id for m in session.exec(select(Message).where(Message.direction == "in")) if m.id
        )


def test_two_listening_relays_enqueue_each_announced_message_exactly_once(
    pg_url: str, redis_url: str
) -> None:
    app = _app(pg_url, redis_url)
    with _listening([InboundRelay(pg_url, redis_url), InboundRelay(pg_url, redis_url)]):
        # Whether a message lands before or after a relay LISTENs, catch-up or NOTIFY finds it.
        _chat(app, 40)
        wait_for(lambda: len(_queued_ids(redis_url)) >= 40, 10, "the relays to enqueue")
        stored = _stored_ids(app)
    queued = _queued_ids(redis_url)
    assert sorted(queued) == stored and len(stored) == 40


def test_a_relay_that_starts_late_catches_up_on_what_was_announced_while_nobody_listened(
    pg_url: str, redis_url: str
) -> None:
    app = _app(pg_url, redis_url)
    _chat(app, 5)  # announced to nobody
    assert _queued_ids(redis_url) == []
    with _listening([InboundRelay(pg_url, redis_url)]):
        wait_for(lambda: len(_queued_ids(redis_url)) >= 5, 10, "the relay to catch up")
        _chat(app, 3)
        wait_for(lambda: len(_queued_ids(redis_url)) >= 8, 10, "the relay to hear new ones")
    assert sorted(_queued_ids(redis_url)) == _stored_ids(app)


def test_with_redis_down_the_relay_drops_nothing_from_the_database(
    pg_url: str, redis_url: str
) -> None:
    app = _app(pg_url, redis_url)
    _chat(app, 3)
    down = InboundRelay(pg_url, "redis://127.0.0.1:9/0")
    assert down.catch_up_once() == 0
    # Still unhandled in PostgreSQL, so a relay (or the sweep) with Redis back finds them.
    assert InboundRelay(pg_url, redis_url).catch_up_once() == 3
    assert InboundRelay(pg_url, redis_url).catch_up_once() == 0  # and never twice
    assert sorted(_queued_ids(redis_url)) == _stored_ids(app)
