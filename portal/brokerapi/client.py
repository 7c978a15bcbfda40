"""The only module that speaks HTTP to Broker-API: timeouts, retries, error mapping, typed results."""
from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable
from urllib.parse import quote

import httpx

from . import paths
from .budget import make_budget
from .errors import (
    BrokerUnavailable,
    EmailTaken,
    Forbidden,
    NotFound,
    RateLimited,
    Rejected,
    Unauthorized,
)
from .models import Account, CreatedAccount, Named, Offer, ServiceInfo, TradingAccount

log = logging.getLogger("portal.brokerapi")

MAX_PAGES = 200
MAX_RATE_LIMIT_WAITS = 3


@dataclass(frozen=True)
class NewAccount:
    """What the portal sends to create an Account; empty values are left out of the body."""

    email: str
    password: str
    first_name: str
    last_name: str
    offer_uuid: str | None = None
    country: str | None = None
    phone: str | None = None
    language: str | None = None
    lead_source: str | None = None
    ib_parent_trading_account_uuid: str | None = None


def prune(value: Any) -> Any:
    """Drop None, empty strings and empty containers recursively (Broker-API rejects ``""``)."""
    if isinstance(value, dict):
        pruned = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", {}, [])}
    if isinstance(value, list):
        return [v for v in (prune(v) for v in value) if v not in (None, "", {}, [])]
    return value


def _detail(response: httpx.Response) -> str:
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


