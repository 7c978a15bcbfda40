"""One broker token sees every client: the portal alone keeps traders apart."""
from __future__ import annotations

import re

import pytest

from tests.support import Trader
from sandbox import seed


@pytest.fixture
def two_traders(app, sb):
    alice = Trader(app.test_client(), sb)
    bob = Trader(app.test_client(), sb)
    alice.register(email="alice@example.com")
    bob.register(email="bob@example.com", offer=seed.OFFER_DEMO_EUR)
    return alice, bob


def login_of(trader):
    return re.findall(r"Login (\d+)", trader.client.get("/accounts").get_data(as_text=True))


def test_traders_see_only_their_own_accounts(two_traders):
    alice, bob = two_traders
    (alice_login,), (bob_login,) = login_of(alice), login_of(bob)
    assert alice_login != bob_login
    html = alice.client.get(f"/accounts?login={bob_login}").get_data(as_text=True)
    assert bob_login not in html and "bob@example.com" not in html


def test_a_request_key_of_another_trader_does_nothing(two_traders, sb):
    alice, bob = two_traders
    page = bob.client.post("/accounts/new", data={"offer": seed.OFFER_LIVE_USD},
                           follow_redirects=True).get_data(as_text=True)
    key = re.search(r'name="key" type="hidden" value="([^"]+)"', page).group(1)
    bob.client.post("/accounts/confirm", data={"offer": seed.OFFER_LIVE_USD, "key": key})
    before = sb.call_count("create_trading_account")
    response = alice.client.post("/accounts/confirm",
                                 data={"offer": seed.OFFER_LIVE_USD, "key": key})
    assert response.status_code == 302 and "key=" not in response.headers["Location"]
    assert sb.call_count("create_trading_account") == before
    assert len(login_of(alice)) == 1


def test_platform_token_is_asked_for_the_logged_in_trader_only(two_traders, sb):
    alice, _ = two_traders
    before = set(sb.store.data["tokens"])
    alice.client.post("/platform")
    alice.client.post("/platform")
    issued = [t for k, t in sb.store.data["tokens"].items() if k not in before]
    assert len(issued) == 1  # the first click spent the sign-up token
    assert issued[0]["email"].lower() == "alice@example.com"
