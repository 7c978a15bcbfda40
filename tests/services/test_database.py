"""The portal's own data on SQLite and PostgreSQL: migrations, uniqueness, the sign-up record."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal.extensions import db
from portal.cli.db import attach
from portal.models import PortalUser, SignupAttempt, utcnow
from portal.services import audit, onboarding
from sandbox import seed


def registration(email="db@example.com", **kw):
    return onboarding.Registration(
        email=email, password="Sunny-Day42", first_name="Dee", last_name="Bee",
        offer_uuid=seed.OFFER_DEMO_USD, terms_version="2026-01", **kw)


def test_migrations_build_the_same_tables_as_the_models(db_app):
    attach(db_app)
    with db_app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {m.__tablename__ for m in (PortalUser, SignupAttempt)} <= tables
        assert set(db.metadata.tables) <= tables
        downgrade(revision="base")
        assert not set(db.metadata.tables) & set(sa.inspect(db.engine).get_table_names())


def test_register_trader_records_the_attempt_and_the_user(db_app, sb):
    with db_app.test_request_context():
        user = onboarding.register_trader(registration(marketing_consent=True),
                                          audit.Actor(ip="203.0.113.9"))
        attempt = db.session.scalar(db.select(SignupAttempt))
        assert attempt.state == "done" and attempt.user_id == user.id
        assert attempt.account_uuid == user.account_uuid
        assert user.terms_accepted_ip == "203.0.113.9" and user.marketing_consent is True
        assert user.terms_accepted_at.tzinfo is not None
        assert sb.store.data["accounts"][user.account_uuid]["email"] == "db@example.com"


def test_email_is_unique_whatever_its_case(db_app):
    with db_app.app_context():
        for email in ("Same@Example.com", "same@example.COM"):
            db.session.add(PortalUser(
                email=PortalUser.normalize_email(email), password_hash="x",
                account_uuid=email, first_name="a", last_name="b", terms_version="t",
                terms_accepted_at=utcnow()))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_already_registered_leaves_no_half_created_row(db_app, sb):
    with db_app.test_request_context():
        with pytest.raises(onboarding.AlreadyRegistered):
            onboarding.register_trader(registration(email=seed.EMAIL_ANN), audit.Actor())
        assert db.session.scalar(db.select(sa.func.count(PortalUser.id))) == 0
        assert db.session.scalar(db.select(SignupAttempt.state)) == "taken"
