"""The Broker-API request budget (500 requests/minute per token), shared by every process.

A moving one-minute window of the ``limits`` library: in Redis when REDIS_URL is set (one list
per token, through the process's redis-py pool), in process memory otherwise. A call that finds
the window full is told when its oldest request leaves it (``get_window_stats``) and waits only
as long as its own deadline allows; past that the caller gets ``RateLimited`` and the work goes
to the background worker.

``limits`` stamps each request with the clock of the process that sent it, so hosts sharing one
Redis need clocks kept in step (NTP): a host whose clock is ahead sees slots free that late.

The window is a minute and a second: we stamp a request when it takes its slot, the broker when
the request arrives, and a request that took longer on the way than the one a minute before it
would otherwise meet the broker's full window and its 429. A caller waits at most ``PATIENCE``
for a slot: a trader's sign-up is better parked at once (the worker sends it as slots free,
oldest first) than kept waiting for one that frees in seconds.
"""
from __future__ import annotations

import hashlib
import time

from limits import RateLimitItemPerSecond
from limits.strategies import MovingWindowRateLimiter

from ..cache import limits_storage

WINDOW_SECONDS = 61
PATIENCE = 0.5


class Budget:
    """``per_minute`` requests in any minute for one token."""

    def __init__(self, storage, token: str, per_minute: int, patience: float = PATIENCE):
        self.per_minute = per_minute
        self.patience = patience  # the longest a call should wait for a slot
        self._window = MovingWindowRateLimiter(storage)
        self._item = RateLimitItemPerSecond(per_minute, WINDOW_SECONDS)
        digest = hashlib.sha256(token.encode()).hexdigest()[:16]  # never the token itself
        self._keys = ("broker-budget", digest)

    def try_take(self) -> float:
        """Take one request slot now and return 0, or return the seconds until one frees up."""
        if self._window.hit(self._item, *self._keys):
            return 0.0
        return _until(self._window.get_window_stats(self._item, *self._keys).reset_time)

    def used(self) -> int:
        return self.per_minute - self.room()

    def room(self) -> int:
        """How many requests could be sent now without waiting (every process counted)."""
        return self._window.get_window_stats(self._item, *self._keys).remaining

    def wait(self) -> float:
        """Seconds until a slot is free: 0 while there is room, else until the oldest request
        in the window leaves it."""
        stats = self._window.get_window_stats(self._item, *self._keys)
        return 0.0 if stats.remaining > 0 else _until(stats.reset_time)


def _until(reset_time: float) -> float:
    """Seconds until the window's oldest request leaves it (never 0: there is no slot now)."""
    return max(0.001, reset_time - time.time())


def make_budget(redis_url: str | None, token: str, per_minute: int) -> Budget:
    """The budget for this configuration."""
    return Budget(limits_storage(redis_url), token, per_minute)
