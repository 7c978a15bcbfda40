"""Auth, service info, offers, branches, roles and the error body."""

import re
from datetime import datetime, timedelta, timezone

import pytest

from sandbox import seed

RFC3339_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.mark.parametrize("header", ["sandbox-token", "Bearer sandbox-token",
                                    "bearer sandbox-token"])
def test_token_accepted_raw_and_bearer(sb, client, header):
    sb.kind = "broker-api"  # the kind that serves /service-info
    response = client.get("/service-info", headers={"Authorization": header})
    assert response.status_code == 200
    assert set(response.json()) == {"artifact", "name", "serviceVersion"}


@pytest.mark.parametrize("header", [None, "", "wrong", "Bearer wrong"])
def test_missing_or_wrong_token_is_401(client, header):
    headers = {"Authorization": header} if header is not None else {}
    client.headers.pop("Authorization")
    response = client.get("/v1/offers", headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Unauthorized"
    assert body["path"] == "/v1/offers"
    assert RFC3339_MS.match(body["timestamp"])


def test_control_routes_need_token_too(client):
    client.headers.pop("Authorization")
    assert client.get("/_sandbox/state").status_code == 401


def test_unknown_route_is_404_error_body(client):
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"status", "title", "detail", "path", "timestamp"}
    assert body["status"] == 404 and body["path"] == "/v1/nothing-here"


def test_wrong_method_is_405_error_body(client):
    response = client.delete("/v1/offers")
    assert response.status_code == 405
    assert response.json()["status"] == 405


def test_offers_full_objects_sorted_created_desc(client):
    offers = client.get("/v1/offers").json()["offers"]
    assert len(offers) == 8
    created = [o["created"] for o in offers]
    assert created == sorted(created, reverse=True)
    by_uuid = {o["uuid"]: o for o in offers}
    demo_usd = by_uuid[seed.OFFER_DEMO_USD]
    assert demo_usd["demo"] is True and demo_usd["currency"] == "USD"
    assert demo_usd["initialDeposit"] == 10000 and demo_usd["leverage"] == 100
    assert demo_usd["groupName"] == "demo\\usd-std"
    assert demo_usd["branch"]["name"] == "Default"
    assert set(demo_usd["system"]) == {"uuid", "partnerId", "created", "name", "demo",
                                       "active", "systemType"}
    assert set(demo_usd["operation"]) == {"uuid", "name"}


def test_offers_sort_asc(client):
    offers = client.get("/v1/offers", params={"sort": "created,asc"}).json()["offers"]
    created = [o["created"] for o in offers]
    assert created == sorted(created)


def test_offer_flags_cover_the_traps(client):
    by_uuid = {o["uuid"]: o for o in client.get("/v1/offers").json()["offers"]}
    assert by_uuid[seed.OFFER_HIDDEN]["hidden"] is True
    assert by_uuid[seed.OFFER_APPROVAL]["tradingAccountAutoCreation"] is False
    assert by_uuid[seed.OFFER_VERIFY]["verificationRequired"] is True
    assert by_uuid[seed.OFFER_MT5]["system"]["systemType"] == "MT5"
    demo_on_live_system = by_uuid[seed.OFFER_DEMO_EUR]
    assert demo_on_live_system["demo"] is True
    assert demo_on_live_system["system"]["demo"] is False
    visible_demo = [o for o in by_uuid.values() if o["demo"] and not o["hidden"]]
    assert {o["currency"] for o in visible_demo} == {"USD", "EUR"}


def test_branches_and_roles(client):
    branches = client.get("/v1/branches").json()["branches"]
    assert [b["name"] for b in branches] == ["Default"]
    assert branches[0]["uuid"] == seed.BRANCH_DEFAULT
    roles = client.get("/v1/roles").json()["roles"]
    assert {r["name"]: r["uuid"] for r in roles} == {
        "User": seed.ROLE_USER, "IB": seed.ROLE_IB, "Sub_IB": seed.ROLE_SUB_IB}
    assert set(roles[0]) == {"uuid", "partnerId", "created", "name"}


def test_clock_offset_moves_timestamps(sb, client):
    sb.store.clock_offset = timedelta(hours=-5)
    stamp = client.get("/v1/nothing").json()["timestamp"]
    moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    expected = datetime.now(timezone.utc) - timedelta(hours=5)
    assert abs((moment - expected).total_seconds()) < 60
