"""A trader's trading accounts: list them (all pages, only their own) and open new ones."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..brokerapi import BrokerError, BrokerUnavailable, Offer, RateLimited, Rejected, TradingAccount
from ..extensions import broker, cache, db
from ..models import OperationState, PortalUser, TradingAccountRequest
from . import account_limits, audit, links, notifications, offers


class OpenAccountError(Exception):
    """Base for open-account outcomes the page explains."""


class UnknownOffer(OpenAccountError):
    """The offer is unknown or hidden."""


class OpenRejected(OpenAccountError):
    """Broker-API refused to open the account; ``detail`` is its text."""


class RequestFailed(OpenAccountError):
    """This confirm form's request failed before; a new one may be confirmed."""


class OpenPending(OpenAccountError):
    """The answer was lost; the request stays pending and will be completed later."""


@dataclass(frozen=True)
class Row:
    """One line of the Accounts page."""

    login: str
    offer: Offer | None
    demo: bool | None
    currency: str
    leverage: int | None
    balance: Decimal | None
    equity: Decimal | None
    precision: int | None
    status: str  # "active" | "awaiting_approval" | "verification_required"
    created: datetime | None = None

    @property
    def offer_name(self) -> str:
        return self.offer.name if self.offer else ""


def _cache_key(user: PortalUser) -> str:
    """Versioned by the trader's latest request change, so every process misses after a change.

    Without Redis each process caches on its own; a key that moves when the portal opens an
    account makes the other processes' copies unreachable instead of stale.
    """
    changed = user.requests_changed_at
    return f"trading-accounts:{user.account_uuid}:{changed.timestamp() if changed else 0}"


def _broker_items(user: PortalUser, fresh: bool = False) -> list[TradingAccount]:
    key = _cache_key(user)
    return _items(user, key, None if fresh else cache.backend.get(key))[0]


def _items(user: PortalUser, key: str,
           raw: list | None) -> tuple[list[TradingAccount], bool]:
    """The cached list ``raw``, else the broker's (kept for ACCOUNTS_CACHE_TTL seconds); and
    whether it was read from the broker now."""
    fetched = raw is None
    if fetched:
        raw = broker.client.trading_accounts_json(user.account_uuid, user.email)
        cache.backend.set(key, raw, current_app.config["ACCOUNTS_CACHE_TTL"])
    return [TradingAccount.from_json(i) for i in raw], fetched


def note_awaiting_approval(user: PortalUser, offer_uuid: str,
                           known: list[str] | None = None) -> None:
    """Remember a trading account the broker will create only after approval."""
    db.session.add(TradingAccountRequest(
        user_id=user.id, offer_uuid=offer_uuid, account_uuid=user.account_uuid,
        idempotency_key=secrets.token_urlsafe(16), known_logins=json.dumps(known or []),
        state=OperationState.DONE.value,
    ))


def _awaiting(user: PortalUser, items: list[TradingAccount]) -> list[TradingAccountRequest]:
    """Requests still awaiting approval; those whose account has appeared get its login."""
    if not user.requests_awaiting:  # the usual case: no further query and no commit
        return []
    waiting = db.session.scalars(
        db.select(TradingAccountRequest).filter_by(
            user_id=user.id, state=OperationState.DONE.value, login=None
        ).order_by(TradingAccountRequest.started_at)
    ).all()
    if not waiting:  # the usual case: no query and no commit (a commit re-reads the user)
        return []
    claimed = {r.login for r in db.session.scalars(
        db.select(TradingAccountRequest).filter_by(user_id=user.id).filter(
            TradingAccountRequest.login.is_not(None))
    )}
    still = []
    for request in waiting:
        fresh = next((t for t in items if t.login and t.offer_uuid == request.offer_uuid
                      and t.login not in request.logins_before and t.login not in claimed), None)
        if fresh:
            request.login = fresh.login
            claimed.add(fresh.login)
        else:
            still.append(request)
    if len(still) < len(waiting):
        db.session.commit()
    return still


@dataclass(frozen=True)
class Overview:
    """The overview's rows and how they were read."""

    rows: list[Row]
    from_broker: bool  # the list was read from the broker now, not from the cache
    version: str  # the cached list's key: it changes with every change to the trader's requests
    also: list  # the other cached values asked for, read in the same round trip (None: missing)


def overview(user: PortalUser) -> list[Row]:
    """Every trading account of the trader's Account, plus the ones awaiting approval."""
    return listing(user).rows


def listing(user: PortalUser, *also: str) -> Overview:
    """The overview's rows, whether the broker was read for them, and the cached values of the
    keys ``also``."""
    key = _cache_key(user)
    offered, (raw, *others) = offers.catalogue_and(key, *also)  # one round trip for all
    items, from_broker = _items(user, key, raw)
    catalogue = {o.uuid: o for o in offered.offers}
    waiting = _awaiting(user, items)
    verified = None
    if any(catalogue.get(t.offer_uuid) and catalogue[t.offer_uuid].verification_required
           for t in items):
        verified = broker.client.account_by_uuid(user.account_uuid).verified
    rows = [
        Row(login="", offer=catalogue.get(r.offer_uuid), demo=_demo(catalogue.get(r.offer_uuid)),
            currency=getattr(catalogue.get(r.offer_uuid), "currency", ""),
            leverage=getattr(catalogue.get(r.offer_uuid), "leverage", None), balance=None,
            equity=None, precision=None, status="awaiting_approval", created=r.started_at)
        for r in waiting
    ]
    for t in items:
        offer = catalogue.get(t.offer_uuid)
        needs_kyc = bool(offer and offer.verification_required and not verified)
        rows.append(Row(
            login=t.login, offer=offer, demo=_demo(offer, t),
            currency=t.currency or getattr(offer, "currency", ""),
            leverage=t.leverage or getattr(offer, "leverage", None), balance=t.balance,
            equity=t.equity, precision=t.currency_precision, created=t.created,
            status="verification_required" if needs_kyc else "active",
        ))
    return Overview(rows, from_broker, key, others)


