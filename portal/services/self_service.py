"""Password reset and change, and the portal's own email confirmation (not the broker's KYC)."""
from __future__ import annotations

import enum

from flask import current_app

from ..brokerapi import BrokerError
from ..extensions import broker, db
from ..models import PortalUser, utcnow
from . import audit, claim, links, logins, passwords, trader_mail
from .trader_mail import CONFIRM, RESET


class WrongPassword(Exception):
    """The current password given to change it is not the trader's password."""


class Resend(str, enum.Enum):
    """What asking for another confirmation mail did."""

    SENT = "sent"
    THROTTLED = "throttled"
    FAILED = "failed"


def find_user(email: str) -> PortalUser | None:
    """The portal user with this email (any case), or None."""
    email = PortalUser.normalize_email(email)
    return db.session.scalar(db.select(PortalUser).filter_by(email=email))


def request_reset(email: str, actor: audit.Actor) -> None:
    """Mail a reset link to a trader; an Account made elsewhere gets a claim link instead.

    The broker is asked in every case, so the time the page takes does not tell a portal user
    from a trader the broker alone knows.
    """
    user = find_user(email)
    if user is None:
        # No portal login, but perhaps an Account made elsewhere: its owner needs a claim link.
        claim.request_claim(email, actor, quiet=True)
        return
    try:
        broker.client.find_account(user.email)
    except BrokerError:
        pass  # the answer is not needed, only the time it takes
    audit.record("password_reset_requested", actor, user=user)
    db.session.commit()
    if not trader_mail.throttled(RESET, user.email):
        trader_mail.send_reset(user)


def reset_user(token: str) -> PortalUser:
    """The trader a reset link is for; raise a LinkError when it is expired, used or invalid."""
    data = links.load(RESET, token, current_app.config["RESET_LINK_MAX_AGE"])
    user_id = data.get("u")
    user = db.session.get(PortalUser, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise links.LinkInvalid()
    if not links.fingerprint_matches(user.password_hash, data.get("p")) or links.is_used(token):
        raise links.LinkUsed()
    return user


def reset_password(token: str, new_password: str, actor: audit.Actor) -> PortalUser:
    """Set a new password from a reset link, Broker-API first; on failure the link still works."""
    user = reset_user(token)
    links.set_broker_password(RESET, token, user.account_uuid, new_password)
    _store_password(user, new_password)
    user.confirmed_at = user.confirmed_at or utcnow()  # the link proved the mailbox is theirs
    audit.record("password_reset", actor, user=user)
    db.session.commit()
    trader_mail.send_password_changed(user, RESET)
    return user


def change_password(user: PortalUser, current: str, new_password: str, actor: audit.Actor) -> None:
    """Change a logged-in trader's password: check the current one, Broker-API first, then ours."""
    if not passwords.verify(user.password_hash, current):
        audit.record("password_change_failed", actor, user=user)
        db.session.commit()
        raise WrongPassword()
    broker.client.change_password(user.account_uuid, new_password)
    _store_password(user, new_password)
    audit.record("password_changed", actor, user=user)
    db.session.commit()
    trader_mail.send_password_changed(user, trader_mail.CHANGE)


def _store_password(user: PortalUser, new_password: str) -> None:
    """Our copy of the new password; every login ends (the caller starts a new one)."""
    user.password_hash = passwords.hash_password(new_password)
    user.session_version = (user.session_version or 1) + 1
    logins.end_all(user)


def confirm_email(token: str, actor: audit.Actor) -> tuple[PortalUser, bool]:
    """Mark the trader's email confirmed; ``(user, False)`` when it already was."""
    data = links.load(CONFIRM, token, current_app.config["CONFIRM_LINK_MAX_AGE"])
    user_id = data.get("u")
    user = db.session.get(PortalUser, user_id) if isinstance(user_id, int) else None
    if user is None or user.email != data.get("e"):
        raise links.LinkInvalid()
    if user.confirmed_at is not None:
        return user, False
    user.confirmed_at = utcnow()
    audit.record("email_confirmed", actor, user=user)
    db.session.commit()
    return user, True


def resend_confirmation(user: PortalUser) -> Resend:
    """Mail another confirmation link, at most one a minute."""
    if trader_mail.throttled(CONFIRM, user.email):
        return Resend.THROTTLED
    return Resend.SENT if trader_mail.send_confirmation(user) else Resend.FAILED
