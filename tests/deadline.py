"""Run a call in a forked child with a deadline: a regex engine holds the GIL, so a thread
cannot stop quadratic code, but killing a child can."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import time
from collections.abc import Callable
from typing import Any

import pytest


def _timed(conn: multiprocessing.connection.Connection, call: Callable[[], Any]) -> None:
    started = time.perf_counter()
    result = call()
    conn.send((time.perf_counter() - started, result))


def within_deadline(call: Callable[[], Any], deadline: float, what: str) -> tuple[float, Any]:
    """(seconds, result) of `call()` in a forked child; the test fails if it outlives `deadline`."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_timed, args=(child, call))
    process.start()
    if not parent.poll(deadline):
        process.kill()
        process.join()
        pytest.fail(f"{what} took over {deadline} s")
    seconds, result = parent.recv()
    process.join()
    return seconds, result
