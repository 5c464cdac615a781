"""Real worker and Redis processes for fault tests, started and stopped by the test itself."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.conftest import REPO

FRONTDOOR = str(REPO / ".venv" / "bin" / "frontdoor")


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`frontdoor worker` (with scheduler and sweep) in its own process group."""
    full = {"PATH": os.environ.get("PATH", "")} | env
    with log.open("ab") as out:
        return subprocess.Popen(
            [FRONTDOOR, "worker"], env=full, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the worker as a process manager would; SIGKILL the group if it will not go."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        kill(process)
    kill(process)  # reap any scheduler or work-horse left in the group


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker and everything it started (its work-horse, its scheduler)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    process.wait(timeout=10)


def start_time(pid: int) -> int | None:
    """The kernel's start time of a live (not zombie) process, so a reused pid is not mistaken."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # the name may hold spaces; skip past it
    return None if fields[0] in ("Z", "X") else int(fields[19])


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def descendants(pid: int) -> dict[int, int]:
    """Every process below `pid`, with its start time."""
    found: dict[int, int] = {}
    todo = _children(pid)
    while todo:
        child = todo.pop()
        started = start_time(child)
        if started is not None and child not in found:
            found[child] = started
            todo += _children(child)
    return found


def survivors(snapshot: dict[int, int]) -> dict[int, int]:
    """Those of a `descendants` snapshot still alive (and not a new process on a reused pid)."""
    return {pid: t for pid, t in snapshot.items() if start_time(pid) == t}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_redis(port: int) -> subprocess.Popen[bytes]:
    """A Redis of the test's own, so stopping it disturbs nothing else."""
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: _pings(port), 10, "redis to start")
    return process


def _pings(port: int) -> bool:
    try:
        return bool(Redis(port=port, socket_connect_timeout=0.2).ping())
    except RedisConnectionError:
        return False


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} after {seconds}s")
        time.sleep(0.1)
