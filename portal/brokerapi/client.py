"""The Broker-API operations the portal uses: typed objects in, typed objects out, domain errors.

Which API the broker runs (CRM-API or Broker-API v1) is a setting (``kinds.py``); how one call
is sent is ``http.py``; how a page envelope is followed is ``paging.py``.
"""
from __future__ import annotations

import json
import logging
import re
import threading
from typing import Any, Callable

from . import paging
from .budget import make_budget
from .errors import (
    EmailTaken,
    Forbidden,
    NotFound,
    NotReady,
    Rejected,
    UnexpectedResponse,
)
from .http import BrokerHttp, detail_of, raise_for_status
from .kinds import SERVICE_INFO, ApiKind, kind_named
from .bodies import NewAccount, account_body, prune
from .models import Account, CreatedAccount, Named, Offer, ServiceInfo, TradingAccount

log = logging.getLogger("portal.brokerapi")

# Answers a by-email lookup may give for an unknown email (none is documented): 404 on v1 and
# in v2's client code, 400 in v2's client code too, 422 as v1's validation status.
NO_SUCH_ACCOUNT = (400, 404, 422)
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9._~+/=-]{8,512}")
# The API right a CRM user needs for each list the portal resolves names in.
READ_PERMISSION = {"roles": "API ACCESS: read roles", "branches": "API ACCESS: read branches"}


def _listed(body: Any, key: str, what: str) -> list[dict]:
    """The objects under ``key`` of a named wrapper such as ``{"offers": [...]}``."""
    if not isinstance(body, dict) or not isinstance(body.get(key, []), list):
        raise UnexpectedResponse(f"{what}: expected an object with a list '{key}', "
                                 f"got {type(body).__name__}")
    return [item for item in body.get(key) or [] if isinstance(item, dict)]


