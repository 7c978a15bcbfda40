"""Sandbox responses carry every key of the documented Broker-API examples, with JSON types."""

import pytest

from sandbox import seed

NEW = {"email": "contract@example.org", "password": "Secret-Pass1",
       "personalDetails": {"firstname": "Cora", "lastname": "Contract"}}


def test_comparator_catches_missing_keys_and_wrong_types(shape):
    documented = {"a": "", "b": {"c": 1}, "d": [{"e": True}], "f": None}
    assert shape(documented, {"a": "x", "b": {"c": 2.5}, "d": [{"e": False}], "f": []}) == []
    problems = shape(documented, {"a": 1, "b": {}, "d": [{"e": "yes"}]})
    assert "$.a: documented string, got number" in problems
    assert "$.b.c: missing" in problems
    assert "$.d[0].e: documented boolean, got string" in problems
    assert "$.f: missing" in problems
    assert shape({"a": ""}, {"a": None}) == ["$.a: documented string, got null"]
    assert shape({"a": ""}, {"a": None}, allow_null=True) == []


def test_service_info(sb, client, doc, shape):
    if sb.kind != "broker-api":
        pytest.skip("only Broker-API v1 serves /service-info")
    response = client.get("/service-info")
    assert response.status_code == 200
    assert shape(doc("service_info"), response.json()) == []


def test_offers(client, doc, shape):
    body = client.get("/v1/offers").json()
    assert len(body["offers"]) == 8
    assert shape(doc("offers"), body) == []


def test_account_fully_populated(client, doc, shape):
    body = client.get(f"/v1/accounts/by-uuid/{seed.ACCOUNT_LEGACY}").json()
    assert shape(doc("account"), body) == []
    by_email = client.get(f"/v1/accounts/by-email/{seed.EMAIL_LEGACY}").json()
    assert shape(doc("account"), by_email) == []


def test_created_account_and_patch_keep_the_shape(client, doc, shape):
    created = client.post("/v1/accounts", json=NEW).json()
    assert shape(doc("create_account_response"), created) == []
    assert shape(doc("account"), created, allow_null=True) == []
    patched = client.patch(f"/v1/accounts/{created['uuid']}",
                           json={"addressDetails": {"city": "Oslo"}}).json()
    assert shape(doc("account"), patched, allow_null=True) == []
    page = client.get("/v1/accounts", params={"query": "contract"}).json()
    assert shape(doc("account"), page["content"][0], allow_null=True) == []


def test_create_trading_account(client, doc, shape):
    path = f"/v1/accounts/{seed.ACCOUNT_ANN}/trading-accounts"
    commission = "c0ffee00-0000-4000-8000-000000000001"
    with_commission = client.post(path, json={"offerUuid": seed.OFFER_LIVE_USD,
                                              "commissionUuid": commission})
    assert shape(doc("create_trading_account"), with_commission.json()) == []
    without = client.post(path, json={"offerUuid": seed.OFFER_DEMO_USD}).json()
    assert shape(doc("create_trading_account"), without, allow_null=True) == []


def test_trading_accounts_page_and_single(client, doc, shape):
    page = client.get("/v1/trading-accounts", params={"size": 100}).json()
    assert len(page["content"]) == 15
    assert shape(doc("trading_accounts_page"), page) == []
    item_doc = doc("trading_accounts_page")["content"][0]
    first = page["content"][0]
    single = client.get("/v1/trading-account", params={"systemUuid": first["systemUuid"],
                                                       "login": first["login"]}).json()
    assert shape(item_doc, single) == []


def _error_for(sb, client, status):
    """Provoke an error response with the given status."""
    if status == 400:
        return client.post("/v1/accounts", json={"email": "x@example.org"})
    if status == 401:
        return client.get("/v1/offers", headers={"Authorization": "wrong"})
    if status == 403:
        sb.variants.one_time_token_forbidden = True
        return client.post("/v1/one-time-token", json={"email": seed.EMAIL_ANN,
                                                       "validityTime": 30})
    sb.faults.add("error", times=1)
    return client.get("/v1/offers")


@pytest.mark.parametrize("index", range(4))
def test_documented_error_bodies(sb, client, doc, shape, index):
    documented = doc("errors")[index]
    response = _error_for(sb, client, documented["status"])
    assert response.status_code == documented["status"]
    body = response.json()
    assert shape(documented, body) == []
    assert body["title"] == documented["title"]
    assert body["status"] == response.status_code


@pytest.mark.parametrize("provoke", ["not_found", "duplicate", "rate_limit", "no_route"])
def test_undocumented_errors_use_the_same_body(sb, client, doc, shape, provoke):
    if provoke == "not_found":
        response = client.get("/v1/accounts/by-uuid/missing")
    elif provoke == "duplicate":
        response = client.post("/v1/accounts", json=dict(NEW, email=seed.EMAIL_ANN))
    elif provoke == "rate_limit":
        sb.variants.rate_limit_per_minute = 1
        client.get("/v1/roles")
        response = client.get("/v1/roles")
    else:
        response = client.get("/v2/unknown")
    assert response.status_code in (404, 422, 429)
    assert shape(doc("errors")[0], response.json()) == []
