"""The process's redis-py client, the storage the ``limits`` library counts in, and a small TTL
cache of JSON values, shared through Redis when REDIS_URL is set (process memory otherwise)."""
from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import redis
from limits.storage import storage_from_string
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


def limits_storage(url: str | None):
    """Storage for the ``limits`` library: Redis through this process's pool, else memory."""
    if url:
        return storage_from_string(url, connection_pool=redis_client(url).connection_pool)
    return storage_from_string("memory://")


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
        with answering():
            raw = self._redis.get(self._prefix + key)
        return None if raw is None else json.loads(raw)

    def get_many(self, *keys: str) -> list[Any | None]:
        """Several values in one round trip."""
        with answering():
            found = self._redis.mget([self._prefix + k for k in keys])
        return [None if raw is None else json.loads(raw) for raw in found]

    def set(self, key: str, value: Any, ttl: float) -> None:
        if ttl <= 0:
            return
        with answering():
            self._redis.set(self._prefix + key, json.dumps(value), px=max(1, int(ttl * 1000)))

    def delete(self, *keys: str) -> None:
        if keys:
            with answering():
                self._redis.delete(*(self._prefix + k for k in keys))


@contextmanager
def answering():
    """Redis's own errors as CacheUnavailable, so callers need not know the backend (the rate
    limits' counters use it too)."""
    try:
        yield
    except redis.RedisError as exc:
        raise CacheUnavailable(str(exc)) from exc


def make_cache(redis_url: str | None):
    """Pick the cache backend for the configuration."""
    return RedisCache(redis_url) if redis_url else MemoryCache()
