"""Shared fixtures: a fresh in-process sandbox, the portal wired to it, and a test client."""
from __future__ import annotations

import pytest

import sandbox
from portal.extensions import db
from tests.support import POSTGRES_URL, Trader, answers, make_app


@pytest.fixture
def sb():
    """A freshly seeded Broker-API sandbox, in memory."""
    return sandbox.create_sandbox()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """Each DB test runs on SQLite and, when it answers, on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'portal.db'}"
    if not answers(5432):
        pytest.skip("PostgreSQL does not answer on 127.0.0.1:5432")
    return POSTGRES_URL


@pytest.fixture
def app(sb, tmp_path):
    app = make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}")
    yield app
    app.extensions["broker"].close()


@pytest.fixture
def db_app(sb, database_url):
    """The portal on SQLite and on PostgreSQL."""
    app = make_app(sb, database_url)
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    app.extensions["broker"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def trader(client, sb):
    return Trader(client, sb)
