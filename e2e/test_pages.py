"""Every page at phone and desktop size: no sideways scrolling, no serious axe violations."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from e2e.checks import problems_at_both_sizes
from e2e.pages import (AccountsPage, ClaimRequestPage, DevMailPage,
                       ForgotPasswordPage, NewAccountPage)
from e2e.support import LIVE_OFFER, sign_up
from e2e.tour import STOPS, Links, Stop
from sandbox import seed


def _param(stop: Stop):
    marks = [pytest.mark.destructive] if stop.destructive or stop.logged_in else []
    return pytest.param(stop, id=stop.name, marks=marks)


@pytest.fixture(scope="session")
def tour_session(browser: Browser, browser_context_args: dict) -> dict:
    """The storage state of a trader with a demo and a live account (signed up once)."""
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        sign_up(page, tag="tour", first="Tomasz", last="Tour")
        accounts = AccountsPage(page)
        accounts.open_another()
        NewAccountPage(page).choose(LIVE_OFFER)
        expect(accounts.account_cards()).to_have_count(2)
        return context.storage_state()
    finally:
        context.close()


@pytest.fixture(scope="session")
def tour_links(browser: Browser, browser_context_args: dict, local) -> Links:
    """A reset link of a fresh trader and a claim link of a seeded Account, from /dev/mail."""
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        trader = sign_up(page, tag="tour-reset")
        context.clear_cookies()
        ForgotPasswordPage(page).open()
        ForgotPasswordPage(page).request_link(trader.email)
        ClaimRequestPage(page).open()
        ClaimRequestPage(page).request_link(seed.EMAIL_JOANN)
        mail = DevMailPage(page)
        mail.open()
        reset = mail.link(trader.email, "Reset your password", "/password/reset/")
        claim = mail.link(seed.EMAIL_JOANN, "Set up your portal login", "/claim/")
        return Links(reset=reset.inner_text(), claim=claim.inner_text())
    finally:
        context.close()


@pytest.mark.parametrize("stop", [_param(s) for s in STOPS])
def test_page_fits_phone_and_desktop_and_passes_axe(stop: Stop, request, new_context, servers):
    """The page neither scrolls sideways nor has serious or critical accessibility problems."""
    if stop.local_only and not servers.local:
        pytest.skip("needs the sandbox and dev mailbox a local run starts (E2E_BASE_URL set)")
    state = request.getfixturevalue("tour_session") if stop.logged_in else None
    links = request.getfixturevalue("tour_links") if stop.local_only else None
    page = new_context(storage_state=state).new_page()
    stop.visit(page, links)
    expect(page.get_by_role("main")).to_be_visible()
    problems = problems_at_both_sizes(page, stop.name)
    assert not problems, f"{stop.name} ({page.url}):\n" + "\n".join(problems)
