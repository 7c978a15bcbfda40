"""Rate limits on the endpoints worth abusing, in one table; a friendly 429 page in the layout."""
from __future__ import annotations

import math
import time
from functools import wraps

from flask import Flask, current_app, request
from flask_login import current_user
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests


def _ip() -> str:
    return request.remote_addr or "unknown"


def _email() -> str:
    return "email:" + (request.form.get("email") or "").strip().lower()[:254]


def _trader() -> str:
    return f"trader:{current_user.get_id().split(':')[0]}" if current_user.is_authenticated else _ip()


# endpoint -> [(config key holding the limit, key function)]
LIMITS = {
    "auth.login": [("LOGIN_LIMIT_PER_IP", _ip), ("LOGIN_LIMIT_PER_EMAIL", _email)],
    "auth.register": [("REGISTER_LIMIT_PER_IP", _ip)],
    "accounts.confirm": [("OPEN_ACCOUNT_LIMIT_PER_TRADER", _trader)],
    "accounts.open_platform": [("PLATFORM_LIMIT_PER_TRADER", _trader)],
    "passwords.forgot": [("MAIL_LINK_LIMIT_PER_IP", _ip)],
    "passwords.claim_request": [("MAIL_LINK_LIMIT_PER_IP", _ip)],
    "passwords.resend_confirmation": [("MAIL_LINK_LIMIT_PER_IP", _ip)],
}


class Limits:
    """Counts POSTs to the listed views in fixed windows, per limit and key.

    Storage is Redis when REDIS_URL is set (``RATELIMIT_STORAGE_URI``), so the counts hold
    across every portal process; else process memory. Only the listed views pay for a check:
    no hook runs on other requests.
    """

    def __init__(self, storage_uri: str):
        self.storage = storage_from_string(storage_uri)
        self.strategy = FixedWindowRateLimiter(self.storage)

    def check(self, endpoint: str, limits) -> None:
        """Count this request against each limit; a 429 when any is used up."""
        if not current_app.config["RATELIMIT_ENABLED"]:
            return
        waits = []
        for setting, key in limits:  # every limit counts the attempt, as a breach is no free pass
            keys = (endpoint, setting, key())
            for item in parse_many(current_app.config[setting]):
                if not self.strategy.hit(item, *keys):
                    reset = self.strategy.get_window_stats(item, *keys).reset_time
                    waits.append(max(1, math.ceil(reset - time.time())))
        if waits:
            raise TooManyRequests(retry_after=max(waits))

    def wrap(self, endpoint: str, view, limits):
        @wraps(view)
        def limited(*args, **kwargs):
            if request.method == "POST":
                self.check(endpoint, limits)
            return view(*args, **kwargs)
        return limited


def init_limits(app: Flask) -> None:
    """Wrap each listed view with its POST-only limits; called after blueprints are registered."""
    limits = Limits(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions["portal_limits"] = limits
    for endpoint, listed in LIMITS.items():
        view = app.view_functions.get(endpoint)
        if view is not None:
            app.view_functions[endpoint] = limits.wrap(endpoint, view, listed)