class BrokerClient:
    """A pooled, thread-safe Broker-API client returning typed objects and raising domain errors."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        connect_timeout: float = 3.0,
        read_timeout: float = 8.0,
        deadline: float = 10.0,
        read_retries: int = 2,
        role_name: str = "User",
        branch_name: str = "Default",
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        observer: Callable[[str, int | None, float], None] | None = None,
        budget=None,
    ):
        self._http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": token, "Accept": "application/json"},
            transport=transport,
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
        )
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.deadline = deadline
        self.read_retries = read_retries
        self.role_name = role_name
        self.branch_name = branch_name
        self._sleep = sleep
        self._observer = observer
        self.budget = budget
        self._names: dict[str, str] = {}
        self._names_lock = threading.Lock()

    @classmethod
    def from_config(cls, config, **kwargs) -> "BrokerClient":
        """Build a client from the portal's Flask config mapping."""
        kwargs.setdefault("budget", make_budget(
            config.get("REDIS_URL"), config["BROKER_API_TOKEN"], config["BROKER_BUDGET_PER_MINUTE"]))
        return cls(
            config["BROKER_API_URL"],
            config["BROKER_API_TOKEN"],
            connect_timeout=config["BROKER_CONNECT_TIMEOUT"],
            read_timeout=config["BROKER_READ_TIMEOUT"],
            deadline=config["BROKER_DEADLINE"],
            read_retries=config["BROKER_READ_RETRIES"],
            role_name=config["BROKER_ROLE_NAME"],
            branch_name=config["BROKER_BRANCH_NAME"],
            transport=config.get("BROKER_TRANSPORT"),
            **kwargs,
        )

    def close(self) -> None:
        self._http.close()

    # -- transport -------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        template: str,
        *,
        path_args: dict | None = None,
        params: dict | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send one logical call within the deadline; return a 2xx/4xx response or raise."""
        idempotent = method == "GET" if idempotent is None else idempotent
        path = template.format(**{k: quote(str(v), safe="") for k, v in (path_args or {}).items()})
        ends_at = time.monotonic() + self.deadline
        attempt = waits = 0
        while True:
            attempt += 1
            remaining = ends_at - time.monotonic()
            if remaining <= 0:
                raise BrokerUnavailable(f"{method} {template}: deadline exceeded")
            self._spend_budget(method, template, ends_at)
            remaining = ends_at - time.monotonic()
            timeout = httpx.Timeout(
                min(self.read_timeout, remaining), connect=min(self.connect_timeout, remaining)
            )
            started = time.monotonic()
            try:
                response = self._http.request(method, path, params=params, json=json, timeout=timeout)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # The request never left: retrying is safe for writes too.
                error, retryable = BrokerUnavailable(f"{method} {template}: {type(exc).__name__}", sent=False), True
                self._record(method, template, None, started)
            except httpx.TransportError as exc:
                # Timeout or reset after sending: a write may have been applied, so only reads retry.
                error, retryable = BrokerUnavailable(f"{method} {template}: {type(exc).__name__}"), idempotent
                self._record(method, template, None, started)
            else:
                status = response.status_code
                self._record(method, template, status, started)
                if status == 429:
                    # 429 means the broker did not process the call, so any method may wait and retry.
                    retry_after = _retry_after(response)
                    wait = retry_after if retry_after is not None else self._backoff(waits + 1)
                    waits += 1
                    if waits > MAX_RATE_LIMIT_WAITS or time.monotonic() + wait >= ends_at:
                        raise RateLimited(f"{method} {template}: rate limited", retry_after=retry_after)
                    self._sleep(wait)
                    continue
                if status < 500:
                    return response
                error = BrokerUnavailable(f"{method} {template}: HTTP {status}", status=status)
                retryable = idempotent
            if not retryable or attempt > self.read_retries:
                raise error
            wait = self._backoff(attempt)
            if time.monotonic() + wait >= ends_at:
                raise error
            self._sleep(wait)

    def _spend_budget(self, method: str, template: str, ends_at: float) -> None:
        """Wait for a slot in the shared request budget, but never past the call's deadline."""
        if self.budget is None:
            return
        while (wait := self.budget.try_take()) > 0:
            if time.monotonic() + wait >= ends_at:
                raise RateLimited(f"{method} {template}: request budget spent", retry_after=wait)
            self._sleep(wait)

    @staticmethod
    def _backoff(attempt: int) -> float:
        """Exponential backoff with full jitter: 0.2 s, 0.4 s, 0.8 s ... capped at 5 s."""
        return random.uniform(0.5, 1.0) * min(5.0, 0.2 * 2 ** (attempt - 1))

    def _record(self, method: str, template: str, status: int | None, started: float) -> None:
        ms = (time.monotonic() - started) * 1000
        log.info("broker %s %s -> %s in %.0f ms", method, template, status or "error", ms)
        if self._observer:
            self._observer(f"{method} {template}", status, ms)

    def _json(self, method: str, template: str, **kwargs) -> Any:
        response = self._call(method, template, **kwargs)
        self._raise_for_status(response)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise BrokerUnavailable(f"{method} {template}: response is not JSON") from exc

    @staticmethod
    def _raise_for_status(response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        detail = _detail(response)
        if status == 401:
            raise Unauthorized("Broker-API rejected the API token", status=status)
        if status == 403:
            raise Forbidden(detail or "Broker-API token lacks this permission", status=status)
        if status == 404:
            raise NotFound(detail, status=status)
        raise Rejected(detail, status=status)

    # -- catalogue -------------------------------------------------------------------------

    def service_info(self) -> ServiceInfo:
        return ServiceInfo.from_json(self._json("GET", paths.SERVICE_INFO) or {})

    def offers_json(self) -> list[dict]:
        """The raw offer objects, for callers that cache the wire format."""
        body = self._json("GET", paths.OFFERS) or {}
        return [o for o in body.get("offers", []) if isinstance(o, dict)]

    def offers(self) -> list[Offer]:
        return [Offer.from_json(o) for o in self.offers_json()]

    def branches(self) -> list[Named]:
        body = self._json("GET", paths.BRANCHES) or {}
        return [Named.from_json(b) for b in body.get("branches", [])]

    def roles(self) -> list[Named]:
        body = self._json("GET", paths.ROLES) or {}
        return [Named.from_json(r) for r in body.get("roles", [])]

    def role_uuid(self) -> str | None:
        """The uuid of the configured trader role ("User"), resolved once by name."""
        return self._resolve("role", self.role_name, self.roles)

    def branch_uuid(self) -> str | None:
        """The uuid of the configured branch ("Default"), resolved once by name."""
        return self._resolve("branch", self.branch_name, self.branches)

    def _resolve(self, kind: str, name: str, fetch: Callable[[], list[Named]]) -> str | None:
        key = f"{kind}:{name}"
        with self._names_lock:
            if key in self._names:
                return self._names[key]
        found = next((n.uuid for n in fetch() if n.name.lower() == name.lower()), None)
        if found:
            with self._names_lock:
                self._names[key] = found
        else:
            log.warning("broker %s named %r not found; leaving it to the broker's default", kind, name)
        return found

    # -- accounts --------------------------------------------------------------------------

    def create_account(self, new: NewAccount) -> CreatedAccount:
        """Create an Account (and its first trading account when an offer is given)."""
        body = prune({
            "email": new.email,
            "password": new.password,
            "offerUuid": new.offer_uuid,
            "clientType": "RETAIL",
            "personalDetails": {
                "firstname": new.first_name,
                "lastname": new.last_name,
                "citizenship": new.country,
                "language": new.language,
            },
            "contactDetails": {"phoneNumber": new.phone},
            "addressDetails": {"country": new.country},
            "accountConfiguration": {
                "roleUuid": self.role_uuid(),
                "branchUuid": self.branch_uuid(),
                "ibParentTradingAccountUuid": new.ib_parent_trading_account_uuid,
            },
            "leadDetails": {"source": new.lead_source},
        })
        response = self._call("POST", paths.ACCOUNTS, json=body)
        if response.status_code in (401, 403) or response.status_code < 400:
            self._raise_for_status(response)
            data = response.json()
            return CreatedAccount(Account.from_json(data), data.get("oneTimeToken") or None)
        # The broker's duplicate-email answer is undocumented (400, 409 or 422, prose only):
        # classify by asking whether the email now has an Account, never by parsing the text.
        detail = _detail(response)
        if self.find_account(new.email) is not None:
            raise EmailTaken(detail, status=response.status_code)
        raise Rejected(detail, status=response.status_code)

    def account_by_uuid(self, uuid: str) -> Account:
        data = self._json("GET", paths.ACCOUNT_BY_UUID, path_args={"uuid": uuid})
        if not isinstance(data, dict) or not data.get("uuid"):
            raise NotFound("account not found", status=200)
        return Account.from_json(data)

    def find_account(self, email: str) -> Account | None:
        """The Account for ``email`` compared case-insensitively, or None.

        Whether by-email matches case-insensitively is undocumented, so a miss falls back to
        the free-text account search and an exact case-insensitive comparison.
        """
        try:
            data = self._json("GET", paths.ACCOUNT_BY_EMAIL, path_args={"email": email})
        except NotFound:
            data = None
        if isinstance(data, dict) and data.get("uuid"):
            return Account.from_json(data)
        wanted = email.strip().lower()
        for item in self._pages(paths.ACCOUNTS, {"query": email.strip()}):
            if str(item.get("email", "")).lower() == wanted:
                return Account.from_json(item)
        return None

    def update_account(self, uuid: str, changes: dict) -> Account:
        """PATCH the Account; callers send whole nested objects so merge or replace both work."""
        data = self._json("PATCH", paths.ACCOUNT, path_args={"uuid": uuid}, json=prune(changes))
        return Account.from_json(data or {})

    def change_password(self, account_uuid: str, new_password: str) -> None:
        self._json(
            "POST",
            paths.CHANGE_PASSWORD,
            json={"accountUuid": account_uuid, "newPassword": new_password},
            idempotent=True,  # setting the same password twice is harmless
        )

    # -- trading accounts ------------------------------------------------------------------

    def create_trading_account(self, account_uuid: str, offer_uuid: str) -> TradingAccount:
        data = self._json(
            "POST",
            paths.ACCOUNT_TRADING_ACCOUNTS,
            path_args={"uuid": account_uuid},
            json={"offerUuid": offer_uuid},
        )
        return TradingAccount.from_json(data or {})

    def trading_accounts_json(self, account_uuid: str, email: str) -> list[dict]:
        """Raw trading-account items of one Account, across all pages.

        The ``query`` is a free-text search (an email also matches longer emails containing it),
        so only items whose owner uuid is this Account are kept.
        """
        items = self._pages(paths.TRADING_ACCOUNTS, {"query": email})
        return [i for i in items if (i.get("accountInfo") or {}).get("uuid") == account_uuid]

    def trading_accounts(self, account_uuid: str, email: str) -> list[TradingAccount]:
        """Every trading account of the Account ``account_uuid`` (whose email is ``email``)."""
        return [TradingAccount.from_json(i) for i in self.trading_accounts_json(account_uuid, email)]

    def trading_account(self, system_uuid: str, login: str) -> TradingAccount:
        data = self._json(
            "GET", paths.TRADING_ACCOUNT, params={"systemUuid": system_uuid, "login": login}
        )
        return TradingAccount.from_json(data or {})

    def _pages(self, template: str, params: dict) -> Iterable[dict]:
        """Follow a Spring page envelope from page 0 to its last page."""
        page = 0
        while page < MAX_PAGES:
            body = self._json(
                "GET", template, params={**params, "page": page, "size": paths.PAGE_SIZE}
            ) or {}
            content = [c for c in body.get("content") or [] if isinstance(c, dict)]
            yield from content
            total_pages = body.get("totalPages")
            page += 1
            if not content or (isinstance(total_pages, int) and page >= total_pages):
                return

    # -- platform --------------------------------------------------------------------------

    def one_time_token(self, email: str, validity_seconds: int = 30) -> str:
        """A one-time platform login token; the response shape is unpublished, so accept each form."""
        response = self._call(
            "POST", paths.ONE_TIME_TOKEN, json={"email": email, "validityTime": validity_seconds}
        )
        self._raise_for_status(response)
        try:
            body = response.json()
        except ValueError:
            body = response.text.strip()
        if isinstance(body, dict):
            body = body.get("token") or body.get("oneTimeToken") or body.get("value")
        if not isinstance(body, str) or not body:
            raise BrokerUnavailable("one-time token response carried no token")
        return body
