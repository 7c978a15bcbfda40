"""Answer variants: page size, by-email not found, change-password, offers envelope, one-time
token, forbidden roles/branches and loose JSON, as a client sees them."""

import httpx
import pytest

import sandbox
from sandbox import seed

ERROR_KEYS = {"status", "title", "detail", "path", "timestamp"}


def _legacy_page(client, **params):
    """A page of the legacy owner's trading accounts."""
    return client.get("/v1/trading-accounts", params={"query": "legacy", **params})


# --- page size -----------------------------------------------------------------------------

def test_default_max_page_size_is_1000(sb, client):
    assert sb.variants.max_page_size == 1000
    page = _legacy_page(client, size=5000).json()
    assert page["size"] == 1000 and len(page["content"]) == 12 and page["totalPages"] == 1
    accounts = client.get("/v1/accounts", params={"size": 1001}).json()
    assert accounts["size"] == 1000


def test_max_page_size_none_is_unlimited(sb, client):
    sb.variants.max_page_size = None
    assert _legacy_page(client, size=5000).json()["size"] == 5000


def test_page_size_over_max_reject(sb, client):
    sb.variants.page_size_over_max = "reject"
    response = _legacy_page(client, size=1001)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["detail"] == "Parameter 'size' must be at most 1000"
    assert _legacy_page(client, size=1000).status_code == 200
    sb.variants.max_page_size = 5
    refused = client.get("/v1/accounts", params={"size": 6})
    assert refused.status_code == 400
    assert refused.json()["detail"] == "Parameter 'size' must be at most 5"


def test_page_size_variants_are_validated(sb):
    with pytest.raises(ValueError):
        sb.variants.update({"page_size_over_max": "truncate"})
    with pytest.raises(ValueError):
        sb.variants.update({"max_page_size": "0"})
    sb.variants.update({"max_page_size": "50", "page_size_over_max": "reject"})
    assert sb.variants.max_page_size == 50 and sb.variants.page_size_over_max == "reject"


# --- by-email not found --------------------------------------------------------------------

@pytest.mark.parametrize("status", [404, 400, 422])
def test_email_not_found_status(sb, client, status):
    sb.variants.email_not_found_status = status
    response = client.get("/v1/accounts/by-email/nobody@example.org")
    assert response.status_code == status
    body = response.json()
    assert set(body) == ERROR_KEYS and body["status"] == status
    assert "nobody@example.org" in body["detail"]


def test_email_not_found_200_answers_empty_object(sb, client):
    sb.variants.email_not_found_status = 200
    response = client.get("/v1/accounts/by-email/nobody@example.org")
    assert response.status_code == 200 and response.json() == {}


def test_email_not_found_status_leaves_other_lookups_alone(sb, client):
    sb.variants.email_not_found_status = 400
    assert client.get("/v1/accounts/by-uuid/missing").status_code == 404
    found = client.get(f"/v1/accounts/by-email/{seed.EMAIL_ANN}")
    assert found.status_code == 200 and found.json()["uuid"] == seed.ACCOUNT_ANN


def test_not_found_empty200_still_covers_by_email(sb, client):
    sb.variants.not_found = "empty200"
    response = client.get("/v1/accounts/by-email/nobody@example.org")
    assert response.status_code == 200 and response.json() == {}
    assert client.get("/v1/accounts/by-uuid/missing").json() == {}


def test_email_not_found_status_is_validated(sb, client):
    with pytest.raises(ValueError):
        sb.variants.update({"email_not_found_status": "418"})
    assert client.put("/_sandbox/variants",
                      json={"email_not_found_status": 410}).status_code == 400
    sb.variants.update({"email_not_found_status": "422"})
    assert sb.variants.email_not_found_status == 422


# --- change-password answer ----------------------------------------------------------------

def _change_password(client):
    return client.post("/v1/change-password", json={"accountUuid": seed.ACCOUNT_ANN,
                                                    "newPassword": "Changed-Pass1"})


def test_change_password_default_204(sb, client):
    response = _change_password(client)
    assert response.status_code == 204 and response.content == b""
    assert sb.password_of(seed.ACCOUNT_ANN) == "Changed-Pass1"


