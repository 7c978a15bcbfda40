"""The home page, error pages and the sandbox's stand-in for the trading platform."""
from __future__ import annotations

from playwright.sync_api import Page


class HomePage:
    """The landing page at /: hero and the offers at a glance."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", level=1)
        self.open_account_link = page.get_by_role("main").get_by_role("link",
                                                                      name="Open an account")
        self.offer_cards = page.get_by_role("region", name="Offers at a glance").get_by_role(
            "article")

    def open(self) -> None:
        """Go to /."""
        self.page.goto("/")


class ErrorPage:
    """An error page in the site layout (404, 400 …)."""

    def __init__(self, page: Page):
        self.page = page
        self.not_found_heading = page.get_by_role("heading", name="Page not found", level=1)
        self.home_link = page.get_by_role("link", name="Go to the home page")


class PlatformPage:
    """The sandbox's stand-in for the web trading platform, reached with a one-time token."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", level=1)

    def logged_in_as(self, email: str):
        """The line saying whom the one-time token logged in."""
        return self.page.get_by_text(f"Logged in as {email}", exact=True)
