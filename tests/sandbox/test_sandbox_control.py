"""Control endpoints, helper methods and the state file."""

import json

import httpx
import pytest

import sandbox
from sandbox import seed


def test_state_counts(client):
    state = client.get("/_sandbox/state").json()
    assert state["accounts"] == 3
    assert state["tradingAccounts"] == 15 and state["pendingTradingAccounts"] == 0
    assert state["offers"] == 8 and state["roles"] == 3 and state["systems"] == 3


def test_reset_reseeds(sb, client, new_account):
    new_account()
    assert client.get("/_sandbox/state").json()["accounts"] == 4
    assert client.post("/_sandbox/reset").status_code == 200
    assert client.get("/_sandbox/state").json()["accounts"] == 3
    assert sb.store.account(seed.ACCOUNT_ANN)["email"] == seed.EMAIL_ANN


def test_faults_control(sb, client):
    added = client.post("/_sandbox/faults", json={"kind": "error", "endpoint": "offers",
                                                  "status": 503, "times": 1})
    assert added.status_code == 201 and added.json()["status"] == 503
    assert client.get("/v1/offers").status_code == 503
    assert client.get("/v1/offers").status_code == 200
    client.post("/_sandbox/faults", json={"kind": "error"})
    assert client.delete("/_sandbox/faults").status_code == 204
    assert client.get("/v1/offers").status_code == 200
    assert client.post("/_sandbox/faults", json={"kind": "boom"}).status_code == 400
    assert client.post("/_sandbox/faults", json={"kind": "error",
                                                 "colour": "red"}).status_code == 400


def test_variants_control(sb, client):
    response = client.put("/_sandbox/variants", json={"duplicate_email_status": 409,
                                                      "not_found": "empty200"})
    assert response.status_code == 200 and response.json()["duplicate_email_status"] == 409
    assert sb.variants.not_found == "empty200"
    assert client.put("/_sandbox/variants", json={"nope": 1}).status_code == 400
    assert client.put("/_sandbox/variants", json={"patch_nested": "zip"}).status_code == 400
    assert sb.variants.patch_nested == "merge"


def test_approve_control(client):
    created = client.post(f"/v1/accounts/{seed.ACCOUNT_ANN}/trading-accounts",
                          json={"offerUuid": seed.OFFER_APPROVAL}).json()
    state = client.get("/_sandbox/state").json()
    assert state["pendingTradingAccounts"] == 1
    approved = client.post("/_sandbox/approve", json={"accountUuid": seed.ACCOUNT_ANN}).json()
    assert [a["uuid"] for a in approved["approved"]] == [created["uuid"]]
    assert client.post("/_sandbox/approve").json() == {"approved": []}


def test_verification_control_and_helper(sb, client):
    response = client.post(f"/_sandbox/accounts/{seed.ACCOUNT_ANN}/verification",
                           json={"status": "VERIFIED"})
    assert response.status_code == 200 and response.json()["verificationStatus"] == "VERIFIED"
    fetched = client.get(f"/v1/accounts/by-uuid/{seed.ACCOUNT_ANN}").json()
    assert fetched["verificationStatus"] == "VERIFIED"
    assert client.post("/_sandbox/accounts/nope/verification",
                       json={"status": "VERIFIED"}).status_code == 404
    assert client.post(f"/_sandbox/accounts/{seed.ACCOUNT_ANN}/verification",
                       json={"status": "AWESOME"}).status_code == 400
    sb.set_verification(seed.ACCOUNT_JOANN, "BLOCKED")
    fetched = client.get(f"/v1/accounts/by-uuid/{seed.ACCOUNT_JOANN}").json()
    assert fetched["verificationStatus"] == "BLOCKED"


def test_calls_control(client):
    client.get("/v1/offers")
    client.get("/v1/roles")
    client.get("/v1/roles")
    assert client.get("/_sandbox/calls").json() == {
        "total": 3, "byEndpoint": {"offers": 1, "roles": 2}, "rateLimited": 0}
    assert client.delete("/_sandbox/calls").status_code == 204
    assert client.get("/_sandbox/calls").json() == {
        "total": 0, "byEndpoint": {}, "rateLimited": 0}