def test_change_password_200_text(sb, client):
    sb.variants.change_password_answer = "200text"
    response = _change_password(client)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "Password changed"
    assert sb.password_of(seed.ACCOUNT_ANN) == "Changed-Pass1"


def test_change_password_200_json(sb, client):
    sb.variants.change_password_answer = "200json"
    response = _change_password(client)
    assert response.status_code == 200 and response.json() == {}
    assert sb.password_of(seed.ACCOUNT_ANN) == "Changed-Pass1"


def test_change_password_answer_is_validated(sb):
    with pytest.raises(ValueError):
        sb.variants.update({"change_password_answer": "201"})


# --- offers envelope -----------------------------------------------------------------------

def test_offers_envelope_list(sb, client):
    sb.variants.offers_envelope = "list"
    body = client.get("/v1/offers").json()
    assert isinstance(body, list) and len(body) == 8
    assert {o["uuid"] for o in body} >= {seed.OFFER_DEMO_USD, seed.OFFER_LIVE_USD}


def test_offers_envelope_default_object(client):
    body = client.get("/v1/offers").json()
    assert list(body) == ["offers"] and len(body["offers"]) == 8


# --- one-time token ------------------------------------------------------------------------

def _token(client):
    return client.post("/v1/one-time-token", json={"email": seed.EMAIL_ANN, "validityTime": 30})


@pytest.mark.parametrize("status", [400, 403, 404, 429, 500, 503])
def test_one_time_token_status(sb, client, status):
    sb.variants.one_time_token_status = status
    response = _token(client)
    assert response.status_code == status
    body = response.json()
    assert set(body) == ERROR_KEYS and body["status"] == status
    assert body["path"] == "/v1/one-time-token"


def test_one_time_token_status_403_reads_access_denied(sb, client):
    sb.variants.one_time_token_status = 403
    assert _token(client).json()["detail"] == "Access denied"


def test_one_time_token_forbidden_still_means_403(sb, client):
    sb.variants.one_time_token_forbidden = True
    response = _token(client)
    assert response.status_code == 403 and response.json()["detail"] == "Access denied"


def test_one_time_token_status_is_validated(sb):
    for bad in ("302", "200", "600", "x"):
        with pytest.raises(ValueError):
            sb.variants.update({"one_time_token_status": bad})
    sb.variants.update({"one_time_token_status": "0"})
    assert sb.variants.one_time_token_status == 0


def test_one_time_token_unreadable_shape(sb, client):
    sb.variants.one_time_token_shape = "unreadable"
    response = _token(client)
    assert response.status_code == 200 and response.json() == {"status": "OK"}


# --- roles and branches forbidden ----------------------------------------------------------

@pytest.mark.parametrize("name", ["roles", "branches"])
def test_roles_and_branches_forbidden(sb, client, name):
    setattr(sb.variants, f"{name}_forbidden", True)
    response = client.get(f"/v1/{name}")
    assert response.status_code == 403
    body = response.json()
    assert set(body) == ERROR_KEYS and body["detail"] == "Access denied"
    other = "branches" if name == "roles" else "roles"
    assert client.get(f"/v1/{other}").status_code == 200


# --- loose JSON ----------------------------------------------------------------------------

@pytest.fixture
def loose(sb):
    sb.variants.loose_json = True
    return sb


def test_loose_offers(loose, client):
    offers = {o["uuid"]: o for o in client.get("/v1/offers").json()["offers"]}
    demo = offers[seed.OFFER_DEMO_USD]
    assert demo["leverage"] == "100" and demo["initialDeposit"] == "10000"
    assert demo["demo"] == "true" and demo["hidden"] == "false"
    assert demo["verificationRequired"] == "false"
    assert demo["tradingAccountAutoCreation"] == "true"
    assert demo["system"]["demo"] == "true"
    assert offers[seed.OFFER_DEMO_EUR]["system"]["demo"] == "false"
    assert offers[seed.OFFER_HIDDEN]["hidden"] == "true"
    assert offers[seed.OFFER_APPROVAL]["tradingAccountAutoCreation"] == "false"
    assert demo["name"] == "Demo Standard USD" and demo["branch"]["name"] == "Default"


def test_loose_offers_as_list(loose, client):
    loose.variants.offers_envelope = "list"
    body = client.get("/v1/offers").json()
    assert isinstance(body, list) and all(o["demo"] in ("true", "false") for o in body)


