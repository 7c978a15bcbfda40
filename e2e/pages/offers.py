"""The public offer catalogue at /offers."""
from __future__ import annotations

from playwright.sync_api import Locator, Page


class OffersPage:
    """Offer cards, one article per visible offer."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Choose an offer", level=1)
        self.main = page.get_by_role("main")

    def open(self) -> None:
        """Go to /offers."""
        self.page.goto("/offers")

    def cards(self) -> Locator:
        """All offer cards."""
        return self.main.get_by_role("article")

    def card(self, offer_name: str) -> Locator:
        """The card of one offer, by its name."""
        return self.main.get_by_role("article", name=offer_name, exact=True)
