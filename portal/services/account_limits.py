"""How many trading accounts a trader may hold through the portal, held under concurrency.

Parallel confirms each read the broker's list, then send a create: checked without a lock, all
of them pass. The check runs under a lock on the trader's row and counts, besides the broker's
list, every request of the trader still under way, so the second of two parallel confirms sees
the first.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from ..brokerapi import Offer, TradingAccount
from ..extensions import db
from ..models import OperationState, PortalUser, TradingAccountRequest, utcnow

# A request finished this recently may hold a login the broker's list read before it lacks.
RECENT = timedelta(minutes=10)
COUNTED = (OperationState.RECORDED.value, OperationState.SENT.value,
           OperationState.PENDING.value, OperationState.DONE.value)


class LimitReached(Exception):
    """The trader already has as many trading accounts as allowed (overall or in this offer)."""

    def __init__(self, per_offer: bool, limit: int):
        super().__init__(f"limit of {limit} reached")
        self.per_offer = per_offer
        self.limit = limit


def lock_trader(user: PortalUser) -> None:
    """Hold the trader's row until the transaction ends (commit or rollback).

    An UPDATE that changes nothing: a row lock on PostgreSQL, the write lock on SQLite. It is
    the first statement of a fresh transaction, so SQLite never has to upgrade a read lock.
    """
    db.session.commit()
    db.session.execute(
        db.update(PortalUser).where(PortalUser.id == user.id).values(id=PortalUser.id),
        execution_options={"synchronize_session": False})


def check(user: PortalUser, offer: Offer, items: list[TradingAccount]) -> None:
    """Raise LimitReached when one more account in ``offer`` would pass a limit; hold the lock."""
    held = {t.login for t in items if t.login}
    since = utcnow() - RECENT
    requests = db.session.scalars(db.select(TradingAccountRequest).filter(
        TradingAccountRequest.user_id == user.id, TradingAccountRequest.state.in_(COUNTED))).all()
    extra = [r for r in requests
             if r.state != OperationState.DONE.value or r.login is None  # under way, or approval
             or (r.login not in held and r.updated_at >= since)]  # newer than the list read
    total = len(items) + len(extra)
    in_offer = (sum(t.offer_uuid == offer.uuid for t in items)
                + sum(r.offer_uuid == offer.uuid for r in extra))
    overall = current_app.config["MAX_TRADING_ACCOUNTS"]
    per_offer = current_app.config["MAX_ACCOUNTS_PER_OFFER"]
    if total >= overall:
        raise LimitReached(per_offer=False, limit=overall)
    if in_offer >= per_offer:
        raise LimitReached(per_offer=True, limit=per_offer)
