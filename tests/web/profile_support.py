"""Helpers for the profile and my-data tests: a portal login for a seeded broker Account."""
from __future__ import annotations

from portal.extensions import db
from portal.models import PortalUser, utcnow
from portal.services import passwords
from sandbox import seed
from tests.support import Trader

LEGACY_EMAIL = seed.EMAIL_LEGACY.lower()


def link_legacy_account(app) -> None:
    """Give the seeded legacy Account (created outside the portal, VERIFIED) a portal login."""
    with app.app_context():
        db.session.add(PortalUser(
            email=LEGACY_EMAIL, password_hash=passwords.hash_password(Trader.PASSWORD),
            account_uuid=seed.ACCOUNT_LEGACY, first_name="Lena", last_name="Legacy",
            terms_version="2026-01", terms_accepted_at=utcnow(),
        ))
        db.session.commit()


def broker_record(sb, account_uuid: str) -> dict:
    return sb.store.data["accounts"][account_uuid]


def account_uuid_of(sb, email: str) -> str:
    return next(uuid for uuid, a in sb.store.data["accounts"].items() if a["email"] == email)


def portal_user(app, email: str) -> PortalUser:
    with app.app_context():
        user = db.session.scalar(db.select(PortalUser).filter_by(email=email))
        db.session.expunge(user)
        return user
