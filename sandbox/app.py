"""The Sandbox object and the Flask app factory."""

from __future__ import annotations

import threading

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from . import api, control, platform, seed, trading
from .accounts import VERIFICATION_STATUSES
from .faults import Faults, parse_faults
from .middleware import FaultMiddleware
from .store import Store
from .transport import SandboxTransport
from .variants import DEFAULT_KIND, Variants, check_kind, parse_variants
from .web import ApiError, RateLimiter, error_response, token_from_header

BODY_METHODS = frozenset({"POST", "PATCH", "PUT"})


class Sandbox:
    """A Broker-API emulator: Flask app, state, variants, faults and call log.

    `kind` is "crm-api" (CRM-API: no /service-info, JSON content type required on requests
    with a body) or "broker-api" (Broker-API v1); tests may switch it at any time.
    """

    def __init__(self, token: str, state_file: str | None = None, kind: str = DEFAULT_KIND):
        self.token = token
        self.kind = check_kind(kind)
        self.store = Store(state_file)
        self.variants = Variants()
        self.faults = Faults()
        self.calls: list[tuple[str, str]] = []
        self._calls_lock = threading.Lock()
        self.rate_limiter = RateLimiter()
        self.app = _build_app(self)

    def transport(self) -> SandboxTransport:
        """An httpx transport that calls this sandbox in-process."""
        return SandboxTransport(self.app)

    def record_call(self, method: str, endpoint: str) -> None:
        """Log one API request."""
        with self._calls_lock:
            self.calls.append((method, endpoint))

    def call_count(self, endpoint: str | None = None) -> int:
        """Number of API requests received, optionally for one endpoint name."""
        with self._calls_lock:
            return sum(1 for _, name in self.calls if endpoint is None or name == endpoint)

    def reset_calls(self) -> None:
        """Forget logged API requests."""
        with self._calls_lock:
            self.calls.clear()

    def reset(self) -> None:
        """Replace the state with fresh seed data and clear the rate-limit window."""
        seed.load(self.store)
        self.rate_limiter.clear()

    def approve_pending(self, account_uuid: str | None = None) -> list[dict]:
        """Approve pending trading accounts (all, or one account's); return them as items."""
        return trading.approve_pending(self.store, account_uuid)

    def set_verification(self, account_uuid: str, status: str) -> dict:
        """Set an account's verificationStatus as a back-office user would."""
        if status not in VERIFICATION_STATUSES:
            raise ValueError(f"Unknown verification status '{status}'")
        with self.store.lock:
            record = self.store.data["accounts"][account_uuid]
            record["verificationStatus"] = status
            record["updated"] = self.store.timestamp()
            self.store.save()
            return {k: v for k, v in record.items() if not k.startswith("_")}

    def password_of(self, account_uuid: str) -> str:
        """The password the broker holds for an account."""
        with self.store.lock:
            return self.store.data["accounts"][account_uuid]["_password"]


def _build_app(sb: Sandbox) -> Flask:
    """Create the Flask app with API and control routes, auth, rate limit and error bodies."""
    app = Flask("sandbox")
    app.extensions["sandbox"] = sb
    api.register(app)
    control.register(app)
    platform.register(app)

    @app.before_request
    def check_auth_and_rate():
        """Require the API token (except on the public stand-in pages), apply the rate limit,
        then the kind's rules: CRM-API has no /service-info and needs a JSON content type."""
        if request.endpoint in platform.PUBLIC_ENDPOINTS:
            return None
        token = token_from_header(request.headers.get("Authorization"), sb.variants.auth_scheme)
        if token != sb.token:
            raise ApiError(401, "Authentication failed")
        if request.endpoint not in api.ENDPOINTS:
            return None
        if sb.kind == "crm-api" and request.endpoint == "service_info":
            raise ApiError(404, f"No endpoint {request.method} {request.path}")
        wait = sb.rate_limiter.check(token, sb.variants.rate_limit_per_minute)
        if wait is not None:
            headers = {"Retry-After": str(wait)} if sb.variants.retry_after else None
            raise ApiError(429, "Rate limit exceeded", headers)
        if (sb.kind == "crm-api" and request.method in BODY_METHODS
                and request.mimetype != "application/json"):
            # The real server's 415 Unsupported Media Type surfaces as a 500 (CRM-API.md §1).
            raise ApiError(500, "Internal application error")
        return None

    @app.errorhandler(ApiError)
    def api_error(error: ApiError):
        """Answer an ApiError with the standard body."""
        return error_response(error.status, error.detail, request.path, sb.store.timestamp(),
                              error.headers)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        """Answer routing and HTTP errors (404, 405, ...) with the standard body."""
        detail = f"No endpoint {request.method} {request.path}" if error.code == 404 \
            else error.description
        return error_response(error.code or 500, detail, request.path, sb.store.timestamp())

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        """Answer any other exception with a standard 500 body."""
        app.logger.exception("Unhandled sandbox error")
        return error_response(500, "An unexpected error occurred", request.path,
                              sb.store.timestamp())

    app.wsgi_app = FaultMiddleware(app.wsgi_app, sb, api.ENDPOINTS)
    return app


def create_sandbox(token: str = "sandbox-token", state_file: str | None = None,
                   seed_data: bool = True, kind: str | None = None, env=None) -> Sandbox:
    """Build a sandbox; `env` may set SANDBOX_TOKEN, _STATE_FILE, _KIND, _FAULTS and _VARIANTS.

    The kind is the `kind` argument, else SANDBOX_KIND, else "crm-api".
    """
    env = env or {}
    token = env.get("SANDBOX_TOKEN") or token
    state_file = env.get("SANDBOX_STATE_FILE") or state_file
    kind = kind or env.get("SANDBOX_KIND") or DEFAULT_KIND
    sb = Sandbox(token, state_file, check_kind(kind))
    if env.get("SANDBOX_VARIANTS"):
        sb.variants.update(parse_variants(env["SANDBOX_VARIANTS"]))
    if env.get("SANDBOX_FAULTS"):
        fault_seed, rules = parse_faults(env["SANDBOX_FAULTS"])
        if fault_seed is not None:
            sb.faults.reseed(fault_seed)
        for rule in rules:
            sb.faults.add(rule.pop("kind"), **rule)
    if not sb.store.load() and seed_data:
        seed.load(sb.store)
    return sb
