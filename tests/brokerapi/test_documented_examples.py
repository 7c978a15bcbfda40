"""The Broker-API client reads what the docs say real brokers send, not only what our sandbox sends.

Each documented JSON example is fed to ``BrokerClient`` through ``httpx.MockTransport`` and the
test asserts what the portal gets: the typed ``Offer``, ``Account``, ``TradingAccount``, ``Named``
and ``ServiceInfo`` objects, ``None`` or a domain error (never AttributeError/TypeError), and the
requests the client sends. Sources, by section of /work/shared/broker-api/:

* REFERENCE.md 3 (GET /v1/offers, literal example; ``demo: true`` with ``system.demo: false``);
  CRM-API.md 3.1 (same wrapper on CRM-API).
* REFERENCE.md 6 (named wrappers ``{"branches": [...]}``, ``{"roles": [...]}``); the branch
  object is the one inside the REFERENCE.md 3 offer; role names from REFERENCE.md 1 ("User").
* REFERENCE.md 4.1 (account object, literal) through 4.3 by-email and 4.4 by-uuid; CRM-API.md 3.3.
* REFERENCE.md 4.2 / CRM-API.md 3.2 (create account: 200 account object plus ``oneTimeToken``;
  the [DOC-SSO] short example has empty placeholders, filled in here with plausible values).
* REFERENCE.md 4.7 / CRM-API.md 3.6 (change-password: 204; 200 bodies as seen in the wild).
* REFERENCE.md 5.1 / CRM-API.md 3.7 (create trading account; literal, ``login`` may be empty).
* REFERENCE.md 5.2 (trading-accounts page, literal: every paging field and finance value null)
  and 6 (Spring page envelope); CRM-API.md 3.8 (``size`` max 1000).
* REFERENCE.md 5.3 / CRM-API.md 3.9 (trading account by login: newer field set, ``leverage``
  number) and [FIN] in REFERENCE.md 5.3 (numbers as strings: ``"balance": "5560.95"``).
* REFERENCE.md 1 (``/service-info`` shape, connection test, raw ``Authorization`` header, RFC 3339
  UTC times, server time GMT); CRM-API.md 1 (Bearer on CRM-API, ``Content-Type`` on every
  request, connection test ``GET /v1/offers`` only) and 5.1 rows 2, 3, 8.
* REFERENCE.md 7 / CRM-API.md 3.12 and 4.14 (one-time token: response shape unpublished, token
  UUID-shaped, create-account answer names it ``oneTimeToken``); CRM-API.md 1 (an HTML body
  means the request was stopped before the application).
* REFERENCE.md 8 (error bodies for 400/401/403/500) and 4.3 / CRM-API.md 3.3 (unknown email:
  status undocumented; [PHP] only checks for a missing ``uuid`` in a 200).

"""
from __future__ import annotations

import copy
import json
import logging
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import httpx
import pytest

from portal.brokerapi import (
    BrokerClient, BrokerUnavailable, NewAccount, NotFound, Unauthorized, UnexpectedResponse,
)
from portal.brokerapi import paging
from portal.brokerapi.models import Named

UTC = timezone.utc

# -- the documented examples ----------------------------------------------------------------

# REFERENCE.md 3, literal ([DOC-MD]).
OFFERS = {
    "offers": [
        {
            "uuid": "f6cbaca3-cc96-4275-a784-12659032b544",
            "partnerId": None,
            "created": "2023-03-23T10:09:17.683Z",
            "updated": "2024-03-26T10:52:35.647434Z",
            "name": "QFX Demo",
            "currency": "USD",
            "demo": True,
            "hidden": True,
            "description": "",
            "moneyManager": None,
            "initialDeposit": 10000,
            "leverage": 100,
            "verificationRequired": False,
            "tradingAccountAutoCreation": True,
            "groupName": "testUSD",
            "branch": {
                "uuid": "d3318c30-8c90-4018-ac25-fe2d8444d77e",
                "partnerId": None,
                "created": "2019-12-31T10:38:15.908Z",
                "name": "Default",
            },
            "system": {
                "uuid": "8e9ed851-1e5e-479b-aa19-bade6a67d1d5",
                "partnerId": None,
                "created": "2023-01-20T13:08:11.215Z",
                "name": "QFX Demo",
                "demo": False,
                "active": True,
                "systemType": "QFX",
            },
        }
    ]
}
OFFER_UUID = "f6cbaca3-cc96-4275-a784-12659032b544"
SYSTEM_UUID = "8e9ed851-1e5e-479b-aa19-bade6a67d1d5"
BRANCH_DEFAULT = "d3318c30-8c90-4018-ac25-fe2d8444d77e"
ROLE_USER = "1e7c3cc4-0780-4dcf-850e-b9b444bcc561"  # the roleUuid of the REFERENCE.md 4.1 Account

