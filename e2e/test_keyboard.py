"""Registration with the keyboard alone, every focused element visibly marked."""
from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from e2e.checks import focused_element
from e2e.pages import AccountsPage, OffersPage, RegisterPage
from e2e.support import DEMO_OFFER, PASSWORD, unique_email

pytestmark = pytest.mark.destructive

MAX_TABS_TO_THE_OFFER = 30
MAX_TABS_TO_THE_FORM = 20


def tab_to(page: Page, target: Locator, limit: int) -> None:
    """Press Tab until `target` has focus (at most `limit` times); each stop must show focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = focused_element(page)
        assert focus is not None, "Tab left the page"
        assert focus["visible"], f"no visible focus indicator on {focus}"
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached with {limit} Tab presses (now on {focus})")


def test_registration_works_with_the_keyboard_only_and_focus_is_always_visible(page: Page):
    """Tab, typing, Enter and one Space: from the offers page through the form to the list.

    Space ticks the terms checkbox (Enter would send the form); no click is ever made.
    """
    email = unique_email("keyboard")
    offers = OffersPage(page)
    offers.open()
    tab_to(page, offers.card(DEMO_OFFER).get_by_role("link", name=DEMO_OFFER, exact=True),
           MAX_TABS_TO_THE_OFFER)
    page.keyboard.press("Enter")

    register = RegisterPage(page)
    expect(register.heading).to_be_visible()
    expect(register.offer(DEMO_OFFER)).to_be_checked()
    tab_to(page, register.email, MAX_TABS_TO_THE_FORM)
    for field, text in ((register.email, email), (register.first_name, "Kay"),
                        (register.last_name, "Board"), (register.password, PASSWORD)):
        if field is not register.email:
            tab_to(page, field, 1)
        page.keyboard.type(text)
    tab_to(page, register.show_password, 1)
    tab_to(page, register.more_details, 1)
    tab_to(page, register.offer(DEMO_OFFER), 1)  # the checked radio is the group's one stop
    tab_to(page, register.terms, 1)
    page.keyboard.press("Space")
    expect(register.terms).to_be_checked()
    tab_to(page, register.marketing, 3)  # past the terms and privacy links beside the box
    tab_to(page, register.submit, 1)
    page.keyboard.press("Enter")

    accounts = AccountsPage(page)
    expect(accounts.heading).to_be_visible()
    expect(accounts.account_cards()).to_have_count(1)
    expect(accounts.account_cards()).to_contain_text(DEMO_OFFER)
