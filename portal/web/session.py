"""Flask-Login wiring: sessions name a user and the session version they were issued under."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager
from ..models import PortalUser


@login_manager.user_loader
def load_user(session_id: str) -> PortalUser | None:
    """Return the user only while the session's version is current (logout-everywhere)."""
    user_id, _, version = (session_id or "").partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(PortalUser, int(user_id))
    return user if user and user.session_version == int(version) else None


login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see that page.")
login_manager.login_message_category = "info"
