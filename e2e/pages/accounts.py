"""The trader's accounts list, choosing an offer for another account, and confirming it."""
from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

from ._offer import offer_radio


class AccountsPage:
    """"My trading accounts" at /accounts."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="My trading accounts", level=1)
        self.main = page.get_by_role("main")
        self.open_another_link = page.get_by_role("link", name="Open another account")
        self.start_trading_button = page.get_by_role("button", name="Start trading")
        self.log_out_everywhere_button = page.get_by_role("button",
                                                          name="Log out on every device")
        self.notice = self.main.get_by_role("status")

    def open(self) -> None:
        """Go to /accounts."""
        self.page.goto("/accounts")

    def open_another(self) -> None:
        """Follow "Open another account"."""
        self.open_another_link.click()

    def start_trading(self) -> None:
        """Press "Start trading" (shown right after sign-up)."""
        self.start_trading_button.click()

    def log_out_everywhere(self) -> None:
        """Press "Log out on every device"."""
        self.log_out_everywhere_button.click()

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


class NewAccountPage:
    """"Open another account" at /accounts/new: choose an offer."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Open another account", level=1)
        self.offers = page.get_by_role("group", name="Offer")
        self.continue_button = page.get_by_role("button", name="Continue")
        self.alert = page.get_by_role("alert")

    def open(self, offer: str | None = None) -> None:
        """Go to /accounts/new, optionally with ?offer=<uuid>."""
        self.page.goto("/accounts/new" + (f"?offer={offer}" if offer else ""))

    def offer(self, offer_name: str) -> Locator:
        """The radio button of an offer, by the name its label starts with."""
        return offer_radio(self.page, offer_name)

    def choose(self, offer_name: str | None) -> None:
        """Pick an offer by name (or none) and press "Continue"."""
        if offer_name is not None:
            self.offer(offer_name).check()
        self.continue_button.click()


class ConfirmAccountPage:
    """"Confirm your new account": the chosen offer and the final button."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Confirm your new account", level=1)
        self.open_button = page.get_by_role("button", name="Open this account")

    def confirm(self) -> None:
        """Press "Open this account"."""
        self.open_button.click()
