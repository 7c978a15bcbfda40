"""Completing parked sign-ups and open-account requests, for the background worker.

Before any retry the broker is asked whether an earlier try already succeeded, with the same
ownership rules as the web request, so nothing is created twice or handed to the wrong person.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app

from ..brokerapi import (
    BrokerError, BrokerUnavailable, EmailTaken, NotReady, RateLimited, Rejected,
)
from ..extensions import broker, db
from ..models import OperationState, PortalUser, SignupAttempt, TradingAccountRequest, utcnow
from .. import metrics
from . import accounts, audit, notifications, offers, onboarding

log = logging.getLogger("portal.worker")
WORKER = audit.Actor(ip=None, user_agent="portal-worker")
LEASE = timedelta(minutes=2)


def due(model, now=None, limit: int = 20) -> list:
    """Pending rows whose retry time has come, oldest first."""
    now = now or utcnow()
    return db.session.scalars(
        db.select(model).filter(model.state == OperationState.PENDING.value,
                                model.next_attempt_at <= now)
        .order_by(model.next_attempt_at).limit(limit)
    ).all()


def claim(row) -> bool:
    """Take a row for this worker by moving its due time forward; False if another took it."""
    model = type(row)
    result = db.session.execute(
        db.update(model).where(model.id == row.id, model.state == OperationState.PENDING.value,
                               model.next_attempt_at == row.next_attempt_at)
        .values(next_attempt_at=utcnow() + LEASE)
    )
    db.session.commit()
    return result.rowcount == 1


# Broker-API calls one row costs: a sign-up's Account lookup and create, an open-account
# request's list and create. The worker takes no more rows in a pass than the budget can carry.
CALLS_PER_ROW = 2


def run_once() -> int:
    """Process the due items the request budget has room for, oldest first; return how many
    were tried."""
    rescue(SignupAttempt)
    rescue(TradingAccountRequest)
    rows = room()
    tried = 0
    if rows == 0:
        return 0
    for attempt in due(SignupAttempt, limit=rows):
        if claim(attempt):
            tried += 1
            _guard(complete_signup, attempt)
    for request in due(TradingAccountRequest, limit=max(1, rows - tried)):
        if claim(request):
            tried += 1
            _guard(complete_open, request)
    return tried


def room() -> int:
    """How many rows this pass may take: as many as the free budget slots pay for, at least 1
    while any slot is free, 0 when the budget is spent (then nothing can be sent)."""
    budget = broker.client.budget
    if budget is None:
        return 20
    free = budget.room()
    return max(1, free // CALLS_PER_ROW) if free > 0 else 0


def idle_seconds(poll: float) -> float:
    """How long the worker rests after a pass that tried nothing: until the next budget slot
    frees when the budget is spent (work parked by it is due then), else its poll interval."""
    budget = broker.client.budget
    wait = budget.wait() if budget is not None else 0.0
    return wait if wait > 0 else poll


def stale() -> timedelta:
    """How long a row may stay "recorded" or "sent" before its request or worker counts as dead:
    well over the longest a request or a worker's pass spends on Broker-API calls."""
    deadline = timedelta(seconds=current_app.config["BROKER_DEADLINE"])
    return max(timedelta(minutes=5), 10 * deadline, 2 * LEASE)


def rescue(model) -> int:
    """Put back in the queue what a web request or a worker left "recorded" or "sent" when it
    died mid-call (a restart, a timeout); return how many. Rows already past the age at which
    pending work fails are closed as failed, without mail: a later attempt may have succeeded."""
    now = utcnow()
    dead_since = now - stale()
    abandoned = db.or_(
        db.and_(model.next_attempt_at.is_(None), model.started_at < dead_since),  # a request's
        model.next_attempt_at < dead_since)  # a worker's, its lease long over
    closed = {"state": OperationState.FAILED.value, "next_attempt_at": None, "error": "abandoned",
              **dict.fromkeys(model.FORGOTTEN_WHEN_FINAL)}  # a bulk update, without move()
    closed_now = db.session.execute(db.update(model).where(
        _half_done(model), abandoned, model.started_at < now - onboarding.recovery_window(),
    ).values(**closed)).rowcount
    if closed_now:
        log.error("ALERT %d abandoned %s older than PENDING_MAX_AGE_HOURS closed as failed",
                  closed_now, model.__tablename__)
    return _requeue(model, abandoned, now)


def _half_done(model):
    return model.state.in_([OperationState.RECORDED.value, OperationState.SENT.value])


def _requeue(model, which, due_at) -> int:
    result = db.session.execute(db.update(model).where(_half_done(model), which).values(
        state=OperationState.PENDING.value, next_attempt_at=due_at))
    db.session.commit()
    return result.rowcount


def _guard(work, row) -> None:
    try:
        work(row)
    except Exception:  # one bad row must not stop the worker; it is retried after its lease
        db.session.rollback()
        log.exception("pending %s %s failed unexpectedly", type(row).__name__, row.id)
        model = type(row)
        _requeue(model, model.id == row.id, utcnow() + LEASE)


