"""Liveness and readiness probes for load balancers and orchestrators."""
from __future__ import annotations

import threading
import time

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from ..brokerapi import BrokerError
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


def _broker_ok() -> bool:
    """Ask Broker-API's service-info at most once per READY_CACHE_TTL seconds per process."""
    state = current_app.extensions.setdefault("ready_broker", {"at": None, "ok": False})
    ttl = current_app.config["READY_CACHE_TTL"]
    with _lock:
        if state["at"] is not None and time.monotonic() - state["at"] < ttl:
            return state["ok"]
        try:
            broker.client.service_info()
            state["ok"] = True
        except BrokerError as exc:
            current_app.logger.warning("readiness: Broker-API check failed: %s", exc)
            state["ok"] = False
        state["at"] = time.monotonic()
        return state["ok"]


@bp.get("/readyz")
def readyz():
    """Ready when the database and Broker-API both answer; 503 otherwise."""
    checks = {"database": _database_ok(), "brokerApi": _broker_ok()}
    ready = all(checks.values())
    body = {"status": "ready" if ready else "not ready", "checks": checks}
    return jsonify(body), 200 if ready else 503
