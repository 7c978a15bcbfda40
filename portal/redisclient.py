"""A small Redis client for the few commands the portal sends (RESP2 over TCP or TLS).

The portal shares a cache, rate-limit counters and the Broker-API budget through Redis with a
handful of commands (GET, MGET, SET, DEL, TIME, ZCOUNT and Lua scripts). redis-py would add
about 3 MB to every process, importing its cluster, asyncio and every command's code whether
used or not; this module is the part the portal needs.

- URLs as redis-py reads them: ``redis://[[user]:password@]host[:port][/db]``, ``rediss://`` for
  TLS (certificates checked; ``?ssl_cert_reqs=none`` turns that off for a provider that needs
  it), ``?db=N``.
- Every call fails fast: connecting and each answer wait ``timeout`` seconds (1 by default).
- Connections are pooled per process and handed to one thread at a time. A pooled connection
  the server dropped while idle is replaced once at once; a command whose answer timed out is
  not sent again, as it may have run. A process forked after using the client (gunicorn
  --preload) starts with a pool of its own.
- Bulk answers are bytes, integers are ints, arrays are lists, nil is None; an error answer
  raises ``ReplyError``, a connection problem ``ConnectionFailed``. Both are ``RedisError``.
"""
from __future__ import annotations

import hashlib
import os
import socket
import ssl
import threading
from urllib.parse import parse_qs, unquote, urlsplit

MAX_IDLE = 16  # connections a process keeps open between calls


class RedisError(Exception):
    """Redis could not answer a command."""


class ConnectionFailed(RedisError):
    """Redis did not answer in time, or the connection broke."""


class ReplyError(RedisError):
    """Redis answered with an error (its text is the message)."""


class Redis:
    """A pool of connections to one Redis database."""

    def __init__(self, url: str, timeout: float = 1.0):
        parts = urlsplit(url)
        if parts.scheme not in ("redis", "rediss"):
            raise ValueError(f"not a Redis URL: {parts.scheme}://…")
        query = parse_qs(parts.query)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 6379
        self.db = int(query.get("db", [parts.path.strip("/") or 0])[0])
        self._auth = ()  # AUTH [username] password, when the URL has a password
        if parts.password:
            self._auth = tuple(unquote(v) for v in (parts.username, parts.password) if v)
        self._tls = None
        if parts.scheme == "rediss":
            self._tls = ssl.create_default_context()
            if query.get("ssl_cert_reqs", [""])[0].lower() == "none":
                self._tls.check_hostname = False
                self._tls.verify_mode = ssl.CERT_NONE
        self.timeout = timeout
        self._idle: list[_Connection] = []
        self._pid = os.getpid()
        self._lock = threading.Lock()

    def execute(self, *args) -> object:
        """Send one command and return Redis's answer."""
        conn, reused = self._take()
        try:
            try:
                reply = conn.call(args)
            except ConnectionFailed:
                conn.close()
                if not (reused and conn.dropped):
                    raise
                conn, reused = self._connect(), False  # the server closed it while it was idle
                reply = conn.call(args)
        except ReplyError:
            self._give(conn)
            raise
        except BaseException:
            conn.close()
            raise
        self._give(conn)
        return reply

    def script(self, text: str) -> "Script":
        return Script(self, text)

    def _take(self) -> tuple["_Connection", bool]:
        with self._lock:
            if self._pid != os.getpid():  # a forked child: the parent's sockets are not its own
                self._idle, self._pid = [], os.getpid()
            if self._idle:
                return self._idle.pop(), True
        return self._connect(), False

    def _give(self, conn: "_Connection") -> None:
        with self._lock:
            if conn.pid == self._pid and len(self._idle) < MAX_IDLE:
                self._idle.append(conn)
                return
        conn.close()

    def _connect(self) -> "_Connection":
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
            if self._tls is not None:
                sock = self._tls.wrap_socket(sock, server_hostname=self.host)
        except OSError as exc:
            raise ConnectionFailed(f"cannot connect to Redis at {self.host}:{self.port}: {exc}") from exc
        conn = _Connection(sock)
        try:
            if self._auth:
                conn.call(("AUTH", *self._auth))
            if self.db:
                conn.call(("SELECT", self.db))
        except RedisError:
            conn.close()
            raise
        return conn


class Script:
    """A Lua script, sent by its SHA1 and loaded again when Redis has forgotten it."""

    def __init__(self, client: Redis, text: str):
        self.client = client
        self.text = text
        self.sha = hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()

    def __call__(self, keys: list = (), args: list = ()) -> object:
        try:
            return self.client.execute("EVALSHA", self.sha, len(keys), *keys, *args)
        except ReplyError as exc:
            if not str(exc).startswith("NOSCRIPT"):
                raise
            return self.client.execute("EVAL", self.text, len(keys), *keys, *args)


class _Connection:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.reader = sock.makefile("rb")
        self.pid = os.getpid()
        self.dropped = False  # the server closed the connection before answering

    def call(self, args) -> object:
        try:
            self.sock.sendall(_encode(args))
        except OSError as exc:
            self.dropped = not isinstance(exc, TimeoutError)
            raise ConnectionFailed(f"Redis connection failed: {exc or type(exc).__name__}") from exc
        try:
            reply = self._read()
        except (OSError, ValueError) as exc:  # ValueError: an answer that is not RESP
            raise ConnectionFailed(f"Redis connection failed: {exc or type(exc).__name__}") from exc
        if isinstance(reply, ReplyError):
            raise reply
        return reply

    def _read(self) -> object:
        """One answer, read whole; an error answer is returned as a ReplyError, not raised,
        so an array holding one is read to its end and the connection stays usable."""
        line = self.reader.readline()
        if not line.endswith(b"\r\n"):
            self.dropped = not line
            raise ConnectionResetError("Redis closed the connection")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            if size < 0:
                return None
            data = self.reader.read(size + 2)
            if len(data) != size + 2:
                raise ConnectionResetError("Redis closed the connection")
            return data[:-2]
        if kind == b"*":
            count = int(rest)
            items = [self._read() for _ in range(count)] if count >= 0 else None
            errors = [item for item in items or () if isinstance(item, ReplyError)]
            return errors[0] if errors else items
        if kind == b"-":
            return ReplyError(rest.decode(errors="replace"))
        raise ValueError(f"unexpected answer from Redis: {line[:20]!r}")

    def close(self) -> None:
        for closing in (self.reader, self.sock):
            try:
                closing.close()
            except OSError:
                pass


def _encode(args) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, str):
            arg = arg.encode()
        elif isinstance(arg, (int, float)):
            arg = repr(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(out)
