"""Logging set-up: secrets redacted from every record, a request id on every line, text or JSON."""
from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from contextvars import ContextVar
from datetime import datetime, timezone

from flask import Flask, g, request

REDACTED = "[redacted]"
_PATTERNS = [
    # key=value and "key": "value" forms of secrets in URLs, JSON and form dumps
    re.compile(r'(?i)((?:password|newpassword|new_password|confirm|token|onetimetoken|auth|secret|api[_-]?key)'
               r'["\']?\s*[:=]\s*["\']?)([^"\'&\s,}]+)'),
    re.compile(r"(?i)(authorization\s*[:=]\s*(?:bearer\s+)?)(\S+)"),
    # mailed links' paths, as the development server's access lines show them
    re.compile(r"(/(?:password/reset|claim|confirm)/)([A-Za-z0-9_.~=-]+)"),
]
REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
ACCESS_LOGGER = "portal.access"
access_log = logging.getLogger(ACCESS_LOGGER)
_JSON = json.JSONEncoder(ensure_ascii=False, default=str)  # made once, not on every line
_PLAIN = logging.Formatter()


def redact(text: str) -> str:
    """Replace secret values in ``text``."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """Formats the record's message once, redacted, so no secret reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == ACCESS_LOGGER:
            return True  # method, route template, status and time: nothing there to redact
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info:  # formatters reuse exc_text, so the traceback is redacted once here
            record.exc_text = redact(record.exc_text or _PLAIN.formatException(record.exc_info))
        return True


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or "-") on the record as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, redacted traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get(),
        }
        for key in ("method", "path", "status", "ms"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exc"] = redact(record.exc_text or self.formatException(record.exc_info))
        return _JSON.encode(line)


class PortalHandler(logging.StreamHandler):
    """The stderr handler the portal installs when nothing else configured logging.

    It writes to whatever ``sys.stderr`` is at the time, so a replaced stderr still gets lines.
    """

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(log_format: str = "text", level: str = "INFO") -> None:
    """Redaction and request ids on every root handler; our handler in text or JSON (idempotent)."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(PortalHandler())
        root.setLevel(level.upper())
        # Our formats name no thread or process; logging skips finding them (the Logging
        # HOWTO's "Optimization"). Left alone when someone else set logging up.
        logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    for handler in root.handlers:
        if isinstance(handler, PortalHandler):
            json_lines = log_format == "json"
            handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
    # httpx logs full URLs (emails in lookup paths); our client logs path templates instead.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def incoming_request_id(value: str | None) -> str:
    """The caller's X-Request-ID when it is a safe short token, else a new random one."""
    if value and _SAFE_REQUEST_ID.fullmatch(value):
        return value
    return secrets.token_hex(16)


def init_request_ids(app: Flask) -> None:
    """Give every request an id for its log lines and echo it in the response header."""

    @app.before_request
    def _start():
        g.request_id = incoming_request_id(request.headers.get(REQUEST_ID_HEADER))
        g.request_started = time.perf_counter()
        request_id.set(g.request_id)

    @app.after_request
    def _finish(response):
        rid = g.get("request_id")
        if rid:
            response.headers[REQUEST_ID_HEADER] = rid
            if app.config.get("ACCESS_LOG"):
                _log_access(response.status_code, g.request_started)
        return response

    @app.teardown_request
    def _forget(_exc):
        request_id.set(None)


def _log_access(status: int, started: float) -> None:
    """One line per request; the route template, never the raw path (it may carry tokens)."""
    rule, method = request.url_rule, request.method
    path = rule.rule if rule else "<unmatched>"
    ms = round((time.perf_counter() - started) * 1000, 1)
    access_log.info("%s %s -> %s in %.1f ms", method, path, status, ms,
                    extra={"method": method, "path": path, "status": status, "ms": ms})
