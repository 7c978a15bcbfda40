"""Staff accounts: the broker's own people (marketing), kept apart from traders."""
from __future__ import annotations

from ..extensions import db
from .core import UTCDateTime, utcnow


class StaffUser(db.Model):
    """Someone who may see the funnel and build campaign links; never a trader's login."""

    __tablename__ = "staff_users"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)  # always stored lower-case
    password_hash = db.Column(db.String(255), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    # Part of every staff session: bumping it (on disable) ends the sessions already handed out.
    session_version = db.Column(db.Integer, nullable=False, default=1)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
