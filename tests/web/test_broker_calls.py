"""Broker-API calls per page stay few (500 a minute per token), as the sandbox counts them."""
from __future__ import annotations

import re

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