def _demo(offer: Offer | None, item: TradingAccount | None = None) -> bool | None:
    """Demo/Live from the offer; the item's own accountType only when the offer is unknown."""
    if offer is not None:
        return offer.demo
    if item is not None and item.account_type in ("DEMO", "REAL"):
        return item.account_type == "DEMO"
    return None


def new_request_key(user: PortalUser) -> str:
    """A one-use key the confirm form carries, so a double submit opens one account. It is
    signed for this trader: another trader, or a key made up, never passes for theirs."""
    token = secrets.token_urlsafe(18)
    return f"{token}.{links.fingerprint(_signed_part(user, token))}"


def key_is_theirs(user: PortalUser, key: str | None) -> bool:
    """Signed for this trader, with the secret key or one kept while rotating it."""
    token, _, signature = (key or "").rpartition(".")
    return bool(token) and links.fingerprint_matches(_signed_part(user, token), signature)


def _signed_part(user: PortalUser, token: str) -> str:
    return f"request-key:{user.id}:{token}"


def request_for_key(key: str) -> TradingAccountRequest | None:
    """The request sent with a confirm form's key, whoever sent it and however it ended."""
    return db.session.scalar(db.select(TradingAccountRequest).filter_by(idempotency_key=key))


def open_trading_account(user: PortalUser, offer_uuid: str, key: str,
                         actor: audit.Actor) -> TradingAccountRequest:
    """Open a trading account in a visible offer under the trader's own Account."""
    previous = request_for_key(key)
    if previous is not None:
        if previous.user_id != user.id:
            raise UnknownOffer()
        if previous.failed:  # the same form sent again
            raise RequestFailed()
        return previous
    offer = offers.find_visible(offer_uuid)
    if offer is None:
        raise UnknownOffer()
    items = _broker_items(user, fresh=True)
    account_limits.lock_trader(user)  # until the request below is committed
    try:
        account_limits.check(user, offer, items)
    except account_limits.LimitReached:
        db.session.rollback()
        raise
    request = TradingAccountRequest(
        user_id=user.id, offer_uuid=offer.uuid, account_uuid=user.account_uuid,
        idempotency_key=key, known_logins=json.dumps(sorted(t.login for t in items)),
    )
    db.session.add(request)
    try:
        db.session.commit()
    except IntegrityError:  # the same form submitted twice at once: the first one wins
        db.session.rollback()
        return request_for_key(key)
    request.move(OperationState.SENT, attempts=1, maybe_sent=True)  # before it can arrive
    db.session.commit()
    try:
        created = broker.client.create_trading_account(user.account_uuid, offer.uuid)
    except Rejected as exc:
        request.move(OperationState.FAILED, error=(exc.detail or "rejected")[:500])
        db.session.commit()
        raise OpenRejected(exc.detail) from exc
    except (BrokerUnavailable, RateLimited) as exc:
        login = recover(user, request, exc, earlier_maybe_sent=False)
    except BrokerError as exc:  # 401, 403, 404: nothing was opened; a new key may try again
        request.move(OperationState.FAILED, error=str(exc)[:500])
        db.session.commit()
        raise
    else:
        login = created.login or None
    finish(user, request, login, actor)
    return request


def finish(user: PortalUser, request: TradingAccountRequest, login: str | None,
           actor: audit.Actor) -> None:
    """The broker has the trading account (``login`` None while it awaits approval)."""
    request.move(OperationState.DONE, login=login, next_attempt_at=None, error=None)
    audit.record("account_opened", actor, user=user, offer=request.offer_uuid, login=login)
    db.session.commit()  # moves the cache key: the next list is fresh in every process
    notifications.account_opened(user, request)


def new_login(user: PortalUser, request: TradingAccountRequest) -> str | None:
    """A login in the request's offer that was not there before the request: provably ours."""
    claimed = set(db.session.scalars(db.select(TradingAccountRequest.login).filter(
        TradingAccountRequest.user_id == user.id, TradingAccountRequest.id != request.id,
        TradingAccountRequest.login.is_not(None))))
    items = _broker_items(user, fresh=True)
    return next((t.login for t in items if t.login and t.offer_uuid == request.offer_uuid
                 and t.login not in request.logins_before and t.login not in claimed), None)


def recover(user: PortalUser, request: TradingAccountRequest, exc: Exception,
            earlier_maybe_sent: bool | None = None) -> str | None:
    """After a lost answer or a busy broker: find our new login, or park the request.

    ``maybe_sent`` was set before the create was sent. When the create itself failed in a way
    that proves it never arrived (a refused connection, a 429), it is set back to whether an
    earlier try may have arrived (``earlier_maybe_sent``; None: the failing call was no create).
    An approval offer lists nothing until approved, so that flag alone keeps it from being
    sent twice.
    """
    sent = not isinstance(exc, RateLimited) and getattr(exc, "sent", True)
    try:
        login = new_login(user, request) if sent else None
    except BrokerError:  # the list cannot be read now: park, the worker looks again
        login = None
    if login:
        return login
    if earlier_maybe_sent is not None and not sent:
        request.maybe_sent = earlier_maybe_sent
    request.park(str(exc), current_app.config["WORKER_BACKOFF_SECONDS"])
    db.session.commit()
    raise OpenPending()
