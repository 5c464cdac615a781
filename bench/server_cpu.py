"""The CPU a server spends: its own process and its workers', read from Linux's /proc.

Latency shows what a resident waits; CPU per request shows what each request costs the machine,
and is far steadier than a tail percentile on a noisy shared machine.
"""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> list[str] | None:
    try:
        text = (Path("/proc") / pid / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # Fields after the command name, which is in parentheses and may contain spaces.
    return text.rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User and system CPU of `pid` and its direct children (a gunicorn master's workers)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat(entry)
        if fields is None or (entry != str(pid) and fields[1] != str(pid)):
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime
    return total
