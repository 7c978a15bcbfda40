"""The background worker (``flask worker``): completes pending sign-ups and open-account requests,
and writes the landing counts."""
from __future__ import annotations

import logging
import signal
import threading

from flask import Flask

from .brokerapi import BrokerError
from .extensions import broker
from .services import landings, pending

log = logging.getLogger("portal.worker")


def check_broker(app: Flask) -> list[str]:
    """Log, once at start, what keeps the broker from working as configured.

    The client logs the missing permission itself (e.g. reading roles); this line sums it up.
    """
    with app.app_context():
        client = broker.client
        try:
            client.check_connection()
            problems = client.setup_problems()
        except BrokerError as exc:
            problems = [f"connection test failed: {exc}"]
    if problems:
        log.error("Broker-API (%s at %s) is not ready for the portal: %s", client.kind.name,
                  app.config["BROKER_API_URL"], "; ".join(problems))
    else:
        log.info("Broker-API (%s) answered; role and branch found", client.kind.name)
    return problems


def run(app: Flask, stop: threading.Event | None = None) -> None:
    """Poll for due work until ``stop`` is set or SIGTERM/SIGINT arrives."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    poll = app.config["WORKER_POLL_SECONDS"]
    log.info("worker started, polling every %.1f s", poll)
    check_broker(app)
    while not stop.is_set():
        with app.app_context():
            try:
                tried = pending.run_once()
                landings.flush()  # what the web processes counted in Redis since the last pass
                rest = 0 if tried else pending.idle_seconds(poll)
            except Exception:  # the database may be briefly away; keep polling
                log.exception("worker pass failed")
                rest = poll
        stop.wait(rest)
    log.info("worker stopped")
