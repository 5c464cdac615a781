"""Children of `frontdoor worker` that die with it, even when it is killed with SIGKILL.

A SIGKILLed worker runs no cleanup, so rq's forked scheduler ran on holding
`rq:scheduler-lock:<queue>` and no other worker could schedule the sweep. Each child therefore
asks Linux for a parent-death signal (prctl PR_SET_PDEATHSIG) as soon as it starts:
- the relay (its own interpreter; `app/jobs/relay.py`),
- rq's scheduler, a multiprocessing fork: SIGTERM, so it releases its lock on the way out,
- rq's work-horse, an os.fork that moves to its own process group (so killpg misses it).

Two caveats shape `die_with_parent`. The signal fires when the parent *thread* that forked
the child exits: rq forks both from the worker's main thread, and the relay is started there
too. And the parent may die before the child's prctl runs, so the child compares getppid()
with the parent it expected and signals itself if they differ.

A lock whose scheduler was killed with the worker (killpg -9, OOM) lives out rq's TTL
(interval + 60 = 61 s). rq retries the lock only at maintenance, every 10 min by default,
behind a BLPOP of up to 405 s; `LifelineWorker` retries every `RETRY_SCHEDULER_SECONDS`, so a
new worker takes such a lock within about 61 + 2 x 15 s.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from typing import Any

import structlog
from rq import Worker
from rq.defaults import DEFAULT_LOGGING_DATE_FORMAT, DEFAULT_LOGGING_FORMAT
from rq.scheduler import RQScheduler

log = structlog.get_logger(__name__)

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
RETRY_SCHEDULER_SECONDS = 15


def die_with_parent(parent: int, sig: signal.Signals = signal.SIGKILL) -> None:
    """Have the kernel send `sig` to this process when `parent` exits (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno))
    if os.getppid() != parent:  # it died before prctl ran, so no signal will come
        log.warning("lifeline.parent_gone", parent=parent)
        os.kill(os.getpid(), sig)


class LifelineScheduler(RQScheduler):
    """rq's scheduler process, stopped (and its lock released) when its worker dies."""

    def start(self) -> Any:
        self._worker_pid = os.getpid()  # read after the fork, in the child
        return super().start()  # type: ignore[no-untyped-call]  # rq leaves these untyped

    def _install_signal_handlers(self) -> None:
        super()._install_signal_handlers()  # type: ignore[no-untyped-call]  # first, so SIGTERM means rq's orderly stop
        die_with_parent(self._worker_pid, signal.SIGTERM)


class LifelineWorker(Worker):
    """An rq worker whose scheduler and work-horses die with it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # A shorter BLPOP and maintenance interval are how often rq retries the scheduler lock.
        kwargs.setdefault("worker_ttl", RETRY_SCHEDULER_SECONDS + 15)
        kwargs.setdefault("maintenance_interval", RETRY_SCHEDULER_SECONDS)
        super().__init__(*args, **kwargs)
        self._lifeline_pid = os.getpid()

    def _start_scheduler(
        self,
        burst: bool = False,
        logging_level: str | None = "INFO",
        date_format: str = DEFAULT_LOGGING_DATE_FORMAT,
        log_format: str = DEFAULT_LOGGING_FORMAT,
    ) -> None:
        """rq's own `_start_scheduler` (rq 3.0), with the scheduler class swapped."""
        scheduler: Any = LifelineScheduler(
            self.queues,
            connection=self.connection,
            logging_level=logging_level if logging_level is not None else self.log.level,
            date_format=date_format,
            log_format=log_format,
            serializer=self.serializer,
        )
        self.scheduler = scheduler
        scheduler.acquire_locks()
        if not scheduler.acquired_locks:
            return
        if not burst:
            scheduler.start()
            return
        try:
            scheduler.register_birth()
            scheduler.enqueue_scheduled_jobs()
        finally:
            scheduler.release_locks()
            scheduler.register_death()

    def setup_work_horse_signals(self) -> None:
        super().setup_work_horse_signals()  # type: ignore[no-untyped-call]
        die_with_parent(self._lifeline_pid, signal.SIGKILL)
