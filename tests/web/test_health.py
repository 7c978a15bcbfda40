"""Liveness and readiness probes."""
from __future__ import annotations

import shutil

from tests.support import make_app
from portal.extensions import db


def test_healthz_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_tests_a_crm_api_broker_with_the_offers_and_caches_the_check(client, sb):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": True, "brokerApi": True}
    assert response.json["broker"] == "ok"
    for _ in range(5):
        client.get("/readyz")
    assert sb.call_count("offers") == 1 and sb.call_count("service_info") == 0


def test_readyz_asks_a_v1_broker_for_its_service_info(sb, tmp_path):
    sb.kind = "broker-api"  # a v1 broker serves /service-info; the default crm-api kind does not
    app = make_app(sb, f"sqlite:///{tmp_path / 'p.db'}", BROKER_API_KIND="broker-api")
    assert app.test_client().get("/readyz").status_code == 200
    assert sb.call_count("service_info") == 1 and sb.call_count("offers") == 0


def test_readyz_falls_back_to_the_offers_on_a_v1_broker_without_service_info(sb, tmp_path):
    sb.faults.add("error", endpoint="service_info", status=404)
    app = make_app(sb, f"sqlite:///{tmp_path / 'p.db'}", BROKER_API_KIND="broker-api")
    response = app.test_client().get("/readyz")
    assert response.status_code == 200 and response.json["broker"] == "ok"
    assert sb.call_count("offers") == 1


def test_readyz_is_503_when_the_broker_is_down(client, sb):
    sb.faults.add("error", endpoint="offers", status=500)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["checks"]["brokerApi"] is False
    assert response.json["broker"] == "unreachable"


def test_readyz_names_a_key_that_may_not_read_the_roles(client, sb, caplog):
    sb.faults.add("error", endpoint="roles", status=403)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["broker"] == "roles: forbidden"
    assert "API ACCESS: read roles" in caplog.text


def test_readyz_names_a_configured_branch_the_broker_lacks(sb, tmp_path):
    app = make_app(sb, f"sqlite:///{tmp_path / 'p.db'}", BROKER_BRANCH_NAME="Nowhere")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["broker"] == "branches: no 'Nowhere'"


def test_readyz_is_503_when_the_database_is_unreachable(sb, tmp_path):
    folder = tmp_path / "gone"
    folder.mkdir()
    app = make_app(sb, f"sqlite:///{folder / 'portal.db'}")
    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(folder)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["checks"]["database"] is False
