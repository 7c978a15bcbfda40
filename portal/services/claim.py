"""Claiming an Account made outside the portal: a mailed link, then a password set at Broker-API."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..brokerapi import BrokerError, NotFound
from ..extensions import broker, db
from ..models import PortalUser, utcnow
from . import audit, links, passwords, trader_mail
from .trader_mail import CLAIM, RESET

log = logging.getLogger("portal.claim")


@dataclass(frozen=True)
class Claim:
    """What a valid claim link stands for."""

    email: str
    account_uuid: str


def _user_for(email: str, account_uuid: str | None = None) -> PortalUser | None:
    condition = PortalUser.email == email
    if account_uuid:
        condition = condition | (PortalUser.account_uuid == account_uuid)
    return db.session.scalars(db.select(PortalUser).filter(condition)).first()


def request_claim(email: str, actor: audit.Actor, *, quiet: bool = False) -> None:
    """Mail a claim link when the broker has an Account for ``email`` and the portal no user.

    A trader who already has a portal login gets a reset link instead. The broker is asked in
    every case, so an outage (BrokerError, or nothing when ``quiet``) never tells the two apart.
    """
    email = PortalUser.normalize_email(email)
    try:
        account = broker.client.find_account(email)
    except BrokerError as exc:
        if not quiet:
            raise
        log.warning("claim link not offered: Broker-API unavailable (%s)", type(exc).__name__)
        return
    user = _user_for(email, account.uuid if account else None)
    audit.record("claim_requested", actor, user=user, email=email)
    db.session.commit()
    if user is not None:
        if user.email == email and not trader_mail.throttled(RESET, email):
            trader_mail.send_reset(user)
        return
    if account is not None and not trader_mail.throttled(CLAIM, email):
        trader_mail.send_claim(email, account)


def claim_for(token: str) -> Claim:
    """The Account a claim link is for; raise a LinkError when it is expired, used or invalid."""
    data = links.load(CLAIM, token, current_app.config["RESET_LINK_MAX_AGE"])
    email, account_uuid = data.get("e"), data.get("a")
    if not isinstance(email, str) or not isinstance(account_uuid, str) or not email:
        raise links.LinkInvalid()
    if links.is_used(token) or _user_for(email, account_uuid) is not None:
        raise links.LinkUsed()
    return Claim(email=email, account_uuid=account_uuid)


def claim_account(token: str, password: str, terms_version: str, language: str | None,
                  actor: audit.Actor) -> PortalUser:
    """Set the Account's password at Broker-API first, then create the portal user linked to it."""
    claim = claim_for(token)
    try:
        account = broker.client.account_by_uuid(claim.account_uuid)
    except NotFound:
        raise links.LinkInvalid() from None
    if account.email.strip().lower() != claim.email:
        raise links.LinkInvalid()  # the broker's email changed since the link was mailed
    links.set_broker_password(CLAIM, token, account.uuid, password)
    now = utcnow()
    user = PortalUser(
        email=claim.email, password_hash=passwords.hash_password(password),
        account_uuid=account.uuid, first_name=account.first_name[:100],
        last_name=account.last_name[:100], language=language, terms_version=terms_version,
        terms_accepted_at=now, terms_accepted_ip=actor.ip, confirmed_at=now,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise links.LinkUsed() from None
    audit.record("account_claimed", actor, user=user)
    db.session.commit()
    trader_mail.send_password_changed(user, CLAIM)
    return user
