"""The trader's profile, its edit form and the "My data" page."""
from __future__ import annotations

from playwright.sync_api import Page


class ProfilePage:
    """"My profile" at /profile: verification status and Account details."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="My profile", level=1)
        self.main = page.get_by_role("main")
        self.edit_link = self.main.get_by_role("link", name="Edit details")
        self.my_data_link = self.main.get_by_role("link", name="Download your data or ask us")
        self.log_out_everywhere_button = self.main.get_by_role("button",
                                                               name="Log out on every device")

    def open(self) -> None:
        """Go to /profile."""
        self.page.goto("/profile")

    def edit(self) -> None:
        """Follow "Edit details"."""
        self.edit_link.click()

    def go_to_my_data(self) -> None:
        """Follow the link to "My data"."""
        self.my_data_link.click()

    def log_out_everywhere(self) -> None:
        """Press "Log out on every device"."""
        self.log_out_everywhere_button.click()


class EditProfilePage:
    """"Edit your details" at /profile/edit."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="Edit your details", level=1)
        self.first_name = page.get_by_label("First name", exact=True)
        self.last_name = page.get_by_label("Last name", exact=True)
        self.date_of_birth = page.get_by_label("Date of birth (optional)")
        self.phone = page.get_by_label("Phone (optional)")
        self.city = page.get_by_label("City (optional)")
        self.country = page.get_by_label("Country (optional)")
        self.save_button = page.get_by_role("button", name="Save details")

    def open(self) -> None:
        """Go to /profile/edit."""
        self.page.goto("/profile/edit")

    def save(self, **values: str) -> None:
        """Type the given fields (first_name, phone, city, date_of_birth …) and save."""
        for name, value in values.items():
            getattr(self, name).fill(value)
        self.save_button.click()


class MyDataPage:
    """"My data" at /my-data: download everything, or ask for deletion."""

    def __init__(self, page: Page):
        self.page = page
        self.heading = page.get_by_role("heading", name="My data", level=1)
        self.download_link = page.get_by_role("link", name="Download my data (JSON)")
        self.confirm = page.get_by_role("checkbox", name="I understand, and I ask you to delete")
        self.request_button = page.get_by_role("button", name="Request deletion")
        self.recorded = page.get_by_role("main").get_by_role("status")

    def open(self) -> None:
        """Go to /my-data."""
        self.page.goto("/my-data")

    def request_deletion(self, confirm: bool = True) -> None:
        """Tick (or not) the confirmation and press "Request deletion"."""
        self.confirm.set_checked(confirm)
        self.request_button.click()