def test_calls_control_counts_the_requests_the_rate_limit_refused(client):
    client.put("/_sandbox/variants", json={"rate_limit_per_minute": 2})
    statuses = [client.get("/v1/offers").status_code for _ in range(4)]
    assert statuses == [200, 200, 429, 429]
    assert client.get("/_sandbox/calls").json()["rateLimited"] == 2
    client.post("/_sandbox/reset")
    assert client.get("/_sandbox/calls").json()["rateLimited"] == 0


def test_unseeded_sandbox_is_empty():
    sb = sandbox.create_sandbox(seed_data=False)
    assert sb.store.counts()["accounts"] == 0 and sb.store.counts()["offers"] == 0


def _client(sb):
    """An in-process client for a sandbox built inside a test."""
    return httpx.Client(base_url="http://sandbox", transport=sb.transport(),
                        headers={"Authorization": "sandbox-token"})


def test_state_file_round_trip(tmp_path):
    path = tmp_path / "state" / "sandbox.json"
    first = sandbox.create_sandbox(state_file=str(path))
    assert path.exists()
    with _client(first) as http:
        account = http.post("/v1/accounts", json={
            "email": "kept@example.org", "password": "Secret-Pass1",
            "offerUuid": seed.OFFER_APPROVAL,
            "personalDetails": {"firstname": "Kai", "lastname": "Kept"}}).json()
        http.post("/v1/change-password", json={"accountUuid": seed.ACCOUNT_ANN,
                                               "newPassword": "Persist-Me1"})
    assert json.loads(path.read_text())["accounts"][account["uuid"]]["email"] == "kept@example.org"
    assert not list(path.parent.glob(".sandbox-*"))
    second = sandbox.create_sandbox(env={"SANDBOX_STATE_FILE": str(path)})
    assert second.password_of(seed.ACCOUNT_ANN) == "Persist-Me1"
    assert second.approve_pending(account["uuid"])[0]["accountInfo"]["email"] == "kept@example.org"
    with _client(second) as http:
        found = http.get("/v1/accounts/by-email/kept@example.org")
        assert found.status_code == 200 and found.json()["uuid"] == account["uuid"]
        new = http.post(f"/v1/accounts/{account['uuid']}/trading-accounts",
                        json={"offerUuid": seed.OFFER_LIVE_USD}).json()
    logins = [t["login"] for t in json.loads(path.read_text())["tradingAccounts"].values()]
    assert logins.count(new["login"]) == 1


def test_wsgi_module_reads_env(monkeypatch):
    monkeypatch.setenv("SANDBOX_TOKEN", "wsgi-token")
    monkeypatch.setenv("SANDBOX_KIND", "broker-api")
    import importlib

    import sandbox.wsgi as wsgi
    importlib.reload(wsgi)
    response = wsgi.app.test_client().get("/service-info",
                                          headers={"Authorization": "wsgi-token"})
    assert response.status_code == 200


@pytest.mark.parametrize("token", ["", None])
def test_env_without_token_keeps_default(token):
    env = {} if token is None else {"SANDBOX_TOKEN": token}
    assert sandbox.create_sandbox(env=env).token == "sandbox-token"


def test_platform_stand_in_spends_a_one_time_token_once(sb):
    """The platform page logs the token's owner in once; a reused token is refused."""
    import httpx

    with httpx.Client(base_url="http://sandbox", transport=sb.transport()) as browser:
        api = httpx.Client(base_url="http://sandbox", transport=sb.transport(),
                           headers={"Authorization": sb.token})
        token = api.post("/v1/one-time-token",
                         json={"email": "ann@example.com", "validityTime": 30}).json()["token"]
        first = browser.get("/platform/", params={"auth": token})
        assert first.status_code == 200 and "Logged in as ann@example.com" in first.text
        assert browser.get("/platform/", params={"auth": token}).status_code == 401
        assert browser.get("/deposit").status_code == 200
