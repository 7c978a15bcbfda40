"""Locale selection; every user-facing string goes through Flask-Babel's gettext."""
from __future__ import annotations

from flask import current_app, request


def select_locale() -> str:
    """``?lang=``, then the ``lang`` cookie, then Accept-Language, among supported languages."""
    supported = current_app.config["LANGUAGES"]
    for candidate in (request.args.get("lang"), request.cookies.get("lang")):
        if candidate in supported:
            return candidate
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]
