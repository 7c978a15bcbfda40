"""The portal's Redis client against the real Redis on 127.0.0.1 (and, for a server that never
answers, a socket that accepts and stays silent)."""
from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from portal.redisclient import ConnectionFailed, Redis, ReplyError
from tests.support import answers

URL = "redis://127.0.0.1:6379/15"
pytestmark = pytest.mark.skipif(not answers(6379), reason="Redis does not answer on 127.0.0.1:6379")


@pytest.fixture
def r():
    client = Redis(URL)
    client.execute("FLUSHDB")
    return client


def test_commands_answer_in_python_types(r):
    assert r.execute("SET", "a", "x", "PX", 60_000) == b"OK"
    assert r.execute("GET", "a") == b"x" and r.execute("GET", "missing") is None
    assert r.execute("MGET", "a", "missing") == [b"x", None]
    assert r.execute("INCRBY", "n", 5) == 5 and r.execute("DEL", "a", "n", "missing") == 2
    r.execute("SET", "text", "zażółć ✓")
    assert r.execute("GET", "text").decode() == "zażółć ✓"


def test_the_database_comes_from_the_url():
    Redis("redis://127.0.0.1:6379/14").execute("SET", "where", "14")
    assert Redis("redis://127.0.0.1:6379?db=14").execute("GET", "where") == b"14"
    assert Redis("redis://127.0.0.1:6379/13").execute("GET", "where") is None
    Redis("redis://127.0.0.1:6379/14").execute("DEL", "where")


def test_an_error_answer_raises_and_leaves_the_connection_usable(r):
    r.execute("SET", "word", "abc")
    with pytest.raises(ReplyError, match="not an integer"):
        r.execute("INCR", "word")
    with pytest.raises(ReplyError, match="boom"):  # an error inside an array is read to its end
        r.execute("EVAL", "return {1, redis.error_reply('boom'), 3}", 0)
    assert r.execute("GET", "word") == b"abc"
    assert len(r._idle) == 1  # one connection served all of it


def test_a_script_is_loaded_again_when_redis_forgot_it(r):
    double = r.script("return tonumber(ARGV[1]) * 2")
    assert double(args=[21]) == 42
    r.execute("SCRIPT", "FLUSH")
    assert double(args=[4]) == 8


def test_a_pooled_connection_the_server_closed_is_replaced_once(r):
    r.execute("PING")
    pooled_id = r.execute("CLIENT", "ID")
    Redis(URL).execute("CLIENT", "KILL", "ID", pooled_id)
    assert r.execute("SET", "after", "kill") == b"OK"
    assert r.execute("CLIENT", "ID") != pooled_id


def test_a_redis_that_is_down_fails_fast():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(ConnectionFailed, match="cannot connect"):
        Redis(f"redis://127.0.0.1:{port}/0").execute("PING")
    assert time.monotonic() - started < 1


def test_a_command_whose_answer_timed_out_is_not_sent_again():
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
        client = Redis(f"redis://127.0.0.1:{server.getsockname()[1]}/0", timeout=0.3)
        with pytest.raises(ConnectionFailed):
            client.execute("INCR", "counted-once")
    assert received == [b"*2\r\n$4\r\nINCR\r\n$12\r\ncounted-once\r\n"]
    assert client._idle == []  # a connection with an answer owed is never used again


def test_a_password_in_the_url_is_sent_before_any_command():
    with pytest.raises(ReplyError, match="AUTH"):  # this Redis has no password to check
        Redis("redis://:secret@127.0.0.1:6379/0").execute("PING")


def test_a_forked_process_opens_connections_of_its_own(r):
    r.execute("SET", "k", "parent")
    pid = os.fork()
    if pid == 0:  # the child must not read from the parent's socket
        ok = r.execute("GET", "k") == b"parent" and r.execute("SET", "k", "child") == b"OK"
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert r.execute("GET", "k") == b"child"


def test_threads_share_the_pool_without_mixing_answers(r):
    errors = []

    def work(n):
        try:
            for i in range(50):
                r.execute("SET", f"t{n}", i)
                assert r.execute("GET", f"t{n}") == str(i).encode()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(r._idle) <= 8


def test_credentials_are_read_from_the_url():
    assert Redis("redis://:p%40ss@h/0")._auth == ("p@ss",)
    assert Redis("redis://app:pw@h:6380/2")._auth == ("app", "pw")
    assert Redis("redis://app@h")._auth == ()  # a name alone is no password
    assert Redis("rediss://h/0?ssl_cert_reqs=none")._tls.check_hostname is False
    assert Redis("rediss://h/0")._tls.check_hostname is True
