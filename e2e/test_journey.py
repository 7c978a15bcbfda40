"""A trader's journey: sign up, open a second account, log out and in, open the platform."""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from e2e.pages import AccountsPage, Header, LoginPage, NewAccountPage, PlatformPage, RegisterPage

PASSWORD = "E2e-Passw0rd"
LOGIN_TITLE = re.compile(r"Login \d+")


@pytest.mark.destructive
def test_register_open_second_account_relogin_and_open_platform(page: Page, platform_url: str):
    """Register with a demo offer, add a live account, log out and in, open the platform."""
    email = f"e2e-{uuid.uuid4().hex[:12]}@example.com"
    accounts, header = AccountsPage(page), Header(page)

    register = RegisterPage(page)
    register.open()
    register.register(email, "Erin", "Tester", PASSWORD, offer_name="Demo Standard USD")
    expect(accounts.heading).to_be_visible()
    expect(accounts.account_cards()).to_have_count(1)
    first = accounts.account_cards().first
    expect(accounts.card_title(first)).to_contain_text(LOGIN_TITLE)
    expect(first).to_contain_text(re.compile(r"Type\s*Demo\b"))
    expect(first).to_contain_text("10,000.00")

    accounts.open_another()
    NewAccountPage(page).choose("Live Standard USD")  # one button: the account opens at once
    expect(page).to_have_url(re.compile(r"/accounts\?login=\d+$"))
    expect(accounts.heading).to_be_visible()
    expect(accounts.notice).to_contain_text("is ready")
    expect(accounts.account_cards()).to_have_count(2)
    expect(accounts.account_cards().filter(has_text="Live Standard USD")).to_have_count(1)

    header.logout()
    expect(header.log_in_link).to_be_visible()
    header.log_in_link.click()
    LoginPage(page).login(email, PASSWORD)
    expect(accounts.heading).to_be_visible()
    expect(accounts.account_cards()).to_have_count(2)

    header.open_platform()
    expect(page).to_have_url(re.compile(rf"^{re.escape(platform_url)}/\?auth=[^&]+"))
    expect(PlatformPage(page).logged_in_as(email)).to_be_visible()
