"""Seed data with fixed uuids, exposed as constants so tests can refer to them."""

from __future__ import annotations

from .accounts import TEMPLATES, deep_merge
from .store import empty_data
from .trading import new_trading_account

SEED_PASSWORD = "Seeded-Pass1"
PARTNER_ID = 0

BRANCH_DEFAULT = "1b000000-0000-4000-8000-000000000001"
ROLE_USER = "2e000000-0000-4000-8000-000000000001"
ROLE_IB = "2e000000-0000-4000-8000-000000000002"
ROLE_SUB_IB = "2e000000-0000-4000-8000-000000000003"
OPERATION_DEFAULT = "3a000000-0000-4000-8000-000000000001"

SYSTEM_DEMO = "3c000000-0000-4000-8000-000000000001"
SYSTEM_LIVE = "3c000000-0000-4000-8000-000000000002"
SYSTEM_MT5 = "3c000000-0000-4000-8000-000000000003"

OFFER_DEMO_USD = "4f000000-0000-4000-8000-000000000001"
OFFER_DEMO_EUR = "4f000000-0000-4000-8000-000000000002"
OFFER_LIVE_USD = "4f000000-0000-4000-8000-000000000003"
OFFER_LIVE_GBP = "4f000000-0000-4000-8000-000000000004"
OFFER_HIDDEN = "4f000000-0000-4000-8000-000000000005"
OFFER_APPROVAL = "4f000000-0000-4000-8000-000000000006"
OFFER_VERIFY = "4f000000-0000-4000-8000-000000000007"
OFFER_MT5 = "4f000000-0000-4000-8000-000000000008"

ACCOUNT_LEGACY = "5a000000-0000-4000-8000-000000000001"
ACCOUNT_ANN = "5a000000-0000-4000-8000-000000000002"
ACCOUNT_JOANN = "5a000000-0000-4000-8000-000000000003"
EMAIL_LEGACY = "Legacy.Trader@Example.COM"
EMAIL_ANN = "ann@example.com"
EMAIL_JOANN = "joann@example.com"

LEGACY_TRADING_ACCOUNTS = [f"6d000000-0000-4000-8000-0000000001{n:02d}" for n in range(1, 13)]
LEGACY_NULL_BALANCE = LEGACY_TRADING_ACCOUNTS[5]
TA_ANN_DEMO = "6d000000-0000-4000-8000-000000000201"
TA_ANN_LIVE = "6d000000-0000-4000-8000-000000000202"
TA_JOANN_DEMO = "6d000000-0000-4000-8000-000000000301"

LOGIN_BASES = {SYSTEM_DEMO: 100000, SYSTEM_LIVE: 200000, SYSTEM_MT5: 500000}

SYSTEMS = [
    (SYSTEM_DEMO, "MTR Demo", True, "QFX"),
    (SYSTEM_LIVE, "MTR Live", False, "QFX"),
    (SYSTEM_MT5, "MT5 Live Server", False, "MT5"),
]

# (uuid, name, currency, demo, system, groupName, initialDeposit, leverage, extra flags)
OFFERS = [
    (OFFER_DEMO_USD, "Demo Standard USD", "USD", True, SYSTEM_DEMO, "demo\\usd-std", 10000, 100,
     {}),
    (OFFER_DEMO_EUR, "Demo Standard EUR", "EUR", True, SYSTEM_LIVE, "demo\\eur-std", 5000, 200, {}),
    (OFFER_LIVE_USD, "Live Standard USD", "USD", False, SYSTEM_LIVE, "real\\usd-std", 0, 100, {}),
    (OFFER_LIVE_GBP, "Live Raw GBP", "GBP", False, SYSTEM_LIVE, "real\\gbp-raw", 0, 100, {}),
    (OFFER_HIDDEN, "Staff Hidden USD", "USD", False, SYSTEM_LIVE, "real\\usd-staff", 0, 50,
     {"hidden": True}),
    (OFFER_APPROVAL, "Live Pro USD (Manual Approval)", "USD", False, SYSTEM_LIVE,
     "real\\usd-pro", 0, 100, {"tradingAccountAutoCreation": False}),
    (OFFER_VERIFY, "Live ECN USD (Verified Only)", "USD", False, SYSTEM_LIVE, "real\\usd-ecn",
     0, 100, {"verificationRequired": True}),
    (OFFER_MT5, "MT5 Live USD", "USD", False, SYSTEM_MT5, "real\\mt5-usd", 0, 100, {}),
]

BASE_TIME = "2023-01-20T13:08:11.215Z"


def _stamp(day: int, hour: int = 9) -> str:
    """A fixed seed timestamp in 2024, day 1..300."""
    month, mday = divmod(day - 1, 28)
    return f"2024-{month + 1:02d}-{mday + 1:02d}T{hour:02d}:00:00.000Z"


def _branch() -> dict:
    """The Default branch."""
    return {"uuid": BRANCH_DEFAULT, "partnerId": PARTNER_ID, "created": "2019-12-31T10:38:15.908Z",
            "name": "Default"}


def _systems() -> dict:
    """Trading systems by uuid."""
    return {uuid: {"uuid": uuid, "partnerId": PARTNER_ID, "created": BASE_TIME, "name": name,
                   "demo": demo, "active": True, "systemType": kind}
            for uuid, name, demo, kind in SYSTEMS}


