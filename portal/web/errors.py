"""Error pages in the site layout; Broker-API and Redis outages mapped to a friendly 503."""
from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..brokerapi import BrokerError
from ..cache import CacheUnavailable
from ..i18n import lazy_gettext as _l
from .limits import too_often

MESSAGES = {
    400: (_l("Bad request"),
          _l("We could not understand that request. Please go back and try again.")),
    403: (_l("Not allowed"), _l("You do not have access to this page.")),
    404: (_l("Page not found"),
          _l("We could not find that page. Check the address or start from the home page.")),
    405: (_l("Not allowed"), _l("That action is not available on this page.")),
    429: (_l("Too many requests"),
          _l("You have tried that too often. Please wait a while and try again.")),
    500: (_l("Something went wrong"),
          _l("An unexpected error happened on our side. Please try again.")),
    503: (_l("Temporarily unavailable"),
          _l("Our trading services are not answering right now. Nothing was changed; "
             "please try again in a few minutes.")),
}


def render_error(status: int, message: str | None = None):
    title, usual = MESSAGES.get(status, MESSAGES[500])
    return render_template("errors/error.html", status=status, title=title,
                           message=message or usual, no_forms=from_elsewhere()), status


def from_elsewhere() -> bool:
    """True for a post that came without our session cookie, such as another site's form (the
    browser does not send a SameSite=Lax cookie with it). Its error page carries no form: a
    form's CSRF token would start a session, and that new cookie would replace the browser's
    own and log the trader out."""
    return (request.method not in ("GET", "HEAD")
            and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies)


def init_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code in MESSAGES:
            wait = getattr(exc, "retry_after", None)
            message = too_often(wait) if isinstance(wait, int) else None
            body, status = render_error(exc.code, message)
            # A 429 says when to come back; the page keeps its own content type.
            return body, status, [h for h in exc.get_headers() if h[0] == "Retry-After"]
        return exc

    @app.errorhandler(CSRFError)
    def form_expired(exc: CSRFError):
        return render_error(400, _l(
            "This form has expired, perhaps because the page was open for a long time. Go back, "
            "reload the page and send the form again."))

    @app.errorhandler(BrokerError)
    def broker_error(exc: BrokerError):
        app.logger.warning("Broker-API failure shown as 503: %s", exc)
        return render_error(503)

    @app.errorhandler(CacheUnavailable)
    def cache_unavailable(exc: CacheUnavailable):
        app.logger.error("shared cache unavailable, shown as 503: %s", exc)
        return render_error(503)

    @app.errorhandler(500)
    def server_error(exc):
        return render_error(500)
