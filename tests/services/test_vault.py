"""A pending sign-up's password: sealed so only the portal's key opens it, never stored plain."""
import base64
import secrets

import pytest

from portal import create_app
from portal.services import vault

KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
# Laid out as the portal's tokens were before SecretBox (Fernet: version byte, time, IV, one
# block of cipher text, HMAC).
FERNET_LAYOUT = base64.urlsafe_b64encode(b"\x80" + bytes(8) + secrets.token_bytes(64)).decode()


def test_sealed_password_opens_with_the_same_key_only(app):
    with app.app_context():
        token = vault.seal("Tr4der-pässword!")
        assert "Tr4der" not in token
        assert vault.seal("Tr4der-pässword!") != token  # a fresh nonce each time
        assert vault.unseal(token) == "Tr4der-pässword!"
        app.config["SECRET_KEY"] = "another-secret"  # the derived key changes with it
        assert vault.unseal(token) is None


def test_configured_key_is_used_instead_of_secret_key(app):
    app.config["PENDING_SECRET_KEY"] = KEY
    with app.app_context():
        token = vault.seal("pw-123456")
        app.config["SECRET_KEY"] = "rotated"
        assert vault.unseal(token) == "pw-123456"
        app.config["PENDING_SECRET_KEY"] = base64.urlsafe_b64encode(b"k" * 32).decode()
        assert vault.unseal(token) is None


@pytest.mark.parametrize("token", [
    "not base64 at all!",
    "",
    # A token sealed before SecretBox cannot be opened; the attempt is then handled like one
    # whose key changed.
    FERNET_LAYOUT,
])
def test_unreadable_token_is_none(app, token):
    with app.app_context():
        assert vault.unseal(token) is None


def test_tampered_token_is_refused(app):
    with app.app_context():
        raw = bytearray(base64.urlsafe_b64decode(vault.seal("pw-123456")))
        raw[-1] ^= 1
        assert vault.unseal(base64.urlsafe_b64encode(bytes(raw)).decode()) is None


@pytest.mark.parametrize("key", ["short", base64.urlsafe_b64encode(b"k" * 16).decode(), "*" * 44])
def test_malformed_configured_key_stops_the_start(key):
    with pytest.raises(ValueError, match="PENDING_SECRET_KEY"):
        create_app({"PENDING_SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "REDIS_URL": None})


def test_a_password_sealed_before_a_key_rotation_opens_with_the_old_key_kept(app):
    with app.app_context():
        sealed = vault.seal("Sunny-Day42")
        old = app.config["SECRET_KEY"]
        app.config["SECRET_KEY"] = "a-new-secret"
        assert vault.unseal(sealed) is None
        app.config["SECRET_KEY_FALLBACKS"] = [old]
        assert vault.unseal(sealed) == "Sunny-Day42"
