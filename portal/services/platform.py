"""Handing the trader to the trading platform with a one-time login token."""
from __future__ import annotations

import logging
import threading
from enum import Enum
from urllib.parse import quote, urlencode

from flask import current_app

from ..brokerapi import BrokerError, BrokerUnavailable, RateLimited, UnexpectedResponse
from ..extensions import broker, cache

log = logging.getLogger("portal.platform")


class Handover(Enum):
    """How the trader reaches the platform."""

    TOKEN = "token"  # logged in by a one-time token
    LOGIN = "login"  # the broker will not issue tokens to us: the trader logs in there
    RETRY = "retry"  # the broker did not answer now: try again, or log in there


# What the broker's answer means for the broker's set-up, logged once per cause per process.
SETUP_HINTS = {
    401: "the API key is refused for one-time tokens: ask Match-Trade support to whitelist "
         "the portal's IP address for the key",
    403: "the API key lacks 'API ACCESS: Create One Time Token for Login'",
    404: "the broker does not know the trader's email, or serves no one-time-token endpoint",
    422: "the broker refused the one-time-token request as invalid",
}
_logged: set = set()
_logged_lock = threading.Lock()


def forget_logged_causes() -> None:
    """Log each cause again (tests; a process logs each cause once)."""
    with _logged_lock:
        _logged.clear()


def _log_once(cause, message: str) -> None:
    with _logged_lock:
        if cause in _logged:
            return
        _logged.add(cause)
    log.warning("one-time token not issued (%s): %s", cause, message)

SIGNUP_TOKEN_TTL = 25  # seconds; Broker-API tokens are short-lived


def keep_signup_token(user, token: str) -> None:
    """Keep the token the sign-up returned for one "Start trading" click, never in a page."""
    cache.backend.set(f"signup-token:{user.id}", token, SIGNUP_TOKEN_TTL)


def deposit_url(login: str) -> str:
    """Where a live account is funded: ``DEPOSIT_URL`` with ``{login}`` filled in
    (URL-encoded); without the placeholder, the address as it is."""
    template = current_app.config.get("DEPOSIT_URL") or ""
    return template.replace("{login}", quote(login or "", safe=""))


def platform_url(token: str | None = None) -> str:
    base = current_app.config["PLATFORM_URL"]
    return f"{base}/?{urlencode({'auth': token})}" if token else f"{base}/"


def login_url(user) -> tuple[str, Handover]:
    """Where to send the trader, and how: never an error, always the platform's address.

    A token kept from sign-up is used once; otherwise one is asked for at click time. Any
    refusal (4xx: permission, IP whitelist, unknown email) or an unreadable answer means the
    trader logs in on the platform; an outage (5xx, timeout, our budget) means try again.
    """
    key = f"signup-token:{user.id}"
    token = cache.backend.get(key)
    if token:
        cache.backend.delete(key)
        return platform_url(token), Handover.TOKEN
    try:
        token = broker.client.one_time_token(user.email)
    except UnexpectedResponse as exc:
        _log_once("unreadable", f"the answer carried no token the portal can read ({exc})")
        return platform_url(), Handover.LOGIN
    except (BrokerUnavailable, RateLimited) as exc:
        log.warning("one-time token not issued: Broker-API unavailable (%s)", exc)
        return platform_url(), Handover.RETRY
    except BrokerError as exc:
        _log_once(exc.status, SETUP_HINTS.get(exc.status, f"HTTP {exc.status}: {exc}"))
        return platform_url(), Handover.LOGIN
    return platform_url(token), Handover.TOKEN
