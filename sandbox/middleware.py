"""WSGI middleware that records API calls and applies fault rules before Flask runs."""

from __future__ import annotations

import socket
import time

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from .web import error_response

IN_PROCESS_KEY = "sandbox.in_process"
UNROUTED = "unrouted"
CONTROL_PREFIX = "/_sandbox/"


class SimulatedTimeout(TimeoutError):
    """Raised in-process where a real server would never answer."""


class SimulatedReset(ConnectionResetError):
    """Raised where a real connection would be dropped mid-response."""


def _drain(result) -> None:
    """Consume and close a WSGI response iterable (the work is kept, the answer dropped)."""
    try:
        for _ in result:
            pass
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()


def _broken_response(environ, start_response):
    """Send headers promising more bytes than exist, write part, then drop the connection."""
    part = b'{"uuid": "'
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(part) + 65536))])

    def body():
        """Yield the partial body, then drop the connection."""
        yield part
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        raise SimulatedReset("Connection reset by the sandbox")

    return body()


class FaultMiddleware:
    """Wraps the Flask wsgi_app; only requests routed to API endpoints are affected.

    Requests that match no route (404 / 405, outside the control routes) are logged as calls
    of the endpoint name "unrouted", since a client sent them to the API; faults skip them.
    """

    def __init__(self, inner, sandbox, endpoints: frozenset):
        self.inner = inner
        self.sandbox = sandbox
        self.endpoints = endpoints

    def _endpoint(self, environ) -> str | None:
        """Return the API endpoint name for this request, or None."""
        try:
            endpoint, _ = self.sandbox.app.url_map.bind_to_environ(environ).match()
        except (NotFound, MethodNotAllowed):
            path = environ.get("PATH_INFO", "")
            return None if path.startswith(CONTROL_PREFIX) else UNROUTED
        except HTTPException:
            return None
        return endpoint if endpoint in self.endpoints else None

    def __call__(self, environ, start_response):
        endpoint = self._endpoint(environ)
        if endpoint is None:
            return self.inner(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        self.sandbox.record_call(method, endpoint)
        if endpoint == UNROUTED:
            return self.inner(environ, start_response)
        latency, rule = self.sandbox.faults.pick(endpoint, method)
        if latency:
            time.sleep(latency / 1000.0)
        if rule is None:
            return self.inner(environ, start_response)
        if rule.kind == "commit_then_fail":
            _drain(self.inner(environ, lambda *args, **kwargs: None))
            kind = rule.then
        else:
            kind = rule.kind
        return self._fail(kind, rule, environ, start_response)

    def _fail(self, kind: str, rule, environ, start_response):
        """Answer with the failure `kind` without running the real handler."""
        in_process = bool(environ.get(IN_PROCESS_KEY))
        if kind == "timeout":
            if in_process:
                raise SimulatedTimeout("The sandbox did not answer in time")
            time.sleep(self.sandbox.variants.hang_seconds)
            return self._error(504, "Upstream timed out", environ, start_response)
        if kind == "reset":
            if in_process:
                raise SimulatedReset("Connection reset by the sandbox")
            return _broken_response(environ, start_response)
        if kind == "rate_limit":
            headers = {}
            if rule.retry_after is not None:
                headers["Retry-After"] = str(rule.retry_after)
            elif self.sandbox.variants.retry_after:
                headers["Retry-After"] = "1"
            return self._error(429, "Rate limit exceeded", environ, start_response, headers)
        status = rule.status if rule.kind == "error" else 500
        return self._error(status, "An unexpected error occurred", environ, start_response)

    def _error(self, status, detail, environ, start_response, headers=None):
        """Send a standard error body."""
        response = error_response(status, detail, environ.get("PATH_INFO", "/"),
                                  self.sandbox.store.timestamp(), headers)
        return response(environ, start_response)
