"""Extensions created unbound here and bound to the app in the factory."""
from __future__ import annotations

from flask import current_app
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from .brokerapi import BrokerClient
from .cache import make_cache

db = SQLAlchemy()
csrf = CSRFProtect()
# Templates get their gettext from portal.i18n (one catalogue lookup per render, not per string).
babel = Babel(configure_jinja=False)
login_manager = LoginManager()


class Broker:
    """Holds one pooled Broker-API client per app."""

    def init_app(self, app) -> None:
        from .metrics import observe_broker_call

        app.extensions["broker"] = BrokerClient.from_config(
            app.config, observer=observe_broker_call)

    @property
    def client(self) -> BrokerClient:
        return current_app.extensions["broker"]


class Cache:
    """Holds the app's TTL cache (Redis-backed when REDIS_URL is set)."""

    def init_app(self, app) -> None:
        app.extensions["portal_cache"] = make_cache(app.config.get("REDIS_URL"))

    @property
    def backend(self):
        return current_app.extensions["portal_cache"]


broker = Broker()
cache = Cache()
