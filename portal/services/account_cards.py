"""The accounts page as cards: grouped, totalled, in a state the messages follow, and shown from
the last list seen when the broker cannot be read."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from ..brokerapi import BrokerError, Offer
from ..extensions import cache
from ..models import PortalUser
from . import accounts, offers
from .accounts import Row

# Long enough to cover a weekend outage; the list is only shown while the broker is unreadable.
SEEN_TTL = 7 * 24 * 3600

# What the trader has, in the order the page's messages care about.
NONE, PENDING, DEMO, LIVE_UNFUNDED, LIVE_FUNDED = (
    "none", "pending", "demo", "live_unfunded", "live_funded")


@dataclass(frozen=True)
class Total:
    currency: str
    balance: Decimal
    precision: int


@dataclass(frozen=True)
class Group:
    demo: bool
    rows: list[Row]
    totals: list[Total]


@dataclass(frozen=True)
class AccountsPage:
    groups: list[Group]
    state: str
    as_of: datetime | None = None  # set when shown from the last list seen
    live_offers: dict[str, Offer] = field(default_factory=dict)  # by currency

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]

    @property
    def stale(self) -> bool:
        return self.as_of is not None


def page(user: PortalUser) -> AccountsPage:
    """The trader's cards; from the last list seen when the broker cannot be read, and the
    broker's error again when there is none (the friendly 503 page)."""
    seen_key = _seen_key(user)
    try:
        listed = accounts.listing(user, seen_key)
    except BrokerError:
        seen = cache.backend.get(seen_key)
        if not seen:
            raise
        rows = [_from_json(item, _catalogue_or_empty()) for item in seen["rows"]]
        return _build(rows, datetime.fromisoformat(seen["at"]), {})
    (seen,) = listed.also
    # Kept again when the broker was read for this page, or when the list shown is not the one
    # kept (another page read it, e.g. the sign-up's; or none was kept): a list shown from the
    # cache again changes nothing, and "as of" stays the time it was read.
    if listed.from_broker or not seen or seen.get("list") != listed.version:
        cache.backend.set(seen_key, {"at": datetime.now(timezone.utc).isoformat(),
                                     "list": listed.version,
                                     "rows": [_to_json(r) for r in listed.rows]}, SEEN_TTL)
    return _build(listed.rows, None, _first_live_offers())


def _build(rows: list[Row], as_of: datetime | None, live: dict[str, Offer]) -> AccountsPage:
    groups = []
    for demo in (False, True):  # live first
        mine = sorted((r for r in rows if bool(r.demo) == demo), key=_newest_first)
        if mine:
            groups.append(Group(demo=demo, rows=mine, totals=_totals(mine)))
    return AccountsPage(groups=groups, state=state_of(rows), as_of=as_of, live_offers=live)


def state_of(rows: list[Row]) -> str:
    """What the trader has: no account, only some awaiting approval, only demo, or live."""
    opened = [r for r in rows if r.login]
    if not rows:
        return NONE
    if not opened:
        return PENDING
    live = [r for r in opened if not r.demo]
    if not live:
        return DEMO
    return LIVE_FUNDED if any((r.balance or 0) > 0 for r in live) else LIVE_UNFUNDED


def _newest_first(row: Row) -> tuple[bool, float]:
    created = row.created
    if created is None:
        return True, 0.0
    if created.tzinfo is None:  # the portal's own timestamps are naive UTC
        created = created.replace(tzinfo=timezone.utc)
    return False, -created.timestamp()


def _totals(rows: list[Row]) -> list[Total]:
    sums: dict[str, Total] = {}
    for row in rows:
        if row.balance is None or not row.currency:
            continue
        before = sums.get(row.currency, Total(row.currency, Decimal(0), 2))
        precision = max(before.precision, row.precision if row.precision is not None else 2)
        sums[row.currency] = Total(row.currency, before.balance + row.balance, precision)
    return [sums[c] for c in sorted(sums)]


def _first_live_offers() -> dict[str, Offer]:
    """Where "Open live in <currency>" leads: per currency, the first visible live offer that
    opens at once (no approval, no identity check), else the first visible live offer."""
    found: dict[str, Offer] = {}
    live = [o for o in offers.visible_offers() if not o.demo and o.currency]
    at_once = [o for o in live if o.auto_creation and not o.verification_required]
    for offer in at_once + live:
        found.setdefault(offer.currency, offer)
    return found


def _seen_key(user: PortalUser) -> str:
    return f"accounts-seen:{user.account_uuid}"


def _catalogue_or_empty() -> dict[str, Offer]:
    try:
        return {o.uuid: o for o in offers.all_offers()}
    except BrokerError:  # the offers are read from the broker too: the cards lose only names
        return {}


def _to_json(row: Row) -> dict:
    return {"login": row.login, "offer": row.offer.uuid if row.offer else None,
            "demo": row.demo, "currency": row.currency, "leverage": row.leverage,
            "balance": None if row.balance is None else str(row.balance),
            "equity": None if row.equity is None else str(row.equity),
            "precision": row.precision, "status": row.status,
            "created": row.created.isoformat() if row.created else None}


def _from_json(item: dict, catalogue: dict[str, Offer]) -> Row:
    return Row(login=item["login"], offer=catalogue.get(item["offer"] or ""), demo=item["demo"],
               currency=item["currency"], leverage=item["leverage"],
               balance=_decimal(item["balance"]), equity=_decimal(item["equity"]),
               precision=item["precision"], status=item["status"],
               created=datetime.fromisoformat(item["created"]) if item["created"] else None)


def _decimal(value: str | None) -> Decimal | None:
    try:
        return None if value is None else Decimal(value)
    except InvalidOperation:
        return None
