"""Rate limits on the endpoints worth abusing, in one table.

Button posts (opening an account, the platform, a new confirmation link) are counted before
the view runs and answered with the 429 page. Forms with something typed in (login, sign-up,
forgot password, claim) count only a submission that passes validation, so a typo costs no
attempt, and a refused one comes back as the form itself, kept, saying how long to wait. The
login's per-email limit counts failed logins only: it stops guessing, not the trader. Every
login is counted before its password is checked and given back when it succeeds, so logins
sent at the same moment cannot all slip through.
"""
from __future__ import annotations

import ipaddress

import math
import time
from datetime import timedelta
from functools import lru_cache, wraps

from flask import Flask, current_app, flash, request
from flask_login import current_user
from limits import RateLimitItem, parse_many
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from ..cache import answering, limits_storage
from ..i18n import gettext as _
from .formatting import duration


def client_network(address: str | None) -> str:
    """The client an address stands for: an IPv4 address alone, an IPv6 address by its /64.

    One IPv6 host usually holds a whole /64 and may pick any address in it, so counting each
    address alone would give it 2**64 allowances.
    """
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def _ip() -> str:
    return client_network(request.remote_addr)


def _email() -> str:
    return "email:" + (request.form.get("email") or "").strip().lower()[:254]


def _trader() -> str:
    return (f"trader:{current_user.get_id().split(':')[0]}" if current_user.is_authenticated
            else _ip())


# endpoint -> [(config key holding the limit, key function)]
LIMITS = {
    "auth.login": [("LOGIN_LIMIT_PER_IP", _ip), ("LOGIN_LIMIT_PER_EMAIL", _email)],
    "auth.register": [("REGISTER_LIMIT_PER_IP", _ip)],
    "staff.login": [("STAFF_LOGIN_LIMIT_PER_IP", _ip), ("STAFF_LOGIN_LIMIT_PER_EMAIL", _email)],
    "accounts.confirm": [("OPEN_ACCOUNT_LIMIT_PER_TRADER", _trader)],
    "accounts.open_platform": [("PLATFORM_LIMIT_PER_TRADER", _trader)],
    "passwords.forgot": [("MAIL_LINK_LIMIT_PER_IP", _ip)],
    "passwords.claim_request": [("MAIL_LINK_LIMIT_PER_IP", _ip)],
    "passwords.resend_confirmation": [("MAIL_LINK_LIMIT_PER_IP", _ip)],
}
# Views that check their own limits once their form is valid (see ``wait``).
FORM_VIEWS = {"auth.login", "staff.login", "auth.register", "passwords.forgot",
              "passwords.claim_request"}


class Limits:
    """Counts posts in fixed windows, per limit and key, with the ``limits`` library.

    The counters are in Redis when REDIS_URL is set (through the process's redis-py pool), so
    the counts hold across every portal process; else in process memory. Only the listed views
    pay for a check: no hook runs on other requests. Redis not answering is CacheUnavailable,
    the same polite 503 as the cache.
    """

    def __init__(self, redis_url: str | None):
        self.storage = limits_storage(redis_url)
        self.window = FixedWindowRateLimiter(self.storage)

    def wait(self, endpoint: str, only: tuple[str, ...] = (), count: bool = True) -> int:
        """Seconds before this request may go ahead under the endpoint's limits (those named in
        ``only``, else all); 0 when it may. ``count`` counts it, else the limits are only read."""
        waits = [0]
        look = self.window.hit if count else self.window.test
        with answering():
            for item, keys in _items(endpoint, only):  # each counts: a breach is no free pass
                if not look(item, *keys):
                    reset = self.window.get_window_stats(item, *keys).reset_time
                    waits.append(max(1, math.ceil(reset - time.time())))
        return max(waits)

    def refund(self, endpoint: str, only: tuple[str, ...]) -> None:
        """Give back the attempt this request was counted for under the named limits (not when
        the window ended meanwhile).

        ``limits`` has no conditional decrement, so this is its own increment by -1 (what
        ``hit(cost=-1)`` sends, but answering the new count): a count below zero means the
        window had ended and the decrement opened a new one, which a second increment puts
        back at zero. What remains of the race: a post counted in that new window between the
        two steps is counted one low, so that window may let one attempt more through.
        """
        with answering():
            for item, keys in _items(endpoint, only):
                key, expiry = item.key_for(*keys), item.get_expiry()
                if self.storage.incr(key, expiry, amount=-1) < 0:
                    self.storage.incr(key, expiry, amount=1)

    def wrap(self, endpoint: str, view):
        @wraps(view)
        def limited(*args, **kwargs):
            if request.method == "POST":
                seconds = self.wait(endpoint)
                if seconds:
                    raise TooManyRequests(retry_after=seconds)
            return view(*args, **kwargs)
        return limited


@lru_cache(maxsize=32)
def parse(text: str) -> tuple[RateLimitItem, ...]:
    """A setting such as "30/minute;200/hour" or "10 per 15 minutes" as its limits (``limits``'
    notation: several are separated by ";", "," or "|")."""
    return tuple(parse_many(text))


def _items(endpoint: str, only: tuple[str, ...]):
    """Each limit of ``endpoint`` (those named in ``only``, else all) with its counter's keys;
    none while limits are off."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    for setting, key in LIMITS[endpoint]:
        if not only or setting in only:
            keys = (setting, key())  # views under one setting share its counter
            for item in parse(current_app.config[setting]):
                yield item, keys


def wait(*only: str, count: bool = True) -> int:
    """For a form view: seconds before this submission may go ahead (0: now); see Limits.wait."""
    return current_app.extensions["portal_limits"].wait(request.endpoint, only, count)


def login_wait(per_ip: str, per_email: str) -> int:
    """For a login form: seconds to wait under its per-IP and per-email limits. The login is
    counted before its password is checked, so guesses sent at once cannot all slip through;
    one the IP limit refuses is not counted against the email. A success is given back with
    ``refund(per_email)``."""
    by_ip = wait(per_ip)
    return max(by_ip, wait(per_email, count=not by_ip))


def refund(*only: str) -> None:
    """For a form view: this submission does not count against the named limits after all."""
    current_app.extensions["portal_limits"].refund(request.endpoint, only)


def wait_text(seconds: int) -> str:
    """How long to wait, in whole minutes from a minute on: "45 seconds", "15 minutes"."""
    if seconds >= 60:
        return duration(timedelta(minutes=math.ceil(seconds / 60)))
    return duration(timedelta(seconds=seconds))


def too_often(seconds: int) -> str:
    return _("You have tried that too often. Please try again in %(wait)s.",
             wait=wait_text(seconds))


def refused(seconds: int) -> dict:
    """Say on the form's page how long to wait; the headers of its 429 answer."""
    flash(too_often(seconds), "error")
    return {"Retry-After": str(seconds)}


def init_limits(app: Flask) -> None:
    """Wrap each listed button view with its post limits; called after blueprints are registered."""
    for setting in {setting for entries in LIMITS.values() for setting, _key in entries}:
        try:  # a mistyped limit stops the start, not a trader's request
            parse(app.config[setting])
        except ValueError as exc:
            raise ValueError(
                f"{setting}={app.config[setting]!r} is not a rate limit: {exc}") from exc
    limits = Limits(app.config.get("REDIS_URL"))
    app.extensions["portal_limits"] = limits
    for endpoint in LIMITS.keys() - FORM_VIEWS:
        view = app.view_functions.get(endpoint)
        if view is not None:
            app.view_functions[endpoint] = limits.wrap(endpoint, view)