def test_loose_trading_accounts_page(loose, client):
    page = _legacy_page(client, size=50).json()
    assert [page[k] for k in ("totalPages", "totalElements", "number", "size")] == [None] * 4
    assert page["content"][-1] is None
    items = page["content"][:-1]
    assert len(items) == 12
    for item in items:
        assert isinstance(item["login"], int)
        assert item["leverage"] == "100" or item["leverage"] == "200"
    null_one = next(t for t in items if t["uuid"] == seed.LEGACY_NULL_BALANCE)
    assert null_one["financeInfo"]["balance"] is None
    demo = next(t for t in items if t["offerUuid"] == seed.OFFER_DEMO_USD)
    finance = demo["financeInfo"]
    assert finance["balance"] == "10000.00" and finance["equity"] == "10000.00"
    assert finance["credit"] == "0.00" and finance["currency"] == "USD"


def test_loose_single_trading_account(loose, client):
    first = _legacy_page(client).json()["content"][0]
    single = client.get("/v1/trading-account", params={"systemUuid": first["systemUuid"],
                                                       "login": str(first["login"])}).json()
    assert single["login"] == first["login"] and isinstance(single["login"], int)
    assert isinstance(single["leverage"], str)
    assert all(isinstance(single["financeInfo"][k], (str, type(None)))
               for k in ("balance", "equity", "credit", "margin", "freeMargin"))


def test_loose_created_trading_account(loose, client):
    created = client.post(f"/v1/accounts/{seed.ACCOUNT_ANN}/trading-accounts",
                          json={"offerUuid": seed.OFFER_LIVE_USD}).json()
    assert isinstance(created["login"], int)
    pending = client.post(f"/v1/accounts/{seed.ACCOUNT_ANN}/trading-accounts",
                          json={"offerUuid": seed.OFFER_APPROVAL}).json()
    assert pending["login"] == ""


def test_loose_accounts(loose, client):
    page = client.get("/v1/accounts", params={"query": "example.com"}).json()
    assert page["totalElements"] is None and page["size"] is None
    assert page["content"][-1] is None
    emails = {a["email"] for a in page["content"][:-1]}
    assert seed.EMAIL_ANN in emails
    by_email = client.get(f"/v1/accounts/by-email/{seed.EMAIL_ANN}").json()
    by_uuid = client.get(f"/v1/accounts/by-uuid/{seed.ACCOUNT_ANN}").json()
    assert by_email == by_uuid and by_email["uuid"] == seed.ACCOUNT_ANN


def test_loose_json_off_keeps_tidy_types(client):
    page = _legacy_page(client).json()
    assert page["size"] == 10 and None not in page["content"]
    assert isinstance(page["content"][0]["login"], str)
    assert isinstance(page["content"][0]["leverage"], int)


# --- setting the new variants from outside -------------------------------------------------

def test_new_variants_from_env_and_control_api(sb, client):
    env = {"SANDBOX_VARIANTS": "auth_scheme=bearer,max_page_size=200,page_size_over_max=reject,"
                               "email_not_found_status=400,change_password_answer=200json,"
                               "loose_json=true,offers_envelope=list,one_time_token_status=503,"
                               "roles_forbidden=yes,branches_forbidden=1"}
    built = sandbox.create_sandbox(env=env)
    values = built.variants.as_dict()
    assert values["auth_scheme"] == "bearer" and values["max_page_size"] == 200
    assert values["page_size_over_max"] == "reject" and values["email_not_found_status"] == 400
    assert values["change_password_answer"] == "200json" and values["loose_json"] is True
    assert values["offers_envelope"] == "list" and values["one_time_token_status"] == 503
    assert values["roles_forbidden"] is True and values["branches_forbidden"] is True
    with httpx.Client(base_url="http://sandbox", transport=built.transport(),
                      headers={"Authorization": "Bearer sandbox-token"}) as http:
        assert http.get("/v1/roles").status_code == 403
    response = client.put("/_sandbox/variants", json={"loose_json": True,
                                                      "offers_envelope": "list"})
    assert response.status_code == 200 and response.json()["loose_json"] is True
    assert sb.variants.offers_envelope == "list"
    assert client.put("/_sandbox/variants",
                      json={"offers_envelope": "dict"}).status_code == 400