def _offers(systems: dict) -> list[dict]:
    """Full offer objects as returned by GET /v1/offers."""
    result = []
    for index, (uuid, name, currency, demo, system, group, deposit, leverage, extra) in \
            enumerate(OFFERS):
        offer = {
            "uuid": uuid, "partnerId": PARTNER_ID, "created": _stamp(1 + index),
            "updated": _stamp(1 + index, 10), "name": name, "currency": currency, "demo": demo,
            "hidden": False, "description": f"{name} trading conditions", "moneyManager": None,
            "initialDeposit": deposit, "leverage": leverage, "verificationRequired": False,
            "tradingAccountAutoCreation": True, "groupName": group, "branch": _branch(),
            "system": dict(systems[system]),
            "operation": {"uuid": OPERATION_DEFAULT, "name": "Default operation"},
        }
        offer.update(extra)
        result.append(offer)
    return result


def _account(uuid: str, email: str, first: str, last: str, created: str, **nested) -> dict:
    """A stored account record with the seed password."""
    record = {"uuid": uuid, "created": created, "updated": created, "email": email,
              "verificationStatus": nested.pop("verificationStatus", "NEW"), "type": "RETAIL"}
    nested.setdefault("personalDetails", {})
    nested["personalDetails"].update(firstname=first, lastname=last)
    nested.setdefault("accountConfiguration", {})
    nested["accountConfiguration"].setdefault("branchUuid", BRANCH_DEFAULT)
    nested["accountConfiguration"].setdefault("roleUuid", ROLE_USER)
    for name, template in TEMPLATES.items():
        record[name] = deep_merge(template, nested.get(name, {}))
    record["_password"] = SEED_PASSWORD
    return record


def _legacy() -> dict:
    """The fully populated account that was created outside the portal."""
    return _account(
        ACCOUNT_LEGACY, EMAIL_LEGACY, "Lena", "Legacy", "2023-05-01T08:30:00.000Z",
        verificationStatus="VERIFIED",
        personalDetails={"dateOfBirth": "1980-02-29", "citizenship": "DE", "language": "de",
                         "maritalStatus": "Married",
                         "passport": {"number": "C01X00T47", "country": "DEU"},
                         "taxIdentificationNumber": "DE-123456789"},
        contactDetails={"phoneNumber": "+4930123456", "faxNumber": "+4930123457",
                        "toContact": {"toContactDate": None, "alreadyContacted": True}},
        accountConfiguration={
            "accountManager": {"uuid": "7b000000-0000-4000-8000-000000000001",
                               "email": "manager@broker.test", "name": "Max Manager"},
            "ibParentTradingAccountUuid": "6d000000-0000-4000-8000-000000000999",
            "crmUserScope": {"branchScope": [BRANCH_DEFAULT], "managerPools": ["default"]}},
        addressDetails={"country": "DE", "state": "Berlin", "city": "Berlin",
                        "postCode": "10115", "address": "Invalidenstr. 1"},
        bankingDetails={"bankAddress": "Unter den Linden 1", "bankSwiftCode": "DEUTDEFF",
                        "bankAccount": "DE89370400440532013000", "bankName": "Example Bank",
                        "accountName": "Lena Legacy"},
        leadDetails={"statusUuid": "8c000000-0000-4000-8000-000000000001",
                     "source": "Import", "providerUuid": "8c000000-0000-4000-8000-000000000002",
                     "becomeActiveClientTime": "2023-05-02T10:00:00.000Z"},
    )


def load(store) -> None:
    """Replace the store's state with fresh seed data."""
    data = empty_data()
    systems = _systems()
    data["branches"] = [_branch()]
    data["roles"] = [{"uuid": uuid, "partnerId": PARTNER_ID, "created": "2019-12-31T10:38:16.000Z",
                      "name": name}
                     for uuid, name in ((ROLE_USER, "User"), (ROLE_IB, "IB"),
                                        (ROLE_SUB_IB, "Sub_IB"))]
    data["systems"] = list(systems.values())
    data["offers"] = _offers(systems)
    data["loginCounters"] = dict(LOGIN_BASES)
    data["accounts"] = {record["uuid"]: record for record in (
        _legacy(),
        _account(ACCOUNT_ANN, EMAIL_ANN, "Ann", "Archer", "2024-03-01T09:00:00.000Z",
                 contactDetails={"phoneNumber": "+441234567890"},
                 addressDetails={"country": "GB", "city": "London"}),
        _account(ACCOUNT_JOANN, EMAIL_JOANN, "Joann", "Jones", "2024-03-02T09:00:00.000Z",
                 contactDetails={"phoneNumber": "+15551234567"},
                 addressDetails={"country": "US", "city": "Boston"}),
    )}
    with store.lock:
        store.data = data
        offers = {o["uuid"]: o for o in data["offers"]}
        cycle = (OFFER_DEMO_USD, OFFER_DEMO_EUR, OFFER_LIVE_USD, OFFER_LIVE_GBP)
        for index, ta_uuid in enumerate(LEGACY_TRADING_ACCOUNTS):
            offer = offers[cycle[index % len(cycle)]]
            new_trading_account(store, ACCOUNT_LEGACY, offer, _stamp(20 + index), uuid=ta_uuid)
        null_one = data["tradingAccounts"][LEGACY_NULL_BALANCE]["financeInfo"]
        null_one["balance"] = None
        null_one["equity"] = None
        new_trading_account(store, ACCOUNT_ANN, offers[OFFER_DEMO_USD], _stamp(61),
                            uuid=TA_ANN_DEMO)
        new_trading_account(store, ACCOUNT_ANN, offers[OFFER_LIVE_USD], _stamp(62),
                            uuid=TA_ANN_LIVE)
        new_trading_account(store, ACCOUNT_JOANN, offers[OFFER_DEMO_EUR], _stamp(63),
                            uuid=TA_JOANN_DEMO)
        store.save()
