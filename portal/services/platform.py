"""Handing the trader to the trading platform with a one-time login token."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app

from ..brokerapi import Forbidden
from ..extensions import broker, cache

SIGNUP_TOKEN_TTL = 25  # seconds; Broker-API tokens are short-lived


def keep_signup_token(user, token: str) -> None:
    """Keep the token the sign-up returned for one "Start trading" click, never in a page."""
    cache.backend.set(f"signup-token:{user.id}", token, SIGNUP_TOKEN_TTL)


def platform_url(token: str | None = None) -> str:
    base = current_app.config["PLATFORM_URL"]
    return f"{base}/?{urlencode({'auth': token})}" if token else f"{base}/"


def login_url(user) -> tuple[str, bool]:
    """Where to send the trader: ``(url, True)`` with a fresh token, or ``(url, False)`` without.

    A token kept from sign-up is used once; otherwise one is asked for at click time.
    Without the API permission for one-time tokens (403) the trader logs in on the platform.
    """
    key = f"signup-token:{user.id}"
    token = cache.backend.get(key)
    if token:
        cache.backend.delete(key)
        return platform_url(token), True
    try:
        token = broker.client.one_time_token(user.email)
    except Forbidden:
        current_app.logger.warning("one-time token refused (403): the API key lacks the permission")
        return platform_url(), False
    return platform_url(token), True
