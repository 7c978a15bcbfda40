"""The accounts page says and offers what the trader has: no account, only one awaiting
approval, only demo, live unfunded, live funded; and it keeps showing the last list seen while
the broker cannot be read."""
from __future__ import annotations

import re
import time

import pytest

from sandbox import seed

from .test_accounts import card_key, confirm, logins


@pytest.fixture(autouse=True)
def fresh_lists(app):
    app.config["ACCOUNTS_CACHE_TTL"] = 0  # each page reads the broker's list as it is now


def account_of(sb, email):
    return next(a for a in sb.store.data["accounts"].values() if a["email"] == email)


def trading_accounts(sb, email):
    uuid = account_of(sb, email)["uuid"]
    return [t for t in sb.store.data["tradingAccounts"].values() if t["accountUuid"] == uuid]


def accounts_page(client):
    return client.get("/accounts").get_data(as_text=True)


def open_live(client, offer=seed.OFFER_LIVE_USD):
    return confirm(client, offer, card_key(client, offer)).get_data(as_text=True)


def test_no_trading_account_says_so_and_offers_no_platform(app, trader, sb, client):
    trader.register(email="none@example.com")
    for item in trading_accounts(sb, "none@example.com"):
        del sb.store.data["tradingAccounts"][item["uuid"]]
    html = accounts_page(client)
    assert "You have no trading accounts yet. Open one to start trading." in html
    assert "These are your trading accounts" not in html
    assert "Open platform" not in html and "Start trading" not in html
    assert ">Open an account<" in html and not logins(html)


def test_sign_up_awaiting_approval_never_says_ready_or_start_trading(app, trader, sb, client):
    app.config["APPROVAL_NOTE"] = "We approve new accounts within one business day."
    html = trader.register(email="pending-only@example.com",
                           offer=seed.OFFER_APPROVAL).get_data(as_text=True)
    assert "Welcome! Your account is ready." not in html
    assert "your trading account is awaiting our team&#39;s approval" in html
    assert "Start trading" not in html and "Open platform" not in html
    assert "Your trading account is awaiting our team's approval." in html
    assert "We approve new accounts within one business day." in html


def test_awaiting_approval_without_a_note_gets_a_neutral_sentence(app, trader, client):
    trader.register(email="pending-plain@example.com", offer=seed.OFFER_APPROVAL)
    assert "its login appears here once it is approved" in accounts_page(client)


def test_only_demo_is_told_so_and_offered_live_in_its_currency(app, trader, client):
    html = trader.register(email="demo-only@example.com").get_data(as_text=True)
    assert "Welcome! Your account is ready." in html and "Start trading" in html
    assert "You trade with virtual money on a demo account." in html
    (login,) = logins(html)
    assert f"Trade (log in as {login})" in html and ">Fund<" not in html
    live = seed.OFFER_LIVE_USD  # the live USD offer that opens at once, not the verified-only one
    assert f'href="/accounts/new?offer={live}#offer-{live}">Open live in USD<' in html
    assert f'id="offer-{live}"' in client.get(f"/accounts/new?offer={live}").get_data(
        as_text=True)
    assert "Use your portal password." in html and "Match-Trader web" in html


def test_live_unfunded_is_asked_to_fund_with_its_login_in_the_link(app, trader, client):
    app.config["DEPOSIT_URL"] = "https://pay.example/fund?account={login}"
    trader.register(email="unfunded@example.com", offer=seed.OFFER_LIVE_USD)
    html = accounts_page(client)
    (login,) = logins(html)
    assert "Your live account is open. Fund it to start trading." in html
    assert f'href="https://pay.example/fund?account={login}"' in html


def test_live_funded_sees_its_accounts_grouped_live_first_with_totals(app, trader, sb, client):
    trader.register(email="funded@example.com")  # a demo account with 10,000 USD
    open_live(client)
    open_live(client, seed.OFFER_LIVE_GBP)
    for item in trading_accounts(sb, "funded@example.com"):
        if item["offerUuid"] == seed.OFFER_LIVE_USD:
            item["financeInfo"]["balance"] = item["financeInfo"]["equity"] = 250.5
    html = accounts_page(client)
    assert "These are your trading accounts." in html and "Fund it to start" not in html
    assert html.index("Live accounts") < html.index("Demo accounts")
    live, demo = html.split("Demo accounts", 1)
    assert "250.50 USD" in live and "0.00 GBP" in live and "10,000.00 USD" in demo
    assert len(logins(live)) == 2 and len(logins(demo)) == 1


def test_newest_account_comes_first_in_its_group(app, trader, client):
    trader.register(email="newest@example.com", offer=seed.OFFER_LIVE_USD)
    first = logins(accounts_page(client))[0]
    second = logins(open_live(client))[0]
    assert logins(accounts_page(client)) == [second, first]


def test_verification_required_links_to_the_identity_check(app, trader, client):
    app.config["KYC_URL"] = "https://kyc.example/start"
    trader.register(email="verify@example.com", offer=seed.OFFER_VERIFY)
    html = accounts_page(client)
    assert "Verification required" in html
    assert re.search(r'href="https://kyc.example/start">Verify identity<', html)


def test_broker_outage_shows_the_last_list_seen_with_broker_actions_disabled(
        app, trader, sb, client):
    trader.register(email="outage@example.com")
    open_live(client)
    before = logins(accounts_page(client))
    sb.faults.add("error", endpoint="trading_accounts", status=500)
    response = client.get("/accounts")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and logins(html) == before
    assert "live balances unavailable" in html and "As of " in html
    assert 'href="/accounts/new"' not in html and 'href="https://pay.example/deposit"' not in html
    assert html.count("disabled aria-describedby=\"stale-note\"") == 2  # both Trade buttons
    assert html.count('aria-disabled="true"') == 2  # Open another account, Fund


def test_an_outage_page_is_as_of_the_last_answer_of_the_broker_not_the_last_view(
        app, trader, sb, client, monkeypatch):
    from datetime import datetime, timezone

    from portal.services import account_cards

    class Clock(datetime):
        at = datetime(2026, 12, 6, 9, 0, tzinfo=timezone.utc)

        @classmethod
        def now(cls, tz=None):
            return cls.at

    monkeypatch.setattr(account_cards, "datetime", Clock)
    app.config["ACCOUNTS_CACHE_TTL"] = 1.5
    trader.register(email="as-of@example.com")  # the broker's list, read at 9:00
    Clock.at = datetime(2026, 12, 6, 9, 5, tzinfo=timezone.utc)
    assert "live balances unavailable" not in accounts_page(client)  # the list kept at 9:00
    time.sleep(1.6)  # the kept list expires
    sb.faults.add("error", endpoint="trading_accounts", status=500)
    html = accounts_page(client)
    assert "live balances unavailable" in html
    assert "9:00" in html and "9:05" not in html


def test_log_out_on_every_device_is_on_the_profile_not_the_accounts_page(trader, client):
    trader.register(email="sessions@example.com")
    assert "Log out on every device" not in accounts_page(client)
    assert "Log out on every device" in client.get("/profile").get_data(as_text=True)


def test_trade_without_a_token_says_which_login_to_pick(app, trader, sb, client):
    html = trader.register(email="pick@example.com").get_data(as_text=True)
    (login,) = logins(html)
    client.post("/platform")  # spends the sign-up's own token
    sb.variants.one_time_token_forbidden = True
    page = client.post("/platform", data={"login": login}).get_data(as_text=True)
    assert f"Then choose the trading account with login {login}." in page
