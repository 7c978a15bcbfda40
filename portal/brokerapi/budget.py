"""The Broker-API request budget (500 requests/minute per token), shared by every process.

A sliding one-minute window: in Redis when REDIS_URL is set (one sorted set per token, updated
atomically by a Lua script), in process memory otherwise. A call that finds the window full waits
only as long as its own deadline allows; past that the caller gets ``RateLimited`` and the work
goes to the background worker.
"""
from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections import deque
from typing import Callable

from ..cache import redis_client

WINDOW = 60.0


class MemoryBudget:
    """A per-process sliding window."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.time):
        self.per_minute = per_minute
        self._clock = clock
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def try_take(self) -> float:
        """Take one request slot now and return 0, or return the seconds until one frees up."""
        with self._lock:
            now = self._clock()
            while self._sent and self._sent[0] <= now - WINDOW:
                self._sent.popleft()
            if len(self._sent) < self.per_minute:
                self._sent.append(now)
                return 0.0
            return max(0.001, self._sent[0] + WINDOW - now)

    def used(self) -> int:
        with self._lock:
            now = self._clock()
            return sum(1 for t in self._sent if t > now - WINDOW)


_TAKE = """
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, math.ceil(window * 1000))
  return '0'
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return tostring(math.max(0.001, tonumber(oldest[2]) + window - now))
"""


class RedisBudget:
    """A sliding window shared through Redis by every portal and worker process."""

    def __init__(self, url: str, token: str, per_minute: int):
        self.per_minute = per_minute
        self._redis = redis_client(url)
        digest = hashlib.sha256(token.encode()).hexdigest()[:16]  # never the token itself
        self._key = f"portal:broker-budget:{digest}"
        self._take = self._redis.register_script(_TAKE)

    def _now(self) -> float:
        """Redis's clock, the same for every process and host."""
        seconds, micros = self._redis.time()
        return int(seconds) + int(micros) / 1_000_000

    def try_take(self) -> float:
        args = [self._now(), WINDOW, self.per_minute, uuid.uuid4().hex]
        return float(self._take(keys=[self._key], args=args))

    def used(self) -> int:
        return int(self._redis.zcount(self._key, int(self._now()) - WINDOW, "+inf"))


def make_budget(redis_url: str | None, token: str, per_minute: int):
    """The budget for this configuration."""
    return RedisBudget(redis_url, token, per_minute) if redis_url else MemoryBudget(per_minute)
