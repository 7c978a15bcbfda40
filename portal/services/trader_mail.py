"""The self-service mails a trader gets: password reset, claim of an Account, email confirmation."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app

from ..brokerapi import Account
from ..extensions import cache
from ..i18n import lazy_gettext as _l
from ..models import PortalUser
from . import links, mail

RESET, CLAIM, CONFIRM, CHANGE = "reset", "claim", "confirm", "change"
MAIL_INTERVAL = 60  # seconds: at most one mail of a kind per address per minute

SUBJECTS = {
    RESET: _l("Reset your password"),
    CLAIM: _l("Set up your portal login"),
    CONFIRM: _l("Confirm your email address"),
}
PASSWORD_CHANGED = _l("Your password was changed")


def throttled(kind: str, address: str) -> bool:
    """True when a mail of ``kind`` went to ``address`` this minute; else note this one."""
    key = f"mail-sent:{kind}:{hashlib.sha256(address.lower().encode()).hexdigest()[:32]}"
    if cache.backend.get(key):
        return True
    cache.backend.set(key, 1, MAIL_INTERVAL)
    return False


def _max_age(kind: str) -> int:
    name = "CONFIRM_LINK_MAX_AGE" if kind == CONFIRM else "RESET_LINK_MAX_AGE"
    return int(current_app.config[name])


def valid_for(kind: str) -> timedelta:
    """How long a link of ``kind`` works, for the mail text."""
    return timedelta(seconds=_max_age(kind))


def reset_url(user: PortalUser) -> str:
    """A reset link bound to the trader's current password: any new password ends it."""
    token = links.make(RESET, {"u": user.id, "p": links.fingerprint(user.password_hash)})
    return links.external_url("passwords.reset", token=token)


def claim_url(email: str, account: Account) -> str:
    """A claim link for ``account``; the nonce makes every link distinct, so each is used once."""
    token = links.make(CLAIM, {"e": email, "a": account.uuid, "n": secrets.token_hex(8)})
    return links.external_url("passwords.claim", token=token)


def confirmation_url(user: PortalUser) -> str:
    """A confirmation link bound to the trader's current email."""
    token = links.make(CONFIRM, {"u": user.id, "e": user.email})
    return links.external_url("passwords.confirm_email", token=token)


def send_reset(user: PortalUser) -> bool:
    """Mail a reset link; False when the mail could not be sent (logged)."""
    return mail.send_quietly(user.email, "reset", SUBJECTS[RESET], user.language,
                             name=user.first_name, url=reset_url(user), valid_for=valid_for(RESET))


def send_claim(email: str, account: Account) -> bool:
    """Mail a claim link for ``account`` to ``email``, in the Account's language if supported."""
    language = str(account.personal_details.get("language") or "") or None
    return mail.send_quietly(email, "claim", SUBJECTS[CLAIM], language, name=account.first_name,
                             email=email, url=claim_url(email, account), valid_for=valid_for(CLAIM))


def send_confirmation(user: PortalUser) -> bool:
    """Mail an email-confirmation link."""
    return mail.send_quietly(user.email, "confirm", SUBJECTS[CONFIRM], user.language,
                             name=user.first_name, url=confirmation_url(user),
                             valid_for=valid_for(CONFIRM))


def send_password_changed(user: PortalUser, kind: str) -> bool:
    """Tell the trader their password changed (``kind``: change, reset or claim), with what to
    do if it was not them. Not throttled: every new password deserves its own warning."""
    config = current_app.config
    return mail.send_quietly(user.email, "password_changed", PASSWORD_CHANGED, user.language,
                             name=user.first_name, email=user.email, kind=kind,
                             forgot_url=links.external_url("passwords.forgot"),
                             support_email=config.get("SUPPORT_EMAIL") or "",
                             support_url=config.get("SUPPORT_URL") or "")