# REFERENCE.md 6: named wrappers; the branch object as nested in the REFERENCE.md 3 offer.
BRANCHES = {"branches": [
    {"uuid": "0b1d3c57-0000-4000-8000-000000000001", "partnerId": None,
     "created": "2020-01-01T00:00:00.000Z", "name": "Cyprus"},
    {"uuid": BRANCH_DEFAULT, "partnerId": None, "created": "2019-12-31T10:38:15.908Z",
     "name": "Default"},
]}
ROLES = {"roles": [
    {"uuid": "5b0c8f2e-0000-4000-8000-000000000002", "partnerId": None, "name": "IB"},
    {"uuid": ROLE_USER, "partnerId": None, "name": "User"},
]}

# REFERENCE.md 4.1, literal ([DOC-MD]).
ACCOUNT = {
    "uuid": "0044eb05-6964-40e1-a920-c6a3e8258569",
    "created": "2024-04-05T13:37:54.014Z",
    "updated": "2024-04-05T13:37:54.014Z",
    "email": "integration-demo@match-trade.com",
    "verificationStatus": "NEW",
    "type": "RETAIL",
    "personalDetails": {
        "firstname": "Demo",
        "lastname": "Integration Account",
        "dateOfBirth": "2000-01-01",
        "citizenship": "US",
        "language": "en",
        "maritalStatus": "Married",
        "passport": {"number": "123-456-789", "country": "USA"},
        "taxIdentificationNumber": "Sample TIN",
    },
    "contactDetails": {
        "phoneNumber": "+1111111111",
        "faxNumber": "+1111111111",
        "toContact": {"toContactDate": None, "alreadyContacted": False},
    },
    "accountConfiguration": {
        "partnerId": None,
        "branchUuid": "d3318c30-8c90-4018-ac25-fe2d8444d77e",
        "roleUuid": "1e7c3cc4-0780-4dcf-850e-b9b444bcc561",
        "accountManager": {
            "uuid": "21913fc9-1851-4ab4-a862-5230ad1f53ae",
            "email": "conversion@roles.test",
            "name": None,
        },
        "ibParentTradingAccountUuid": "44edfdc6-bb7e-464a-844d-d82ffefb9e24",
        "crmUserScope": {"branchScope": [""], "managerPools": [""]},
        "accountTypeContact": False,
    },
    "addressDetails": {
        "country": "US", "state": "New York", "city": "New York",
        "postCode": "NY 10005", "address": "11 Wall St",
    },
    "bankingDetails": {
        "bankAddress": "Sample Bank Address", "bankSwiftCode": "Sample SWIFT Code",
        "bankAccount": "Sample Bank Account", "bankName": "Sample Bank Name",
        "accountName": "Sample Account Name",
    },
    "leadDetails": {
        "statusUuid": "77092554-9ab3-44ab-a5c9-49fcc7c459fa",
        "source": "Client Referral",
        "providerUuid": None,
        "becomeActiveClientTime": "2024-04-05T13:37:53.953Z",
    },
}
ACCOUNT_UUID = ACCOUNT["uuid"]
EMAIL = ACCOUNT["email"]

# REFERENCE.md 4.2 ([DOC-SSO] short example); its empty placeholders filled in.
CREATED = {"uuid": "9a7c1f1e-2f0b-4d7e-9a55-3c1d2b4e5f60",
           "oneTimeToken": "0930fa2c-4bb8-4c4e-9a3e-2f0c1d2e3f40",
           "created": "2026-12-06T09:20:04.651Z", "updated": "2026-12-06T09:20:04.651Z",
           "email": "fresh@example.com", "verificationStatus": "NEW", "type": "RETAIL"}

# REFERENCE.md 5.1 / CRM-API.md 3.7, literal ([DOC-MD]): every value an empty placeholder.
CREATED_TRADING_ACCOUNT = {"uuid": "", "created": "", "updated": "", "login": "", "offerUuid": "",
                           "status": "", "commissionUuid": ""}


def trading_item(uuid="7d2f3a10-0000-4000-8000-00000000000a", login="413586",
                 owner=ACCOUNT_UUID, **extra) -> dict:
    """A REFERENCE.md 5.2 page item ([DOC-MD] field set, nulls kept), placeholders filled in."""
    return {
        "uuid": uuid, "login": login, "created": "2024-04-05T13:40:00.000Z",
        "accountInfo": {"uuid": owner, "email": EMAIL},
        "offerUuid": OFFER_UUID, "systemUuid": SYSTEM_UUID,
        "financeInfo": {
            "balance": None, "equity": None, "profit": None, "netProfit": None,
            "margin": None, "freeMargin": None, "marginLevel": None, "credit": None,
            "currency": "", "currencyPrecision": None,
        },
        **extra,
    }


