"""What processes share through Redis when REDIS_URL is set (process memory otherwise): a small
TTL cache of JSON values and fixed-window counters; and a bounded map for what one process works
out and keeps."""
from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

TIMEOUT = 1.0  # seconds for connecting to Redis and for each answer


@lru_cache(maxsize=8)
def redis_client(url: str) -> redis.Redis:
    """The process's redis-py client for ``url``, shared by the cache, the rate limits and the
    Broker-API budget.

    Calls fail fast: connecting and each answer wait TIMEOUT. A connection that broke is
    replaced and the command sent again once, at once; a command whose answer timed out is not
    sent again, as it may have run. redis-py's pool notices a fork by its pid and a child
    (gunicorn --preload) opens connections of its own. ``rediss://`` checks the server's
    certificate and host name; ``?ssl_cert_reqs=none`` turns that off.
    """
    return redis.Redis.from_url(
        url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT,
        retry=Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)))


class BoundedMap:
    """Values a process can always work out again, at most ``size`` of them (the oldest is
    dropped first); safe across threads."""

    def __init__(self, size: int):
        self.size = size
        self._data: dict[Any, Any] = {}
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any | None:
        return self._data.get(key)

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            while len(self._data) >= self.size:
                del self._data[next(iter(self._data))]
            self._data[key] = value


class CacheUnavailable(Exception):
    """The shared cache did not answer (Redis down or too slow)."""


class MemoryCache:
    """Per-process TTL cache."""

    def __init__(self):
        self._data: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        with self._lock:
            hit = self._data.get(key)
            if hit is None:
                return None
            expires, value = hit
            if expires <= time.monotonic():
                del self._data[key]
                return None
            return value

    def get_many(self, *keys: str) -> list[Any | None]:
        return [self.get(key) for key in keys]

    def set(self, key: str, value: Any, ttl: float) -> None:
        if ttl <= 0:
            return
        with self._lock:
            self._data[key] = (time.monotonic() + ttl, value)

    def delete(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._data.pop(key, None)


class RedisCache:
    """TTL cache shared by every process through Redis; values stored as JSON."""

    def __init__(self, url: str, prefix: str = "portal:"):
        self._redis = redis_client(url)
        self._prefix = prefix

    def get(self, key: str) -> Any | None:
        with _answering():
            raw = self._redis.get(self._prefix + key)
        return None if raw is None else json.loads(raw)

    def get_many(self, *keys: str) -> list[Any | None]:
        """Several values in one round trip."""
        with _answering():
            found = self._redis.mget([self._prefix + k for k in keys])
        return [None if raw is None else json.loads(raw) for raw in found]

    def set(self, key: str, value: Any, ttl: float) -> None:
        if ttl <= 0:
            return
        with _answering():
            self._redis.set(self._prefix + key, json.dumps(value), px=max(1, int(ttl * 1000)))

    def delete(self, *keys: str) -> None:
        if keys:
            with _answering():
                self._redis.delete(*(self._prefix + k for k in keys))


@contextmanager
def _answering():
    """Redis's own errors as CacheUnavailable, so callers need not know the backend."""
    try:
        yield
    except redis.RedisError as exc:
        raise CacheUnavailable(str(exc)) from exc


def make_cache(redis_url: str | None):
    """Pick the cache backend for the configuration."""
    return RedisCache(redis_url) if redis_url else MemoryCache()


class MemoryCounters:
    """Fixed-window counters of one process.

    A key's window starts with its first count and lasts ``window`` seconds; then the key counts
    from zero again. Each method answers the count and the seconds left of the window.
    """

    MAX_KEYS = 10_000  # ended windows are dropped when this many keys are held

    def __init__(self):
        self._data: dict[str, list] = {}  # key -> [count, end of the window (monotonic)]
        self._lock = threading.Lock()

    def add(self, key: str, window: int, amount: int = 1) -> tuple[int, float]:
        """Count ``amount`` in ``key``'s window, which starts now if none is running."""
        now = time.monotonic()
        with self._lock:
            entry = self._running(key, now)
            if entry is None:
                if len(self._data) >= self.MAX_KEYS:
                    self._data = {k: v for k, v in self._data.items() if v[1] > now}
                entry = self._data[key] = [0, now + window]
            entry[0] += amount
            return entry[0], entry[1] - now

    def get(self, key: str) -> tuple[int, float]:
        now = time.monotonic()
        with self._lock:
            entry = self._running(key, now)
            return (0, 0.0) if entry is None else (entry[0], entry[1] - now)

    def give_back(self, key: str) -> None:
        """One count less in ``key``'s running window; nothing once it ended or is at zero."""
        with self._lock:
            entry = self._running(key, time.monotonic())
            if entry is not None and entry[0] > 0:
                entry[0] -= 1

    def _running(self, key: str, now: float) -> list | None:
        entry = self._data.get(key)
        if entry is not None and entry[1] <= now:
            del self._data[key]
            return None
        return entry


# Each script reads and writes one key atomically, so processes counting at once never lose a
# count, and no key is ever left without its expiry.
_ADD = """
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  left = tonumber(ARGV[2])
  redis.call('PEXPIRE', KEYS[1], left)
end
return {count, left}
"""
_GET = """
return {tonumber(redis.call('GET', KEYS[1]) or '0'), math.max(0, redis.call('PTTL', KEYS[1]))}
"""
_GIVE_BACK = """
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
return 0
"""


class RedisCounters:
    """Fixed-window counters shared by every process through Redis (see MemoryCounters)."""

    def __init__(self, url: str, prefix: str = "portal:count:"):
        self._redis = redis_client(url)
        self._prefix = prefix
        self._add, self._get, self._give_back = (
            self._redis.register_script(text) for text in (_ADD, _GET, _GIVE_BACK))

    def add(self, key: str, window: int, amount: int = 1) -> tuple[int, float]:
        with _answering():
            count, left = self._add(keys=[self._prefix + key], args=[amount, window * 1000])
        return int(count), int(left) / 1000

    def get(self, key: str) -> tuple[int, float]:
        with _answering():
            count, left = self._get(keys=[self._prefix + key])
        return int(count), int(left) / 1000

    def give_back(self, key: str) -> None:
        with _answering():
            self._give_back(keys=[self._prefix + key])


def make_counters(redis_url: str | None):
    """Pick the counters' backend for the configuration."""
    return RedisCounters(redis_url) if redis_url else MemoryCounters()
