"""What differs between the broker APIs the portal speaks, each kind in one place.

``crm-api`` is Match-Trade's CRM-API, the successor of Broker-API v1 for brokers on the
Match-Trade CRM (CRM-API.md); ``broker-api`` is v1 itself, deprecated at the end of 2026
(REFERENCE.md). Both serve the same ``/v1`` resources; CRM-API.md confirms the paths for offers,
change-password, trading accounts and the one-time token, and the rest are INFERRED from v1.
A Broker-API-v2 adapter (no offers, no CRM) would be a module beside this one, not a third row.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Paths:
    """Every path the portal calls; ``{name}`` parts are filled in and URL-quoted by the client."""

    offers: str = "/v1/offers"
    branches: str = "/v1/branches"
    roles: str = "/v1/roles"
    accounts: str = "/v1/accounts"
    account_by_email: str = "/v1/accounts/by-email/{email}"
    account_by_uuid: str = "/v1/accounts/by-uuid/{uuid}"
    account: str = "/v1/accounts/{uuid}"
    change_password: str = "/v1/change-password"
    account_trading_accounts: str = "/v1/accounts/{uuid}/trading-accounts"
    trading_accounts: str = "/v1/trading-accounts"
    trading_account: str = "/v1/trading-account"
    one_time_token: str = "/v1/one-time-token"


V1_PATHS = Paths()
SERVICE_INFO = "/service-info"


@dataclass(frozen=True)
class ApiKind:
    """One broker API: its paths, how the key is sent and how a connection is tested."""

    name: str
    # "bearer" sends ``Authorization: Bearer <key>``; "raw" sends the key alone.
    auth_scheme: str
    # Paths asked in order to test a connection; a 404 moves on to the next one.
    connection_tests: tuple[str, ...]
    # The largest page the trading-accounts search serves (both docs: size max 1000).
    max_page_size: int = 1000
    paths: Paths = V1_PATHS


CRM_API = ApiKind(
    "crm-api",
    # The CRM guide names it a Bearer token and the CRM skill confirms Bearer against UAT,
    # while the REST samples show the raw key (CRM-API.md section 1).
    auth_scheme="bearer",
    # The CRM guide tests a connection with GET /v1/offers and never mentions /service-info.
    connection_tests=(V1_PATHS.offers,),
)
BROKER_API = ApiKind(
    "broker-api",
    auth_scheme="raw",  # as the v1 docs' samples show
    # Older v1 builds lack /service-info (REFERENCE section 10.1): fall back to the offers.
    connection_tests=(SERVICE_INFO, V1_PATHS.offers),
)
KINDS = {kind.name: kind for kind in (CRM_API, BROKER_API)}
AUTH_SCHEMES = ("raw", "bearer")


def kind_named(name: str) -> ApiKind:
    """The kind called ``name``; a mistyped BROKER_API_KIND stops the start."""
    try:
        return KINDS[name.strip().lower()]
    except KeyError:
        raise ValueError(
            f"BROKER_API_KIND must be one of {', '.join(KINDS)}, not {name!r}") from None


def authorization(scheme: str, key: str) -> str:
    """The ``Authorization`` header for ``key`` (given bare or already as ``Bearer <key>``)."""
    if scheme not in AUTH_SCHEMES:
        raise ValueError(f"BROKER_AUTH_SCHEME must be raw or bearer, not {scheme!r}")
    bare = key[7:].strip() if key.lower().startswith("bearer ") else key.strip()
    return f"Bearer {bare}" if scheme == "bearer" else bare
