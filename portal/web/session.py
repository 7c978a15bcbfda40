"""Sessions: Flask's own signed-cookie session; Flask-Login's user loader checks the login row.

A session names a user, the session version it was issued under (logout-everywhere) and its
login's token (logout ends that login, and every copy of its cookies: ``services.logins``).
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import Flask, current_app, flash, redirect, request, session
from flask_login import current_user, login_url, login_user
from flask_login.config import COOKIE_NAME

from ..extensions import login_manager
from ..i18n import lazy_gettext as _l
from ..models import PortalUser
from ..services import logins


@login_manager.user_loader
def load_user(session_id: str) -> PortalUser | None:
    """The user while the session's login exists and its version is current, in one query."""
    user_id, version, token = ((session_id or "").split(":") + ["", ""])[:3]
    if not user_id.isdigit() or not version.isdigit() or not token:
        return None
    user = logins.user_of(int(user_id), int(version), token)
    if user is not None:
        user.login_token = token
    return user


def logged_in() -> bool:
    """``current_user.is_authenticated``, answered without loading the user for a visitor.

    A request whose session names no user and that carries no remember-me cookie cannot be
    logged in, which is known before Flask-Login hashes the client's address and browser and
    looks the user up; the anonymous pages served most often ask this first.
    """
    if "_user_id" not in session and not has_remember_cookie():
        return False
    return current_user.is_authenticated


def has_remember_cookie() -> bool:
    """True when the browser sent a remember-me cookie (valid or not)."""
    name = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)  # as Flask-Login reads it
    return bool(request.cookies.get(name))


# Answers that are assets: their responses leave the session cookie as it is.
ASSETS = frozenset({"static", "brand.stylesheet"})


def init_sliding_sessions(app: Flask) -> None:
    """A logged-in trader's session is signed again (its lifetime restarts) with each page.

    Flask's SESSION_REFRESH_EACH_REQUEST would do it with every answer, assets included: that
    signs the cookie again for each stylesheet, script and icon, and an asset still loading
    after a logout in another tab or a cleared cookie jar puts the session cookie back.
    """

    @app.after_request
    def slide_session(response):
        if request.endpoint not in ASSETS and session.permanent:
            session.modified = True
        return response


def start_session(user: PortalUser, remember: bool = False) -> None:
    """Log ``user`` in for PERMANENT_SESSION_LIFETIME, sliding with activity (and remember-me
    when asked), as a new login. The CSRF secret is kept, so forms open in the browser's other
    tabs still work after the login."""
    user.login_token = logins.begin(user)
    session.permanent = True
    login_user(user, remember=remember)


login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see that page.")
login_manager.login_message_category = "info"


@login_manager.unauthorized_handler
def must_log_in():
    """To the login page, and back afterwards: to this page, or for a form sent after the
    session ended, to the page the form was on (a form's own address cannot be opened)."""
    if request.method in ("GET", "HEAD"):
        back = request.full_path.rstrip("?")
    else:
        referrer = urlsplit(request.referrer or "")
        same_site = referrer.netloc == request.host and referrer.path.startswith("/")
        back = urlunsplit(("", "", referrer.path, referrer.query, "")) if same_site else None
    flash(str(login_manager.login_message), login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=back))
