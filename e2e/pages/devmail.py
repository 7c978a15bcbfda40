"""The development mailbox at /dev/mail: every mail the portal wrote to its mail folder."""
from __future__ import annotations

from playwright.sync_api import Locator, Page


class DevMailPage:
    """One article per mail, newest first; links in the text are clickable."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Local mailbox", level=1)

    def open(self) -> None:
        """Go to /dev/mail."""
        self.page.goto("/dev/mail")

    def messages(self, to: str, subject: str) -> Locator:
        """The mails to `to` whose subject is `subject`, newest first."""
        return (self.page.get_by_role("article")
                .filter(has=self.page.get_by_role("heading", name=subject, exact=True))
                .filter(has_text=to))

    def link(self, to: str, subject: str, path: str) -> Locator:
        """The link containing `path` (e.g. "/password/reset/") in the newest such mail."""
        return self.messages(to, subject).first.get_by_role("link", name=path)

    def follow(self, to: str, subject: str, path: str) -> None:
        """Open the link containing `path` in the newest mail to `to` with `subject`."""
        self.link(to, subject, path).click()
