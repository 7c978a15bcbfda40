"""Application factory for the trader onboarding portal."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from . import config as settings
from .services import vault

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the portal app; ``config`` overrides values read from the environment."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(settings.INSTANCE),
    )
    app.config.update(settings.from_env())
    app.config.update(config or {})
    settings.check_production(app.config)
    vault.key_of(app.config)  # a malformed PENDING_SECRET_KEY stops the start, not a sign-up
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_logging(app)
    register_extensions(app)
    register_security(app)
    register_templating(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_logging(app: Flask) -> None:
    from .logs import configure_logging, init_request_ids

    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    init_request_ids(app)


def register_extensions(app: Flask) -> None:
    from .extensions import broker, cache, csrf, db, login_manager
    from .i18n import init_i18n
    from . import models  # noqa: F401  tables known to SQLAlchemy and Alembic
    from .web import session  # registers the user loader

    db.init_app(app)
    csrf.init_app(app)
    init_i18n(app)
    login_manager.init_app(app)
    session.init_sliding_sessions(app)
    broker.init_app(app)
    cache.init_app(app)


def register_security(app: Flask) -> None:
    from .web.security import init_security

    init_security(app)


def register_templating(app: Flask) -> None:
    from .web.formatting import init_formatting

    init_formatting(app)


def register_blueprints(app: Flask) -> None:
    from .web import (accounts, auth, brand, devmail, health, links, marketing, metrics, offers,
                      passwords, profile, staff)
    from .web.pagecache import init_page_cache

    init_page_cache(app)

    for module in (health, metrics, brand, marketing, offers, auth, accounts, profile, links,
                   passwords, devmail, staff):
        app.register_blueprint(module.bp)
    from .web.limits import init_limits

    init_limits(app)


def register_errorhandlers(app: Flask) -> None:
    from .web.errors import init_errors

    init_errors(app)


def register_commands(app: Flask) -> None:
    from .cli import init_commands
    from .cli.db import init_migrations

    init_commands(app)
    init_migrations(app)
