"""Marketing data: partners (IBs), campaigns, landing counts, and the attribution of each
sign-up."""
from __future__ import annotations

from ..extensions import db
from .core import UTCDateTime, utcnow

CODE_LENGTH = 40
PARAM_LENGTH = 100


class Partner(db.Model):
    """An introducing broker: sign-ups through its code are credited to its trading account."""

    __tablename__ = "partners"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(CODE_LENGTH), nullable=False, unique=True)
    trading_account_uuid = db.Column(db.String(64), nullable=False)
    name = db.Column(db.String(100), nullable=True)
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class Campaign(db.Model):
    """A marketing link: an offer, default UTM values, a partner, reachable as /go/<code>."""

    __tablename__ = "campaigns"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(CODE_LENGTH), nullable=False, unique=True)
    offer_uuid = db.Column(db.String(64), nullable=True)
    utm_source = db.Column(db.String(PARAM_LENGTH), nullable=True)
    utm_medium = db.Column(db.String(PARAM_LENGTH), nullable=True)
    utm_campaign = db.Column(db.String(PARAM_LENGTH), nullable=True)
    utm_term = db.Column(db.String(PARAM_LENGTH), nullable=True)
    utm_content = db.Column(db.String(PARAM_LENGTH), nullable=True)
    partner_id = db.Column(db.Integer, db.ForeignKey("partners.id"), nullable=True)
    allow_hidden = db.Column(db.Boolean, nullable=False, default=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    partner = db.relationship(Partner, lazy="joined")


class LandingCount(db.Model):
    """How many landings a campaign and source / medium brought on one day (UTC).

    Landings are counted, not stored one row each: a campaign's traffic costs no write per
    visit, and the funnel needs only the numbers (``services/landings.py``).
    """

    __tablename__ = "landing_counts"
    __table_args__ = (db.UniqueConstraint("day", "campaign", "source", "medium"),)

    id = db.Column(db.Integer, primary_key=True)
    day = db.Column(db.Date, nullable=False, index=True)
    campaign = db.Column(db.String(PARAM_LENGTH), nullable=False)
    source = db.Column(db.String(PARAM_LENGTH), nullable=False)
    medium = db.Column(db.String(PARAM_LENGTH), nullable=False)
    count = db.Column(db.Integer, nullable=False, default=0)


class SignupAttribution(db.Model):
    """Where a sign-up came from: first and last touch, and what was sent to Broker-API."""

    __tablename__ = "signup_attributions"

    id = db.Column(db.Integer, primary_key=True)
    attempt_id = db.Column(db.Integer, db.ForeignKey("signup_attempts.id"), nullable=False,
                           unique=True)
    user_id = db.Column(db.Integer, db.ForeignKey("portal_users.id"), nullable=True, unique=True)
    visitor = db.Column(db.String(32), nullable=True)
    campaign_code = db.Column(db.String(CODE_LENGTH), nullable=True)
    partner_code = db.Column(db.String(CODE_LENGTH), nullable=True)
    ib_parent_trading_account_uuid = db.Column(db.String(64), nullable=True)
    lead_source = db.Column(db.String(64), nullable=True)
    first_touch = db.Column(db.JSON, nullable=False, default=dict)
    last_touch = db.Column(db.JSON, nullable=False, default=dict)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