# REFERENCE.md 5.2, literal envelope ([DOC-MD]): the paging fields are all null.
NULL_PAGE = {"content": [trading_item()],
             "totalPages": None, "totalElements": None, "number": None, "size": None}

# REFERENCE.md 5.3 / CRM-API.md 3.9: the newer field set ([CS], confirmed by [C-TA-LOGIN]).
TRADING_ACCOUNT = trading_item(
    commissionUuid="c0ffee00-0000-4000-8000-000000000003", group="testUSD", leverage=100,
    access="FULL", accountType="DEMO",
    financeInfo={"balance": 10000.0, "equity": 10012.5, "profit": 12.5, "netProfit": 12.5,
                 "margin": 0, "freeMargin": 10012.5, "marginLevel": None, "credit": 0,
                 "currency": "USD", "currencyPrecision": 2},
)

# REFERENCE.md 8, literal error bodies ([DOC-MD]), keyed by status.
PROBLEM = {
    400: {"status": 400, "title": "Bad Request", "detail": "Required parameter missing",
          "path": "/api/v1/resource", "timestamp": "2023-06-19T12:34:56Z"},
    401: {"status": 401, "title": "Unauthorized", "detail": "Authentication failed",
          "path": "/api/v1/resource", "timestamp": "2023-06-19T12:34:56Z"},
    403: {"status": 403, "title": "Forbidden", "detail": "Access denied",
          "path": "/api/v1/resource", "timestamp": "2023-06-19T12:34:56Z"},
    500: {"status": 500, "title": "Internal Server Error",
          "detail": "An unexpected error occurred", "path": "/api/v1/resource",
          "timestamp": "2023-06-19T12:34:56Z"},
}
# 404 and 422 are not in the documented list (REFERENCE.md 8); same shape assumed.
PROBLEM[404] = {**PROBLEM[400], "status": 404, "title": "Not Found", "detail": "Account not found"}
PROBLEM[422] = {**PROBLEM[400], "status": 422, "title": "Unprocessable Entity",
                "detail": "Account not found"}


# -- a fake broker ----------------------------------------------------------------------------

def js(body, status: int = 200):
    return lambda request: httpx.Response(status, json=body)


def txt(text: str, status: int = 200, content_type: str = "text/plain"):
    return lambda request: httpx.Response(status, content=text.encode(),
                                          headers={"Content-Type": content_type})


class Broker:
    """Answers ``(method, path)`` from ``routes`` (anything else: a 404 problem) and records."""

    def __init__(self, routes: dict | None = None):
        self.routes = dict(routes or {})
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.routes.get((request.method, request.url.path))
        if answer is None:
            return httpx.Response(404, json=PROBLEM[404])
        return answer(request)

    @property
    def calls(self) -> list[tuple[str, str]]:
        return [(r.method, r.url.path) for r in self.requests]


