"""Sessions: Flask's signed cookie, checked and signed less often; Flask-Login's user loader.

A session names a user, the session version it was issued under (logout-everywhere) and its
login's token (logout ends that login, and every copy of its cookies: ``services.logins``).
"""
from __future__ import annotations

import json
import time
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, current_app, flash, redirect, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import current_user, login_url, login_user
from flask_login.config import COOKIE_NAME
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..cache import BoundedMap
from ..config import secret_keys
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
    cookies = request.cookies
    return name in cookies and bool(cookies[name])  # no KeyError raised and caught when absent


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


REFRESH_AFTER = 60  # seconds an unchanged permanent session's cookie is kept before re-signing
CHECKED_KEPT = 512  # cookies whose signature a process has checked, remembered


class PortalSession(SecureCookieSession):
    """A session that knows when its cookie was signed (0: never, e.g. a new visitor)."""

    signed_at: int = 0


class PortalSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions with savings that change nothing a visitor sees.

    The signing serializer is built once per set of keys, not on every request. A cookie whose
    signature this process has checked is not checked again while it is the one the browser
    sends (a session changes rarely; its age is still checked every time). A permanent
    session that did not change is signed again only when its cookie is over ``REFRESH_AFTER``
    seconds old, instead of on every request: its lifetime still slides with activity, to
    within that minute.
    """

    session_class = PortalSession

    def __init__(self):
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}
        # cookie -> (its data as tagged JSON, when it was signed, the serializer that checked it)
        self._checked = BoundedMap(CHECKED_KEPT)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = tuple(secret_keys(app.config))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app: Flask, request) -> PortalSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        checked = self._checked.get(value)
        if checked is not None and checked[2] is serializer:
            if time.time() - checked[1] > max_age:
                return self.session_class()
            # Flask tags a value JSON cannot hold (a flash's tuple...) as {" t": ...}; data
            # without such a tag is plain JSON, which the C decoder reads at once.
            text = checked[0]
            found = self.session_class(
                json.loads(text) if '{" ' not in text else serializer.serializer.loads(text))
        else:
            try:
                data, signed = serializer.loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            found = self.session_class(data)
            checked = (serializer.serializer.dumps(data), int(signed.timestamp()), serializer)
            self._checked.put(value, checked)
        found.signed_at = checked[1]
        return found

    def save_session(self, app: Flask, session, response) -> None:
        if (response.status_code >= 400 and request.method not in ("GET", "HEAD")
                and self.get_cookie_name(app) not in request.cookies):
            # A refused post that came without our cookie, such as another site's form (a
            # SameSite=Lax cookie is not sent with it): a new cookie would replace the
            # browser's own and log the trader out.
            return
        if session and not self.should_set_cookie(app, session):  # the usual request: no cookie
            if session.accessed and "cookie" not in response.headers.get("Vary", "").lower():
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)

    def should_set_cookie(self, app: Flask, session) -> bool:
        if session.modified:
            return True
        return (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]
                and time.time() - getattr(session, "signed_at", 0) >= REFRESH_AFTER)
