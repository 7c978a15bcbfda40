"""The shared cache's Redis connections: fail fast, safe across gunicorn's fork, URLs as README
documents them."""
from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from portal.cache import CacheUnavailable, RedisCache, redis_client
from tests.support import answers

URL = "redis://127.0.0.1:6379/15"
needs_redis = pytest.mark.skipif(not answers(6379),
                                 reason="Redis does not answer on 127.0.0.1:6379")


@needs_redis
def test_a_process_forked_after_using_the_cache_uses_connections_of_its_own():
    cache = RedisCache(URL, prefix="test-fork:")
    cache.set("k", "parent", 60)
    pid = os.fork()
    if pid == 0:  # gunicorn --preload: the child must not read from the parent's socket
        ok = cache.get("k") == "parent"
        cache.set("k", "child", 60)
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert cache.get("k") == "child"
    cache.delete("k")


def test_a_redis_that_never_answers_fails_fast_and_is_asked_once():
    received = []
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()

        def silent():
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                received.append(conn.recv(1024))  # read the command, never answer

        threading.Thread(target=silent, daemon=True).start()
        cache = RedisCache(f"redis://127.0.0.1:{server.getsockname()[1]}/0")
        started = time.monotonic()
        with pytest.raises(CacheUnavailable):
            cache.get("k")
    assert time.monotonic() - started < 2
    assert len(received) == 1  # a command whose answer timed out is not sent again


def test_tls_urls_check_the_certificate_unless_told_not_to():
    import ssl

    checked = redis_client("rediss://redis.example:6380/0").connection_pool.make_connection()
    assert checked.cert_reqs == ssl.CERT_REQUIRED and checked.check_hostname
    unchecked = redis_client("rediss://redis.example:6380/0?ssl_cert_reqs=none")
    connection = unchecked.connection_pool.make_connection()
    assert connection.cert_reqs == ssl.CERT_NONE and not connection.check_hostname
