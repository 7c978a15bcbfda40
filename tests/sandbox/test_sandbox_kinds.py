"""The two API kinds the sandbox plays (crm-api, broker-api), auth schemes and the call log."""

import httpx
import pytest

import sandbox
from sandbox import __main__ as cli
from sandbox import seed

ERROR_KEYS = {"status", "title", "detail", "path", "timestamp"}
NEW = {"email": "kind@example.org", "password": "Secret-Pass1",
       "personalDetails": {"firstname": "Kim", "lastname": "Kind"}}


def _raw_post(client, path, content, content_type=None):
    """POST raw bytes with the given Content-Type header (or none at all)."""
    headers = {"Content-Type": content_type} if content_type else {}
    request = client.build_request("POST", path, content=content, headers=headers)
    if content_type is None:
        request.headers.pop("Content-Type", None)
    return client.send(request)


# --- choosing the kind ---------------------------------------------------------------------

def test_default_kind_is_crm_api():
    assert sandbox.create_sandbox().kind == "crm-api"


def test_kind_from_argument_then_env():
    assert sandbox.create_sandbox(kind="broker-api").kind == "broker-api"
    assert sandbox.create_sandbox(env={"SANDBOX_KIND": "broker-api"}).kind == "broker-api"
    assert sandbox.create_sandbox(kind="crm-api",
                                  env={"SANDBOX_KIND": "broker-api"}).kind == "crm-api"


@pytest.mark.parametrize("kwargs", [{"kind": "v2"}, {"env": {"SANDBOX_KIND": "Broker-API"}}])
def test_unknown_kind_is_rejected(kwargs):
    with pytest.raises(ValueError):
        sandbox.create_sandbox(**kwargs)


def test_kind_is_a_plain_attribute_switchable_at_run_time(sb, client):
    assert client.get("/service-info").status_code == 404
    sb.kind = "broker-api"
    assert client.get("/service-info").status_code == 200
    sb.kind = "crm-api"
    assert client.get("/service-info").status_code == 404


def test_kind_control_route_and_state(sb, client):
    assert client.get("/_sandbox/state").json()["kind"] == "crm-api"
    response = client.put("/_sandbox/kind", json={"kind": "broker-api"})
    assert response.status_code == 200 and response.json() == {"kind": "broker-api"}
    assert sb.kind == "broker-api"
    assert client.put("/_sandbox/kind", json={"kind": "v2"}).status_code == 400
    assert sb.kind == "broker-api"


def test_banner_names_the_kind(monkeypatch, capsys):
    served = []
    monkeypatch.setattr(cli, "run_simple", lambda host, port, app, **kw: served.append(port))
    monkeypatch.delenv("SANDBOX_KIND", raising=False)
    cli.main(["--port", "9999"])
    monkeypatch.setenv("SANDBOX_KIND", "broker-api")
    cli.main(["--port", "9998"])
    lines = capsys.readouterr().out.splitlines()
    assert "(crm-api)" in lines[0] and "http://127.0.0.1:9999" in lines[0]
    assert "(broker-api)" in lines[1]
    assert served == [9999, 9998]


# --- crm-api -------------------------------------------------------------------------------

def test_crm_api_has_no_service_info(client):
    response = client.get("/service-info")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["status"] == 404 and body["title"] == "Not Found"
    assert body["detail"] == "No endpoint GET /service-info" and body["path"] == "/service-info"
    unknown = client.get("/v1/nothing-here").json()
    assert set(unknown) == set(body) and unknown["detail"].startswith("No endpoint GET ")


def test_crm_api_service_info_still_needs_the_token(client):
    client.headers.pop("Authorization")
    assert client.get("/service-info").status_code == 401


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "application/problem+json"])
def test_crm_api_post_without_json_content_type_is_500(sb, client, content_type):
    response = _raw_post(client, "/v1/accounts", httpx.Request("POST", "/", json=NEW).content,
                         content_type)
    assert response.status_code == 500
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["status"] == 500 and body["title"] == "Internal Server Error"
    assert body["detail"] == "Internal application error" and body["path"] == "/v1/accounts"
    assert sb.store.account_by_email(NEW["email"]) is None


