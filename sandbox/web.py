"""HTTP helpers shared by the routes: error bodies, JSON input, paging, auth, rate limit."""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque

from werkzeug.wrappers import Response

TITLES = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 409: "Conflict", 422: "Unprocessable Entity",
    429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
}


class ApiError(Exception):
    """An error answered with the standard Broker-API error body."""

    def __init__(self, status: int, detail: str, headers: dict | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


def json_response(payload, status: int = 200, headers: dict | None = None) -> Response:
    """Build a JSON response usable both inside Flask and from plain WSGI code."""
    return Response(json.dumps(payload), status=status, headers=headers,
                    content_type="application/json")


def error_response(status: int, detail: str, path: str, timestamp: str,
                   headers: dict | None = None) -> Response:
    """Build the standard error body {status, title, detail, path, timestamp}."""
    body = {"status": status, "title": TITLES.get(status, "Error"), "detail": detail,
            "path": path, "timestamp": timestamp}
    return json_response(body, status, headers)


def find_empty_string(value, prefix: str = "") -> str | None:
    """Return the dotted path of the first "" string inside a JSON value, or None."""
    if value == "":
        return prefix or "(body)"
    if isinstance(value, dict):
        for key, item in value.items():
            found = find_empty_string(item, f"{prefix}.{key}" if prefix else str(key))
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = find_empty_string(item, f"{prefix}[{index}]")
            if found:
                return found
    return None


def parse_body(raw: bytes, empty_strings: str) -> dict:
    """Parse a JSON object request body, applying the empty-string variant."""
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        raise ApiError(400, "Malformed JSON request body") from None
    if not isinstance(body, dict):
        raise ApiError(400, "Request body must be a JSON object")
    if empty_strings == "reject":
        field = find_empty_string(body)
        if field:
            raise ApiError(400, f"Field '{field}' must not be empty")
    return body


def _int_arg(args, name: str, default: int, minimum: int) -> int:
    """Read an integer query parameter with a lower bound."""
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"Parameter '{name}' must be an integer") from None
    if value < minimum:
        raise ApiError(400, f"Parameter '{name}' must be at least {minimum}")
    return value


def paginate(items: list, args, sort_keys: dict, max_size: int | None,
             over_max: str = "clamp") -> dict:
    """Sort, slice and wrap items in a Spring page; `sort_keys` maps sort field to key func.

    A `size` above `max_size` is served as `max_size` ("clamp") or refused with 400 ("reject").
    """
    page = _int_arg(args, "page", 0, 0)
    size = _int_arg(args, "size", 10, 1)
    if max_size is not None and size > max_size:
        if over_max == "reject":
            raise ApiError(400, f"Parameter 'size' must be at most {max_size}")
        size = max_size
    field, _, direction = (args.get("sort") or "created,desc").partition(",")
    direction = (direction or "asc").strip().lower()
    if field.strip() not in sort_keys or direction not in ("asc", "desc"):
        raise ApiError(400, f"Unsupported sort '{args.get('sort')}'")
    key = sort_keys[field.strip()]
    ordered = sorted(items, key=lambda item: (key(item) is None, key(item) or ""),
                     reverse=direction == "desc")
    total = len(ordered)
    return {
        "content": ordered[page * size:(page + 1) * size],
        "totalPages": math.ceil(total / size),
        "totalElements": total,
        "number": page,
        "size": size,
    }


def token_from_header(value: str | None, scheme: str = "any") -> str | None:
    """Extract the token from "Authorization: <token>" or "Authorization: Bearer <token>".

    `scheme` "bearer" accepts only the Bearer form, "raw" only the bare token, "any" both;
    a header in a refused form gives None.
    """
    if not value:
        return None
    value = value.strip()
    if value.lower().startswith("bearer "):
        return value[7:].strip() if scheme in ("any", "bearer") else None
    return value if scheme in ("any", "raw") else None


class RateLimiter:
    """Sliding 60-second window of request times per token."""

    def __init__(self, window: float = 60.0):
        self.window = window
        self._lock = threading.Lock()
        self._hits: dict[str, deque] = {}
        self.refused = 0  # requests answered 429 since the last clear(), for tests and benches

    def check(self, token: str, limit: int) -> int | None:
        """Record a hit; return None if allowed, else seconds until a slot frees up."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(token, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= limit:
                self.refused += 1
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            return None

    def clear(self) -> None:
        """Forget all recorded hits."""
        with self._lock:
            self._hits.clear()
            self.refused = 0
