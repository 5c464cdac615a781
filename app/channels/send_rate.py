"""A per-sender send rate (Twilio: 1 segment a second from a long code), shared by all workers."""

from __future__ import annotations

import threading
import time
from typing import Protocol

from redis import Redis

# Books `cost` seconds on the sender's clock; returns how long the caller must wait first.
_BOOK = """
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, free)
local ttl = math.ceil((start + cost - now) * 1000) + 1000
redis.call('SET', KEYS[1], tostring(start + cost), 'PX', ttl)
return tostring(start - now)
"""


class SendRate(Protocol):
    def wait_for_slot(self, sender: str, units: int) -> float:
        """Block until `units` more may be sent from `sender`; returns the seconds waited."""
        ...


class RedisSendRate:
    """The slot book lives in Redis, so every worker process keeps to the same rate."""

    def __init__(self, redis_url: str, per_second: float) -> None:
        self._redis = Redis.from_url(redis_url)
        self._book = self._redis.register_script(_BOOK)
        self._per_second = per_second

    def wait_for_slot(self, sender: str, units: int) -> float:
        wait = float(
            self._book(
                keys=[f"frontdoor:send-rate:{sender}"], args=[time.time(), units / self._per_second]
            )
        )
        if wait > 0:
            time.sleep(wait)
        return wait


class LocalSendRate:
    """For inline jobs (one process): the same arithmetic behind a lock."""

    def __init__(self, per_second: float) -> None:
        self._per_second = per_second
        self._free: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait_for_slot(self, sender: str, units: int) -> float:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._free.get(sender, 0.0))
            self._free[sender] = start + units / self._per_second
        wait = start - now
        if wait > 0:
            time.sleep(wait)
        return wait
