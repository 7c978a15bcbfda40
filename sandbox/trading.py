"""Trading-account records: creation, approval of pending ones, rendering and search."""

from __future__ import annotations

import uuid as uuid_module


def finance_info(offer: dict) -> dict:
    """Starting finance info: demo accounts get the offer's initial deposit, live get 0."""
    balance = float(offer["initialDeposit"]) if offer["demo"] else 0.0
    return {
        "balance": balance, "equity": balance, "profit": 0.0, "netProfit": 0.0,
        "margin": 0.0, "freeMargin": balance, "marginLevel": 0.0, "credit": 0.0,
        "currency": offer["currency"], "currencyPrecision": 2,
    }


def new_trading_account(store, account_uuid: str, offer: dict, created: str,
                        commission_uuid: str | None = None, uuid: str | None = None,
                        login: str | None = None) -> dict:
    """Create and store a trading account; PENDING without a login if the offer needs approval."""
    system_uuid = offer["system"]["uuid"]
    active = offer["tradingAccountAutoCreation"]
    if active and login is None:
        login = store.next_login(system_uuid)
    record = {
        "uuid": uuid or str(uuid_module.uuid4()),
        "created": created, "updated": created,
        "login": login if active else "",
        "accountUuid": account_uuid,
        "offerUuid": offer["uuid"], "systemUuid": system_uuid,
        "commissionUuid": commission_uuid,
        "status": "ACTIVE" if active else "PENDING",
        "group": offer["groupName"], "leverage": offer["leverage"], "access": "FULL",
        "accountType": "DEMO" if offer["demo"] else "REAL",
        "financeInfo": finance_info(offer),
    }
    store.data["tradingAccounts"][record["uuid"]] = record
    return record


def render_created(record: dict) -> dict:
    """Response body of POST /v1/accounts/{uuid}/trading-accounts."""
    keys = ("uuid", "created", "updated", "login", "offerUuid", "status", "commissionUuid")
    return {key: record[key] for key in keys}


def render_item(store, record: dict) -> dict:
    """Trading-account item as listed by GET /v1/trading-accounts."""
    owner = store.account(record["accountUuid"]) or {}
    return {
        "uuid": record["uuid"], "login": record["login"], "created": record["created"],
        "accountInfo": {"uuid": record["accountUuid"], "email": owner.get("email")},
        "offerUuid": record["offerUuid"], "systemUuid": record["systemUuid"],
        "commissionUuid": record["commissionUuid"], "group": record["group"],
        "leverage": record["leverage"], "access": record["access"],
        "accountType": record["accountType"], "financeInfo": dict(record["financeInfo"]),
    }


def visible(store) -> list[dict]:
    """All trading accounts except those still waiting for approval."""
    return [t for t in store.data["tradingAccounts"].values() if t["status"] != "PENDING"]


def matches(store, record: dict, query: str) -> bool:
    """Case-insensitive substring search over login, owner email and owner names."""
    owner = store.account(record["accountUuid"]) or {}
    personal = owner.get("personalDetails") or {}
    values = (record["login"], owner.get("email"), personal.get("firstname"),
              personal.get("lastname"))
    needle = query.lower()
    return any(isinstance(v, str) and needle in v.lower() for v in values)


def find_by_login(store, system_uuid: str, login: str) -> dict | None:
    """Return the visible trading account with this system and login, or None."""
    return next((t for t in visible(store)
                 if t["systemUuid"] == system_uuid and t["login"] == login), None)


def approve_pending(store, account_uuid: str | None = None) -> list[dict]:
    """Give pending trading accounts a login and make them ACTIVE; return the approved records."""
    approved = []
    with store.lock:
        now = store.timestamp()
        for record in store.data["tradingAccounts"].values():
            if record["status"] != "PENDING":
                continue
            if account_uuid is not None and record["accountUuid"] != account_uuid:
                continue
            record["login"] = store.next_login(record["systemUuid"])
            record["status"] = "ACTIVE"
            record["updated"] = now
            approved.append(record)
        if approved:
            store.save()
        return [dict(render_item(store, r), status=r["status"], updated=r["updated"])
                for r in approved]
