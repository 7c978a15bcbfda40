"""Encrypts the one secret the portal must keep for a while: a pending sign-up's password.

``cryptography`` (about 6 MB per process) is imported when the first password is sealed, so
processes that never take a sign-up (the background worker before it has work, CLI commands)
do not carry it.
"""
from __future__ import annotations

import base64
import hashlib

from flask import current_app


def _fernet():
    from cryptography.fernet import Fernet

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
    from cryptography.fernet import InvalidToken

    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None
