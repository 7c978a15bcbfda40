"""Encrypts the one secret the portal must keep for a while: a pending sign-up's password.

PyNaCl's SecretBox (XSalsa20-Poly1305: encrypted and authenticated, a random nonce per message)
over libsodium, about 1 MB per process.
"""
from __future__ import annotations

import base64
import binascii
import hashlib

from flask import current_app
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from ..config import secret_keys


def key_of(config) -> bytes:
    """The 32-byte key: ``PENDING_SECRET_KEY`` (URL-safe base64), else derived from SECRET_KEY.

    Raises ValueError for a configured key that is not 32 bytes in URL-safe base64.
    """
    configured = config.get("PENDING_SECRET_KEY")
    if not configured:
        # Derived from SECRET_KEY when no dedicated key is configured (documented in README).
        return hashlib.sha256(("pending:" + config["SECRET_KEY"]).encode()).digest()
    try:
        key = base64.urlsafe_b64decode(configured)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != SecretBox.KEY_SIZE:
        raise ValueError("PENDING_SECRET_KEY must be 32 bytes in URL-safe base64")
    return key


def _box() -> SecretBox:
    return SecretBox(key_of(current_app.config))


def _boxes() -> list[SecretBox]:
    """The current key's box, then, with no PENDING_SECRET_KEY, those of SECRET_KEY_FALLBACKS:
    a password sealed before a key rotation can still be opened."""
    config = current_app.config
    if config.get("PENDING_SECRET_KEY"):
        return [_box()]
    return [SecretBox(key_of({"SECRET_KEY": key})) for key in secret_keys(config)]


def seal(plain: str) -> str:
    return base64.urlsafe_b64encode(bytes(_box().encrypt(plain.encode()))).decode()


def unseal(token: str) -> str | None:
    """The plain text, or None when the key changed or the token was tampered with."""
    try:
        sealed = base64.urlsafe_b64decode(token.encode())
    except (binascii.Error, ValueError):
        return None
    for box in _boxes():
        try:
            return box.decrypt(sealed).decode()
        except (CryptoError, ValueError):
            continue
    return None
