"""Typed views of Broker-API JSON: unknown fields are ignored, missing optional ones are None."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Mapping

PLATFORM_NAMES = {"QFX": "Match-Trader", "MTR": "Match-Trader", "MT4": "MT4", "MT5": "MT5"}
METATRADER = {"MT4", "MT5"}


def parse_time(value: Any) -> datetime | None:
    """Parse an RFC 3339 timestamp (``Z`` or offset) into an aware datetime."""
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    # A timestamp sent without an offset is the broker's server time, which is GMT (REFERENCE.md
    # section 1): read it as UTC, never as a naive datetime, which the portal cannot compare with
    # its own aware ones (onboarding.provably_ours would raise TypeError).
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool) or isinstance(value, (dict, list)):
        return None
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _int(value: Any, default: int | None = None) -> int | None:
    """An integer sent as a number or a string ("100", "100.0"); ``default`` otherwise."""
    number = _number(value)
    if number is None or not number.is_finite() or number != number.to_integral_value():
        return default
    return int(number)


def _bool(value: Any, default: bool = False) -> bool:
    """A flag sent as a JSON boolean or as a string ("false" must not read as True)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "1", "yes"):
            return True
        if text in ("false", "0", "no"):
            return False
        return default
    if isinstance(value, (int, float)):
        return value != 0
    return default


def _text(value: Any) -> str:
    """An identifier sent as a string or a number (a login may come as 12345 or "12345")."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _dict(value: Any) -> dict:
    return dict(value) if isinstance(value, Mapping) else {}


@dataclass(frozen=True)
class Named:
    """A branch, role or other ``{uuid, name}`` reference."""

    uuid: str
    name: str

    @classmethod
    def from_json(cls, data: Mapping) -> "Named":
        return cls(uuid=str(data.get("uuid") or ""), name=str(data.get("name") or ""))


@dataclass(frozen=True)
class TradingSystem:
    """The trading server an offer's accounts live on."""

    uuid: str
    name: str
    system_type: str
    demo: bool | None = None

    @classmethod
    def from_json(cls, data: Mapping) -> "TradingSystem":
        return cls(
            uuid=str(data.get("uuid") or ""),
            name=str(data.get("name") or ""),
            system_type=str(data.get("systemType") or "").upper(),
            demo=_bool(data.get("demo")) if data.get("demo") is not None else None,
        )


@dataclass(frozen=True)
class Offer:
    """A CRM offer a trader can choose; Demo/Live comes from ``demo`` on the offer itself."""

    uuid: str
    name: str
    currency: str
    demo: bool
    hidden: bool
    leverage: int | None
    initial_deposit: Decimal | None
    verification_required: bool
    auto_creation: bool
    description: str = ""
    group_name: str = ""
    system: TradingSystem | None = None
    branch: Named | None = None
    created: datetime | None = None

    @classmethod
    def from_json(cls, data: Mapping) -> "Offer":
        system = data.get("system")
        branch = data.get("branch")
        return cls(
            uuid=str(data.get("uuid") or ""),
            name=str(data.get("name") or ""),
            currency=str(data.get("currency") or ""),
            demo=_bool(data.get("demo")),
            hidden=_bool(data.get("hidden")),
            leverage=_int(data.get("leverage")),
            initial_deposit=_number(data.get("initialDeposit")),
            verification_required=_bool(data.get("verificationRequired")),
            # Absent means the broker's default behaviour: accounts are created at once.
            auto_creation=_bool(data.get("tradingAccountAutoCreation"), default=True),
            description=str(data.get("description") or ""),
            group_name=str(data.get("groupName") or ""),
            system=TradingSystem.from_json(system) if isinstance(system, Mapping) else None,
            branch=Named.from_json(branch) if isinstance(branch, Mapping) else None,
            created=parse_time(data.get("created")),
        )

    @property
    def system_type(self) -> str:
        return self.system.system_type if self.system else ""

    @property
    def platform(self) -> str:
        """Human name of the trading platform: Match-Trader, MT4 or MT5."""
        return PLATFORM_NAMES.get(self.system_type, self.system_type or "Match-Trader")

    @property
    def is_metatrader(self) -> bool:
        return self.system_type in METATRADER


@dataclass(frozen=True)
class Account:
    """One trader at the broker; nested detail objects are kept whole for read-modify-write."""

    uuid: str
    email: str
    created: datetime | None
    updated: datetime | None
    verification_status: str
    client_type: str
    personal_details: dict = field(default_factory=dict)
    contact_details: dict = field(default_factory=dict)
    address_details: dict = field(default_factory=dict)
    banking_details: dict = field(default_factory=dict)
    account_configuration: dict = field(default_factory=dict)
    lead_details: dict = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping) -> "Account":
        return cls(
            uuid=str(data.get("uuid") or ""),
            email=str(data.get("email") or ""),
            created=parse_time(data.get("created")),
            updated=parse_time(data.get("updated")),
            verification_status=str(data.get("verificationStatus") or "NEW"),
            client_type=str(data.get("type") or data.get("clientType") or ""),
            personal_details=_dict(data.get("personalDetails")),
            contact_details=_dict(data.get("contactDetails")),
            address_details=_dict(data.get("addressDetails")),
            banking_details=_dict(data.get("bankingDetails")),
            account_configuration=_dict(data.get("accountConfiguration")),
            lead_details=_dict(data.get("leadDetails")),
        )

    @property
    def first_name(self) -> str:
        return str(self.personal_details.get("firstname") or "")

    @property
    def last_name(self) -> str:
        return str(self.personal_details.get("lastname") or "")

    @property
    def verified(self) -> bool:
        return self.verification_status == "VERIFIED"


@dataclass(frozen=True)
class CreatedAccount:
    """The answer to creating an Account: the Account and its one-time platform token."""

    account: Account
    one_time_token: str | None


@dataclass(frozen=True)
class TradingAccount:
    """A real trading account; ``login`` is empty while it awaits approval."""

    uuid: str
    login: str
    offer_uuid: str
    system_uuid: str = ""
    account_uuid: str = ""
    account_email: str = ""
    created: datetime | None = None
    status: str = ""
    leverage: int | None = None
    access: str = ""
    account_type: str = ""
    balance: Decimal | None = None
    equity: Decimal | None = None
    currency: str = ""
    currency_precision: int | None = None

    @classmethod
    def from_json(cls, data: Mapping) -> "TradingAccount":
        info = _dict(data.get("accountInfo"))
        finance = _dict(data.get("financeInfo"))
        return cls(
            uuid=str(data.get("uuid") or ""),
            login=_text(data.get("login")),
            offer_uuid=str(data.get("offerUuid") or ""),
            system_uuid=str(data.get("systemUuid") or ""),
            account_uuid=str(info.get("uuid") or ""),
            account_email=str(info.get("email") or ""),
            created=parse_time(data.get("created")),
            status=str(data.get("status") or ""),
            leverage=_int(data.get("leverage")),
            access=str(data.get("access") or ""),
            account_type=str(data.get("accountType") or "").upper(),
            balance=_number(finance.get("balance")),
            equity=_number(finance.get("equity")),
            currency=str(finance.get("currency") or ""),
            currency_precision=_int(finance.get("currencyPrecision")),
        )


@dataclass(frozen=True)
class ServiceInfo:
    """What ``/service-info`` says about the Broker-API build."""

    name: str
    version: str
    artifact: str

    @classmethod
    def from_json(cls, data: Mapping) -> "ServiceInfo":
        return cls(
            name=str(data.get("name") or ""),
            version=str(data.get("serviceVersion") or ""),
            artifact=str(data.get("artifact") or ""),
        )
