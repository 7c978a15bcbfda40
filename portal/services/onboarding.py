"""Sign-up: record the attempt, create the Account with its first trading account, create the user."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from ..brokerapi import Account, BrokerUnavailable, EmailTaken, NewAccount, RateLimited
from ..extensions import broker, db
from ..models import OperationState, PortalUser, SignupAttempt, TradingAccountRequest, utcnow
from . import accounts, audit, offers, passwords, platform

CLOCK_SKEW = timedelta(seconds=120)
RECOVERY_WINDOW = timedelta(hours=24)


class SignupError(Exception):
    """Base for sign-up outcomes the page explains."""


class AlreadyRegistered(SignupError):
    """The email already has an Account (at the broker or in the portal)."""


class UnknownOffer(SignupError):
    """The offer is unknown or hidden."""


class SignupPending(SignupError):
    """Broker-API lost the answer; the attempt stays pending and will be completed later."""


@dataclass(frozen=True)
class Registration:
    """A validated registration form."""

    email: str
    password: str
    first_name: str
    last_name: str
    offer_uuid: str
    terms_version: str
    country: str | None = None
    phone: str | None = None
    language: str | None = None
    marketing_consent: bool = False


def register_trader(reg: Registration, actor: audit.Actor) -> PortalUser:
    """Create the Account at Broker-API first, then our user; raise a SignupError otherwise."""
    email = PortalUser.normalize_email(reg.email)
    if db.session.scalar(db.select(PortalUser.id).filter_by(email=email)):
        raise AlreadyRegistered()
    offer = offers.find_visible(reg.offer_uuid)
    if offer is None:
        raise UnknownOffer()
    attempt = SignupAttempt(
        email=email, first_name=reg.first_name, last_name=reg.last_name, offer_uuid=offer.uuid
    )
    db.session.add(attempt)
    db.session.commit()

    new = NewAccount(
        email=email, password=reg.password, first_name=reg.first_name, last_name=reg.last_name,
        offer_uuid=offer.uuid, country=reg.country, phone=reg.phone, language=reg.language,
    )
    attempt.move(OperationState.SENT, attempts=attempt.attempts + 1)
    db.session.commit()
    token = None
    try:
        created = broker.client.create_account(new)
        account, token = created.account, created.one_time_token
    except EmailTaken:
        account = _earlier_attempt_account(attempt)
        if account is None:
            _finish(attempt, OperationState.TAKEN)
            raise AlreadyRegistered()
        # Our own earlier attempt did reach the broker: make its password the one typed now.
        broker.client.change_password(account.uuid, reg.password)
    except RateLimited:
        _finish(attempt, OperationState.FAILED, error="rate limited")
        raise
    except BrokerUnavailable as exc:
        account = _recover(attempt, exc)

    user = PortalUser(
        email=email, password_hash=passwords.hash_password(reg.password),
        account_uuid=account.uuid, first_name=reg.first_name, last_name=reg.last_name,
        language=reg.language, terms_version=reg.terms_version, terms_accepted_at=utcnow(),
        terms_accepted_ip=actor.ip, marketing_consent=reg.marketing_consent,
    )
    db.session.add(user)
    db.session.flush()
    if not offer.auto_creation:
        accounts.note_awaiting_approval(user, offer.uuid)
    attempt.move(OperationState.DONE, account_uuid=account.uuid, user_id=user.id)
    audit.record("registration", actor, user=user, offer=offer.uuid)
    db.session.commit()
    if token:
        platform.keep_signup_token(user, token)
    return user


def _finish(attempt: SignupAttempt, state: OperationState, **changes) -> None:
    attempt.move(state, **changes)
    db.session.commit()


def _provably_ours(account: Account | None, attempt: SignupAttempt) -> bool:
    """Created after the attempt began (allowing clock skew) and carrying the same names."""
    if account is None or account.created is None:
        return False
    return (
        account.created >= attempt.started_at - CLOCK_SKEW
        and account.first_name.strip().lower() == attempt.first_name.strip().lower()
        and account.last_name.strip().lower() == attempt.last_name.strip().lower()
    )


def _recover(attempt: SignupAttempt, exc: BrokerUnavailable) -> Account:
    """After a lost answer, accept the Account only if it is provably ours."""
    if not exc.sent:
        _finish(attempt, OperationState.FAILED, error=str(exc)[:500])
        raise exc
    try:
        account = broker.client.find_account(attempt.email)
    except (BrokerUnavailable, RateLimited):
        _finish(attempt, OperationState.PENDING, error=str(exc)[:500])
        raise SignupPending()
    if _provably_ours(account, attempt):
        return account
    if account is not None:
        _finish(attempt, OperationState.TAKEN)
        raise AlreadyRegistered()
    if exc.status is not None:
        # A 5xx with no Account behind it: nothing was created, so the trader may simply retry.
        _finish(attempt, OperationState.FAILED, error=str(exc)[:500])
        raise exc
    _finish(attempt, OperationState.PENDING, error=str(exc)[:500])
    raise SignupPending()


def _earlier_attempt_account(attempt: SignupAttempt) -> Account | None:
    """The broker's Account for this email if one of our recent unfinished attempts created it."""
    since = utcnow() - RECOVERY_WINDOW
    earlier = db.session.scalars(
        db.select(SignupAttempt)
        .filter(SignupAttempt.email == attempt.email, SignupAttempt.id != attempt.id)
        .filter(SignupAttempt.started_at >= since)
        .filter(SignupAttempt.state.in_([OperationState.PENDING.value, OperationState.FAILED.value]))
        .order_by(SignupAttempt.started_at)
    ).all()
    if not earlier:
        return None
    account = broker.client.find_account(attempt.email)
    if any(_provably_ours(account, e) for e in earlier):
        current_app.logger.info("sign-up recovered an Account created by an earlier attempt")
        return account
    return None
