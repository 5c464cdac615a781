"""A worker killed with SIGKILL takes every child with it, and the next worker can schedule."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue, Worker
from rq.job import Job, JobStatus
from rq.scheduler import RQScheduler
from rq.serializers import JSONSerializer

from app.jobs.lifeline import RETRY_SCHEDULER_SECONDS
from app.jobs.runner import QUEUE_NAME
from tests.jobs.workers import descendants, start_time, start_worker, stop, survivors, wait_for

pytestmark = pytest.mark.slow

LOCK = RQScheduler.get_locking_key(QUEUE_NAME)
STALE_OWNER = b"a-scheduler-killed-with-its-worker"
STALE_LOCK_SECONDS = 10  # a worker starts in less; rq's own lock lives 61 s
TAKEOVER_BOUND_SECONDS = 2 * RETRY_SCHEDULER_SECONDS + 5  # after the lock expires


def _env(database_url: str, redis_url: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "LOG_FORMAT": "json"}


def _describe(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except (FileNotFoundError, ProcessLookupError):
        return "(gone)"


@pytest.fixture
def orphans() -> Iterator[dict[int, int]]:
    """Processes the test saw; whatever of them is still alive at the end is killed."""
    seen: dict[int, int] = {}
    yield seen
    for pid in survivors(seen):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue


def _logged(log: Path, event: str) -> bool:
    return log.exists() and f'"{event}"' in log.read_text()


def _lock_owner(redis: Redis) -> bytes | None:
    owner = redis.get(LOCK)
    assert owner is None or isinstance(owner, bytes)
    return owner


def test_a_worker_killed_with_sigkill_leaves_no_process_and_the_next_one_schedules(
    pg_url: str, redis_url: str, tmp_path: Path, orphans: dict[int, int]
) -> None:
    redis = Redis.from_url(redis_url)
    log = tmp_path / "worker.log"
    first = start_worker(_env(pg_url, redis_url), log)
    orphans[first.pid] = start_time(first.pid) or 0
    try:
        # A long job, so that a work-horse is running when the worker dies.
        queue = Queue(QUEUE_NAME, connection=redis, serializer=JSONSerializer)
        job = queue.enqueue("time.sleep", 120, job_timeout=300)
        wait_for(lambda: _lock_owner(redis) is not None, 30, "the scheduler lock")
        wait_for(lambda: _logged(log, "relay.listening"), 30, "the relay to listen")
        wait_for(
            lambda: (
                Job.fetch(job.id, redis, serializer=JSONSerializer).get_status()
                == JobStatus.STARTED
            ),
            30,
            "the work-horse to start the job",
        )
        family = descendants(first.pid)
        orphans.update(family)
        scheduler = RQScheduler.fetch((_lock_owner(redis) or b"").decode(), redis)
        assert scheduler.pid in family, "rq's scheduler runs as a child process"
        assert len(family) >= 3, "relay, scheduler and work-horse"

        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        deadline = time.monotonic() + 5
        while survivors(family) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = {pid: _describe(pid) for pid in survivors(family)}
        assert not left, f"outlived the worker: {left}"
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=10)

    second = start_worker(_env(pg_url, redis_url), log)
    orphans[second.pid] = start_time(second.pid) or 0
    try:
        wait_for(lambda: _lock_owner(redis) is not None, 15, "the next worker to take the lock")
        orphans.update(descendants(second.pid))
    finally:
        stop(second)


def test_a_lock_left_by_a_scheduler_that_died_with_it_is_taken_within_a_bound(
    pg_url: str, redis_url: str, tmp_path: Path, orphans: dict[int, int]
) -> None:
    """A group killed at once leaves the lock to its TTL; the next worker must not wait 10 min."""
    redis = Redis.from_url(redis_url)
    redis.set(LOCK, STALE_OWNER, ex=STALE_LOCK_SECONDS)
    expires = time.monotonic() + STALE_LOCK_SECONDS
    worker = start_worker(_env(pg_url, redis_url), tmp_path / "worker.log")
    orphans[worker.pid] = start_time(worker.pid) or 0
    try:
        wait_for(lambda: bool(Worker.all(connection=redis)), 30, "the worker to register")
        assert _lock_owner(redis) == STALE_OWNER, "the worker must start while the lock is held"
        wait_for(
            lambda: _lock_owner(redis) not in (None, STALE_OWNER),
            expires - time.monotonic() + TAKEOVER_BOUND_SECONDS,
            "the new worker to take the expired lock",
        )
        orphans.update(descendants(worker.pid))
    finally:
        stop(worker)
