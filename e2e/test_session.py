"""Logging out, a lost session, logging out everywhere, and traders never seeing each other."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.pages import AccountsPage, Header, LoginPage, PlatformPage, ProfilePage
from e2e.support import LIVE_OFFER, log_in, sign_up

pytestmark = pytest.mark.destructive

LOGIN_WITH_NEXT = re.compile(r"/login\?next=%2F")


def test_logout_ends_the_session_and_protected_pages_ask_to_log_in(page: Page):
    """After "Log out" the header offers "Log in" and /accounts redirects to the login page."""
    sign_up(page, tag="logout")
    header = Header(page)
    header.logout()
    expect(page.get_by_role("status")).to_have_text("You have been logged out.")
    expect(header.log_in_link).to_be_visible()
    expect(header.log_out_button).to_have_count(0)

    AccountsPage(page).open()
    expect(page).to_have_url(re.compile(r"/login\?next=%2Faccounts$"))
    expect(LoginPage(page).heading).to_be_visible()


def test_lost_session_cookie_sends_the_trader_to_log_in_and_back(page: Page):
    """Without the session cookie /profile asks to log in, then returns to /profile."""
    trader = sign_up(page, tag="expired")
    page.context.clear_cookies()
    ProfilePage(page).open()
    login = LoginPage(page)
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fprofile$"))
    expect(login.notice).to_have_text("Please log in to see that page.")
    login.login(trader.email, trader.password)
    expect(page).to_have_url(re.compile(r"/profile$"))
    expect(ProfilePage(page).heading).to_be_visible()


def test_log_out_on_every_device_ends_the_other_browsers_session(page: Page, new_context):
    """The same trader in two browsers: "Log out on every device" in one ends the other."""
    trader = sign_up(page, tag="everywhere")
    other = new_context().new_page()
    log_in(other, trader)

    profile = ProfilePage(page)
    profile.open()
    profile.log_out_everywhere()
    expect(page.get_by_role("status")).to_have_text("You have been logged out on every device.")
    AccountsPage(other).open()
    expect(other).to_have_url(LOGIN_WITH_NEXT)


def test_traders_never_see_each_others_accounts(page: Page, new_context, platform_url):
    """Two traders in two browsers: lists, profile, deep links and the platform stay their own."""
    ann = sign_up(page, tag="ann", first="Ann")
    bob_page = new_context().new_page()
    bob = sign_up(bob_page, LIVE_OFFER, tag="bob", first="Bob")
    ann_accounts, bob_accounts = AccountsPage(page), AccountsPage(bob_page)
    (ann_login,), (bob_login,) = ann_accounts.logins(), bob_accounts.logins()

    page.goto(f"/accounts?login={bob_login}")
    bob_page.goto(f"/accounts?login={ann_login}")
    expect(ann_accounts.login_cards()).to_have_count(1)
    expect(bob_accounts.login_cards()).to_have_count(1)
    expect(ann_accounts.card(bob_login)).to_have_count(0)
    expect(bob_accounts.card(ann_login)).to_have_count(0)
    expect(bob_accounts.main).not_to_contain_text(ann.email)

    ProfilePage(bob_page).open()
    expect(ProfilePage(bob_page).main).to_contain_text(bob.email)
    expect(ProfilePage(bob_page).main).not_to_contain_text(ann.email)

    Header(bob_page).open_platform()
    expect(bob_page).to_have_url(re.compile(rf"^{re.escape(platform_url)}/\?auth="))
    expect(PlatformPage(bob_page).logged_in_as(bob.email)).to_be_visible()
