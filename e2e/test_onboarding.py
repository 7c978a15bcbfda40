"""Signing up: demo and live offers, an offer awaiting approval, a sign-up the worker finishes."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.checks import problems_at_both_sizes
from e2e.pages import AccountsPage, DevMailPage, LoginPage, PlatformPage, RegisterPage
from e2e.support import (APPROVAL_OFFER, DEMO_OFFER, LIVE_OFFER, Trader, reload_until_visible,
                         sign_up, unique_email)

pytestmark = pytest.mark.destructive

WELCOME = "Welcome: your trading account details"


def test_sign_up_with_a_demo_offer_lists_the_funded_account_and_starts_trading(
        page: Page, platform_url: str):
    """A demo sign-up lands on the list with one funded demo account; "Start trading" logs in."""
    trader = sign_up(page, DEMO_OFFER, tag="demo")
    accounts = AccountsPage(page)
    expect(accounts.notice).to_have_text("Welcome! Your account is ready.")
    expect(accounts.account_cards()).to_have_count(1)
    card = accounts.account_cards().first
    expect(accounts.card_title(card)).to_contain_text(re.compile(r"Login \d+"))
    expect(card).to_contain_text(DEMO_OFFER)
    expect(card).to_contain_text(re.compile(r"Type\s*Demo\b"))
    expect(card).to_contain_text(re.compile(r"Balance\s*10,000\.00"))

    accounts.start_trading()
    expect(page).to_have_url(re.compile(rf"^{re.escape(platform_url)}/\?auth="))
    expect(PlatformPage(page).logged_in_as(trader.email)).to_be_visible()


def test_sign_up_with_a_live_offer_lists_the_account_with_a_fund_link(page: Page, local):
    """A live sign-up shows a Live account at 0.00 with "Fund" pointing at the broker."""
    sign_up(page, LIVE_OFFER, tag="live")
    accounts = AccountsPage(page)
    card = accounts.account_cards().first
    expect(accounts.account_cards()).to_have_count(1)
    expect(card).to_contain_text(re.compile(r"Type\s*Live\b"))
    expect(card).to_contain_text(re.compile(r"Balance\s*0\.00"))
    expect(card.get_by_role("link", name="Fund")).to_have_attribute(
        "href", f"{local.sandbox_url}/deposit")


def test_offer_awaiting_approval_shows_its_login_once_the_broker_approves(page: Page,
                                                                          sandbox_api):
    """An approval offer shows "Awaiting approval"; once approved, a reload shows the login."""
    trader = sign_up(page, APPROVAL_OFFER, tag="approval")
    accounts = AccountsPage(page)
    expect(accounts.awaiting_approval_cards()).to_have_count(1)
    expect(accounts.awaiting_approval_cards()).to_contain_text("Awaiting approval")
    expect(accounts.login_cards()).to_have_count(0)

    account = sandbox_api.get(f"/v1/accounts/by-email/{trader.email}").json()
    approved = sandbox_api.post("/_sandbox/approve", json={"accountUuid": account["uuid"]})
    assert len(approved.json()["approved"]) == 1

    page.reload()
    expect(accounts.login_cards()).to_have_count(1)
    expect(accounts.login_cards()).to_contain_text(APPROVAL_OFFER)
    expect(accounts.awaiting_approval_cards()).to_have_count(0)


def test_sign_up_parked_while_the_broker_is_busy_is_finished_by_the_worker(
        page: Page, sandbox_api, worker_process):
    """Broker-API answers 429: the trader is told it is being finished; the worker mails them."""
    sandbox_api.post("/_sandbox/faults", json={"kind": "rate_limit", "endpoint": "create_account",
                                                "times": 1, "retry_after": 60}).raise_for_status()
    trader = Trader(email=unique_email("parked"))
    register = RegisterPage(page)
    try:
        register.open()
        register.register(trader.email, trader.first, trader.last, trader.password,
                          offer_name=DEMO_OFFER)
        expect(page.get_by_role("heading", name="We are finishing your account")).to_be_visible()
    finally:
        sandbox_api.delete("/_sandbox/faults")
    problems = problems_at_both_sizes(page, "register-pending")
    assert not problems, "\n".join(problems)

    mail = DevMailPage(page)
    mail.open()
    reload_until_visible(page, mail.messages(trader.email, WELCOME))
    assert worker_process.poll() is None, "the worker process has stopped"
    mail.follow(trader.email, WELCOME, "/accounts")
    login = LoginPage(page)
    login.login(trader.email, trader.password)
    accounts = AccountsPage(page)
    expect(accounts.account_cards()).to_have_count(1)
    expect(accounts.account_cards()).to_contain_text(DEMO_OFFER)


def test_duplicate_email_is_refused_next_to_the_field_with_the_ways_back_in(page: Page):
    """Signing up again with a registered email (any case) says so and links log in and reset."""
    trader = sign_up(page, tag="dup")
    page.context.clear_cookies()
    register = RegisterPage(page)
    register.open()
    register.register(trader.email.upper(), "Second", "Try", "Other-Passw0rd",
                      offer_name=LIVE_OFFER)
    expect(register.email).to_have_accessible_description(
        re.compile("This email is already registered"))
    expect(register.alert).to_contain_text("This email is already registered with us.")
    expect(register.alert.get_by_role("link", name="Log in")).to_be_visible()
    expect(register.alert.get_by_role("link", name="Forgot password?")).to_be_visible()
    expect(register.email).to_have_value(trader.email.upper())
    expect(register.first_name).to_have_value("Second")
    expect(register.last_name).to_have_value("Try")
    expect(register.offer(LIVE_OFFER)).to_be_checked()
    expect(register.password).to_have_value("")

    register.alert.get_by_role("link", name="Forgot password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
