"""The log-in page at /login."""
from __future__ import annotations

from urllib.parse import urlencode

from playwright.sync_api import Page


class LoginPage:
    """Email and password form, with the ways out for a forgotten password or a new trader."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Log in", level=1)
        self.main = page.get_by_role("main")
        self.email = page.get_by_label("Email", exact=True)
        self.password = page.get_by_label("Password", exact=True)
        self.remember = page.get_by_role("checkbox", name="Keep me logged in on this device")
        self.submit = self.main.get_by_role("button", name="Log in", exact=True)
        self.error = page.get_by_role("alert")
        self.notice = page.get_by_role("status")
        self.forgot_link = self.main.get_by_role("link", name="Forgot password?").first
        self.claim_link = self.main.get_by_role("link", name="Set up your portal login")

    def open(self, next_path: str | None = None) -> None:
        """Go to /login, optionally with ?next=<path>."""
        self.page.goto("/login" + (f"?{urlencode({'next': next_path})}" if next_path else ""))

    def login(self, email: str, password: str, remember: bool = False) -> None:
        """Fill in the form and press "Log in"."""
        self.email.fill(email)
        self.password.fill(password)
        self.remember.set_checked(remember)
        self.submit.click()

    def forgot_password(self) -> None:
        """Follow "Forgot password?"."""
        self.forgot_link.click()

    def set_up_portal_login(self) -> None:
        """Follow "Set up your portal login" (claim an Account made elsewhere)."""
        self.claim_link.click()
