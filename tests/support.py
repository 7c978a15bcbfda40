"""Helpers shared by the test modules: build the portal against a sandbox, act as a trader."""
from __future__ import annotations

import os
import tempfile

from e2e.servers import answers  # noqa: F401  (tests import it from here)
from portal import create_app
from portal.extensions import db
from sandbox import seed

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


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
        "SMTP_URL": None,
        "MAIL_FOLDER": tempfile.mkdtemp(prefix="portal-mail-"),  # never the repo's instance/
    }
    config.update(overrides)
    app = create_app(config)
    # retries and backoff without waiting
    app.extensions["broker"].http.sleep = lambda seconds: None
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


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
            "offer": offer or seed.OFFER_DEMO_USD, "terms": "y",
        }
        data.update(fields)
        return self.client.post("/register", data=data, follow_redirects=follow)

    def login(self, email="new.trader@example.com", password=None, **extra):
        data = {"email": email, "password": password or self.PASSWORD, **extra}
        return self.client.post("/login", data=data, follow_redirects=True)

    def logout(self):
        return self.client.post("/logout", follow_redirects=True)
