"""Prometheus metrics: counters summed across processes, state gauges read at scrape time.

Counters and the latency histogram live in each process. Under gunicorn, ``bin/serve`` sets
``PROMETHEUS_MULTIPROC_DIR`` so every worker (and the background worker) writes them to files
there and any worker's ``/metrics`` reports the sum. The gauges (pending backlog and age, the
Broker-API budget left) are read from PostgreSQL and Redis on each scrape, so every process
reports the same values.
"""
from __future__ import annotations

import logging
import os

from prometheus_client import (CollectorRegistry, Counter, Histogram, disable_created_metrics,
                               generate_latest, multiprocess)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from .models import OperationState, SignupAttempt, TradingAccountRequest, utcnow

log = logging.getLogger("portal.metrics")
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
EVENTS = CollectorRegistry()
disable_created_metrics()  # the *_created series only add noise to every scrape
# Statuses that mean Broker-API did not serve us: no answer (None), a bad token, throttling, 5xx.
ERROR_STATUSES = {401, 403, 429}

SIGNUPS = Counter(
    "portal_signups", "Sign-ups by the state they reached: done, taken, failed, or pending "
    "(parked for the worker when the trader submitted).", ["state"], registry=EVENTS)
BROKER_CALLS = Counter(
    "portal_broker_calls", "Broker-API calls by endpoint and HTTP status ('error': no answer).",
    ["endpoint", "status"], registry=EVENTS)
BROKER_ERRORS = Counter(
    "portal_broker_errors", "Broker-API calls with no answer, 401, 403, 429 or 5xx.",
    ["endpoint"], registry=EVENTS)
BROKER_LATENCY = Histogram(
    "portal_broker_call_duration_seconds", "Broker-API call latency per endpoint.", ["endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0), registry=EVENTS)


def signup_reached(state: OperationState) -> None:
    """Count a sign-up that reached ``state``."""
    SIGNUPS.labels(state.value).inc()


def signup_parked(attempt: SignupAttempt) -> None:
    """Count a sign-up parked at submit time; the worker's later re-parks are not new sign-ups."""
    if attempt.attempts <= 1:
        signup_reached(OperationState.PENDING)


def observe_broker_call(endpoint: str, status: int | None, ms: float) -> None:
    """The Broker-API client's observer: ``endpoint`` is "METHOD /path/template"."""
    BROKER_CALLS.labels(endpoint, str(status) if status else "error").inc()
    BROKER_LATENCY.labels(endpoint).observe(ms / 1000)
    if status is None or status >= 500 or status in ERROR_STATUSES:
        BROKER_ERRORS.labels(endpoint).inc()


class _Events:
    """This process's counters (without PROMETHEUS_MULTIPROC_DIR)."""

    def collect(self):
        return EVENTS.collect()


class _State:
    """Gauges read at scrape time from the database and the shared budget."""

    def __init__(self, session, budget):
        self.session = session
        self.budget = budget

    def collect(self):
        yield from self._pending()
        if self.budget is not None:
            try:
                used = self.budget.used()
            except Exception:  # Redis away: leave the gauge out rather than fail the scrape
                log.exception("metrics: cannot read the Broker-API budget")
            else:
                yield GaugeMetricFamily("portal_broker_budget_left",
                                        "Broker-API requests left in the current minute.",
                                        value=max(0, self.budget.per_minute - used))
                yield GaugeMetricFamily("portal_broker_budget_per_minute",
                                        "Broker-API requests allowed per minute.",
                                        value=self.budget.per_minute)

    def _pending(self):
        backlog = GaugeMetricFamily("portal_pending_backlog",
                                    "Pending items waiting for the worker.", labels=["kind"])
        age = GaugeMetricFamily("portal_pending_oldest_age_seconds",
                                "Age of the oldest pending item (0 when none).", labels=["kind"])
        now = utcnow()
        try:
            for kind, model in (("signup", SignupAttempt), ("open_account", TradingAccountRequest)):
                count, oldest = self.session.execute(
                    select(func.count(model.id), func.min(model.started_at))
                    .where(model.state == OperationState.PENDING.value)).one()
                backlog.add_metric([kind], count)
                age.add_metric([kind], (now - oldest).total_seconds() if oldest else 0.0)
        except Exception:  # the database may be briefly away; the scrape still answers
            log.exception("metrics: cannot read the pending backlog")
            self.session.rollback()
            return
        yield backlog
        yield age


def render(session, budget) -> bytes:
    """The metrics in Prometheus text format."""
    registry = CollectorRegistry()
    if MULTIPROCESS:
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Events())
    registry.register(_State(session, budget))
    return generate_latest(registry)
