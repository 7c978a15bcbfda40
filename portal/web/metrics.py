"""GET /metrics in Prometheus text format, behind a bearer token when METRICS_TOKEN is set."""
from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST

from .. import metrics
from ..extensions import broker, db

bp = Blueprint("metrics", __name__)


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        return True
    given = request.headers.get("Authorization", "").encode("utf-8", "replace")
    return hmac.compare_digest(given, f"Bearer {token}".encode())


@bp.get("/metrics")
def index():
    """Counters, histograms and gauges for Prometheus to scrape."""
    if not _allowed():
        return Response("unauthorized\n", 401, {"WWW-Authenticate": "Bearer"},
                        mimetype="text/plain")
    body = metrics.render(db.session, broker.client.budget)
    return Response(body, headers={"Content-Type": CONTENT_TYPE_LATEST,
                                   "Cache-Control": "no-store"})
