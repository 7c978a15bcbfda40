"""One-time links that have been used (or are being used right now)."""
from __future__ import annotations

from ..extensions import db
from .core import UTCDateTime, utcnow


class UsedLink(db.Model):
    """A reset or claim link (by digest) whose use has begun; the unique digest makes it one-use."""

    __tablename__ = "used_links"

    id = db.Column(db.Integer, primary_key=True)
    purpose = db.Column(db.String(16), nullable=False)
    digest = db.Column(db.String(64), nullable=False, unique=True)
    used_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
