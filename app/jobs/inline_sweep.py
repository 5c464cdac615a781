"""The sweep for inline jobs (`make run`: no Redis, so no rq scheduler to run it).

An inline job that failed (Twilio unreachable, a database error) left its row as it was: an
outbox row pending, a message unprocessed. A daemon thread beside the web app sweeps them up
every SWEEP_INTERVAL_SECONDS, holding back each failing send a little longer every time.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import structlog
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.jobs import sweeper
from app.jobs.runner import InlineJobRunner
from app.runtime import Runtime

log = structlog.get_logger(__name__)


class InlineSweep:
    """A thread that runs the sweep every `every` until stopped."""

    def __init__(self, rt: Runtime, every: timedelta) -> None:
        self._rt = rt
        self._every = every.total_seconds()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="frontdoor-sweep", daemon=True)

    def start(self) -> InlineSweep:
        self._thread.start()
        return self

    def stop(self, timeout: float | None = 5.0) -> None:
        """Ask the thread to end; wait up to `timeout` seconds for it (None: do not wait)."""
        self._stopping.set()
        if timeout is not None and self._thread.is_alive():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def run_once(self, grace: timedelta | None = None) -> tuple[int, int]:
        """One sweep, now; returns how many messages and outbox rows it tried again."""
        return sweeper.sweep(self._rt, grace, back_off=True)

    def _loop(self) -> None:
        while not self._stopping.wait(self._every):
            try:
                self.run_once()
            except SQLAlchemyError as exc:
                # The database was away (or SQLite busy): the next round tries again.
                log.warning("sweep.failed", error=type(exc).__name__)


def start_inline_sweep(rt: Runtime) -> InlineSweep | None:
    """With inline jobs, start the sweep thread; it ends when the runtime's engine is disposed.

    Tests dispose their engine at teardown, so no sweep outlives its app to touch the next
    test's rows. With rq, the worker's scheduler runs the sweep instead (None here).
    """
    if not isinstance(rt.jobs, InlineJobRunner):
        return None
    sweep = InlineSweep(rt, timedelta(seconds=rt.settings.sweep_interval_seconds)).start()

    def _disposed(_engine: Engine) -> None:
        sweep.stop(timeout=None)

    event.listen(rt.engine, "engine_disposed", _disposed)
    return sweep
