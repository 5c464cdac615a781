"""Jobs through real Redis and a real rq worker process: ids only, nothing lost."""

from __future__ import annotations

import os
import subprocess
import uuid
from datetime import timedelta

from flask import Flask
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer
from sqlmodel import Session, col, select

from app import create_app
from app.config import load_settings
from app.jobs.relay import InboundRelay
from app.jobs.runner import QUEUE_NAME
from app.jobs.sweeper import sweep
from app.models import Message, OutboxMessage, RoutingDecision
from app.runtime import build_runtime
from tests.conftest import REPO

FRONTDOOR = str(REPO / ".venv" / "bin" / "frontdoor")
MESSAGES = [
    "pothole outside number 4",
    "I want to make a complaint: the crew broke my gate last week and I want it repaired",
    "hello",
    "my bin was not collected",
]


def _app(pg_url: str, redis_url: str) -> Flask:
    return create_app(
        {"DATABASE_URL": pg_url, "REDIS_URL": redis_url, "SECRET_KEY": "k", "LOG_FORMAT": "json"}
    )


def _chat(app: Flask, texts: list[str]) -> None:
    client = app.test_client()
    token = client.post("/api/chat/start").get_json()["token"]
    for text in texts:
        response = client.post(
            "/api/chat/messages",
            json={"client_message_id": uuid.uuid4().hex, "text": text, "phone": "07700 900456"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 202


def _run_worker(pg_url: str, redis_url: str) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": pg_url,
        "REDIS_URL": redis_url,
        "LOG_FORMAT": "json",
    }
    result = subprocess.run(
        [FRONTDOOR, "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_jobs_carry_only_ids_and_a_real_worker_routes_and_replies(
    pg_url: str, redis_url: str
) -> None:
    app = _app(pg_url, redis_url)
    _chat(app, MESSAGES)
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(redis_url), serializer=JSONSerializer)
    # On PostgreSQL the webhook makes no Redis call: the commit announces, the relay enqueues.
    assert not [job for job in queue.get_jobs() if (job.func_name or "").endswith("handle_inbound")]
    assert InboundRelay(pg_url, redis_url).catch_up_once() == len(MESSAGES)
    jobs = queue.get_jobs()
    assert len(jobs) == len(MESSAGES)
    for job in jobs:
        assert job.func_name == "app.jobs.entrypoints.handle_inbound"
        assert len(job.args) == 1 and isinstance(job.args[0], int) and not job.kwargs
    # Nothing personal reaches Redis: no words, no phone number.
    connection = Redis.from_url(redis_url)
    raw = "".join(str(connection.hget(job.key, "data")) for job in jobs)
    assert "pothole" not in raw and "7700" not in raw

    _run_worker(pg_url, redis_url)
    with Session(app.extensions["frontdoor"].engine) as session:
        inbound = session.exec(select(Message).where(Message.direction == "in")).all()
        assert all(m.processed_at is not None for m in inbound)
        assert len(session.exec(select(RoutingDecision)).all()) == len(MESSAGES)
        outbox = session.exec(select(OutboxMessage)).all()
        assert [row.status for row in outbox] == ["sent"] * len(MESSAGES)
        assert len(session.exec(select(Message).where(Message.direction == "out")).all()) == len(
            MESSAGES
        )


def test_with_redis_down_messages_still_land_and_are_delivered_once_it_is_back(
    pg_url: str, redis_url: str
) -> None:
    down = _app(pg_url, "redis://127.0.0.1:9/0")  # nothing listens on the discard port
    _chat(down, MESSAGES)
    health = down.test_client().get("/healthz").get_json()
    assert health["redis"] == "unavailable" and health["status"] == "ok"
    with Session(down.extensions["frontdoor"].engine) as session:
        stored = session.exec(select(Message)).all()
        assert len(stored) == len(MESSAGES) and all(m.processed_at is None for m in stored)

    back = build_runtime(load_settings({"DATABASE_URL": pg_url, "REDIS_URL": redis_url}))
    assert sweep(back, grace=timedelta(0)) == (len(MESSAGES), 0)
    _run_worker(pg_url, redis_url)
    # The worker's own replies went out; a second sweep finds nothing left behind.
    assert sweep(back, grace=timedelta(0)) == (0, 0)
    with Session(back.engine) as session:
        assert len(session.exec(select(RoutingDecision)).all()) == len(MESSAGES)
        statuses = session.exec(select(OutboxMessage.status).order_by(col(OutboxMessage.id))).all()
        assert statuses == ["sent"] * len(MESSAGES)
