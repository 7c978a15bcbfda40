"""Marketing pages: an offer's own page and the cookie consent banner."""
from __future__ import annotations

from playwright.sync_api import Page


class OfferDetailPage:
    """One offer at /offers/<slug>, with its "Open an account" button."""

    def __init__(self, page: Page):
        self.page = page
        self.main = page.get_by_role("main")
        self.open_account_link = self.main.get_by_role("link", name="Open an account")

    def open(self, slug: str, query: str = "") -> None:
        """Go to /offers/<slug>, optionally with a query string."""
        self.page.goto(f"/offers/{slug}" + (f"?{query}" if query else ""))

    def heading(self, offer_name: str):
        """The page's level-1 heading, the offer name."""
        return self.page.get_by_role("heading", name=offer_name, level=1)

    def open_account(self) -> None:
        """Follow "Open an account"."""
        self.open_account_link.click()


class ConsentBanner:
    """The cookie banner shown until the visitor accepts or declines."""

    def __init__(self, page: Page):
        self.page = page
        self.region = page.get_by_role("complementary", name="Cookies")
        self.accept_button = self.region.get_by_role("button", name="Accept")
        self.decline_button = self.region.get_by_role("button", name="Decline")

    def accept(self) -> None:
        """Press "Accept"."""
        self.accept_button.click()

    def decline(self) -> None:
        """Press "Decline"."""
        self.decline_button.click()


class CookieChoicesPage:
    """/consent: the cookie question with its own form, where the banner leads without
    JavaScript and where an earlier answer is changed (linked from every page's footer)."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Cookie choices", level=1)
        self.main = page.get_by_role("main")
        self.accept_button = self.main.get_by_role("button", name="Accept")
        self.decline_button = self.main.get_by_role("button", name="Decline")

    def open_from_footer(self) -> None:
        """Follow "Cookie choices" in the footer."""
        self.page.get_by_role("contentinfo").get_by_role("link", name="Cookie choices").click()
