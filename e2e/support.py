"""Helpers the scenarios share: unique traders, signing up and in, waiting on the server."""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

from e2e.pages import AccountsPage, LoginPage, RegisterPage

PASSWORD = "E2e-Passw0rd"
DEMO_OFFER = "Demo Standard USD"
LIVE_OFFER = "Live Standard USD"
APPROVAL_OFFER = "Live Pro USD (Manual Approval)"


def unique_email(tag: str = "trader") -> str:
    """A fresh address, so tests never share a trader."""
    return f"e2e-{tag}-{uuid.uuid4().hex[:10]}@example.com"


@dataclass
class Trader:
    """A trader the test signed up: what they typed."""

    email: str
    password: str = PASSWORD
    first: str = "Erin"
    last: str = "Tester"


def sign_up(page: Page, offer_name: str = DEMO_OFFER, tag: str = "trader",
            first: str = "Erin", last: str = "Tester") -> Trader:
    """Register a new trader through /register and wait for their accounts list."""
    trader = Trader(email=unique_email(tag), first=first, last=last)
    register = RegisterPage(page)
    register.open()
    register.register(trader.email, trader.first, trader.last, trader.password,
                      offer_name=offer_name)
    expect(AccountsPage(page).heading).to_be_visible()
    return trader


def log_in(page: Page, trader: Trader) -> None:
    """Log in through /login and wait for the accounts list."""
    login = LoginPage(page)
    login.open()
    login.login(trader.email, trader.password)
    expect(AccountsPage(page).heading).to_be_visible()


def reload_until_visible(page: Page, locator: Locator, timeout: float = 15.0) -> None:
    """Reload until `locator` shows, for state another process changes (worker, broker).

    Each round auto-waits on the page for a second; no fixed sleeps.
    """
    deadline = time.monotonic() + timeout
    while True:
        page.reload()
        try:
            expect(locator).to_be_visible(timeout=1_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
