"""Settings read from the environment, with defaults that run against the embedded sandbox."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("PORTAL_INSTANCE_PATH", ROOT / "instance"))

DEFAULT_SECRET_KEY = "dev-only-change-me"
# Keys this repository itself uses (development, tests, browser tests, bench): never production's.
KNOWN_KEYS = {DEFAULT_SECRET_KEY, "test-secret", "e2e-secret", "scale-secret", "bench-secret"}
MIN_KEY_BYTES = 32
DEVELOPMENT_URL = "http://127.0.0.1:8000"  # where `make run` serves the portal by default
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
    portal_url = (env.get("PORTAL_URL") or "").rstrip("/") or None
    # Behind HTTPS every cookie is Secure, whatever SESSION_COOKIE_SECURE says.
    secure = _bool(env, "SESSION_COOKIE_SECURE", False) or (portal_url or "").startswith("https:")
    return {
        "PORTAL_ENV": env.get("PORTAL_ENV", "development"),
        "SECRET_KEY": env.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        # Former keys, comma-separated, still accepted for what they signed while keys rotate.
        "SECRET_KEY_FALLBACKS": [k.strip() for k in env.get("SECRET_KEY_FALLBACKS", "").split(",")
                                 if k.strip()],
        "SQLALCHEMY_DATABASE_URI": env.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE / 'portal.db'}"
        ),
        "REDIS_URL": env.get("REDIS_URL") or None,
        "BROKER_API_URL": env.get("BROKER_API_URL", SANDBOX_URL).rstrip("/"),
        "BROKER_API_TOKEN": env.get("BROKER_API_TOKEN", SANDBOX_TOKEN),
        # crm-api (Match-Trade CRM-API, the default) or broker-api (v1, until its sunset).
        "BROKER_API_KIND": env.get("BROKER_API_KIND", "crm-api").strip().lower(),
        # raw or bearer; unset: the kind's own form (CRM-API Bearer, v1 the raw key).
        "BROKER_AUTH_SCHEME": (env.get("BROKER_AUTH_SCHEME") or "").strip().lower() or None,
        "BROKER_CONNECT_TIMEOUT": _float(env, "BROKER_CONNECT_TIMEOUT", 3.0),
        "BROKER_READ_TIMEOUT": _float(env, "BROKER_READ_TIMEOUT", 8.0),
        "BROKER_DEADLINE": _float(env, "BROKER_DEADLINE", 10.0),
        "BROKER_READ_RETRIES": _int(env, "BROKER_READ_RETRIES", 2),
        "BROKER_BUDGET_PER_MINUTE": _int(env, "BROKER_BUDGET_PER_MINUTE", 500),
        "BROKER_ROLE_NAME": env.get("BROKER_ROLE_NAME", "User"),
        "BROKER_BRANCH_NAME": env.get("BROKER_BRANCH_NAME", "Default"),
        "OFFERS_CACHE_TTL": _int(env, "OFFERS_CACHE_TTL", 60),
        "ACCOUNTS_CACHE_TTL": min(30, _int(env, "ACCOUNTS_CACHE_TTL", 20)),
        "MAX_TRADING_ACCOUNTS": _int(env, "MAX_TRADING_ACCOUNTS", 20),
        "MAX_ACCOUNTS_PER_OFFER": _int(env, "MAX_ACCOUNTS_PER_OFFER", 5),
        "RATELIMIT_ENABLED": _bool(env, "RATELIMIT_ENABLED", True),
        "LOGIN_LIMIT_PER_IP": env.get("LOGIN_LIMIT_PER_IP", "30/minute;200/hour"),
        "LOGIN_LIMIT_PER_EMAIL": env.get("LOGIN_LIMIT_PER_EMAIL", "10/15 minutes"),
        "STAFF_LOGIN_LIMIT_PER_IP": env.get("STAFF_LOGIN_LIMIT_PER_IP", "10/15 minutes"),
        "STAFF_LOGIN_LIMIT_PER_EMAIL": env.get("STAFF_LOGIN_LIMIT_PER_EMAIL", "10/15 minutes"),
        "REGISTER_LIMIT_PER_IP": env.get("REGISTER_LIMIT_PER_IP", "20/hour"),
        "OPEN_ACCOUNT_LIMIT_PER_TRADER": env.get("OPEN_ACCOUNT_LIMIT_PER_TRADER", "10/hour"),
        "PLATFORM_LIMIT_PER_TRADER": env.get("PLATFORM_LIMIT_PER_TRADER", "30/hour"),
        "MAIL_LINK_LIMIT_PER_IP": env.get("MAIL_LINK_LIMIT_PER_IP", "10/hour"),
        "PENDING_SECRET_KEY": env.get("PENDING_SECRET_KEY") or None,
        "PENDING_MAX_AGE_HOURS": _float(env, "PENDING_MAX_AGE_HOURS", 24),
        "WORKER_BACKOFF_SECONDS": _float(env, "WORKER_BACKOFF_SECONDS", 5),
        "WORKER_POLL_SECONDS": _float(env, "WORKER_POLL_SECONDS", 2),
        "TERMS_VERSION": env.get("TERMS_VERSION", "2026-01"),
        "READY_CACHE_TTL": _int(env, "READY_CACHE_TTL", 30),
        "PLATFORM_URL": env.get("PLATFORM_URL", "http://127.0.0.1:8081/platform").rstrip("/"),
        "DEPOSIT_URL": env.get("DEPOSIT_URL", "http://127.0.0.1:8081/deposit"),
        "ALLOW_SANDBOX_IN_PRODUCTION": _bool(env, "ALLOW_SANDBOX_IN_PRODUCTION", False),
        "PORTAL_URL": portal_url,
        "ALLOW_INSECURE_HTTP": _bool(env, "ALLOW_INSECURE_HTTP", False),
        "SMTP_URL": env.get("SMTP_URL") or None,
        "SMTP_SECURITY": env.get("SMTP_SECURITY", "starttls").strip().lower(),
        "SMTP_TIMEOUT": _float(env, "SMTP_TIMEOUT", 10.0),
        "MAIL_FROM": env.get("MAIL_FROM", "Trader portal <no-reply@localhost>"),
        "MAIL_REPLY_TO": env.get("MAIL_REPLY_TO") or None,
        "MAIL_FOLDER": None,  # without SMTP_URL, mail goes to {instance}/mail/
        "RESET_LINK_MAX_AGE": _int(env, "RESET_LINK_MAX_AGE", 3600),
        "CONFIRM_LINK_MAX_AGE": _int(env, "CONFIRM_LINK_MAX_AGE", 7 * 24 * 3600),
        "KYC_URL": env.get("KYC_URL", ""),
        "APPROVAL_NOTE": env.get("APPROVAL_NOTE", ""),
        "PUBLIC_BASE_URL": (env.get("PUBLIC_BASE_URL") or env.get("PORTAL_URL")
                            or "http://127.0.0.1:8000").rstrip("/"),
        "ATTRIBUTION_COOKIE_DAYS": _int(env, "ATTRIBUTION_COOKIE_DAYS", 30),
        "CONSENT_BANNER": _bool(env, "CONSENT_BANNER", True),
        # The broker's brand and legal texts; unset: neutral defaults (portal/web/brand.py).
        "BRAND_NAME": env.get("BRAND_NAME") or None,
        "BRAND_LOGO_URL": env.get("BRAND_LOGO_URL") or None,
        "BRAND_PRIMARY_COLOR": (env.get("BRAND_PRIMARY_COLOR") or "").strip() or None,
        "SUPPORT_EMAIL": env.get("SUPPORT_EMAIL") or None,
        "SUPPORT_URL": env.get("SUPPORT_URL") or None,
        "COMPANY_FOOTER": env.get("COMPANY_FOOTER") or None,
        "RISK_WARNING": env.get("RISK_WARNING") or None,
        "TERMS_URL": env.get("TERMS_URL") or None,
        "PRIVACY_URL": env.get("PRIVACY_URL") or None,
        "COOKIE_POLICY_URL": env.get("COOKIE_POLICY_URL") or None,
        # The offer preselected on a plain /register (uuid or slug); unset: the first demo offer.
        "DEFAULT_OFFER": (env.get("DEFAULT_OFFER") or "").strip() or None,
        "DEFAULT_LANGUAGE": "en",  # when none of ?lang=, the lang cookie and Accept-Language does
        "LANGUAGES": ["en", "pl"],
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=_int(env, "REMEMBER_DAYS", 14)),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_int(env, "SESSION_HOURS", 12)),
        # A logged-in session slides with each page, not with each asset (web/session.py).
        "SESSION_REFRESH_EACH_REQUEST": False,
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0),
        "LOG_FORMAT": env.get("LOG_FORMAT", "text").strip().lower(),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO").strip().upper(),
        "ACCESS_LOG": _bool(env, "ACCESS_LOG", False),
        "METRICS_TOKEN": env.get("METRICS_TOKEN") or None,
    }


def secret_keys(config) -> list[str]:
    """SECRET_KEY, then the former keys still accepted while keys rotate (newest first)."""
    return [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or ())]


def _weak(key: str | None) -> bool:
    return not key or key in KNOWN_KEYS or len(key.encode()) < MIN_KEY_BYTES


def check_production(config: dict) -> None:
    """Refuse to start in production with weak or missing secrets, no https PORTAL_URL, an
    open /metrics or the sandbox broker."""
    if config.get("PORTAL_ENV") != "production":
        return
    if _weak(config["SECRET_KEY"]):
        raise RuntimeError(f"SECRET_KEY must be a random value of at least {MIN_KEY_BYTES} bytes "
                           "in production (python -c 'import secrets; "
                           "print(secrets.token_urlsafe(48))')")
    if any(_weak(key) for key in config.get("SECRET_KEY_FALLBACKS") or ()):
        raise RuntimeError("SECRET_KEY_FALLBACKS must not hold a development or short key "
                           "in production")
    if not config.get("PENDING_SECRET_KEY"):
        raise RuntimeError("PENDING_SECRET_KEY must be set in production (it seals parked "
                           "sign-ups' passwords; a key derived from SECRET_KEY is not enough)")
    if not config.get("METRICS_TOKEN"):
        raise RuntimeError("METRICS_TOKEN must be set in production (/metrics shows the pending "
                           "backlog and the Broker-API budget)")
    if not config.get("PORTAL_URL"):
        # Links in mails must never be built from a request's Host header (reset-link poisoning).
        raise RuntimeError("PORTAL_URL must be set in production")
    if not config["PORTAL_URL"].startswith("https://") and not config.get("ALLOW_INSECURE_HTTP"):
        raise RuntimeError("PORTAL_URL must be https in production; set ALLOW_INSECURE_HTTP=1 "
                           "only for a closed test network")
    sandbox = config["BROKER_API_URL"] == SANDBOX_URL or config["BROKER_API_TOKEN"] == SANDBOX_TOKEN
    if sandbox and not config.get("ALLOW_SANDBOX_IN_PRODUCTION"):
        raise RuntimeError(
            "BROKER_API_URL/BROKER_API_TOKEN point at the sandbox; "
            "set ALLOW_SANDBOX_IN_PRODUCTION=1 to allow it"
        )
