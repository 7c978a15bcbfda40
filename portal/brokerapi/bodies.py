"""What the portal sends to Broker-API: request bodies without the empty values it refuses."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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


def account_body(new: NewAccount, role_uuid: str | None, branch_uuid: str | None) -> dict:
    """The create-account body: a RETAIL client with the configured role and branch."""
    return prune({
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
            "roleUuid": role_uuid,
            "branchUuid": branch_uuid,
            "ibParentTradingAccountUuid": new.ib_parent_trading_account_uuid,
        },
        "leadDetails": {"source": new.lead_source},
    })
