"""The parent-death signal, on real processes: a child goes with its parent, however it goes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.jobs.workers import descendants, survivors

CHILD = (
    "import os, sys, time\n"
    "from app.jobs.lifeline import die_with_parent\n"
    "die_with_parent(int(sys.argv[1]))\n"
    "print('tied', flush=True)\n"
    "time.sleep(60)\n"
)
# A parent that starts the child above and waits to be killed.
PARENT = (
    "import os, subprocess, sys, time\n"
    "subprocess.Popen([sys.executable, '-c', sys.argv[1], str(os.getpid())])\n"
    "time.sleep(60)\n"
)


def test_a_child_whose_parent_died_before_it_was_tied_ends_itself() -> None:
    # Told to expect pid 1, the child finds another parent: so it looks when the parent died
    # before the child's prctl ran, and no parent-death signal will ever come.
    child = subprocess.run(
        [sys.executable, "-c", CHILD, "1"], capture_output=True, timeout=10, check=False
    )
    assert child.returncode == -signal.SIGKILL
    assert b"tied" not in child.stdout


def test_a_child_dies_when_its_parent_is_killed_with_sigkill() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, CHILD])
    family: dict[int, int] = {}
    try:
        deadline = time.monotonic() + 30
        while not (family := descendants(parent.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1)  # let the child's imports and prctl run
        assert family, "the child started"
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while survivors(family):
            assert time.monotonic() < deadline, "the child outlived its parent"
            time.sleep(0.05)
    finally:
        parent.kill()
        for pid in survivors(family):
            os.kill(pid, signal.SIGKILL)
