"""Shared fixtures: a fresh in-process sandbox, the portal wired to it, and a test client."""
from __future__ import annotations

import os
import socket

import pytest

import sandbox
from portal import create_app
from portal.extensions import db

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def sb():
    """A freshly seeded Broker-API sandbox, in memory."""
    return sandbox.create_sandbox()


def make_app(sb, database_url: str, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BROKER_TRANSPORT": sb.transport(),
        "BROKER_API_URL": "http://sandbox.test",
        "BROKER_API_TOKEN": "sandbox-token",
        "BROKER_DEADLINE": 3.0,
        "WTF_CSRF_ENABLED": False,
        "REDIS_URL": None,
        "PLATFORM_URL": "https://platform.example",
        "DEPOSIT_URL": "https://pay.example/deposit",
    }
    config.update(overrides)
    app = create_app(config)
    app.extensions["broker"]._sleep = lambda seconds: None  # retries and backoff without waiting
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """Each DB test runs on SQLite and, when it answers, on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'portal.db'}"
    if not postgres_answers():
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


class Trader:
    """Test helper so tests say ``trader.register()`` and ``trader.login()``."""

    PASSWORD = "Sunny-Day42"

    def __init__(self, client, sb):
        self.client = client
        self.sb = sb

    def register(self, email="new.trader@example.com", offer=None, follow=True, **fields):
        data = {
            "email": email, "first_name": "Nora", "last_name": "Trader",
            "password": self.PASSWORD, "confirm": self.PASSWORD,
            "offer": offer or sandbox.seed.OFFER_DEMO_USD, "terms": "y",
        }
        data.update(fields)
        return self.client.post("/register", data=data, follow_redirects=follow)

    def login(self, email="new.trader@example.com", password=None, **extra):
        data = {"email": email, "password": password or self.PASSWORD, **extra}
        return self.client.post("/login", data=data, follow_redirects=True)

    def logout(self):
        return self.client.post("/logout", follow_redirects=True)


@pytest.fixture
def trader(client, sb):
    return Trader(client, sb)
