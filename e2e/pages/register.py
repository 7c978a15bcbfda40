"""The sign-up page at /register."""
from __future__ import annotations

from urllib.parse import urlencode

from playwright.sync_api import Page

from ._offer import offer_radio


class RegisterPage:
    """Sign-up form: personal details, password, optional details, offer, terms."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Open an account", level=1)
        self.email = page.get_by_label("Email", exact=True)
        self.first_name = page.get_by_label("First name", exact=True)
        self.last_name = page.get_by_label("Last name", exact=True)
        self.password = page.get_by_label("Password", exact=True)
        self.show_password = page.get_by_role("button", name="Show password")
        self.hide_password = page.get_by_role("button", name="Hide password")
        self.checklist = page.locator(".password-checklist")
        self.opening = page.locator(".opening-summary")
        self.change_offer = self.opening.get_by_role("link", name="change")
        self.campaign_headline = page.locator(".campaign-headline")
        self.more_details = page.get_by_text("More details (optional)", exact=True)
        self.country = page.get_by_label("Country (optional)")
        self.phone = page.get_by_label("Phone (optional)")
        self.offers = page.get_by_role("group", name="Offer")
        self.terms = page.get_by_role("checkbox", name="I accept the terms and conditions")
        self.marketing = page.get_by_role("checkbox", name="Send me news and offers by email")
        self.submit = page.get_by_role("button", name="Create account")
        self.alert = page.get_by_role("alert")
        self.log_in_link = page.get_by_role("main").get_by_role("link", name="Log in").first
        self.forgot_link = page.get_by_role("main").get_by_role("link", name="Forgot password?")

    def open(self, offer: str | None = None) -> None:
        """Go to /register, optionally with ?offer=<uuid or slug> preselected."""
        self.page.goto("/register" + (f"?{urlencode({'offer': offer})}" if offer else ""))

    def offer(self, offer_name: str):
        """The radio button of an offer, by the name its label starts with."""
        return offer_radio(self.page, offer_name)

    def rule(self, text: str):
        """One line of the password checklist, by its text."""
        return self.checklist.get_by_role("listitem").filter(has_text=text)

    def fill(self, email: str = "", first: str = "", last: str = "", password: str = "",
             offer_name: str | None = None, accept_terms: bool = True,
             phone: str | None = None) -> None:
        """Fill in the form without sending it."""
        self.email.fill(email)
        self.first_name.fill(first)
        self.last_name.fill(last)
        self.password.fill(password)
        if phone is not None:
            self.show_more_details()
            self.phone.fill(phone)
        if offer_name is not None:
            self.offer(offer_name).check()
        self.terms.set_checked(accept_terms)

    def show_more_details(self) -> None:
        """Open "More details (optional)" unless it is open."""
        if not self.phone.is_visible():
            self.more_details.click()

    def send(self) -> None:
        """Press "Create account"."""
        self.submit.click()

    def register(self, email: str, first: str, last: str, password: str,
                 offer_name: str | None = None, accept_terms: bool = True) -> None:
        """Fill in the form and press "Create account"."""
        self.fill(email, first, last, password, offer_name, accept_terms)
        self.send()