class BrokerClient:
    """A pooled, thread-safe Broker-API client returning typed objects and raising domain errors."""

    def __init__(self, base_url: str, token: str, *, kind: ApiKind | str = "crm-api",
                 role_name: str = "User", branch_name: str = "Default", **http_options):
        self.kind = kind_named(kind) if isinstance(kind, str) else kind
        self.http = BrokerHttp(base_url, token, self.kind, **http_options)
        self.paths = self.kind.paths
        self.role_name = role_name
        self.branch_name = branch_name
        self._names: dict[str, str] = {}
        self._names_lock = threading.Lock()

    @classmethod
    def from_config(cls, config, **kwargs) -> "BrokerClient":
        """Build a client from the portal's Flask config mapping."""
        kwargs.setdefault("budget", make_budget(
            config.get("REDIS_URL"), config["BROKER_API_TOKEN"],
            config["BROKER_BUDGET_PER_MINUTE"]))
        return cls(
            config["BROKER_API_URL"], config["BROKER_API_TOKEN"],
            kind=config.get("BROKER_API_KIND") or "crm-api",
            auth_scheme=config.get("BROKER_AUTH_SCHEME") or None,
            connect_timeout=config["BROKER_CONNECT_TIMEOUT"],
            read_timeout=config["BROKER_READ_TIMEOUT"],
            deadline=config["BROKER_DEADLINE"],
            read_retries=config["BROKER_READ_RETRIES"],
            role_name=config["BROKER_ROLE_NAME"],
            branch_name=config["BROKER_BRANCH_NAME"],
            transport=config.get("BROKER_TRANSPORT"),
            **kwargs,
        )

    @property
    def budget(self):
        return self.http.budget

    def close(self) -> None:
        self.http.close()

    # -- connection ------------------------------------------------------------------------

    def check_connection(self) -> str:
        """Test the connection the way this kind's docs say; return the path that answered."""
        tests = self.kind.connection_tests
        for index, path in enumerate(tests):
            try:
                self.http.json("GET", path)
            except NotFound:
                if index + 1 == len(tests):
                    raise
                continue
            return path
        raise AssertionError("a kind names at least one connection test")  # pragma: no cover

    def service_info(self) -> ServiceInfo:
        """What ``/service-info`` says (v1 builds that serve it; CRM-API answers NotFound)."""
        body = self.http.json("GET", SERVICE_INFO)
        return ServiceInfo.from_json(body if isinstance(body, dict) else {})

    # -- catalogue -------------------------------------------------------------------------

    def offers_json(self) -> list[dict]:
        """The raw offer objects, for callers that cache the wire format."""
        return _listed(self.http.json("GET", self.paths.offers), "offers", "GET offers")

    def offers(self) -> list[Offer]:
        return [Offer.from_json(o) for o in self.offers_json()]

    def branches(self) -> list[Named]:
        body = self.http.json("GET", self.paths.branches)
        return [Named.from_json(b) for b in _listed(body, "branches", "GET branches")]

    def roles(self) -> list[Named]:
        body = self.http.json("GET", self.paths.roles)
        return [Named.from_json(r) for r in _listed(body, "roles", "GET roles")]

    def role_uuid(self) -> str | None:
        """The uuid of the configured trader role ("User"), resolved once by name."""
        return self._resolve("roles", self.role_name, self.roles)

    def branch_uuid(self) -> str | None:
        """The uuid of the configured branch ("Default"), resolved once by name."""
        return self._resolve("branches", self.branch_name, self.branches)

    def _resolve(self, kind: str, name: str, fetch: Callable[[], list[Named]]) -> str | None:
        key = f"{kind}:{name}"
        with self._names_lock:
            if key in self._names:
                return self._names[key]
        try:
            found = next((n.uuid for n in fetch() if n.name.lower() == name.lower()), None)
        except Forbidden:
            log.error("Broker-API key may not read %s (403): give the key's CRM user the right "
                      "'%s'", kind, READ_PERMISSION[kind])
            raise NotReady(f"{kind}: forbidden", status=403) from None
        if found:
            with self._names_lock:
                self._names[key] = found
        else:
            log.warning("broker %s has no entry named %r; new Accounts get the broker's default",
                        kind, name)
        return found

    def setup_problems(self) -> list[str]:
        """What keeps the configured role and branch from being used, e.g. ``roles: forbidden``."""
        problems = []
        for kind, name, resolve in (("roles", self.role_name, self.role_uuid),
                                    ("branches", self.branch_name, self.branch_uuid)):
            try:
                if resolve() is None:
                    problems.append(f"{kind}: no {name!r}")
            except NotReady as exc:
                problems.append(str(exc))
        return problems

    # -- accounts --------------------------------------------------------------------------

    def create_account(self, new: NewAccount) -> CreatedAccount:
        """Create an Account (and its first trading account when an offer is given)."""
        body = account_body(new, self.role_uuid(), self.branch_uuid())
        response = self.http.call("POST", self.paths.accounts, json=body)
        if response.status_code in (401, 403) or response.status_code < 400:
            raise_for_status(response)
            try:
                data = response.json()
            except ValueError:
                data = None
            if not isinstance(data, dict) or not data.get("uuid"):
                raise UnexpectedResponse("POST accounts: the answer names no Account")
            return CreatedAccount(Account.from_json(data), data.get("oneTimeToken") or None)
        # The broker's duplicate-email answer is undocumented (400, 409 or 422, prose only):
        # classify by asking whether the email now has an Account, never by parsing the text.
        detail = detail_of(response)
        if self.find_account(new.email) is not None:
            raise EmailTaken(detail, status=response.status_code)
        raise Rejected(detail, status=response.status_code)

    def account_by_uuid(self, uuid: str) -> Account:
        data = self.http.json("GET", self.paths.account_by_uuid, path_args={"uuid": uuid})
        if not isinstance(data, dict) or not data.get("uuid"):
            raise NotFound("account not found", status=200)
        return Account.from_json(data)

    def find_account(self, email: str) -> Account | None:
        """The Account whose email is ``email`` (compared case-insensitively), or None.

        Only ``by-email``, never the free-text search (it matches longer emails too). An unknown
        email may be answered 404, 400, 422 or ``200 {}``; a 5xx is an outage and raises.
        Whether by-email ignores case is undocumented, so the typed form is asked, then the
        lower-case one when it differs.
        """
        wanted = email.strip()
        for candidate in dict.fromkeys((wanted, wanted.lower())):
            try:
                data = self.http.json("GET", self.paths.account_by_email,
                                      path_args={"email": candidate})
            except (NotFound, Rejected) as exc:
                if exc.status not in NO_SUCH_ACCOUNT:
                    raise
                continue
            if (isinstance(data, dict) and data.get("uuid")
                    and str(data.get("email") or "").strip().lower() == wanted.lower()):
                return Account.from_json(data)
        return None

    def update_account(self, uuid: str, changes: dict) -> Account:
        """PATCH the Account; callers send whole nested objects so merge or replace both work."""
        data = self.http.json("PATCH", self.paths.account, path_args={"uuid": uuid},
                              json=prune(changes))
        return Account.from_json(data if isinstance(data, dict) else {})

    def change_password(self, account_uuid: str, new_password: str) -> None:
        """Set the Account's password; the answer is 204, or 200 with a body nobody needs."""
        self.http.text(
            "POST", self.paths.change_password,
            json={"accountUuid": account_uuid, "newPassword": new_password},
            idempotent=True,  # setting the same password twice is harmless
        )

    # -- trading accounts ------------------------------------------------------------------

    def create_trading_account(self, account_uuid: str, offer_uuid: str) -> TradingAccount:
        data = self.http.json("POST", self.paths.account_trading_accounts,
                              path_args={"uuid": account_uuid}, json={"offerUuid": offer_uuid})
        if not isinstance(data, dict):
            raise UnexpectedResponse("POST trading-accounts: the answer is not an object")
        return TradingAccount.from_json(data)

    def trading_accounts_json(self, account_uuid: str, email: str) -> list[dict]:
        """Raw trading-account items of one Account, across a bounded number of pages.

        The ``query`` is a free-text search (an email also matches longer emails containing it),
        so only items whose owner uuid is this Account are kept.
        """
        items = self._search(self.paths.trading_accounts, {"query": email.strip()})
        return [i for i in items if isinstance(i.get("accountInfo"), dict)
                and i["accountInfo"].get("uuid") == account_uuid]

    def trading_accounts(self, account_uuid: str, email: str) -> list[TradingAccount]:
        """Every trading account of the Account ``account_uuid`` (whose email is ``email``)."""
        return [TradingAccount.from_json(i)
                for i in self.trading_accounts_json(account_uuid, email)]

    def trading_account(self, system_uuid: str, login: str) -> TradingAccount:
        data = self.http.json("GET", self.paths.trading_account,
                              params={"systemUuid": system_uuid, "login": login})
        if not isinstance(data, dict):
            raise UnexpectedResponse("GET trading-account: the answer is not an object")
        return TradingAccount.from_json(data)

    def _search(self, template: str, params: dict) -> list[dict]:
        """A paged search at the largest page size, or at the broker's default if that is
        refused."""
        for size in (self.kind.max_page_size, None):
            def fetch(page: int, size=size) -> Any:
                sized = {"size": size} if size else {}
                return self.http.json("GET", template, params={**params, "page": page, **sized})
            try:
                return list(paging.walk(fetch, size or paging.DEFAULT_SIZE, f"GET {template}"))
            except Rejected as exc:
                if exc.status != 400 or size is None:
                    raise
                log.warning("GET %s refused page size %d; asking for its default size", template,
                            size)
        return []  # pragma: no cover - the default size either returns or raises

    # -- platform --------------------------------------------------------------------------

    def one_time_token(self, email: str, validity_seconds: int = 30) -> str:
        """A one-time platform login token; the answer's shape is unpublished, so accept each
        form."""
        text = self.http.text("POST", self.paths.one_time_token,
                              json={"email": email, "validityTime": validity_seconds}).strip()
        try:
            body: Any = json.loads(text)
        except ValueError:
            body = text
        if isinstance(body, dict):
            body = body.get("token") or body.get("oneTimeToken") or body.get("value")
        # A token is one word of URL-safe characters; anything else (an HTML page from a proxy
        # or WAF in front of the API) is no token.
        if not isinstance(body, str) or not TOKEN_SHAPE.fullmatch(body):
            raise UnexpectedResponse("one-time token answer carried no token")
        return body