@pytest.fixture
def make_client():
    made = []

    def make(broker: Broker, kind: str = "crm-api", key: str = "key", **options) -> BrokerClient:
        client = BrokerClient("http://broker.test", key, kind=kind,
                              transport=httpx.MockTransport(broker), sleep=lambda s: None,
                              read_retries=0, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def paged(pages):
    """A trading-accounts search answering ``pages(n)`` (or ``pages[n]``) for ``page=n``."""
    def answer(request):
        page = int(request.url.params["page"])
        body = pages(page) if callable(pages) else pages[page]
        return httpx.Response(200, json=body)
    return {("GET", "/v1/trading-accounts"): answer}


# -- the documented answers, through the method that reads each ------------------------------

def test_offers_example_reads_typed_and_demo_comes_from_the_offer(make_client):
    """REFERENCE.md 3 / CRM-API.md 3.1: the literal offers example."""
    broker = Broker({("GET", "/v1/offers"): js(OFFERS)})
    [offer] = make_client(broker).offers()
    assert broker.calls == [("GET", "/v1/offers")]
    assert (offer.uuid, offer.name, offer.currency) == (OFFER_UUID, "QFX Demo", "USD")
    assert offer.demo is True and offer.system.demo is False  # the offer's flag decides
    assert offer.hidden is True and offer.verification_required is False
    assert offer.auto_creation is True
    assert offer.leverage == 100 and offer.initial_deposit == Decimal("10000")
    assert offer.group_name == "testUSD" and offer.description == ""
    assert offer.branch == Named(BRANCH_DEFAULT, "Default")
    assert offer.system.uuid == SYSTEM_UUID  # the systemUuid used with a login
    assert offer.system_type == "QFX" and offer.platform == "Match-Trader"
    assert not offer.is_metatrader
    assert offer.created == datetime(2023, 3, 23, 10, 9, 17, 683000, tzinfo=UTC)


def test_branches_and_roles_examples_resolve_default_and_user(make_client):
    """REFERENCE.md 6 / CRM-API.md 3.1 wrappers; REFERENCE.md 1: branch "Default", role "User"."""
    broker = Broker({("GET", "/v1/branches"): js(BRANCHES), ("GET", "/v1/roles"): js(ROLES)})
    client = make_client(broker)
    assert client.branches() == [Named("0b1d3c57-0000-4000-8000-000000000001", "Cyprus"),
                                 Named(BRANCH_DEFAULT, "Default")]
    assert [r.name for r in client.roles()] == ["IB", "User"]
    assert client.branch_uuid() == BRANCH_DEFAULT and client.role_uuid() == ROLE_USER


def assert_is_the_reference_account(account):
    assert account.uuid == ACCOUNT_UUID and account.email == EMAIL
    assert account.verification_status == "NEW" and not account.verified
    assert account.client_type == "RETAIL"  # responses say "type", requests "clientType"
    assert (account.first_name, account.last_name) == ("Demo", "Integration Account")
    assert account.created == datetime(2024, 4, 5, 13, 37, 54, 14000, tzinfo=UTC)
    assert account.contact_details["phoneNumber"] == "+1111111111"
    assert account.address_details["city"] == "New York"
    # Kept whole for read-modify-write, back-office fields included.
    assert account.account_configuration == ACCOUNT["accountConfiguration"]
    assert account.lead_details["source"] == "Client Referral"


def test_account_by_email_example(make_client):
    """REFERENCE.md 4.1 and 4.3 / CRM-API.md 3.3: the email goes URL-encoded into the path."""
    broker = Broker({("GET", f"/v1/accounts/by-email/{EMAIL}"): js(ACCOUNT)})
    account = make_client(broker).find_account(EMAIL)
    assert_is_the_reference_account(account)
    [request] = broker.requests
    assert request.url.raw_path == b"/v1/accounts/by-email/integration-demo%40match-trade.com"


def test_account_by_uuid_example(make_client):
    """REFERENCE.md 4.1 and 4.4 / CRM-API.md 3.3."""
    broker = Broker({("GET", f"/v1/accounts/by-uuid/{ACCOUNT_UUID}"): js(ACCOUNT)})
    assert_is_the_reference_account(make_client(broker).account_by_uuid(ACCOUNT_UUID))


def test_create_account_example_carries_the_one_time_token(make_client):
    """REFERENCE.md 4.2 / CRM-API.md 3.2: 200 account object plus ``oneTimeToken``."""
    broker = Broker({("GET", "/v1/roles"): js(ROLES), ("GET", "/v1/branches"): js(BRANCHES),
                     ("POST", "/v1/accounts"): js(CREATED)})
    created = make_client(broker).create_account(NewAccount(
        email="fresh@example.com", password="Sunny-Day42", first_name="Fresh",
        last_name="Trader", offer_uuid=OFFER_UUID, country=""))
    assert created.one_time_token == CREATED["oneTimeToken"]
    assert created.account.uuid == CREATED["uuid"]
    assert created.account.email == "fresh@example.com"
    assert created.account.verification_status == "NEW" and created.account.client_type == "RETAIL"
    assert created.account.created == datetime(2026, 12, 6, 9, 20, 4, 651000, tzinfo=UTC)
    sent = json.loads(broker.requests[-1].content)
    assert sent["offerUuid"] == OFFER_UUID and sent["clientType"] == "RETAIL"
    assert sent["accountConfiguration"] == {"roleUuid": ROLE_USER, "branchUuid": BRANCH_DEFAULT}
    assert "addressDetails" not in sent  # an empty value is left out, never sent as ""


def test_create_trading_account_literal_example_awaits_approval(make_client):
    """REFERENCE.md 5.1 / CRM-API.md 3.7: the literal answer, every value still empty."""
    path = f"/v1/accounts/{ACCOUNT_UUID}/trading-accounts"
    broker = Broker({("POST", path): js(CREATED_TRADING_ACCOUNT)})
    made = make_client(broker).create_trading_account(ACCOUNT_UUID, OFFER_UUID)
    assert made.login == "" and made.status == "" and made.created is None
    assert json.loads(broker.requests[0].content) == {"offerUuid": OFFER_UUID}


def test_create_trading_account_example_with_values(make_client):
    """REFERENCE.md 5.1: ``login`` is a string; no ``systemUuid`` in the answer."""
    answer = {**CREATED_TRADING_ACCOUNT, "uuid": "7d2f3a10-0000-4000-8000-00000000000b",
              "created": "2026-12-06T09:21:00.000Z", "updated": "2026-12-06T09:21:00.000Z",
              "login": "413587", "offerUuid": OFFER_UUID, "status": "ACTIVE"}
    broker = Broker({("POST", f"/v1/accounts/{ACCOUNT_UUID}/trading-accounts"): js(answer)})
    made = make_client(broker).create_trading_account(ACCOUNT_UUID, OFFER_UUID)
    assert (made.uuid, made.login, made.offer_uuid, made.status) == (
        answer["uuid"], "413587", OFFER_UUID, "ACTIVE")
    assert made.system_uuid == ""


def test_trading_accounts_page_example_with_null_paging_fields(make_client):
    """REFERENCE.md 5.2: the literal page, paging fields and finance values all null."""
    broker = Broker(paged([NULL_PAGE]))
    [item] = make_client(broker).trading_accounts(ACCOUNT_UUID, EMAIL)
    [request] = broker.requests  # a short page without totals is the last one
    assert dict(request.url.params) == {"query": EMAIL, "page": "0", "size": "1000"}
    assert (item.login, item.offer_uuid, item.system_uuid) == ("413586", OFFER_UUID, SYSTEM_UUID)
    assert (item.account_uuid, item.account_email) == (ACCOUNT_UUID, EMAIL)
    assert item.balance is None and item.equity is None and item.currency_precision is None
    assert item.currency == ""


def test_trading_account_by_login_example(make_client):
    """REFERENCE.md 5.3 / CRM-API.md 3.9: the newer field set of one trading account."""
    broker = Broker({("GET", "/v1/trading-account"): js(TRADING_ACCOUNT)})
    found = make_client(broker).trading_account(SYSTEM_UUID, "413586")
    assert dict(broker.requests[0].url.params) == {"systemUuid": SYSTEM_UUID, "login": "413586"}
    assert found.login == "413586" and found.leverage == 100
    assert found.access == "FULL" and found.account_type == "DEMO"
    assert found.balance == Decimal("10000.0") and found.equity == Decimal("10012.5")
    assert found.currency == "USD" and found.currency_precision == 2
    assert found.created == datetime(2024, 4, 5, 13, 40, tzinfo=UTC)


def test_service_info_example(make_client):
    """REFERENCE.md 1: ``{"artifact", "name", "serviceVersion"}`` (values filled in)."""
    body = {"artifact": "broker-api-rest", "name": "broker-api", "serviceVersion": "1.21.0"}
    broker = Broker({("GET", "/service-info"): js(body)})
    info = make_client(broker, kind="broker-api").service_info()
    assert (info.name, info.version, info.artifact) == ("broker-api", "1.21.0", "broker-api-rest")


TOKEN = "0930fa2c-4bb8-4c4e-9a3e-2f0c1d2e3f40"  # UUID-shaped, as in CRM-API.md 4.14


@pytest.mark.parametrize("answer", [
    js({"token": TOKEN}),
    js({"oneTimeToken": TOKEN}),  # the name the create-account answer uses (REFERENCE.md 4.2)
    txt(TOKEN),
    txt(TOKEN + "\n"),
], ids=["token", "oneTimeToken", "text", "text-newline"])
def test_one_time_token_in_each_form(make_client, answer):
    """REFERENCE.md 7 / CRM-API.md 3.12: the answer's shape is unpublished."""
    broker = Broker({("POST", "/v1/one-time-token"): answer})
    assert make_client(broker).one_time_token(EMAIL) == TOKEN
    assert json.loads(broker.requests[0].content) == {"email": EMAIL, "validityTime": 30}


HTML_PAGE = ("<!DOCTYPE html>\n<html lang=\"en\"><head><title>Request blocked</title></head>\n"
             "<body><p>The requested URL was rejected.</p></body></html>")


@pytest.mark.parametrize("answer", [
    js({"status": "OK"}),
    txt(""),
    txt(HTML_PAGE, content_type="text/html"),
], ids=["status-ok", "empty", "html"])
def test_unreadable_one_time_token_answers_are_unexpected(make_client, answer):
    """CRM-API.md 1: an HTML body means a gate before the app; never a token to redirect to."""
    broker = Broker({("POST", "/v1/one-time-token"): answer})
    with pytest.raises(UnexpectedResponse):
        make_client(broker).one_time_token(EMAIL)


def test_compact_html_is_not_a_one_time_token(make_client):
    """CRM-API.md 1: HTML is never a token, whitespace or not."""
    html = "<html><body>Blocked</body></html>"
    broker = Broker({("POST", "/v1/one-time-token"): txt(html, content_type="text/html")})
    with pytest.raises(UnexpectedResponse):
        make_client(broker).one_time_token(EMAIL)


# -- paging (REFERENCE.md 6, CRM-API.md 3.8) ------------------------------------------------

def page(items, total_pages=None, total=None, number=None, size=None) -> dict:
    return {"content": items, "totalPages": total_pages, "totalElements": total,
            "number": number, "size": size}


def uuids(items) -> list[str]:
    return [i.uuid for i in items]


def test_null_paging_fields_follow_full_pages_until_a_short_one(make_client):
    """REFERENCE.md 5.2: without totals a full page (the size asked) means read on."""
    full = [trading_item(uuid=f"t{n:04d}", login=str(n)) for n in range(1000)]
    rest = [trading_item(uuid=f"u{n}", login=str(2000 + n)) for n in range(3)]
    broker = Broker(paged([page(full), page(rest)]))
    items = make_client(broker).trading_accounts(ACCOUNT_UUID, EMAIL)
    assert len(items) == 1003 and len(broker.requests) == 2


def test_stray_non_objects_in_content_are_skipped(make_client):
    broker = Broker(paged([page([None, "stray", 42, 4.5, True, ["x"], trading_item(uuid="a")],
                                total_pages=1, total=7, number=0, size=1000)]))
    assert uuids(make_client(broker).trading_accounts(ACCOUNT_UUID, EMAIL)) == ["a"]


def test_a_uuid_repeated_across_pages_is_read_once(make_client):
    a, b, c = (trading_item(uuid=u, login=login) for u, login in
               (("a", "1"), ("b", "2"), ("c", "3")))
    broker = Broker(paged([page([a, b], 2, 3, 0, 2), page([b, c], 2, 3, 1, 2)]))
    assert uuids(make_client(broker).trading_accounts(ACCOUNT_UUID, EMAIL)) == ["a", "b", "c"]
    assert len(broker.requests) == 2


def test_a_page_that_adds_nothing_new_stops_the_walk(make_client):
    a, b = trading_item(uuid="a", login="1"), trading_item(uuid="b", login="2")
    # The envelope promises 4 pages, but page 1 repeats page 0 (a broker ignoring ``page``).
    broker = Broker(paged(lambda n: page([a, b], 4, 8, n, 2)))
    assert uuids(make_client(broker).trading_accounts(ACCOUNT_UUID, EMAIL)) == ["a", "b"]
    assert len(broker.requests) == 2


def test_more_than_max_pages_stops_with_a_warning(make_client, caplog):
    broker = Broker(paged(lambda n: page([trading_item(uuid=f"t{n}", login=str(n))],
                                         9, 9, n, 1)))
    with caplog.at_level(logging.WARNING, logger="portal.brokerapi"):
        items = make_client(broker).trading_accounts(ACCOUNT_UUID, EMAIL)
    assert paging.MAX_PAGES == 5
    assert len(items) == len(broker.requests) == paging.MAX_PAGES
    assert any(r.levelno == logging.WARNING and "stopped after 5 pages" in r.getMessage()
               for r in caplog.records)


def test_a_bare_list_where_a_page_was_expected_is_unexpected(make_client):
    broker = Broker({("GET", "/v1/trading-accounts"): js([trading_item()])})
    with pytest.raises(UnexpectedResponse):
        make_client(broker).trading_accounts(ACCOUNT_UUID, EMAIL)


def test_an_account_info_that_is_not_an_object_is_not_a_crash(make_client):
    broker = Broker(paged([page([trading_item(uuid="a"),
                                 {**trading_item(uuid="b"), "accountInfo": ACCOUNT_UUID}], 1, 2)]))
    assert uuids(make_client(broker).trading_accounts(ACCOUNT_UUID, EMAIL)) == ["a"]


# -- numbers, logins and flags as other JSON types ------------------------------------------

def test_offer_numbers_as_strings(make_client):
    """REFERENCE.md 3 types ``leverage``/``initialDeposit`` as numbers; some brokers quote them."""
    offer = {**OFFERS["offers"][0], "leverage": "100", "initialDeposit": "1000"}
    broker = Broker({("GET", "/v1/offers"): js({"offers": [offer]})})
    [read] = make_client(broker).offers()
    assert read.leverage == 100 and read.initial_deposit == Decimal("1000")


@pytest.mark.parametrize("flag", ["false", "true", "FALSE", "True"])
def test_offer_flags_as_strings(make_client, flag):
    """REFERENCE.md 3 types these as booleans; a quoted "false" must not read as True."""
    expected = flag.lower() == "true"
    offer = {**OFFERS["offers"][0], "demo": flag, "hidden": flag, "verificationRequired": flag,
             "tradingAccountAutoCreation": flag,
             "system": {**OFFERS["offers"][0]["system"], "demo": flag}}
    broker = Broker({("GET", "/v1/offers"): js({"offers": [offer]})})
    [read] = make_client(broker).offers()
    assert read.demo is expected  # a live offer must never be labelled Demo
    assert read.hidden is expected and read.verification_required is expected
    assert read.auto_creation is expected and read.system.demo is expected


@pytest.mark.parametrize("login", ["413586", 413586, 413586.0], ids=["str", "int", "float"])
def test_trading_account_numbers_as_strings_and_login_as_a_number(make_client, login):
    """REFERENCE.md 5.3 ([FIN]: ``"balance": "5560.95"``); ``login`` documented as a string."""
    body = {**TRADING_ACCOUNT, "login": login, "leverage": "100",
            "financeInfo": {**TRADING_ACCOUNT["financeInfo"], "balance": "5560.95",
                            "equity": "5560.95", "currencyPrecision": "2"}}
    broker = Broker({("GET", "/v1/trading-account"): js(body)})
    found = make_client(broker).trading_account(SYSTEM_UUID, "413586")
    assert found.login == "413586"
    assert found.leverage == 100 and found.currency_precision == 2
    assert found.balance == Decimal("5560.95") and found.equity == Decimal("5560.95")


def test_page_item_login_as_a_number_and_balance_as_a_string(make_client):
    item = trading_item(login=12345.0, financeInfo={"balance": "5560.95", "currency": "USD"})
    broker = Broker(paged([page([item, trading_item(uuid="b", login=12346)], 1, 2, 0, 1000)]))
    first, second = make_client(broker).trading_accounts(ACCOUNT_UUID, EMAIL)
    assert (first.login, second.login) == ("12345", "12346")
    assert first.balance == Decimal("5560.95")


def test_timestamp_without_offset_reads_as_utc(make_client):
    """REFERENCE.md 1: times are UTC, server time GMT; a time sent without ``Z`` is still UTC.

    The portal compares ``Account.created`` with its own aware times (onboarding), so a naive
    datetime would raise TypeError there. Fixed in models.parse_time.
    """
    body = {**ACCOUNT, "created": "2024-04-05T13:37:54.014", "updated": "2024-04-05T15:37:54+02:00"}
    broker = Broker({("GET", f"/v1/accounts/by-uuid/{ACCOUNT_UUID}"): js(body)})
    account = make_client(broker).account_by_uuid(ACCOUNT_UUID)
    assert account.created == datetime(2024, 4, 5, 13, 37, 54, 14000, tzinfo=UTC)
    assert account.updated.utcoffset() == timedelta(hours=2)
    assert account.created >= datetime(2024, 4, 5, tzinfo=UTC)  # comparable, no TypeError


# -- a bare list where a named wrapper was expected ------------------------------------------

@pytest.mark.parametrize("path, read", [
    ("/v1/offers", lambda c: c.offers()),
    ("/v1/branches", lambda c: c.branches()),
    ("/v1/roles", lambda c: c.roles()),
    ("/v1/roles", lambda c: c.role_uuid()),
], ids=["offers", "branches", "roles", "role_uuid"])
def test_a_bare_list_instead_of_the_named_wrapper_is_unexpected(make_client, path, read):
    """REFERENCE.md 6: ``{"offers": [...]}`` etc.; a bare list is another API, not a catalogue."""
    key = path.rsplit("/", 1)[1]
    items = OFFERS["offers"] if key == "offers" else (BRANCHES if key == "branches" else ROLES)[key]
    broker = Broker({("GET", path): js(copy.deepcopy(items))})
    with pytest.raises(UnexpectedResponse):
        read(make_client(broker))


# -- change-password (REFERENCE.md 4.7 / CRM-API.md 3.6) ------------------------------------

@pytest.mark.parametrize("answer", [
    lambda request: httpx.Response(204),
    txt("OK"),
    js({"status": "OK"}),
], ids=["204", "200-text", "200-json"])
def test_change_password_succeeds_on_each_answer(make_client, answer):
    broker = Broker({("POST", "/v1/change-password"): answer})
    assert make_client(broker).change_password(ACCOUNT_UUID, "Sunny-Day42") is None
    assert json.loads(broker.requests[0].content) == {"accountUuid": ACCOUNT_UUID,
                                                      "newPassword": "Sunny-Day42"}


# -- an unknown email (REFERENCE.md 4.3 / CRM-API.md 3.3: status undocumented) ---------------

@pytest.mark.parametrize("answer", [
    js(PROBLEM[404], 404), js(PROBLEM[400], 400), js(PROBLEM[422], 422), js({}),
], ids=["404", "400", "422", "200-empty"])
def test_unknown_email_is_none_and_never_searched(make_client, answer):
    broker = Broker()
    broker.routes[("GET", "/v1/accounts/by-email/Nobody@Example.com")] = answer
    broker.routes[("GET", "/v1/accounts/by-email/nobody@example.com")] = answer
    # Were the free-text search asked, it would find this longer email: it must not be asked.
    broker.routes[("GET", "/v1/accounts")] = js(page([{**ACCOUNT, "email": "a.nobody@example.com"}],
                                                   1, 1, 0, 10))
    assert make_client(broker).find_account("Nobody@Example.com") is None
    assert broker.calls == [("GET", "/v1/accounts/by-email/Nobody@Example.com"),
                            ("GET", "/v1/accounts/by-email/nobody@example.com")]


def test_by_email_outage_raises(make_client):
    broker = Broker({("GET", f"/v1/accounts/by-email/{EMAIL}"): js(PROBLEM[500], 500)})
    with pytest.raises(BrokerUnavailable) as caught:
        make_client(broker).find_account(EMAIL)
    assert caught.value.status == 500


def test_an_account_with_another_email_is_not_this_one(make_client):
    broker = Broker({("GET", "/v1/accounts/by-email/demo@match-trade.com"): js(ACCOUNT)})
    assert make_client(broker).find_account("demo@match-trade.com") is None
    assert ("GET", "/v1/accounts") not in broker.calls


# -- the request side ----------------------------------------------------------------------

def test_every_request_carries_the_json_content_type(make_client):
    """CRM-API.md 1 and 5.1 row 8: without it CRM-API answers a 500 hiding a 415."""
    broker = Broker({
        ("GET", "/v1/offers"): js(OFFERS),
        ("GET", f"/v1/accounts/by-email/{EMAIL}"): js(ACCOUNT),
        ("POST", "/v1/change-password"): lambda r: httpx.Response(204),
        ("POST", "/v1/one-time-token"): js({"token": TOKEN}),
        **paged([NULL_PAGE]),
    })
    client = make_client(broker)
    client.offers(), client.find_account(EMAIL), client.change_password(ACCOUNT_UUID, "Pw-12345x")
    client.one_time_token(EMAIL), client.trading_accounts(ACCOUNT_UUID, EMAIL)
    assert len(broker.requests) == 5
    assert all(r.headers.get("Content-Type") == "application/json" for r in broker.requests)


@pytest.mark.parametrize("kind, scheme, key, sent", [
    ("crm-api", None, "key", "Bearer key"),       # CRM-API.md 1: Bearer
    ("broker-api", None, "key", "key"),           # REFERENCE.md 1: the raw token
    ("crm-api", "raw", "key", "key"),             # BROKER_AUTH_SCHEME overrides the kind
    ("broker-api", "bearer", "key", "Bearer key"),
    ("crm-api", None, "Bearer key", "Bearer key"),  # a pasted "Bearer key" is not doubled
    ("broker-api", "bearer", "Bearer key", "Bearer key"),
    ("broker-api", None, "Bearer key", "key"),
])
def test_authorization_header(make_client, kind, scheme, key, sent):
    broker = Broker({("GET", "/v1/offers"): js(OFFERS)})
    make_client(broker, kind=kind, key=key, auth_scheme=scheme).offers()
    assert broker.requests[0].headers["Authorization"] == sent


def test_crm_api_connection_test_asks_offers_only(make_client):
    """CRM-API.md 1 and 5.1 row 3: ``GET /v1/offers``; ``/service-info`` is not documented."""
    broker = Broker({("GET", "/v1/offers"): js(OFFERS),
                     ("GET", "/service-info"): js({"name": "x"})})
    assert make_client(broker).check_connection() == "/v1/offers"
    assert broker.calls == [("GET", "/v1/offers")]


def test_crm_api_connection_test_without_offers_is_not_found(make_client):
    broker = Broker({("GET", "/service-info"): js({"name": "x"})})
    with pytest.raises(NotFound):
        make_client(broker).check_connection()
    assert broker.calls == [("GET", "/v1/offers")]


def test_broker_api_connection_test_asks_service_info(make_client):
    """REFERENCE.md 1: ``GET /service-info`` on newer v1 builds."""
    broker = Broker({("GET", "/service-info"): js({"artifact": "a", "name": "n",
                                                   "serviceVersion": "1"}),
                     ("GET", "/v1/offers"): js(OFFERS)})
    assert make_client(broker, kind="broker-api").check_connection() == "/service-info"
    assert broker.calls == [("GET", "/service-info")]


def test_broker_api_connection_test_falls_back_to_offers_on_404(make_client):
    """REFERENCE.md 1 and 10.1: older v1 builds lack ``/service-info``."""
    broker = Broker({("GET", "/v1/offers"): js(OFFERS)})
    assert make_client(broker, kind="broker-api").check_connection() == "/v1/offers"
    assert broker.calls == [("GET", "/service-info"), ("GET", "/v1/offers")]


@pytest.mark.parametrize("kind", ["crm-api", "broker-api"])
def test_connection_test_with_a_bad_key_is_unauthorized(make_client, kind):
    """REFERENCE.md 8: 401 with the literal problem body."""
    unauthorized = js(PROBLEM[401], 401)
    broker = Broker({("GET", "/service-info"): unauthorized, ("GET", "/v1/offers"): unauthorized})
    with pytest.raises(Unauthorized):
        make_client(broker, kind=kind).check_connection()
    assert len(broker.requests) == 1  # a 401 is final, not a reason to try the next path
