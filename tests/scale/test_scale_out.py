"""Two portal instances and a worker act as one portal, sharing only PostgreSQL and Redis."""
from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from portal.services.offers import RECHECK_SECONDS, VERSION_KEY
from sandbox import seed
from tests.scale.cluster import LOGIN_LIMIT, Cluster, form_field

PASSWORD = "Sunny-Day42"


class Visitor:
    """One browser: its own cookie jar, and the CSRF token of each form sent back with it."""

    def __init__(self, base_url: str):
        self.http = httpx.Client(base_url=base_url, timeout=15.0)

    def post_form(self, page: str, data: dict, action: str | None = None) -> httpx.Response:
        html = self.http.get(page).text
        token = form_field(html, "csrf_token")
        return self.http.post(action or page, data={**data, "csrf_token": token})

    def register(self, email: str, offer: str = seed.OFFER_DEMO_USD) -> httpx.Response:
        return self.post_form("/register", {
            "email": email, "first_name": "Nora", "last_name": "Trader", "password": PASSWORD,
            "confirm": PASSWORD, "offer": offer, "terms": "y"})

    def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        return self.post_form("/login", {"email": email, "password": password})

    def open_account(self, offer: str) -> httpx.Response:
        chosen = self.post_form("/accounts/new", {"offer": offer})
        assert chosen.status_code == 303, chosen.text[:500]
        confirm = self.http.get(chosen.headers["Location"])
        assert confirm.status_code == 200, confirm.text[:500]
        return self.http.post("/accounts/confirm", data={
            "csrf_token": form_field(confirm.text, "csrf_token"), "offer": offer,
            "key": form_field(confirm.text, "key")})

    def logins(self) -> list[str]:
        page = self.http.get("/accounts")
        assert page.status_code == 200
        return re.findall(r'class="card-title">Login (\w+)', page.text)


def email() -> str:
    return f"scale.{uuid.uuid4().hex[:10]}@example.com"


def sandbox_calls(cluster: Cluster, endpoint: str) -> int:
    return cluster.sandbox.get("/_sandbox/calls").json()["byEndpoint"].get(endpoint, 0)


def scrape(url: str) -> dict:
    text = httpx.get(f"{url}/metrics", timeout=10.0).text
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_a_trader_registered_on_one_instance_logs_in_and_opens_an_account_on_the_other(cluster):
    address = email()
    first = Visitor(cluster.one)
    registered = first.register(address)
    assert registered.status_code == 302 and "/accounts" in registered.headers["location"]
    [signup_login] = first.logins()

    second = Visitor(cluster.two)
    assert second.login(address).status_code == 302
    assert second.logins() == [signup_login]
    opened = second.open_account(seed.OFFER_LIVE_USD)
    assert opened.status_code == 302, opened.text[:500]
    new_login = re.search(r"login=(\w+)", opened.headers["location"]).group(1)
    assert sorted(first.logins()) == sorted([signup_login, new_login])


def test_login_attempts_count_across_both_instances(cluster):
    address = email()
    visitors = [Visitor(cluster.one), Visitor(cluster.two)]
    for attempt in range(LOGIN_LIMIT):
        answer = visitors[attempt % 2].login(address, "Wrong-Pass1")
        assert answer.status_code == 200, "a wrong password shows the form again"
    assert visitors[LOGIN_LIMIT % 2].login(address, "Wrong-Pass1").status_code == 429
    assert visitors[(LOGIN_LIMIT + 1) % 2].login(address, "Wrong-Pass1").status_code == 429


def test_offers_cached_by_one_instance_save_the_other_its_broker_call(cluster):
    cluster.redis.delete(f"portal:{VERSION_KEY}")
    time.sleep(RECHECK_SECONDS)  # how long an instance trusts the version it last read
    before = sandbox_calls(cluster, "offers")
    assert httpx.get(f"{cluster.one}/offers").status_code == 200
    assert sandbox_calls(cluster, "offers") == before + 1
    assert httpx.get(f"{cluster.two}/offers").status_code == 200
    assert httpx.get(f"{cluster.one}/offers").status_code == 200
    assert sandbox_calls(cluster, "offers") == before + 1


def test_a_sign_up_parked_on_one_instance_is_finished_by_the_worker(cluster):
    address = email()
    cluster.sandbox.post("/_sandbox/faults", json={
        "kind": "error", "endpoint": "create_account", "status": 503, "times": 1})
    try:
        assert Visitor(cluster.two).register(address).status_code == 202
    finally:
        cluster.sandbox.delete("/_sandbox/faults")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        visitor = Visitor(cluster.one)
        if visitor.login(address).status_code == 302:
            break
        time.sleep(0.3)
    else:
        pytest.fail("the worker did not finish the parked sign-up")
    assert len(visitor.logins()) == 1
    # The worker writes its counters beside instance one's; instance two counted the parking.
    assert scrape(cluster.one)[("portal_signups_total", (("state", "done"),))] >= 1
    assert scrape(cluster.two)[("portal_signups_total", (("state", "pending"),))] == 1


def test_both_instances_report_the_same_shared_state(cluster):
    Visitor(cluster.one).http.get("/offers")
    one, two = scrape(cluster.one), scrape(cluster.two)
    shared = [("portal_broker_budget_left", ()),
              ("portal_pending_backlog", (("kind", "signup"),)),
              ("portal_pending_backlog", (("kind", "open_account"),))]
    for key in shared:
        assert one[key] == two[key], key
    assert one[("portal_broker_budget_left", ())] < one[("portal_broker_budget_per_minute", ())]
