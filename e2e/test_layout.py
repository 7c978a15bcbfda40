"""Layout: long emails on a small phone."""
from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from e2e.checks import OVERFLOW_JS
from e2e.locations import SCREENSHOTS
from e2e.pages import AccountsPage, Header, ProfilePage, RegisterPage
from e2e.support import DEMO_OFFER, PASSWORD

SMALL_PHONE = {"width": 375, "height": 667}


def long_email(length: int) -> str:
    """A valid, unique address of 65 or 254 characters, with few places to break a line."""
    tag = uuid.uuid4().hex[:10]
    if length == 65:  # the shape QA reported: aleksandra.brzeczyszczykiewicz35@…
        email = f"{tag}.brzeczyszczykiewicz35@przedsiebiorstwo-handlowe.com.pl"
    else:  # the longest an address may be: a 64-character local part, three long labels
        local = (f"{tag}.brzeczyszczykiewicz" * 3)[:64]
        label = "przedsiebiorstwohandlowe" * 3
        email = f"{local}@{label[:63]}.{label[:63]}.{label[:58]}.pl"
    assert len(email) == length, (len(email), email)
    return email


def _fits(page: Page) -> str | None:
    """None when nothing on the page reaches past the viewport's right edge, else what does."""
    found = page.evaluate(OVERFLOW_JS)
    if found["scrollWidth"] <= SMALL_PHONE["width"] and not found["wide"]:
        return None
    return f"scrollWidth {found['scrollWidth']}, wider elements: {', '.join(found['wide'])}"


def _fully_in_view(locator) -> bool:
    """The element's whole width is inside the small phone's viewport."""
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= SMALL_PHONE["width"]


@pytest.mark.destructive
@pytest.mark.parametrize("length", [65, 254])
def test_long_email_fits_a_small_phone(page: Page, length: int):
    """A trader with a long email: /accounts and /profile fit 375 px; the header buttons show."""
    email = long_email(length)
    register = RegisterPage(page)
    register.open()
    register.register(email, "Aleksandra", "Brzęczyszczykiewicz", PASSWORD, offer_name=DEMO_OFFER)
    expect(AccountsPage(page).heading).to_be_visible()

    page.set_viewport_size(SMALL_PHONE)
    header = Header(page)
    for name, open_page in (("accounts", AccountsPage(page).open),
                            ("profile", ProfilePage(page).open)):
        open_page()
        expect(page.get_by_text(email).first).to_be_visible()
        page.screenshot(path=SCREENSHOTS / f"long-email-{length}-{name}-375.png", full_page=True)
        problem = _fits(page)
        assert problem is None, f"{page.url} is wider than {SMALL_PHONE['width']} px: {problem}"
        for button in (header.open_platform_button, header.log_out_button):
            expect(button).to_be_visible()
            assert _fully_in_view(button), f"{button} is cut off on {page.url}"
