"""Settings read from the environment, with defaults that run against the embedded sandbox."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("PORTAL_INSTANCE_PATH", ROOT / "instance"))

DEFAULT_SECRET_KEY = "dev-only-change-me"
SANDBOX_URL = "http://127.0.0.1:8081"
SANDBOX_TOKEN = "sandbox-token"


def _int(env, name, default):
    return int(env.get(name, default))


def _float(env, name, default):
    return float(env.get(name, default))


def _bool(env, name, default):
    return str(env.get(name, default)).strip().lower() in {"1", "true", "yes", "on"}


def from_env(env=None) -> dict:
    """Return the Flask config mapping built from ``env`` (default: ``os.environ``)."""
    env = os.environ if env is None else env
    return {
        "PORTAL_ENV": env.get("PORTAL_ENV", "development"),
        "SECRET_KEY": env.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": env.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE / 'portal.db'}"
        ),
        "REDIS_URL": env.get("REDIS_URL") or None,
        "BROKER_API_URL": env.get("BROKER_API_URL", SANDBOX_URL).rstrip("/"),
        "BROKER_API_TOKEN": env.get("BROKER_API_TOKEN", SANDBOX_TOKEN),
        "BROKER_CONNECT_TIMEOUT": _float(env, "BROKER_CONNECT_TIMEOUT", 3.0),
        "BROKER_READ_TIMEOUT": _float(env, "BROKER_READ_TIMEOUT", 8.0),
        "BROKER_DEADLINE": _float(env, "BROKER_DEADLINE", 10.0),
        "BROKER_READ_RETRIES": _int(env, "BROKER_READ_RETRIES", 2),
        "BROKER_ROLE_NAME": env.get("BROKER_ROLE_NAME", "User"),
        "BROKER_BRANCH_NAME": env.get("BROKER_BRANCH_NAME", "Default"),
        "OFFERS_CACHE_TTL": _int(env, "OFFERS_CACHE_TTL", 60),
        "ACCOUNTS_CACHE_TTL": min(30, _int(env, "ACCOUNTS_CACHE_TTL", 20)),
        "MAX_TRADING_ACCOUNTS": _int(env, "MAX_TRADING_ACCOUNTS", 20),
        "MAX_ACCOUNTS_PER_OFFER": _int(env, "MAX_ACCOUNTS_PER_OFFER", 5),
        "TERMS_VERSION": env.get("TERMS_VERSION", "2026-01"),
        "READY_CACHE_TTL": _int(env, "READY_CACHE_TTL", 30),
        "PLATFORM_URL": env.get("PLATFORM_URL", "http://127.0.0.1:8081/platform").rstrip("/"),
        "DEPOSIT_URL": env.get("DEPOSIT_URL", "http://127.0.0.1:8081/deposit"),
        "ALLOW_SANDBOX_IN_PRODUCTION": _bool(env, "ALLOW_SANDBOX_IN_PRODUCTION", False),
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": ["en"],
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env, "SESSION_COOKIE_SECURE", False),
    }


def check_production(config: dict) -> None:
    """Refuse to start in production with a default secret or the sandbox broker."""
    if config.get("PORTAL_ENV") != "production":
        return
    if config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise RuntimeError("SECRET_KEY must be set in production")
    sandbox = config["BROKER_API_URL"] == SANDBOX_URL or config["BROKER_API_TOKEN"] == SANDBOX_TOKEN
    if sandbox and not config.get("ALLOW_SANDBOX_IN_PRODUCTION"):
        raise RuntimeError(
            "BROKER_API_URL/BROKER_API_TOKEN point at the sandbox; "
            "set ALLOW_SANDBOX_IN_PRODUCTION=1 to allow it"
        )
