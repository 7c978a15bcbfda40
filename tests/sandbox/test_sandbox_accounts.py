"""Accounts: create, lookups, search, patch and change-password, with their variants."""

import pytest

from sandbox import seed

BASE = {"email": "fresh@example.org", "password": "Secret-Pass1",
        "personalDetails": {"firstname": "Fay", "lastname": "Fresh"}}


def test_create_returns_account_with_one_time_token(sb, client):
    body = dict(BASE, clientType="PROFESSIONAL",
                accountConfiguration={"branchUuid": seed.BRANCH_DEFAULT,
                                      "roleUuid": seed.ROLE_USER,
                                      "ibParentTradingAccountUuid": "ib-parent-1"},
                leadDetails={"source": "portal"},
                contactDetails={"phoneNumber": "+4912345"})
    response = client.post("/v1/accounts", json=body)
    assert response.status_code == 200
    account = response.json()
    assert account["email"] == "fresh@example.org"
    assert account["verificationStatus"] == "NEW"
    assert account["type"] == "PROFESSIONAL"
    assert account["oneTimeToken"]
    assert account["created"] == account["updated"]
    config = account["accountConfiguration"]
    assert config["branchUuid"] == seed.BRANCH_DEFAULT
    assert config["roleUuid"] == seed.ROLE_USER
    assert config["ibParentTradingAccountUuid"] == "ib-parent-1"
    assert account["leadDetails"]["source"] == "portal"
    assert account["contactDetails"]["phoneNumber"] == "+4912345"
    assert "password" not in account and "_password" not in account
    assert sb.password_of(account["uuid"]) == "Secret-Pass1"
    fetched = client.get(f"/v1/accounts/by-uuid/{account['uuid']}").json()
    assert fetched["email"] == "fresh@example.org"
    assert "oneTimeToken" not in fetched


def test_create_defaults_type_retail_and_keeps_email_case(client):
    account = client.post("/v1/accounts", json=dict(BASE, email="Mixed.Case@Example.org")).json()
    assert account["type"] == "RETAIL"
    assert account["email"] == "Mixed.Case@Example.org"


@pytest.mark.parametrize("drop", ["email", "password", "personalDetails",
                                  "personalDetails.firstname", "personalDetails.lastname"])
def test_create_missing_required_field_is_400(client, drop):
    body = {"email": BASE["email"], "password": BASE["password"],
            "personalDetails": dict(BASE["personalDetails"])}
    if "." in drop:
        del body["personalDetails"][drop.split(".")[1]]
    else:
        del body[drop]
    response = client.post("/v1/accounts", json=body)
    assert response.status_code == 400
    assert drop in response.json()["detail"]


def test_create_malformed_json_is_400(client):
    response = client.post("/v1/accounts", content=b"{not json",
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_create_with_unknown_offer_is_422_and_creates_nothing(client):
    response = client.post("/v1/accounts", json=dict(BASE, offerUuid="no-such-offer"))
    assert response.status_code == 422
    assert client.get("/v1/accounts/by-email/fresh@example.org").status_code == 404


def test_create_with_offer_creates_first_trading_account(client):
    account = client.post("/v1/accounts", json=dict(BASE, offerUuid=seed.OFFER_DEMO_EUR)).json()
    page = client.get("/v1/trading-accounts", params={"query": "fresh@example.org"}).json()
    assert page["totalElements"] == 1
    item = page["content"][0]
    assert item["accountInfo"] == {"uuid": account["uuid"], "email": "fresh@example.org"}
    assert item["offerUuid"] == seed.OFFER_DEMO_EUR
    assert item["financeInfo"]["balance"] == 5000 and item["financeInfo"]["currency"] == "EUR"


@pytest.mark.parametrize("status", [400, 409, 422])
def test_duplicate_email_status_variant(sb, client, status):
    sb.variants.duplicate_email_status = status
    response = client.post("/v1/accounts", json=dict(BASE, email="ANN@example.com"))
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"status", "title", "detail", "path", "timestamp"}
    assert body["status"] == status and "already exists" in body["detail"]


@pytest.mark.parametrize("password", ["short1A", "alllowercase1", "ALLUPPER1", "NoDigitsHere"])
def test_password_rule_v2_rejects_weak(client, password):
    response = client.post("/v1/accounts", json=dict(BASE, password=password))
    assert response.status_code == 400


def test_password_rule_none_accepts_weak(sb, client):
    sb.variants.password_rule = "none"
    assert client.post("/v1/accounts", json=dict(BASE, password="abc")).status_code == 200


def test_empty_strings_rejected_by_default_naming_field(client):
    body = dict(BASE, addressDetails={"city": "Paris", "postCode": ""})
    response = client.post("/v1/accounts", json=body)
    assert response.status_code == 400
    assert "addressDetails.postCode" in response.json()["detail"]


def test_empty_strings_accepted_variant(sb, client):
    sb.variants.empty_strings = "accept"
    body = dict(BASE, offerUuid="", addressDetails={"city": "Paris", "postCode": ""})
    response = client.post("/v1/accounts", json=body)
    assert response.status_code == 200
    assert response.json()["addressDetails"]["postCode"] == ""


def test_by_email_is_case_insensitive_and_url_decoded(client):
    response = client.get("/v1/accounts/by-email/legacy.trader%40example.com")
    assert response.status_code == 200
    assert response.json()["uuid"] == seed.ACCOUNT_LEGACY
    assert response.json()["email"] == seed.EMAIL_LEGACY