def _too_old(row) -> bool:
    return utcnow() - row.started_at > onboarding.recovery_window()


def complete_signup(attempt: SignupAttempt) -> None:
    """Finish a parked sign-up: accept our Account if it exists, else send it again."""
    if _too_old(attempt):
        return fail_signup(attempt, "too old")
    new = onboarding.new_account_of(attempt)
    if onboarding.earlier_by_someone_else(attempt, new.password if new else None):
        return _taken(attempt)
    attempt.move(OperationState.SENT, attempts=attempt.attempts + 1)
    db.session.commit()
    try:
        account = broker.client.find_account(attempt.email)
        if account is None:
            if new is None:
                return fail_signup(attempt, "password no longer readable")
            onboarding.mark_sent(attempt)
            try:
                account = broker.client.create_account(new).account
            except EmailTaken:
                account = broker.client.find_account(attempt.email)
                if not onboarding.provably_ours(account, attempt):
                    return _taken(attempt)
        elif not onboarding.provably_ours(account, attempt):
            return _taken(attempt)
    except (BrokerUnavailable, RateLimited, NotReady) as exc:
        # NotReady: sent once the broker's set-up allows
        onboarding.park(attempt, str(exc), budget_spent=isinstance(exc, RateLimited))
        return None
    except Rejected as exc:
        return fail_signup(attempt, exc.detail or "rejected")
    existing = db.session.scalar(db.select(PortalUser).filter(db.or_(
        PortalUser.account_uuid == account.uuid, PortalUser.email == attempt.email)))
    if existing is not None and existing.account_uuid != account.uuid:
        return _taken(attempt)  # the email's portal login belongs to another Account
    if existing is not None:  # a second submit, or a sign-up again, finished it already
        attempt.move(OperationState.DONE, account_uuid=account.uuid, user_id=existing.id,
                     next_attempt_at=None, error=None)
        db.session.commit()
        log.info("pending sign-up %s was finished by another attempt", attempt.id)
        return None
    user = onboarding.complete(attempt, account, WORKER)
    log.info("pending sign-up %s completed", attempt.id)
    notifications.signup_done(user)
    return None


def _taken(attempt: SignupAttempt) -> None:
    attempt.move(OperationState.TAKEN, next_attempt_at=None)
    db.session.commit()
    metrics.signup_reached(OperationState.TAKEN)
    notifications.signup_failed(attempt, taken=True)


def fail_signup(attempt: SignupAttempt, reason: str) -> None:
    """Final failure: forget the password, tell the trader, alert staff."""
    attempt.move(OperationState.FAILED, next_attempt_at=None, error=reason[:500])
    db.session.commit()
    metrics.signup_reached(OperationState.FAILED)
    log.error("ALERT pending sign-up %s failed for good: %s", attempt.id, reason)
    notifications.signup_failed(attempt, taken=False)


def complete_open(request: TradingAccountRequest) -> None:
    """Finish a parked open-account request: find our new login, else send it again."""
    user = db.session.get(PortalUser, request.user_id)
    if _too_old(request):
        return fail_open(request, "too old")
    offer = next((o for o in offers.all_offers() if o.uuid == request.offer_uuid), None)
    request.move(OperationState.SENT, attempts=request.attempts + 1)
    db.session.commit()
    earlier, creating = request.maybe_sent, False
    try:
        login = accounts.new_login(user, request)
        if login is None and offer is not None and not offer.auto_creation and request.maybe_sent:
            # An approval offer lists nothing until approved, so a try that may have arrived
            # cannot be checked; sending again could double the request at the broker.
            log.warning("open-account %s may have reached the broker; left awaiting approval",
                        request.id)
        elif login is None:
            request.maybe_sent, creating = True, True  # committed before it can arrive
            db.session.commit()
            login = broker.client.create_trading_account(user.account_uuid,
                                                         request.offer_uuid).login or None
    except Rejected as exc:
        return fail_open(request, exc.detail or "rejected")
    except (BrokerUnavailable, RateLimited) as exc:
        try:
            login = accounts.recover(user, request, exc, earlier if creating else None)
        except accounts.OpenPending:
            return None
    except BrokerError as exc:  # 401, 403, 404
        if not creating:
            raise  # the list: put back in the queue, as any unexpected error
        request.maybe_sent = earlier  # refused: it never reached the trading accounts
        return fail_open(request, str(exc))
    accounts.finish(user, request, login, WORKER)
    log.info("pending open-account %s completed", request.id)
    return None


def fail_open(request: TradingAccountRequest, reason: str) -> None:
    request.move(OperationState.FAILED, next_attempt_at=None, error=reason[:500])
    db.session.commit()
    log.error("ALERT pending open-account %s failed for good: %s", request.id, reason)
    notifications.open_failed(request)
