"""The inbound relay: PostgreSQL announces each committed message; the relay enqueues it on rq.

This keeps Redis out of the webhook's request. The ingest statement NOTIFYs, and NOTIFY is
delivered only on commit, so the relay never hears of a message that was not stored. Whenever
it (re)connects it first catches up on every unhandled message, because notifications sent
while nobody listened are gone. Several relays may run (one per worker): a Redis `SET NX` per
message lets exactly one of them enqueue it. The sweep stays as the last safety net.

It runs as a small process of its own beside `frontdoor worker` (`python -m app.jobs.relay`),
tied to the worker by a parent-death signal (`app/jobs/lifeline.py`). It needs only psycopg,
Redis and rq, not the NLU. It is a plain subprocess, not multiprocessing's spawn: spawn starts a
resource_tracker too, which every later fork inherits and which outlived a SIGKILLed worker.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable

import psycopg
import structlog
from redis import Redis
from sqlalchemy.engine import make_url

from app.jobs.lifeline import die_with_parent
from app.jobs.runner import RqJobRunner
from app.pipeline.ingest import INBOUND_CHANNEL

log = structlog.get_logger(__name__)

CATCH_UP_BATCH = 1000
_UNHANDLED = (
    "SELECT id FROM message WHERE direction = 'in' AND processed_at IS NULL AND id > %s "
    "ORDER BY id LIMIT %s"
)


def libpq_dsn(database_url: str) -> str:
    """The libpq form of a SQLAlchemy PostgreSQL URL."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class InboundRelay:
    """Enqueues `handle_inbound` once per announced message, across however many relays run."""

    def __init__(self, database_url: str, redis_url: str) -> None:
        self._dsn = libpq_dsn(database_url)
        self._jobs = RqJobRunner(redis_url)
        self._redis: Redis = self._jobs.connection

    def relay(self, message_ids: Iterable[int]) -> int:
        """Enqueue each message no relay has enqueued yet; returns how many this one did."""
        # The same once-only key a webhook's replay uses (RqJobRunner.enqueue_inbound).
        return sum(self._jobs.enqueue_inbound(message_id) for message_id in message_ids)

    def catch_up(self, connection: psycopg.Connection[tuple[int]]) -> int:
        """Relay every unhandled inbound message (what was announced while nobody listened)."""
        total, after = 0, 0
        while True:
            ids = [row[0] for row in connection.execute(_UNHANDLED, (after, CATCH_UP_BATCH))]
            if not ids:
                return total
            total += self.relay(ids)
            after = ids[-1]

    def catch_up_once(self) -> int:
        """For a burst worker: relay the backlog, without listening."""
        with psycopg.connect(self._dsn, autocommit=True) as connection:
            return self.catch_up(connection)

    def listen(self, keep_going: Callable[[], bool] | None = None) -> None:
        """LISTEN, catch up, then relay each notification; reconnect with back-off on loss.

        By default it runs until its parent (the worker) has gone.
        """
        if keep_going is None:
            parent = os.getppid()
            keep_going = lambda: os.getppid() == parent  # noqa: E731
        backoff = 0.5
        while keep_going():
            try:
                with psycopg.connect(self._dsn, autocommit=True) as connection:
                    connection.execute(f"LISTEN {INBOUND_CHANNEL}")
                    caught_up = self.catch_up(connection)
                    log.info("relay.listening", caught_up=caught_up)
                    backoff = 0.5
                    while keep_going():
                        notes = connection.notifies(timeout=1.0)
                        self.relay(int(note.payload) for note in notes)
            except psycopg.OperationalError as exc:
                log.warning("relay.disconnected", error=type(exc).__name__, retry_in=backoff)
                time.sleep(backoff)
                backoff = min(backoff * 2, 30.0)


def _run(parent: int) -> None:
    """The relay process: its URLs come in its environment, never on its command line."""
    die_with_parent(parent)
    from app.config import load_settings
    from app.logging import configure_logging

    settings = load_settings()
    configure_logging(settings)
    if settings.redis_url is None:
        raise SystemExit("configuration: REDIS_URL: needed to run the relay")
    InboundRelay(settings.database_url, settings.redis_url).listen()


def start_relay_process(database_url: str, redis_url: str) -> subprocess.Popen[bytes]:
    """A fresh interpreter beside the worker, ended with it however the worker ends."""
    env = os.environ | {"DATABASE_URL": database_url, "REDIS_URL": redis_url}
    command = [sys.executable, "-m", "app.jobs.relay", str(os.getpid())]
    return subprocess.Popen(command, env=env)  # noqa: S603 - our interpreter, our module


if __name__ == "__main__":
    _run(int(sys.argv[1]))