def test_crm_api_checks_the_content_type_before_the_body(client):
    response = _raw_post(client, "/v1/accounts", b"{not json", "text/plain")
    assert response.status_code == 500
    assert response.json()["detail"] == "Internal application error"


def test_crm_api_bodiless_post_without_content_type_is_500(client):
    response = _raw_post(client, "/v1/one-time-token", b"")
    assert response.status_code == 500
    assert response.json()["detail"] == "Internal application error"


def test_crm_api_patch_without_json_content_type_is_500(client):
    request = client.build_request("PATCH", f"/v1/accounts/{seed.ACCOUNT_ANN}",
                                   content=b'{"addressDetails": {"city": "Oslo"}}',
                                   headers={"Content-Type": "text/plain"})
    response = client.send(request)
    assert response.status_code == 500
    assert response.json()["detail"] == "Internal application error"
    fetched = client.get(f"/v1/accounts/by-uuid/{seed.ACCOUNT_ANN}").json()
    assert fetched["addressDetails"]["city"] == "London"


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "Application/JSON;charset=UTF-8"])
def test_crm_api_accepts_json_content_type_with_parameters(client, content_type):
    response = _raw_post(client, "/v1/accounts", httpx.Request("POST", "/", json=NEW).content,
                         content_type)
    assert response.status_code == 200, response.text
    assert response.json()["email"] == NEW["email"]


def test_crm_api_gets_need_no_content_type(client):
    assert client.get("/v1/offers").status_code == 200


# --- broker-api ----------------------------------------------------------------------------

def test_broker_api_serves_service_info(sb, client):
    sb.kind = "broker-api"
    response = client.get("/service-info")
    assert response.status_code == 200
    assert set(response.json()) == {"artifact", "name", "serviceVersion"}


def test_broker_api_does_not_check_the_content_type(sb, client):
    sb.kind = "broker-api"
    response = _raw_post(client, "/v1/accounts", httpx.Request("POST", "/", json=NEW).content,
                         "text/plain")
    assert response.status_code == 200 and response.json()["email"] == NEW["email"]


# --- auth scheme ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["crm-api", "broker-api"])
@pytest.mark.parametrize("scheme, header, status", [
    ("any", "sandbox-token", 200), ("any", "Bearer sandbox-token", 200),
    ("bearer", "Bearer sandbox-token", 200), ("bearer", "bearer sandbox-token", 200),
    ("bearer", "sandbox-token", 401),
    ("raw", "sandbox-token", 200), ("raw", "Bearer sandbox-token", 401),
])
def test_auth_scheme(sb, client, kind, scheme, header, status):
    sb.kind = kind
    sb.variants.auth_scheme = scheme
    response = client.get("/v1/offers", headers={"Authorization": header})
    assert response.status_code == status
    if status == 401:
        assert response.json()["detail"] == "Authentication failed"


def test_auth_scheme_is_validated(sb):
    with pytest.raises(ValueError):
        sb.variants.update({"auth_scheme": "basic"})
    sb.variants.update({"auth_scheme": "bearer"})
    assert sb.variants.auth_scheme == "bearer"


# --- call log ------------------------------------------------------------------------------

def test_refused_requests_are_counted(sb, client):
    client.get("/service-info")
    _raw_post(client, "/v1/accounts", b"{}", "text/plain")
    client.get("/v1/offers", headers={"Authorization": "wrong"})
    client.get("/v2/unknown")
    client.get("/_sandbox/state")
    assert sb.call_count("service_info") == 1
    assert sb.call_count("create_account") == 1
    assert sb.call_count("offers") == 1
    assert sb.call_count("unrouted") == 1
    assert sb.call_count() == 4
    sb.reset_calls()
    assert sb.call_count() == 0


def test_served_service_info_is_counted_in_broker_api(sb, client):
    sb.kind = "broker-api"
    client.get("/service-info")
    assert sb.call_count("service_info") == 1
