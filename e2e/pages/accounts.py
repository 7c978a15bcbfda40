"""The trader's accounts list and opening another account in one step."""
from __future__ import annotations

import re

from playwright.sync_api import Locator, Page



class AccountsPage:
    """"My trading accounts" at /accounts."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="My trading accounts", level=1)
        self.main = page.get_by_role("main")
        self.open_another_link = page.get_by_role("link", name="Open another account")
        self.start_trading_button = page.get_by_role("button", name="Start trading")
        self.notice = self.main.get_by_role("status")
        self.live_group = page.get_by_role("region", name="Live accounts")
        self.demo_group = page.get_by_role("region", name="Demo accounts")
        self.stale_note = self.main.get_by_text("live balances unavailable")

    def open(self) -> None:
        """Go to /accounts."""
        self.page.goto("/accounts")

    def open_another(self) -> None:
        """Follow "Open another account"."""
        self.open_another_link.click()

    def start_trading(self) -> None:
        """Press "Start trading" (shown right after sign-up)."""
        self.start_trading_button.click()

    def account_cards(self) -> Locator:
        """One card per trading account, awaiting approval ones included."""
        return self.page.get_by_role("article", name=re.compile(r"^Trading account "))

    def card(self, login: str) -> Locator:
        """The card of one trading account, by its login."""
        return self.page.get_by_role("article", name=f"Trading account {login}", exact=True)

    def awaiting_approval_cards(self) -> Locator:
        """Cards of accounts the broker has not approved yet (no login)."""
        return self.page.get_by_role("article", name="Trading account awaiting approval",
                                     exact=True)

    def login_cards(self) -> Locator:
        """Cards of accounts that have a login."""
        return self.page.get_by_role("article", name=re.compile(r"^Trading account \d+$"))

    def logins(self) -> list[str]:
        """The logins listed, once at least one card with a login shows."""
        self.login_cards().first.wait_for()
        return [card.get_attribute("aria-label").rsplit(" ", 1)[-1]
                for card in self.login_cards().all()]

    @staticmethod
    def card_title(card: Locator) -> Locator:
        """The heading of a card ("Login 100001")."""
        return card.get_by_role("heading")

    @staticmethod
    def trade_button(card: Locator) -> Locator:
        """A card's own "Trade (log in as <login>)" button."""
        return card.get_by_role("button", name=re.compile(r"^Trade \(log in as \d+\)$"))

    @staticmethod
    def copy_button(card: Locator) -> Locator:
        """A card's "Copy login" button (shown only where JavaScript can copy)."""
        return card.get_by_role("button", name="Copy login")

    @staticmethod
    def fund_link(card: Locator) -> Locator:
        """A live card's "Fund" button, a link to the broker's deposit page."""
        return card.get_by_role("link", name="Fund")

    @staticmethod
    def open_live_link(card: Locator, currency: str) -> Locator:
        """A demo card's "Open live in <currency>"."""
        return card.get_by_role("link", name=f"Open live in {currency}")


class NewAccountPage:
    """"Open another account" at /accounts/new: each offer card opens its account at once."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Open another account", level=1)
        self.demo_group = page.get_by_role("region", name="Demo accounts")
        self.live_group = page.get_by_role("region", name="Live accounts")
        self.alert = page.get_by_role("alert")

    def open(self, offer: str | None = None) -> None:
        """Go to /accounts/new, optionally with ?offer=<uuid>."""
        self.page.goto("/accounts/new" + (f"?offer={offer}" if offer else ""))

    def offer(self, offer_name: str) -> Locator:
        """The card of an offer, by its exact name."""
        return self.page.get_by_role("article", name=offer_name, exact=True)

    def open_button(self, offer_name: str) -> Locator:
        """The offer card's own "Open this account" button."""
        return self.offer(offer_name).get_by_role("button", name="Open this account")

    def choose(self, offer_name: str) -> None:
        """Press "Open this account" on the offer's card: the account opens at once."""
        self.open_button(offer_name).click()


class ConfirmAccountPage:
    """"Confirm your new account": kept for links from before one-step opening."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Confirm your new account", level=1)
        self.open_button = page.get_by_role("button", name="Open this account")

    def confirm(self) -> None:
        """Press "Open this account"."""
        self.open_button.click()
