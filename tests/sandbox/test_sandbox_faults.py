"""Fault injection (in-process), call counting and the rate limit."""

import time

import httpx
import pytest

import sandbox
from sandbox import seed

NEW = {"email": "faulty@example.org", "password": "Secret-Pass1",
       "personalDetails": {"firstname": "Fe", "lastname": "Ault"}}


def _exists(sb, email):
    """Whether the store holds an account with this email."""
    with sb.store.lock:
        return sb.store.account_by_email(email) is not None


@pytest.mark.parametrize("status", [500, 502, 503])
def test_error_fault_answers_status_without_work(sb, client, status):
    sb.faults.add("error", endpoint="create_account", status=status)
    response = client.post("/v1/accounts", json=NEW)
    assert response.status_code == status
    assert response.json()["status"] == status and response.json()["path"] == "/v1/accounts"
    assert not _exists(sb, NEW["email"])
    assert client.get("/v1/offers").status_code == 200


def test_fault_times_and_method_filter(sb, client):
    rule = sb.faults.add("error", method="GET", times=2)
    assert client.post("/v1/accounts", json=NEW).status_code == 200
    assert [client.get("/v1/roles").status_code for _ in range(3)] == [500, 500, 200]
    assert rule.fired == 2


def test_fault_share_is_deterministic_per_seed(sb, client):
    def run():
        sb.faults.clear()
        sb.faults.reseed(7)
        sb.faults.add("error", share=0.5)
        return [client.get("/v1/roles").status_code for _ in range(20)]
    first = run()
    assert 0 < first.count(500) < 20
    assert run() == first


def test_timeout_fault_raises_read_timeout_without_work(sb, client):
    sb.faults.add("timeout", endpoint="create_account")
    with pytest.raises(httpx.ReadTimeout):
        client.post("/v1/accounts", json=NEW)
    assert not _exists(sb, NEW["email"])


def test_reset_fault_raises_read_error_without_work(sb, client):
    sb.faults.add("reset", endpoint="change_password", times=1)
    with pytest.raises(httpx.ReadError):
        client.post("/v1/change-password",
                    json={"accountUuid": seed.ACCOUNT_ANN, "newPassword": "Other-Pass2"})
    assert sb.password_of(seed.ACCOUNT_ANN) == seed.SEED_PASSWORD


def test_commit_then_fail_error_stores_the_write(sb, client):
    sb.faults.add("commit_then_fail", endpoint="create_account", times=1)
    response = client.post("/v1/accounts", json=NEW)
    assert response.status_code == 500
    assert _exists(sb, NEW["email"])
    assert client.post("/v1/accounts", json=NEW).status_code == 422


def test_commit_then_fail_timeout_stores_the_write(sb, client):
    sb.faults.add("commit_then_fail", endpoint="change_password", then="timeout")
    with pytest.raises(httpx.ReadTimeout):
        client.post("/v1/change-password",
                    json={"accountUuid": seed.ACCOUNT_ANN, "newPassword": "Other-Pass2"})
    assert sb.password_of(seed.ACCOUNT_ANN) == "Other-Pass2"


def test_latency_fault_delays_in_process(sb, client):
    sb.faults.add("latency", latency_ms=120, endpoint="offers")
    started = time.monotonic()
    assert client.get("/v1/offers").status_code == 200
    assert time.monotonic() - started >= 0.11
    started = time.monotonic()
    client.get("/v1/roles")
    assert time.monotonic() - started < 0.1


def test_rate_limit_fault_retry_after(sb, client):
    sb.faults.add("rate_limit", times=1, retry_after=7)
    limited = client.get("/v1/offers")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "7"
    sb.faults.add("rate_limit", times=1)
    assert client.get("/v1/offers").headers["Retry-After"] == "1"
    sb.variants.retry_after = False
    sb.faults.add("rate_limit", times=1)
    limited = client.get("/v1/offers")
    assert limited.status_code == 429 and "Retry-After" not in limited.headers


def test_faults_never_hit_control_routes(sb, client):
    sb.faults.add("error")
    assert client.get("/_sandbox/state").status_code == 200
    assert client.get("/service-info").status_code == 500


def test_unknown_fault_kind_rejected(sb):
    with pytest.raises(ValueError):
        sb.faults.add("explode")
    with pytest.raises(ValueError):
        sb.faults.add("commit_then_fail", then="reset")


def test_calls_are_counted_per_endpoint(sb, client):
    client.get("/v1/offers")
    client.get("/v1/offers")
    client.post("/v1/accounts", json=NEW)
    client.get("/_sandbox/state")
    assert sb.call_count() == 3
    assert sb.call_count("offers") == 2
    assert sb.calls[-1] == ("POST", "create_account")
    sb.reset_calls()
    assert sb.call_count() == 0 and sb.calls == []


def test_rate_limit_variant_with_retry_after(sb, client):
    sb.variants.rate_limit_per_minute = 3
    statuses = [client.get("/v1/roles").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/v1/roles")
    assert limited.json()["status"] == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert client.get("/_sandbox/state").status_code == 200


def test_rate_limit_variant_without_retry_after(sb, client):
    sb.variants.rate_limit_per_minute = 1
    sb.variants.retry_after = False
    client.get("/v1/roles")
    limited = client.get("/v1/roles")
    assert limited.status_code == 429 and "Retry-After" not in limited.headers


def test_rate_limit_window_slides(sb, client):
    sb.rate_limiter.window = 0.2
    sb.variants.rate_limit_per_minute = 1
    assert client.get("/v1/roles").status_code == 200
    assert client.get("/v1/roles").status_code == 429
    time.sleep(0.25)
    assert client.get("/v1/roles").status_code == 200


def test_env_faults_and_variants():
    env = {"SANDBOX_TOKEN": "env-token", "SANDBOX_FAULTS": "latency_ms=5;error_share=1.0",
           "SANDBOX_VARIANTS": "duplicate_email_status=409,retry_after=false,max_page_size=none"}
    sb = sandbox.create_sandbox(env=env)
    assert sb.variants.duplicate_email_status == 409 and sb.variants.retry_after is False
    assert sb.variants.max_page_size is None
    assert [r.kind for r in sb.faults.rules] == ["latency", "error"]
    with httpx.Client(base_url="http://sandbox", transport=sb.transport(),
                      headers={"Authorization": "Bearer env-token"}) as http:
        assert http.get("/v1/offers").status_code == 500


def test_env_rejects_bad_settings():
    with pytest.raises(ValueError):
        sandbox.create_sandbox(env={"SANDBOX_VARIANTS": "nonsense=1"})
    with pytest.raises(ValueError):
        sandbox.create_sandbox(env={"SANDBOX_VARIANTS": "not_found=410"})
    with pytest.raises(ValueError):
        sandbox.create_sandbox(env={"SANDBOX_FAULTS": "explosions=3"})
