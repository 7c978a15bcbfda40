"""Logins: one row per login on one device, so that logging out ends every copy of its cookies.

The session cookie and the remember-me cookie name the login by a random token (only its
SHA-256 is stored). A session is accepted while its login exists, is younger than the longest
a login may last, and carries the user's current session version. Logging out deletes the
login; logging out everywhere and a new password delete all of them.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app

from ..extensions import db
from ..models import Login, PortalUser, utcnow


def lifetime() -> timedelta:
    """The longest a login lasts, however active: the remember-me or the session lifetime."""
    config = current_app.config
    return max(config["REMEMBER_COOKIE_DURATION"], config["PERMANENT_SESSION_LIFETIME"])


def begin(user: PortalUser) -> str:
    """Record a new login of ``user`` (forgetting their logins too old to be used); its token."""
    token = secrets.token_urlsafe(24)
    db.session.execute(db.delete(Login).where(Login.user_id == user.id,
                                              Login.created_at < utcnow() - lifetime()))
    db.session.add(Login(user_id=user.id, token_hash=_digest(token)))
    db.session.commit()
    return token


def _live_login_query():
    return (db.select(PortalUser).join(Login, Login.user_id == PortalUser.id)
            .where(PortalUser.id == db.bindparam("user_id"),
                   PortalUser.session_version == db.bindparam("version"),
                   Login.token_hash == db.bindparam("token_hash"),
                   Login.created_at >= db.bindparam("since")))


# Built once: every logged-in page runs it, and building it anew for each (with the values in
# it) cost SQLAlchemy more than the database took to answer.
_LIVE_LOGIN = _live_login_query()


def user_of(user_id: int, session_version: int, token: str) -> PortalUser | None:
    """The user whose live login ``token`` is, if the session version is still current."""
    return db.session.scalar(_LIVE_LOGIN, {"user_id": user_id, "version": session_version,
                                           "token_hash": _digest(token),
                                           "since": utcnow() - lifetime()},
                             bind_arguments={"bind": _autocommit()})


def _autocommit():
    """The app's engine in autocommit mode (SQLAlchemy's documented per-engine isolation level;
    it shares the pool and is reset when a connection goes back).

    Every logged-in page runs the login check, and most pages run nothing else on the
    database. In a transaction it took three round trips (BEGIN, the query, and the ROLLBACK
    when the request ends); a single read needs no transaction, so it takes one. A page that
    then writes does so in a transaction of its own on another pooled connection.
    """
    extensions = current_app.extensions
    engine = extensions.get("autocommit_engine")
    if engine is None:
        engine = extensions["autocommit_engine"] = db.engine.execution_options(
            isolation_level="AUTOCOMMIT")
    return engine


def end(user: PortalUser) -> None:
    """Delete the login ``user`` was loaded for (the caller commits)."""
    if user.login_token:
        db.session.execute(db.delete(Login).where(Login.token_hash == _digest(user.login_token)))


def end_all(user: PortalUser) -> None:
    """Delete every login of ``user`` (the caller commits)."""
    db.session.execute(db.delete(Login).where(Login.user_id == user.id))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
