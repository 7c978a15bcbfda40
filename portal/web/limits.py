"""Rate limits on the endpoints worth abusing, in one table; a friendly 429 page in the layout."""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_login import current_user


def _ip() -> str:
    return request.remote_addr or "unknown"


def _email() -> str:
    return "email:" + (request.form.get("email") or "").strip().lower()[:254]


def _trader() -> str:
    return f"trader:{current_user.get_id().split(':')[0]}" if current_user.is_authenticated else _ip()


def _setting(name: str):
    return lambda: current_app.config[name]


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


def init_limits(app: Flask) -> None:
    """One limiter per app; wrap each listed view with its POST-only limits.

    Called after the blueprints are registered. Storage is Redis when REDIS_URL is set
    (``RATELIMIT_STORAGE_URI``), so the counts hold across every portal process.
    """
    limiter = Limiter(key_func=_ip, app=app)
    app.extensions["portal_limiter"] = limiter
    for endpoint, limits in LIMITS.items():
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        for setting, key in limits:
            view = limiter.limit(_setting(setting), key_func=key, methods=["POST"],
                                 scope=f"{endpoint}:{setting}")(view)
        app.view_functions[endpoint] = view
