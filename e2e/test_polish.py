"""A Polish registration: labels, messages and the language sent to the broker."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.pages._offer import offer_radio
from e2e.support import unique_email

pytestmark = pytest.mark.destructive


def test_polish_registration_speaks_polish_and_tells_the_broker(page: Page, sandbox_api):
    """?lang=pl turns the whole form Polish; the Account is created with language "pl"."""
    email = unique_email("polski")
    page.goto("/register?lang=pl")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("heading", name="Otwórz konto", level=1)).to_be_visible()
    page.get_by_role("button", name="Utwórz konto").click()
    expect(page.get_by_text("Podaj swój adres e-mail.").first).to_be_visible()

    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Imię", exact=True).fill("Zofia")
    page.get_by_label("Nazwisko", exact=True).fill("Łęcka")
    page.get_by_label("Hasło", exact=True).fill("Jesienny-Las42")
    offer_radio(page, "Demo Standard USD").check()
    page.get_by_role("checkbox", name="Akceptuję regulamin").check()
    page.get_by_role("button", name="Utwórz konto").click()

    expect(page.get_by_role("heading", name="Moje konta handlowe")).to_be_visible()
    expect(page.get_by_text(re.compile(r"10\s000,00")).first).to_be_visible()
    account = sandbox_api.get(f"/v1/accounts/by-email/{email}").json()
    assert account["personalDetails"]["language"] == "pl"
    assert account["personalDetails"]["lastname"] == "Łęcka"
