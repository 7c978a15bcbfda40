"""Liveness and readiness probes for load balancers and orchestrators."""
from __future__ import annotations

import threading
import time

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from ..brokerapi import BrokerError, Unauthorized
from ..extensions import broker, db

bp = Blueprint("health", __name__)
_lock = threading.Lock()


@bp.get("/healthz")
def healthz():
    """The process answers."""
    return jsonify(status="ok")


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not ready", never a 500 from the probe
        current_app.logger.exception("readiness: database check failed")
        return False
    finally:
        db.session.remove()


def _broker_state() -> str:
    """Test the broker connection at most once per READY_CACHE_TTL seconds per process.

    "ok", or what is wrong: "unreachable", "key refused", "roles: forbidden", "branches: no
    'Default'" ... The connection test is the kind's own (CRM-API: GET /v1/offers).
    """
    state = current_app.extensions.setdefault("ready_broker", {"at": None, "state": ""})
    ttl = current_app.config["READY_CACHE_TTL"]
    with _lock:
        if state["at"] is not None and time.monotonic() - state["at"] < ttl:
            return state["state"]
        try:
            broker.client.check_connection()
            problems = broker.client.setup_problems()
        except Unauthorized:
            problems = ["key refused"]
        except BrokerError as exc:
            current_app.logger.warning("readiness: Broker-API check failed: %s", exc)
            problems = ["unreachable"]
        if problems:
            current_app.logger.warning("readiness: Broker-API not ready: %s", "; ".join(problems))
        state["state"] = "; ".join(problems) or "ok"
        state["at"] = time.monotonic()
        return state["state"]


@bp.get("/readyz")
def readyz():
    """Ready when the database and Broker-API both answer as the portal needs; 503 otherwise."""
    broker_state = _broker_state()
    checks = {"database": _database_ok(), "brokerApi": broker_state == "ok"}
    ready = all(checks.values())
    body = {"status": "ready" if ready else "not ready", "checks": checks,
            "broker": broker_state}
    return jsonify(body), 200 if ready else 503
