"""Self-service pages: forgotten, reset and changed passwords, claiming an Account, mail links."""
from __future__ import annotations

from playwright.sync_api import Page


class ForgotPasswordPage:
    """"Forgot your password?" at /password/forgot: ask for a reset link."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Forgot your password?", level=1)
        self.email = page.get_by_label("Email", exact=True)
        self.submit = page.get_by_role("button", name="Send me a link")

    def open(self) -> None:
        """Go to /password/forgot."""
        self.page.goto("/password/forgot")

    def request_link(self, email: str) -> None:
        """Ask for a reset link for `email`."""
        self.email.fill(email)
        self.submit.click()


class ClaimRequestPage:
    """"Set up your portal login" at /claim: ask for a link for an Account made elsewhere."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Set up your portal login", level=1)
        self.email = page.get_by_label("Email", exact=True)
        self.submit = page.get_by_role("button", name="Send me a link")

    def open(self) -> None:
        """Go to /claim."""
        self.page.goto("/claim")

    def request_link(self, email: str) -> None:
        """Ask for a claim link for `email`."""
        self.email.fill(email)
        self.submit.click()


class CheckInboxPage:
    """"Check your inbox", shown after asking for a link."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Check your inbox", level=1)
        self.status = page.get_by_role("main").get_by_role("status")
        self.local_mailbox_link = page.get_by_role("link", name="Open the local mailbox")

    def open_local_mailbox(self) -> None:
        """Follow "Open the local mailbox" (development only)."""
        self.local_mailbox_link.click()


class _NewPasswordPage:
    """A form with "New password" and "Confirm new password"."""

    button_name = ""

    def __init__(self, page: Page):
        self.page = page
        self.password = page.get_by_label("New password", exact=True)
        self.confirm = page.get_by_label("Confirm new password", exact=True)
        self.submit = page.get_by_role("main").get_by_role("button", name=self.button_name)
        self.alert = page.get_by_role("alert")


class ResetPasswordPage(_NewPasswordPage):
    """"Choose a new password" at /password/reset/<token>."""

    button_name = "Set new password"

    def __init__(self, page: Page):
        super().__init__(page)
        self.heading = page.get_by_role("heading", name="Choose a new password", level=1)

    def choose(self, password: str, confirm: str | None = None) -> None:
        """Type the new password twice and press "Set new password"."""
        self.password.fill(password)
        self.confirm.fill(password if confirm is None else confirm)
        self.submit.click()


class ChangePasswordPage(_NewPasswordPage):
    """"Change password" at /password/change, for a logged-in trader."""

    button_name = "Change password"

    def __init__(self, page: Page):
        super().__init__(page)
        self.heading = page.get_by_role("heading", name="Change password", level=1)
        self.current = page.get_by_label("Current password", exact=True)

    def open(self) -> None:
        """Go to /password/change."""
        self.page.goto("/password/change")

    def change(self, current: str, password: str, confirm: str | None = None) -> None:
        """Type the current password and the new one twice, then press "Change password"."""
        self.current.fill(current)
        self.password.fill(password)
        self.confirm.fill(password if confirm is None else confirm)
        self.submit.click()


class ClaimPage(_NewPasswordPage):
    """"Set up your portal login" at /claim/<token>: choose the password, accept the terms."""

    button_name = "Set password and log in"

    def __init__(self, page: Page):
        super().__init__(page)
        self.heading = page.get_by_role("heading", name="Set up your portal login", level=1)
        self.lead = page.get_by_role("main").get_by_role("paragraph").first
        self.terms = page.get_by_role("checkbox", name="I accept the terms and conditions")

    def claim(self, password: str, confirm: str | None = None, accept_terms: bool = True) -> None:
        """Choose the password, accept the terms and press "Set password and log in"."""
        self.password.fill(password)
        self.confirm.fill(password if confirm is None else confirm)
        self.terms.set_checked(accept_terms)
        self.submit.click()


class LinkProblemPage:
    """The page for an expired, used or broken link from a mail."""

    def __init__(self, page: Page):
        self.page = page
        self.main = page.get_by_role("main")
        self.invalid_heading = page.get_by_role("heading", name="This link is not valid", level=1)
        self.used_heading = page.get_by_role("heading", name="This link has already been used",
                                             level=1)
        self.ask_again_link = self.main.get_by_role("link", name="Ask for a new link")


class ConfirmEmailReminder:
    """The reminder unconfirmed traders see on every page, with "Send the link again"."""

    def __init__(self, page: Page):
        self.page = page
        self.form = page.get_by_role("form", name="Email confirmation")
        self.send_again_button = self.form.get_by_role("button", name="Send the link again")

    def send_again(self) -> None:
        """Press "Send the link again"."""
        self.send_again_button.click()