def test_by_email_exact_variant(sb, client):
    sb.variants.email_lookup = "exact"
    assert client.get("/v1/accounts/by-email/legacy.trader@example.com").status_code == 404
    assert client.get(f"/v1/accounts/by-email/{seed.EMAIL_LEGACY}").status_code == 200


def test_plus_sign_in_email_survives(client, new_account):
    new_account(email="a+tag@example.org")
    response = client.get("/v1/accounts/by-email/a%2Btag%40example.org")
    assert response.status_code == 200 and response.json()["email"] == "a+tag@example.org"


def test_not_found_404_and_empty200_variants(sb, client):
    missing = client.get("/v1/accounts/by-email/nobody@example.org")
    assert missing.status_code == 404 and missing.json()["status"] == 404
    assert client.get("/v1/accounts/by-uuid/no-such-uuid").status_code == 404
    sb.variants.not_found = "empty200"
    for path in ("/v1/accounts/by-email/nobody@example.org", "/v1/accounts/by-uuid/nope"):
        response = client.get(path)
        assert response.status_code == 200 and response.json() == {}


def test_search_accounts_substring_and_paging(client):
    page = client.get("/v1/accounts", params={"query": "ann"}).json()
    assert {a["email"] for a in page["content"]} == {seed.EMAIL_ANN, seed.EMAIL_JOANN}
    assert page["totalElements"] == 2 and page["number"] == 0 and page["size"] == 10
    by_country = client.get("/v1/accounts", params={"query": "gb"}).json()
    assert [a["uuid"] for a in by_country["content"]] == [seed.ACCOUNT_ANN]
    second = client.get("/v1/accounts", params={"size": 2, "page": 1}).json()
    assert second["totalPages"] == 2 and len(second["content"]) == 1
    assert second["content"][0]["uuid"] == seed.ACCOUNT_LEGACY


def test_search_accounts_bad_paging_is_400(client):
    assert client.get("/v1/accounts", params={"page": "x"}).status_code == 400
    assert client.get("/v1/accounts", params={"size": 0}).status_code == 400
    assert client.get("/v1/accounts", params={"sort": "shoeSize,asc"}).status_code == 400


def test_patch_merge_keeps_unsent_keys(client):
    response = client.patch(f"/v1/accounts/{seed.ACCOUNT_LEGACY}",
                            json={"personalDetails": {"firstname": "Lara"},
                                  "clientType": "EXPERIENCED"})
    assert response.status_code == 200
    account = response.json()
    assert account["personalDetails"]["firstname"] == "Lara"
    assert account["personalDetails"]["lastname"] == "Legacy"
    assert account["addressDetails"]["city"] == "Berlin"
    assert account["type"] == "EXPERIENCED"
    assert account["updated"] > "2023-05-01T08:30:00.000Z"


def test_patch_replace_variant_drops_unsent_keys(sb, client):
    sb.variants.patch_nested = "replace"
    account = client.patch(f"/v1/accounts/{seed.ACCOUNT_LEGACY}",
                           json={"personalDetails": {"firstname": "Lara"}}).json()
    assert account["personalDetails"]["firstname"] == "Lara"
    assert account["personalDetails"]["lastname"] is None
    assert account["addressDetails"]["city"] == "Berlin"


def test_patch_lead_status_and_manager_mapping(client):
    account = client.patch(f"/v1/accounts/{seed.ACCOUNT_ANN}", json={
        "leadDetails": {"leadStatusUuid": "status-2"},
        "accountConfiguration": {"accountManagerUuid": "manager-9"},
        "verificationStatus": "PENDING_VERIFICATION"}).json()
    assert account["leadDetails"]["statusUuid"] == "status-2"
    assert account["accountConfiguration"]["accountManager"]["uuid"] == "manager-9"
    assert account["verificationStatus"] == "PENDING_VERIFICATION"


def test_patch_errors(client):
    assert client.patch("/v1/accounts/nope", json={}).status_code == 404
    bad_enum = client.patch(f"/v1/accounts/{seed.ACCOUNT_ANN}",
                            json={"verificationStatus": "GREAT"})
    assert bad_enum.status_code == 400
    bad_type = client.patch(f"/v1/accounts/{seed.ACCOUNT_ANN}", json={"personalDetails": "x"})
    assert bad_type.status_code == 400
    taken = client.patch(f"/v1/accounts/{seed.ACCOUNT_ANN}", json={"email": "JOANN@example.com"})
    assert taken.status_code == 422


def test_change_password_reaches_broker(sb, client):
    response = client.post("/v1/change-password",
                           json={"accountUuid": seed.ACCOUNT_ANN, "newPassword": "Brand-New9"})
    assert response.status_code == 204 and response.content == b""
    assert sb.password_of(seed.ACCOUNT_ANN) == "Brand-New9"


def test_change_password_errors(sb, client):
    unknown = client.post("/v1/change-password",
                          json={"accountUuid": "nope", "newPassword": "Brand-New9"})
    assert unknown.status_code == 404
    weak = client.post("/v1/change-password",
                       json={"accountUuid": seed.ACCOUNT_ANN, "newPassword": "weak"})
    assert weak.status_code == 400
    missing = client.post("/v1/change-password", json={"accountUuid": seed.ACCOUNT_ANN})
    assert missing.status_code == 400
    assert sb.password_of(seed.ACCOUNT_ANN) == seed.SEED_PASSWORD
