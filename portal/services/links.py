"""Signed one-time links: purpose-salted timed tokens, and a record of links whose use has begun."""
from __future__ import annotations

import hashlib
import hmac
import time
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from ..brokerapi import BrokerError
from ..config import DEVELOPMENT_URL, secret_keys
from ..extensions import broker, db
from ..models import UsedLink, utcnow


class LinkError(Exception):
    """A link that cannot be used; the page explains which kind and offers a new one."""

    kind = "invalid"


class LinkInvalid(LinkError):
    """Tampered, cut short, made for another purpose, or naming something that is gone."""


class LinkExpired(LinkError):
    """Authentic but older than its maximum age."""

    kind = "expired"


class LinkUsed(LinkError):
    """Already used, or made stale by what happened since (a new password, a claimed Account)."""

    kind = "used"


def _clock() -> float:
    return time.time()


class _Signer(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(_clock())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    """Signs with SECRET_KEY; links signed with one of SECRET_KEY_FALLBACKS still open."""
    keys = secret_keys(current_app.config)[::-1]  # itsdangerous signs with the last one
    return URLSafeTimedSerializer(keys, salt=f"portal.link.{purpose}", signer=_Signer)


def make(purpose: str, payload: dict) -> str:
    """A URL-safe token carrying ``payload`` (signed, not encrypted: never put secrets in it)."""
    return _serializer(purpose).dumps(payload)


def load(purpose: str, token: str, max_age: int) -> dict:
    """The payload of an authentic token of ``purpose`` at most ``max_age`` seconds old."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkExpired() from None
    except BadData:
        raise LinkInvalid() from None
    if not isinstance(data, dict):
        raise LinkInvalid()
    return data


def fingerprint(value: str, key: str | None = None) -> str:
    """A short keyed digest of a password hash, so a token can name it without showing it."""
    key = (key or current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, (value or "").encode(), hashlib.sha256).hexdigest()[:24]


def fingerprint_matches(value: str, found) -> bool:
    """``found`` is ``value``'s fingerprint under SECRET_KEY or one of SECRET_KEY_FALLBACKS."""
    return isinstance(found, str) and any(
        hmac.compare_digest(found, fingerprint(value, key))
        for key in secret_keys(current_app.config))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def is_used(token: str) -> bool:
    """True once the link's use has begun (see ``reserve``)."""
    return db.session.scalar(db.select(UsedLink.id).filter_by(digest=_digest(token))) is not None


def reserve(purpose: str, token: str) -> None:
    """Mark the link used before acting on it; a second, concurrent use raises LinkUsed."""
    # Rows of links past their maximum age are no longer needed: such links fail as expired.
    stale = utcnow() - timedelta(seconds=current_app.config["RESET_LINK_MAX_AGE"] + 60)
    db.session.execute(db.delete(UsedLink).where(UsedLink.used_at < stale))
    db.session.add(UsedLink(purpose=purpose, digest=_digest(token)))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise LinkUsed() from None


def release(token: str) -> None:
    """Make a reserved link usable again (the action it stood for did not happen)."""
    db.session.execute(db.delete(UsedLink).filter_by(digest=_digest(token)))
    db.session.commit()


def set_broker_password(purpose: str, token: str, account_uuid: str, password: str) -> None:
    """Spend the link on a password write at Broker-API; if the broker fails, the link still
    works."""
    reserve(purpose, token)
    try:
        broker.client.change_password(account_uuid, password)
    except BrokerError:
        release(token)
        raise


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for a mail: under PORTAL_URL, never the request's Host header.

    A Host header is the visitor's to choose (a reset link mailed to attacker.example); without
    PORTAL_URL (development only: production refuses to start) the links point where
    `make run` serves the portal, which the worker's mails need as much as a request's.
    """
    base = current_app.config.get("PORTAL_URL") or DEVELOPMENT_URL
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                       url_scheme=parts.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)
