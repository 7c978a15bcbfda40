"""Trading accounts: creation, pending approval, listing, search, lookup and one-time tokens."""

import pytest

from sandbox import seed


def test_create_trading_account_active_with_login(client):
    response = client.post(f"/v1/accounts/{seed.ACCOUNT_ANN}/trading-accounts",
                           json={"offerUuid": seed.OFFER_LIVE_GBP, "commissionUuid": "comm-1"})
    assert response.status_code == 200
    created = response.json()
    assert set(created) == {"uuid", "created", "updated", "login", "offerUuid", "status",
                            "commissionUuid"}
    assert created["status"] == "ACTIVE"
    assert isinstance(created["login"], str) and created["login"].isdigit()
    assert created["commissionUuid"] == "comm-1"
    item = client.get("/v1/trading-account", params={"systemUuid": seed.SYSTEM_LIVE,
                                                     "login": created["login"]}).json()
    assert item["uuid"] == created["uuid"]
    assert item["group"] == "real\\gbp-raw" and item["accountType"] == "REAL"
    assert item["financeInfo"]["balance"] == 0 and item["financeInfo"]["currency"] == "GBP"


def test_logins_increase_per_system(client):
    logins = [client.post(f"/v1/accounts/{seed.ACCOUNT_ANN}/trading-accounts",
                          json={"offerUuid": seed.OFFER_DEMO_USD}).json()["login"]
              for _ in range(3)]
    assert [int(x) for x in logins] == sorted(int(x) for x in logins)
    assert len(set(logins)) == 3
    mt5 = client.post(f"/v1/accounts/{seed.ACCOUNT_ANN}/trading-accounts",
                      json={"offerUuid": seed.OFFER_MT5}).json()["login"]
    assert mt5 not in logins


def test_create_trading_account_errors(client):
    path = f"/v1/accounts/{seed.ACCOUNT_ANN}/trading-accounts"
    assert client.post(path, json={"offerUuid": "nope"}).status_code == 422
    assert client.post(path, json={}).status_code == 400
    unknown = client.post("/v1/accounts/nope/trading-accounts",
                          json={"offerUuid": seed.OFFER_DEMO_USD})
    assert unknown.status_code == 404


def test_pending_account_hidden_until_approved(sb, client):
    created = client.post(f"/v1/accounts/{seed.ACCOUNT_JOANN}/trading-accounts",
                          json={"offerUuid": seed.OFFER_APPROVAL}).json()
    assert created["status"] == "PENDING" and created["login"] == ""
    listed = client.get("/v1/trading-accounts", params={"query": seed.EMAIL_JOANN}).json()
    assert created["uuid"] not in {t["uuid"] for t in listed["content"]}
    assert sb.approve_pending(seed.ACCOUNT_ANN) == []
    approved = sb.approve_pending()
    assert [a["uuid"] for a in approved] == [created["uuid"]]
    assert approved[0]["status"] == "ACTIVE" and approved[0]["login"]
    listed = client.get("/v1/trading-accounts", params={"query": seed.EMAIL_JOANN}).json()
    assert created["uuid"] in {t["uuid"] for t in listed["content"]}
    assert sb.approve_pending() == []


def test_create_account_with_approval_offer_leaves_it_pending(sb, client, new_account):
    account = new_account(email="pending@example.org", offerUuid=seed.OFFER_APPROVAL)
    page = client.get("/v1/trading-accounts", params={"query": "pending@example.org"}).json()
    assert page["totalElements"] == 0
    approved = sb.approve_pending(account["uuid"])
    assert len(approved) == 1 and approved[0]["systemUuid"] == seed.SYSTEM_LIVE
    page = client.get("/v1/trading-accounts", params={"query": "pending@example.org"}).json()
    assert page["totalElements"] == 1


def test_substring_search_ann_also_matches_joann(client):
    page = client.get("/v1/trading-accounts", params={"query": "ann@example.com"}).json()
    owners = {t["accountInfo"]["email"] for t in page["content"]}
    assert owners == {seed.EMAIL_ANN, seed.EMAIL_JOANN}
    joann = client.get("/v1/trading-accounts", params={"query": "JOANN@example.com"}).json()
    assert {t["uuid"] for t in joann["content"]} == {seed.TA_JOANN_DEMO}


