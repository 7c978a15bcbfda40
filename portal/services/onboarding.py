"""Sign-up: record the attempt, create the Account with its first trading account, create the user.

Every attempt is recorded before Broker-API is called. When the answer is lost or the broker is
busy, the attempt is parked as ``pending`` (password encrypted) for the background worker, which
first checks whether the earlier try succeeded, and accepts an Account only if it is provably ours.
A parked attempt can also be finished by signing up again, but only with the same password: an
email alone proves nothing. The password, sealed or hashed, is kept only while an attempt is
unfinished.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import timedelta

from flask import current_app

from ..brokerapi import (Account, BrokerError, BrokerUnavailable, EmailTaken, NewAccount,
                         RateLimited, Rejected)
from ..extensions import broker, db
from ..models import OperationState, PortalUser, SignupAttempt, utcnow
from .. import metrics
from . import accounts, attribution, audit, offers, passwords, platform, vault, welcome

CLOCK_SKEW = timedelta(seconds=30)  # between our clock and the broker's
MAX_PARKED_CHECKED = 5  # each check is an argon2id hash


class SignupError(Exception):
    """Base for sign-up outcomes the page explains."""


class AlreadyRegistered(SignupError):
    """The email already has an Account (at the broker or in the portal)."""


class UnknownOffer(SignupError):
    """The offer is unknown or hidden."""


class SignupPending(SignupError):
    """Broker-API lost the answer or is busy, or an earlier attempt for the email is still
    unfinished; the worker completes it later and mails the trader."""


class SignupRefused(SignupError):
    """Broker-API refused the details; ``detail`` is its own text."""

    def __init__(self, detail: str = ""):
        super().__init__(detail)
        self.detail = detail


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
    hidden_offer_uuid: str | None = None  # the hidden offer the visitor's campaign allows
    source: attribution.SignupSource | None = None


def register_trader(reg: Registration, actor: audit.Actor) -> PortalUser:
    """Create the Account at Broker-API first, then our user; raise a SignupError otherwise."""
    email = PortalUser.normalize_email(reg.email)
    if db.session.scalar(db.select(PortalUser.id).filter_by(email=email)):
        raise AlreadyRegistered()
    offer = offers.find_visible(reg.offer_uuid) or offers.find_offerable(
        reg.offer_uuid, reg.hidden_offer_uuid)
    if offer is None:
        raise UnknownOffer()
    source = reg.source or attribution.NO_SOURCE
    new = NewAccount(
        email=email, password=reg.password, first_name=reg.first_name, last_name=reg.last_name,
        offer_uuid=offer.uuid, country=reg.country, phone=reg.phone, language=reg.language,
        lead_source=source.lead_source,
        ib_parent_trading_account_uuid=source.ib_parent_trading_account_uuid,
    )
    attempt = record_attempt(new, reg, actor)
    attribution.record_signup(attempt, reg.source)
    if earlier_by_someone_else(attempt, reg.password):
        _finish(attempt, OperationState.TAKEN)
        raise SignupPending()  # the earlier one is finished by the worker, for its maker
    attempt.move(OperationState.SENT, attempts=attempt.attempts + 1)
    mark_sent(attempt)
    token = None
    try:
        created = broker.client.create_account(new)
        account, token = created.account, created.one_time_token
    except EmailTaken:
        account = _earlier_attempt_account(attempt, reg.password)
        if account is None:
            _finish(attempt, OperationState.TAKEN)
            raise AlreadyRegistered() from None
    except RateLimited as exc:
        park(attempt, "rate limited", budget_spent=True)
        raise SignupPending() from exc
    except BrokerUnavailable as exc:
        account = _recover(attempt, exc)
    except Rejected as exc:
        _finish(attempt, OperationState.FAILED, error=(exc.detail or "rejected")[:500])
        raise SignupRefused(exc.detail) from exc
    except BrokerError as exc:  # 401, 403, 404: nothing was created, nothing to retry
        _finish(attempt, OperationState.FAILED, error=str(exc)[:500])
        raise
    user = complete(attempt, account, actor)
    if token:
        platform.keep_signup_token(user, token)
    welcome.send_welcome(user)
    return user


def record_attempt(new: NewAccount, reg: Registration, actor: audit.Actor) -> SignupAttempt:
    """Store the attempt, with what the worker needs to finish it, before anything is sent."""
    request = {k: v for k, v in asdict(new).items() if k != "password"}
    request.update(terms_version=reg.terms_version, terms_ip=actor.ip,
                   marketing_consent=reg.marketing_consent)
    attempt = SignupAttempt(
        email=new.email, first_name=new.first_name, last_name=new.last_name,
        offer_uuid=new.offer_uuid, password_hash=passwords.hash_password(new.password),
        secret=vault.seal(new.password), request_json=json.dumps(request),
    )
    db.session.add(attempt)
    db.session.commit()
    return attempt


def new_account_of(attempt: SignupAttempt) -> NewAccount | None:
    """Rebuild the create-account request of a parked attempt (None if the password is gone)."""
    password = vault.unseal(attempt.secret) if attempt.secret else None
    if password is None:
        return None
    fields = json.loads(attempt.request_json or "{}")
    known = set(NewAccount.__dataclass_fields__)
    return NewAccount(password=password, **{k: v for k, v in fields.items() if k in known})


def complete(attempt: SignupAttempt, account: Account, actor: audit.Actor) -> PortalUser:
    """The Account exists and is ours: create the portal user, forget the password, finish."""
    extra = json.loads(attempt.request_json or "{}")
    user = PortalUser(
        email=attempt.email, password_hash=attempt.password_hash, account_uuid=account.uuid,
        first_name=attempt.first_name, last_name=attempt.last_name,
        language=extra.get("language"), terms_version=extra.get("terms_version") or "",
        terms_accepted_at=attempt.started_at, terms_accepted_ip=extra.get("terms_ip"),
        marketing_consent=bool(extra.get("marketing_consent")),
    )
    db.session.add(user)
    db.session.flush()
    attribution.link_user(attempt, user)
    offer = next((o for o in offers.all_offers() if o.uuid == attempt.offer_uuid), None)
    if offer is not None and not offer.auto_creation:
        accounts.note_awaiting_approval(user, offer.uuid)
    attempt.move(OperationState.DONE, account_uuid=account.uuid, user_id=user.id,
                  next_attempt_at=None, error=None)
    audit.record("registration", actor, user=user, offer=attempt.offer_uuid)
    db.session.commit()
    metrics.signup_reached(OperationState.DONE)
    return user


def park(attempt: SignupAttempt, error: str, budget_spent: bool = False) -> None:
    """Leave the attempt for the worker (password still sealed): due as soon as the budget has
    room when ``budget_spent``, after a backoff for an outage otherwise."""
    attempt.park(error, current_app.config["WORKER_BACKOFF_SECONDS"], budget_spent)
    db.session.commit()
    metrics.signup_parked(attempt)


def _finish(attempt: SignupAttempt, state: OperationState, **changes) -> None:
    """A final state (which forgets the password, sealed and hashed)."""
    attempt.move(state, next_attempt_at=None, **changes)
    db.session.commit()
    metrics.signup_reached(state)


def mark_sent(attempt: SignupAttempt) -> None:
    """Record, before it leaves, that a create-account request of ``attempt`` is being sent."""
    attempt.note_send(utcnow())
    db.session.commit()


def provably_ours(account: Account | None, attempt: SignupAttempt) -> bool:
    """The broker created the Account while one of this attempt's requests was under way
    (from its send to the end of its deadline, allowing clock skew), with the same names.

    "Created after the attempt began" is not enough: an attempt may stay parked for a day, and
    anyone may park one for someone else's email, then wait for that Account to be made elsewhere.
    """
    if account is None or account.created is None:
        return False
    window = timedelta(seconds=current_app.config["BROKER_DEADLINE"]) + CLOCK_SKEW
    created = account.created
    return (
        any(sent - CLOCK_SKEW <= created <= sent + window for sent in attempt.sends)
        and account.first_name.strip().lower() == attempt.first_name.strip().lower()
        and account.last_name.strip().lower() == attempt.last_name.strip().lower()
    )


def _recover(attempt: SignupAttempt, exc: BrokerUnavailable) -> Account:
    """After a lost answer, accept the Account only if it is provably ours; else park or refuse."""
    try:
        account = broker.client.find_account(attempt.email) if exc.sent else None
    except (BrokerUnavailable, RateLimited):
        account = None
    if provably_ours(account, attempt):
        return account
    if account is not None:
        _finish(attempt, OperationState.TAKEN)
        raise AlreadyRegistered()
    park(attempt, str(exc))
    raise SignupPending()


UNFINISHED = (OperationState.RECORDED.value, OperationState.SENT.value,
              OperationState.PENDING.value)


def recovery_window() -> timedelta:
    """How long pending work may still be finished (PENDING_MAX_AGE_HOURS), so how long an
    unfinished sign-up guards its email."""
    return timedelta(hours=current_app.config["PENDING_MAX_AGE_HOURS"])


def _recent_for_email(attempt: SignupAttempt, states):
    """Attempts for the same email, in ``states``, started within the recovery window."""
    return (db.select(SignupAttempt)
            .filter(SignupAttempt.email == attempt.email, SignupAttempt.state.in_(states))
            .filter(SignupAttempt.started_at >= utcnow() - recovery_window()))


def earlier_by_someone_else(attempt: SignupAttempt, password: str | None) -> bool:
    """True while an earlier unfinished attempt for this email was made with another password
    (or this one's password is unknown): whatever Account that attempt may have created is its
    maker's, so this one must not take it (the web request's recovery and the worker accept an
    Account by its names alone)."""
    earlier = db.session.scalars(
        _recent_for_email(attempt, UNFINISHED).filter(SignupAttempt.id < attempt.id)
        .order_by(SignupAttempt.id.desc()).limit(MAX_PARKED_CHECKED)
    ).all()
    return any(password is None or not passwords.verify(e.password_hash, password)
               for e in earlier)


def _earlier_attempt_account(attempt: SignupAttempt, password: str) -> Account | None:
    """The broker's Account for this email if our parked attempt created it with ``password``.

    Only whoever typed that attempt's password gets here (``earlier_by_someone_else`` sent
    anyone else away before Broker-API was called).
    """
    earlier = db.session.scalars(
        _recent_for_email(attempt, [OperationState.PENDING.value])
        .filter(SignupAttempt.id != attempt.id).order_by(SignupAttempt.started_at.desc())
    ).all()
    same_password = [e for e in earlier[:MAX_PARKED_CHECKED]
                     if passwords.verify(e.password_hash, password)]
    if not same_password:
        return None
    account = broker.client.find_account(attempt.email)
    if not any(provably_ours(account, e) for e in same_password):
        return None
    current_app.logger.info("sign-up recovered an Account created by an earlier attempt")
    for e in earlier:  # the Account is taken now: the worker must not finish any of them
        e.move(OperationState.DONE, next_attempt_at=None, account_uuid=account.uuid)
    return account
