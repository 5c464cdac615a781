"""The functions rq imports. Each takes one id and finds its runtime in the worker process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from app.jobs import sweeper
from app.jobs.context import current_runtime
from app.pipeline.deliver import deliver
from app.pipeline.handle import handle_message
from app.runtime import Runtime


def _handle(rt: Runtime, message_id: int) -> None:
    handle_message(rt, message_id)


def _send(rt: Runtime, outbox_id: int) -> None:
    deliver(rt, outbox_id)


def _sweep(rt: Runtime, _unused: int) -> None:
    sweeper.sweep(rt)


HANDLERS: dict[str, Callable[[Runtime, int], None]] = {
    "handle_inbound": _handle,
    "send": _send,
    "sweep": _sweep,
}


def handle_inbound(message_id: int) -> None:
    _handle(current_runtime(), message_id)


def send(outbox_id: int) -> None:
    _send(current_runtime(), outbox_id)


def sweep(_unused: int = 0) -> None:
    """Re-enqueue whatever was left behind, then schedule the next sweep."""
    rt = current_runtime()
    sweeper.sweep(rt)
    sweeper.schedule_next(rt, timedelta(seconds=rt.settings.sweep_interval_seconds))