def test_search_by_login_and_name(client):
    items = client.get("/v1/trading-accounts", params={"query": "Archer"}).json()["content"]
    assert {t["uuid"] for t in items} == {seed.TA_ANN_DEMO, seed.TA_ANN_LIVE}
    login = items[0]["login"]
    by_login = client.get("/v1/trading-accounts", params={"query": login}).json()["content"]
    assert items[0]["uuid"] in {t["uuid"] for t in by_login}


def test_legacy_accounts_span_two_pages(client):
    query = {"query": seed.EMAIL_LEGACY.lower()}
    first = client.get("/v1/trading-accounts", params=query).json()
    assert first["totalElements"] == 12 and first["totalPages"] == 2
    assert first["size"] == 10 and first["number"] == 0 and len(first["content"]) == 10
    second = client.get("/v1/trading-accounts", params=dict(query, page=1)).json()
    assert len(second["content"]) == 2 and second["number"] == 1
    uuids = {t["uuid"] for t in first["content"] + second["content"]}
    assert uuids == set(seed.LEGACY_TRADING_ACCOUNTS)
    created = [t["created"] for t in first["content"] + second["content"]]
    assert created == sorted(created, reverse=True)


def test_legacy_has_null_balance_item(client):
    items = client.get("/v1/trading-accounts",
                       params={"query": "legacy", "size": 50}).json()["content"]
    null_one = next(t for t in items if t["uuid"] == seed.LEGACY_NULL_BALANCE)
    assert null_one["financeInfo"]["balance"] is None
    assert null_one["financeInfo"]["equity"] is None
    demo = [t for t in items if t["offerUuid"] == seed.OFFER_DEMO_USD]
    assert demo and all(t["financeInfo"]["balance"] == 10000 for t in demo)
    assert all(t["accountType"] == "DEMO" for t in demo)


def test_max_page_size_clamps(sb, client):
    sb.variants.max_page_size = 5
    page = client.get("/v1/trading-accounts", params={"query": "legacy", "size": 100}).json()
    assert page["size"] == 5 and len(page["content"]) == 5 and page["totalPages"] == 3


def test_sort_by_login_ascending(client):
    items = client.get("/v1/trading-accounts", params={"sort": "login,asc",
                                                       "size": 100}).json()["content"]
    logins = [int(t["login"]) for t in items]
    assert logins == sorted(logins) and len(items) == 15


def test_single_trading_account_lookup(client):
    items = client.get("/v1/trading-accounts", params={"query": "Archer"}).json()["content"]
    target = items[0]
    found = client.get("/v1/trading-account", params={"systemUuid": target["systemUuid"],
                                                      "login": target["login"]})
    assert found.status_code == 200 and found.json() == target
    wrong_system = client.get("/v1/trading-account", params={"systemUuid": seed.SYSTEM_MT5,
                                                             "login": target["login"]})
    assert wrong_system.status_code == 404
    assert client.get("/v1/trading-account", params={"login": "1"}).status_code == 400
    assert client.get("/v1/trading-account",
                      params={"systemUuid": seed.SYSTEM_DEMO}).status_code == 400


@pytest.mark.parametrize("shape", ["token", "oneTimeToken"])
def test_one_time_token_json_shapes(sb, client, shape):
    sb.variants.one_time_token_shape = shape
    response = client.post("/v1/one-time-token", json={"email": seed.EMAIL_ANN,
                                                       "validityTime": 30})
    assert response.status_code == 200
    assert list(response.json()) == [shape] and len(response.json()[shape]) > 10


def test_one_time_token_text_shape(sb, client):
    sb.variants.one_time_token_shape = "text"
    response = client.post("/v1/one-time-token", json={"email": seed.EMAIL_ANN,
                                                       "validityTime": 30})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert len(response.text) > 10 and not response.text.startswith("{")


def test_one_time_token_errors(sb, client):
    unknown = client.post("/v1/one-time-token", json={"email": "x@example.org",
                                                      "validityTime": 30})
    assert unknown.status_code == 404
    bad = client.post("/v1/one-time-token", json={"email": seed.EMAIL_ANN, "validityTime": -1})
    assert bad.status_code == 400
    sb.variants.one_time_token_forbidden = True
    forbidden = client.post("/v1/one-time-token", json={"email": seed.EMAIL_ANN,
                                                        "validityTime": 30})
    assert forbidden.status_code == 403 and forbidden.json()["title"] == "Forbidden"
