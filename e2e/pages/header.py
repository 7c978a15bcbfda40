"""The site header shown on every page."""
from __future__ import annotations

from playwright.sync_api import Page


class Header:
    """Main navigation: log in/out, my accounts, profile, open platform."""

    def __init__(self, page: Page):
        self.page = page
        self.menu = page.locator("details.site-menu")
        self.menu_button = self.menu.locator("summary")
        self.nav = page.get_by_role("navigation", name="Main")
        self.offers_link = self.nav.get_by_role("link", name="Offers", exact=True)
        self.log_in_link = self.nav.get_by_role("link", name="Log in", exact=True)
        self.open_account_link = self.nav.get_by_role("link", name="Open an account", exact=True)
        self.my_accounts_link = self.nav.get_by_role("link", name="My accounts", exact=True)
        self.profile_link = self.nav.get_by_role("link", name="Profile", exact=True)
        self.log_out_button = self.nav.get_by_role("button", name="Log out", exact=True)
        self.open_platform_button = self.nav.get_by_role("button", name="Open platform", exact=True)

    def open_menu(self) -> None:
        """On a phone, open the "Menu"; on a wide screen the menu is always shown."""
        if self.menu_button.is_visible() and self.menu.get_attribute("open") is None:
            self.menu_button.click()

    def logout(self) -> None:
        """Log out with the header button."""
        self.open_menu()
        self.log_out_button.click()

    def open_platform(self) -> None:
        """Press "Open platform" in the header."""
        self.open_menu()
        self.open_platform_button.click()

    def go_to_my_accounts(self) -> None:
        """Follow the "My accounts" link."""
        self.open_menu()
        self.my_accounts_link.click()

    def go_to_profile(self) -> None:
        """Follow the "Profile" link."""
        self.open_menu()
        self.profile_link.click()
