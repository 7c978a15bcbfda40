"""Liveness and readiness probes."""
from __future__ import annotations

import shutil

from tests.support import make_app
from portal.extensions import db


def test_healthz_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_checks_database_and_broker_and_caches_the_broker_check(client, sb):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": True, "brokerApi": True}
    for _ in range(5):
        client.get("/readyz")
    assert sb.call_count("service_info") == 1


def test_readyz_is_503_when_the_broker_is_down(client, sb):
    sb.faults.add("error", endpoint="service_info", status=500)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["checks"]["brokerApi"] is False


def test_readyz_is_503_when_the_database_is_unreachable(sb, tmp_path):
    folder = tmp_path / "gone"
    folder.mkdir()
    app = make_app(sb, f"sqlite:///{folder / 'portal.db'}")
    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(folder)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["checks"]["database"] is False
