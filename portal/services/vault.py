"""Encrypts the one secret the portal must keep for a while: a pending sign-up's password."""
from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def _fernet() -> Fernet:
    key = current_app.config.get("PENDING_SECRET_KEY")
    if not key:
        # Derived from SECRET_KEY when no dedicated key is configured (documented in README).
        digest = hashlib.sha256(("pending:" + current_app.config["SECRET_KEY"]).encode()).digest()
        key = base64.urlsafe_b64encode(digest)
    return Fernet(key)


def seal(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def unseal(token: str) -> str | None:
    """The plain text, or None when the key changed or the token was tampered with."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None
