"""Run jobs inline (no REDIS_URL) or through rq with the JSON serializer."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

import structlog
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Queue, Retry
from rq.serializers import JSONSerializer

if TYPE_CHECKING:
    from app.runtime import Runtime

log = structlog.get_logger(__name__)

QUEUE_NAME = "frontdoor"
FAILED_JOB_TTL = int(timedelta(days=365).total_seconds())
# Seconds between tries of a failing job: rq's retries, and the inline sweep's back-off.
BACKOFF_SECONDS = (5, 30, 120, 600, 1800)
RETRY = Retry(max=len(BACKOFF_SECONDS), interval=list(BACKOFF_SECONDS))
# Set (NX) by whoever enqueues a message's handle_inbound, so it is enqueued once: the workers'
# relays (app/jobs/relay.py) and a webhook given a copy of a message it already stored.
RELAYED_KEY = "frontdoor:relayed:{}"
RELAYED_TTL_SECONDS = 3600

# Job name -> dotted path of the function rq imports in the worker.
JOB_PATHS = {
    "handle_inbound": "app.jobs.entrypoints.handle_inbound",
    "send": "app.jobs.entrypoints.send",
    "sweep": "app.jobs.entrypoints.sweep",
}


class JobRunner(Protocol):
    """Hands a job with one id to whoever runs jobs; False means 'not now, the sweep will'."""

    def enqueue(self, job: str, record_id: int) -> bool: ...

    def enqueue_inbound(self, message_id: int) -> bool:
        """handle_inbound(message_id), unless a relay or another copy of the webhook has."""
        ...


class InlineJobRunner:
    """Runs the job at once, in this process: `make run` needs no Redis.

    It stands in for rq's worker, so like the worker it survives whatever a job raises: the
    row the job was for is left as it was (an outbox row pending, a message unprocessed) and
    the inline sweep (app/jobs/inline_sweep.py) tries it again later.
    """

    def __init__(self, runtime: Runtime, handlers: dict[str, Callable[[Runtime, int], None]]):
        self._runtime = runtime
        self._handlers = handlers

    def enqueue(self, job: str, record_id: int) -> bool:
        try:
            self._handlers[job](self._runtime, record_id)
        except Exception as exc:
            # Broad on purpose, as rq's worker is: a send fails with whatever its channel's
            # library raises (twilio, requests, smtplib, ...), and a job failing here must not
            # fail the webhook that happened to run it. The sweep retries; the log says which.
            log.warning(
                "jobs.inline_failed", job=job, record_id=record_id, error=type(exc).__name__
            )
            return False
        return True

    def enqueue_inbound(self, message_id: int) -> bool:
        # Handling is idempotent (a processed message is skipped under its row lock).
        return self.enqueue("handle_inbound", message_id)


class RqJobRunner:
    """Puts jobs on an rq queue; if Redis is down the row waits for the sweep."""

    def __init__(self, redis_url: str) -> None:
        self.connection = Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        self.queue = Queue(QUEUE_NAME, connection=self.connection, serializer=JSONSerializer)

    def enqueue(self, job: str, record_id: int) -> bool:
        try:
            self.queue.enqueue(
                JOB_PATHS[job],
                record_id,
                retry=RETRY,
                failure_ttl=FAILED_JOB_TTL,
                description=f"{job}({record_id})",
            )
        except (RedisConnectionError, RedisTimeoutError):
            log.warning("jobs.enqueue_deferred", job=job, record_id=record_id)
            return False
        return True

    def enqueue_inbound(self, message_id: int) -> bool:
        """Enqueue handle_inbound at most once per message, whoever asks (relay or webhook).

        A Twilio retry of a stored message must not enqueue it again, yet one that no one
        enqueued (Redis was down, or it is older than the key) still gets its second chance.
        """
        key = RELAYED_KEY.format(message_id)
        try:
            if not self.connection.set(key, 1, nx=True, ex=RELAYED_TTL_SECONDS):
                return False
        except (RedisConnectionError, RedisTimeoutError):
            log.warning("jobs.enqueue_deferred", job="handle_inbound", record_id=message_id)
            return False
        if self.enqueue("handle_inbound", message_id):
            return True
        with suppress(RedisConnectionError, RedisTimeoutError):
            self.connection.delete(key)  # let the next copy try; the sweep is there if not
        return False

    def schedule_in(self, delay: timedelta, job: str, record_id: int, job_id: str) -> None:
        """Run `job` after `delay` (needs a worker started with its scheduler).

        A fixed `job_id` per time slot means several workers book one run, not several.
        """
        self.queue.enqueue_in(
            delay,
            JOB_PATHS[job],
            record_id,
            job_id=job_id,
            failure_ttl=FAILED_JOB_TTL,
            description=job,
        )
