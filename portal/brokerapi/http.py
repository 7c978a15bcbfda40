"""One logical Broker-API call: deadline, retries, the shared budget, 429 waits, error mapping.

The only place that touches httpx. Callers get a JSON value or a domain error, never a response.
"""
from __future__ import annotations

import logging
import random
import time
from typing import Any, Callable
from urllib.parse import quote

import httpx

from .errors import (
    BrokerUnavailable,
    Forbidden,
    NotFound,
    RateLimited,
    Rejected,
    Unauthorized,
    UnexpectedResponse,
)
from .kinds import ApiKind, authorization

log = logging.getLogger("portal.brokerapi")

MAX_RATE_LIMIT_WAITS = 3


def detail_of(response: httpx.Response) -> str:
    """The broker's own words from an error body (problem+json, or the text of anything else)."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("title") or "")[:500]
    return ""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def raise_for_status(response: httpx.Response) -> None:
    """Map a 4xx answer to a domain error (5xx never gets here: the call loop raised already)."""
    status = response.status_code
    if status < 400:
        return
    detail = detail_of(response)
    if status == 401:
        raise Unauthorized("Broker-API rejected the API key", status=status)
    if status == 403:
        raise Forbidden(detail or "Broker-API key lacks this permission", status=status)
    if status == 404:
        raise NotFound(detail, status=status)
    raise Rejected(detail, status=status)


class BrokerHttp:
    """A pooled, thread-safe HTTP session with the rules every Broker-API call follows."""

    def __init__(self, base_url: str, key: str, kind: ApiKind, *, auth_scheme: str | None = None,
                 connect_timeout: float = 3.0, read_timeout: float = 8.0, deadline: float = 10.0,
                 read_retries: int = 2, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 observer: Callable[[str, int | None, float], None] | None = None, budget=None):
        self.kind = kind
        self.auth_scheme = auth_scheme or kind.auth_scheme
        self._http = httpx.Client(
            base_url=base_url,
            headers={
                "Authorization": authorization(self.auth_scheme, key),
                "Accept": "application/json",
                # On every request: CRM-API answers a request without it with a 500 that
                # hides a 415 (CRM-API.md section 1), bodiless POSTs included.
                "Content-Type": "application/json",
            },
            transport=transport,
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        )
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.deadline = deadline
        self.read_retries = read_retries
        self.sleep = sleep
        self._observer = observer
        self.budget = budget

    def close(self) -> None:
        self._http.close()

    def json(self, method: str, template: str, **kwargs) -> Any:
        """Call and decode: the JSON value of a 2xx answer (None when it has no body)."""
        response = self.call(method, template, **kwargs)
        raise_for_status(response)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise UnexpectedResponse(f"{method} {template}: the answer is not JSON") from exc

    def text(self, method: str, template: str, **kwargs) -> str:
        """Call for an answer whose form is unpublished: its JSON or plain text, undecoded."""
        response = self.call(method, template, **kwargs)
        raise_for_status(response)
        return response.text

    def call(self, method: str, template: str, *, path_args: dict | None = None,
             params: dict | None = None, json: Any = None,
             idempotent: bool | None = None) -> httpx.Response:
        """Send one logical call within the deadline; return a 2xx/4xx response or raise."""
        idempotent = method == "GET" if idempotent is None else idempotent
        path = template.format(**{k: quote(str(v), safe="") for k, v in (path_args or {}).items()})
        ends_at = time.monotonic() + self.deadline
        attempt = waits = 0
        while True:
            attempt += 1
            if ends_at - time.monotonic() <= 0:
                raise BrokerUnavailable(f"{method} {template}: deadline exceeded")
            self._spend_budget(method, template, ends_at)
            remaining = ends_at - time.monotonic()
            timeout = httpx.Timeout(
                min(self.read_timeout, remaining), connect=min(self.connect_timeout, remaining))
            started = time.monotonic()
            try:
                response = self._http.request(method, path, params=params, json=json,
                                              timeout=timeout)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # The request never left: retrying is safe for writes too.
                error = BrokerUnavailable(f"{method} {template}: {type(exc).__name__}", sent=False)
                retryable = True
                self._record(method, template, None, started)
            except httpx.TransportError as exc:
                # Timeout or reset after sending: a write may have been applied, so only reads
                # retry.
                error = BrokerUnavailable(f"{method} {template}: {type(exc).__name__}")
                retryable = idempotent
                self._record(method, template, None, started)
            else:
                status = response.status_code
                self._record(method, template, status, started)
                if status == 429:
                    # 429 means the broker did not process the call, so any method may wait.
                    retry_after = _retry_after(response)
                    wait = retry_after if retry_after is not None else self.backoff(waits + 1)
                    waits += 1
                    if waits > MAX_RATE_LIMIT_WAITS or time.monotonic() + wait >= ends_at:
                        raise RateLimited(f"{method} {template}: rate limited",
                                          retry_after=retry_after)
                    self.sleep(wait)
                    continue
                if status < 500:
                    return response
                error = BrokerUnavailable(f"{method} {template}: HTTP {status}", status=status)
                retryable = idempotent
            if not retryable or attempt > self.read_retries:
                raise error
            wait = self.backoff(attempt)
            if time.monotonic() + wait >= ends_at:
                raise error
            self.sleep(wait)

    def _spend_budget(self, method: str, template: str, ends_at: float) -> None:
        """Wait for a slot in the shared request budget, but never past the call's deadline or
        the budget's patience."""
        if self.budget is None:
            return
        while (wait := self.budget.try_take()) > 0:
            if wait > self.budget.patience or time.monotonic() + wait >= ends_at:
                raise RateLimited(f"{method} {template}: request budget spent", retry_after=wait)
            self.sleep(wait)

    @staticmethod
    def backoff(attempt: int) -> float:
        """Exponential backoff with full jitter: 0.2 s, 0.4 s, 0.8 s ... capped at 5 s."""
        return random.uniform(0.5, 1.0) * min(5.0, 0.2 * 2 ** (attempt - 1))

    def _record(self, method: str, template: str, status: int | None, started: float) -> None:
        ms = (time.monotonic() - started) * 1000
        log.info("broker %s %s -> %s in %.0f ms", method, template, status or "error", ms)
        if self._observer:
            self._observer(f"{method} {template}", status, ms)
