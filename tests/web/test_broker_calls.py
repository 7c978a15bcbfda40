"""Broker-API calls per page stay few (500 a minute per token), as the sandbox counts them."""
from __future__ import annotations

import re

import pytest

from portal.brokerapi.paging import MAX_PAGES
from sandbox import seed
from tests.support import Trader, make_app


def logins(response) -> list[str]:
    return re.findall(r'class="card-title">Login (\w+)', response.get_data(as_text=True))


def test_a_sign_up_costs_at_most_two_calls_from_submit_to_the_accounts_page(trader, sb):
    trader.register("first.trader@example.com")  # resolves role and branch, warms the offers
    trader.logout()
    sb.reset_calls()
    page = trader.register("second.trader@example.com")
    assert page.status_code == 200 and len(logins(page)) == 1
    assert sb.call_count() <= 2, sb.calls
    assert sb.call_count("create_account") == 1


def test_a_warm_offers_page_costs_no_call(client, sb):
    assert client.get("/offers").status_code == 200
    sb.reset_calls()
    for _ in range(3):
        assert client.get("/offers").status_code == 200
    assert sb.call_count() == 0


def test_the_accounts_page_right_after_sign_up_is_served_from_the_cache(trader, sb):
    trader.register()
    sb.reset_calls()
    page = trader.client.get("/accounts")
    assert len(logins(page)) == 1
    assert sb.call_count() == 0


def test_an_uncached_accounts_page_costs_one_call(sb, tmp_path):
    app = make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}", ACCOUNTS_CACHE_TTL=0)
    trader = Trader(app.test_client(), sb)
    trader.register()
    sb.reset_calls()
    for _ in range(2):
        assert len(logins(trader.client.get("/accounts"))) == 1
    assert sb.call_count() == 2 and sb.call_count("trading_accounts") == 2
    app.extensions["broker"].close()


def _sixty_others_containing(sb, email: str) -> None:
    """Sixty other clients whose emails contain the trader's, each with a trading account."""
    import httpx

    with httpx.Client(base_url="http://sandbox.test", transport=sb.transport(),
                      headers={"Authorization": "sandbox-token",
                               "Content-Type": "application/json"}) as http:
        for number in range(60):
            response = http.post("/v1/accounts", json={
                "email": f"{number}.{email}", "password": "Sunny-Day42",
                "offerUuid": seed.OFFER_DEMO_USD,
                "personalDetails": {"firstname": "Other", "lastname": "Client"}})
            assert response.status_code == 200, response.text


@pytest.mark.parametrize("max_page_size, bound", [(1000, 1), (10, MAX_PAGES)])
def test_other_clients_matching_the_trader_email_cost_a_fixed_number_of_calls(
        sb, tmp_path, caplog, max_page_size, bound):
    """The free-text search finds 61 clients; the page size and the page cap bound its cost."""
    app = make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}", ACCOUNTS_CACHE_TTL=0)
    trader = Trader(app.test_client(), sb)
    _sixty_others_containing(sb, "nora@example.com")
    trader.register("nora@example.com")
    sb.variants.max_page_size = max_page_size
    for _ in range(3):
        sb.reset_calls()
        page = trader.client.get("/accounts")
        assert page.status_code == 200 and len(logins(page)) == 1
        assert sb.call_count() == bound, sb.calls
    if bound == MAX_PAGES:
        assert "the list may be incomplete" in caplog.text
    app.extensions["broker"].close()


def test_a_trader_refreshing_the_accounts_page_reaches_the_broker_once_per_cache_period(
        trader, sb):
    _sixty_others_containing(sb, "new.trader@example.com")
    trader.register()
    sb.reset_calls()
    for _ in range(10):
        assert len(logins(trader.client.get("/accounts"))) == 1
    assert sb.call_count("trading_accounts") <= 1
