"""The accounts list: cards a trader can trade from, state-true messages, the last list shown
through a Broker-API outage, one-step opening; stays correct on every portal worker."""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from e2e.checks import problems_at_both_sizes
from e2e.pages import AccountsPage, NewAccountPage, RegisterPage
from e2e.support import DEMO_OFFER, LIVE_OFFER, sign_up

LOADS = 6  # gunicorn -w 2 hands each connection to either worker; 6 loads reach both


@pytest.mark.destructive
def test_new_account_is_listed_on_every_load(page: Page):
    """After opening an account, every load of the list shows it, whichever worker answers."""
    register, accounts = RegisterPage(page), AccountsPage(page)
    register.open()
    register.register(f"e2e-{uuid.uuid4().hex[:12]}@example.com", "Lee", "Lister",
                      "E2e-Passw0rd", offer_name="Demo Standard USD")
    for _ in range(LOADS):
        accounts.open()
        expect(accounts.account_cards()).to_have_count(1)

    accounts.open_another()
    NewAccountPage(page).choose("Live Standard USD")
    expect(page.get_by_role("status")).to_contain_text("is ready")
    for _ in range(LOADS):
        accounts.open()
        expect(accounts.account_cards()).to_have_count(2)


@pytest.mark.destructive
def test_cards_group_live_first_and_each_can_be_copied_traded_and_funded(
        page: Page, platform_url: str):
    """Live and demo in groups with totals; each card: login to copy, server, Trade, Fund."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_up(page, tag="cards")
    accounts, new = AccountsPage(page), NewAccountPage(page)
    demo_card = accounts.demo_group.get_by_role("article").first
    expect(page.get_by_text("You trade with virtual money on a demo account.")).to_be_visible()
    expect(accounts.fund_link(demo_card)).to_have_count(0)
    accounts.open_live_link(demo_card, "USD").click()
    expect(new.heading).to_be_visible()
    expect(new.demo_group).to_be_visible()
    expect(new.live_group).to_be_visible()
    problems = problems_at_both_sizes(page, "accounts-new-grouped")
    new.choose(LIVE_OFFER)
    expect(accounts.notice).to_contain_text("is ready")
    expect(page.get_by_text("Your live account is open. Fund it to start trading.")).to_be_visible()

    (live_login,) = [card.get_attribute("aria-label").rsplit(" ", 1)[-1]
                     for card in accounts.live_group.get_by_role("article").all()]
    live_card = accounts.card(live_login)
    expect(accounts.live_group).to_contain_text(re.compile(r"Total balance:\s*0\.00 USD"))
    expect(accounts.demo_group).to_contain_text(re.compile(r"Total balance:\s*10,000\.00 USD"))
    box_live, box_demo = (accounts.live_group.bounding_box(), accounts.demo_group.bounding_box())
    assert box_live["y"] < box_demo["y"], "live accounts come first"
    expect(live_card).to_contain_text(re.compile(r"Server\s*MTR Live"))
    expect(live_card).to_contain_text("Use your portal password.")
    expect(accounts.fund_link(live_card)).to_have_attribute("href", re.compile(r"/deposit"))
    problems += problems_at_both_sizes(page, "accounts-cards")

    accounts.copy_button(live_card).click()
    expect(live_card.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == live_login

    trade = accounts.trade_button(live_card)
    expect(trade).to_have_text(f"Trade (log in as {live_login})")
    trade.click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(platform_url)}/\?auth=[^&]+"))
    assert not problems, "\n".join(problems)


@pytest.mark.destructive
def test_an_outage_shows_the_last_list_with_broker_actions_disabled(page: Page, sandbox_api):
    """Broker-API down: the accounts seen before, "as of", and Trade/Fund/Open greyed out."""
    sign_up(page, LIVE_OFFER, tag="outage")
    accounts = AccountsPage(page)
    for _ in range(LOADS):  # both workers keep their own last list without Redis
        accounts.open()
        expect(accounts.account_cards()).to_have_count(1)
    sandbox_api.post("/_sandbox/faults", json={"kind": "error", "endpoint": "trading_accounts",
                                                "status": 500}).raise_for_status()
    try:
        accounts.open()
        expect(accounts.stale_note).to_be_visible()
        expect(accounts.stale_note).to_contain_text("As of")
        card = accounts.login_cards().first
        expect(accounts.trade_button(card)).to_be_disabled()
        expect(accounts.fund_link(card)).to_have_count(0)
        expect(card.get_by_text("Fund", exact=True)).to_have_attribute("aria-disabled", "true")
        expect(accounts.open_another_link).to_have_count(0)
        problems = problems_at_both_sizes(page, "accounts-outage")
    finally:
        sandbox_api.delete("/_sandbox/faults")
    assert not problems, "\n".join(problems)


@pytest.mark.destructive
def test_accounts_in_polish(page: Page):
    """The cards, groups and buttons in Polish."""
    sign_up(page, DEMO_OFFER, tag="polish")
    page.goto("/accounts?lang=pl")
    expect(page.get_by_role("heading", name="Moje konta handlowe", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="Konta demo")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Handluj \(zaloguj się jako \d+\)$"))
           ).to_be_visible()
    expect(page.get_by_role("link", name="Otwórz konto live w USD")).to_be_visible()
    expect(page.get_by_text("Użyj hasła do portalu.")).to_be_visible()
    problems = problems_at_both_sizes(page, "accounts-pl")
    page.goto("/accounts?lang=en")
    assert not problems, "\n".join(problems)
