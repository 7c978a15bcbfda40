"""Layout and page furniture: long emails on a small phone, the favicon, the cookie banner."""
from __future__ import annotations

import re
import time
import uuid

import pytest
from playwright.sync_api import Page, expect

from e2e.checks import OVERFLOW_JS
from e2e.locations import SCREENSHOTS
from e2e.pages import (AccountsPage, EditProfilePage, Header, MyDataPage, ProfilePage,
                       RegisterPage)
from e2e.pages.marketing import ConsentBanner, CookieChoicesPage
from e2e.support import DEMO_OFFER, PASSWORD

SMALL_PHONE = {"width": 375, "height": 667}
ICON_DEFAULT = "{base}/favicon.ico"
ICON_JS = "() => (document.querySelector(\"link[rel~='icon']\") || {}).href || null"
MARKER_JS = "() => window.__e2eSamePage === true"


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
    """A trader with a long email: every page of theirs fits 375 px; the header buttons show."""
    email = long_email(length)
    register = RegisterPage(page)
    register.open()
    register.register(email, "Aleksandra", "Brzęczyszczykiewicz", PASSWORD, offer_name=DEMO_OFFER)
    expect(AccountsPage(page).heading).to_be_visible()

    page.set_viewport_size(SMALL_PHONE)
    header = Header(page)
    for name, open_page in (("accounts", AccountsPage(page).open),
                            ("profile", ProfilePage(page).open),
                            ("profile-edit", EditProfilePage(page).open),
                            ("my-data", MyDataPage(page).open)):
        open_page()
        header.open_menu()  # the email is shown in the phone's menu
        expect(page.get_by_text(email).first).to_be_visible()
        page.screenshot(path=SCREENSHOTS / f"long-email-{length}-{name}-375.png", full_page=True)
        problem = _fits(page)
        assert problem is None, f"{page.url} is wider than {SMALL_PHONE['width']} px: {problem}"
        for button in (header.open_platform_button, header.log_out_button):
            expect(button).to_be_visible()
            assert _fully_in_view(button), f"{button} is cut off on {page.url}"


def test_fresh_page_load_finds_the_site_icon(page: Page):
    """A first visit: the browser's icon request is answered, and the console has no error.

    Chromium fetches the icon outside the page's own requests (Playwright's request events
    never see it), so its answers are read from the DevTools protocol's Network domain.
    """
    answers: list[tuple[str, int]] = []
    errors: list[str] = []
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.responseReceived",
           lambda event: answers.append((event["response"]["url"], event["response"]["status"])))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto("/")
    icon_urls = {page.evaluate(ICON_JS), ICON_DEFAULT.format(base=page.url.rstrip("/"))}
    deadline = time.monotonic() + 10
    while not any(url in icon_urls for url, _ in answers):
        assert time.monotonic() < deadline, f"the browser never asked for an icon: {answers}"
        page.wait_for_timeout(100)  # lets the protocol events in

    failed = [(url, status) for url, status in answers if status >= 400]
    assert not failed, f"answers with an error status: {failed}"
    assert not errors, f"console errors: {errors}"
    expect(page.locator("head link[rel='icon']")).to_have_count(1)


@pytest.mark.destructive
@pytest.mark.parametrize("choice, cookie", [("accept", "yes"), ("decline", "no")])
def test_cookie_choice_keeps_what_was_typed_and_is_remembered(page: Page, choice: str,
                                                             cookie: str):
    """Accept or Decline on /register: no reload, the typed fields stay, the banner stays gone."""
    register = RegisterPage(page)
    register.open()
    banner = ConsentBanner(page)
    expect(banner.region).to_be_visible()
    register.email.fill("typed.before.choosing@example.com")
    register.first_name.fill("Ola")
    register.last_name.fill("Nowak")
    page.evaluate("() => { window.__e2eSamePage = true; }")

    getattr(banner, choice)()

    expect(banner.region).to_have_count(0)
    assert page.evaluate(MARKER_JS), "the page was reloaded"
    expect(register.email).to_have_value("typed.before.choosing@example.com")
    expect(register.first_name).to_have_value("Ola")
    expect(register.last_name).to_have_value("Nowak")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("portal_consent") == cookie
    assert ("portal_attribution" in cookies) == (choice == "accept")

    page.reload()
    expect(register.heading).to_be_visible()
    expect(banner.region).to_have_count(0)


def test_a_cookie_choice_made_with_the_keyboard_leaves_the_focus_on_the_content(page: Page):
    """Enter on "Accept": the banner goes and the next Tab continues in the page's content."""
    page.goto("/offers")
    banner = ConsentBanner(page)
    banner.accept_button.focus()
    page.keyboard.press("Enter")
    expect(banner.region).to_have_count(0)
    expect(page.locator("#main")).to_be_focused()


@pytest.mark.destructive
def test_cookie_choice_works_without_javascript(new_context):
    """With JavaScript off, Accept opens the cookie page (its form has the CSRF token); its
    Accept keeps the choice, leads back, and the banner does not come back."""
    page = new_context(java_script_enabled=False).new_page()
    register = RegisterPage(page)
    register.open()
    banner = ConsentBanner(page)
    banner.accept()
    choices = CookieChoicesPage(page)
    expect(choices.heading).to_be_visible()
    expect(choices.accept_button).to_be_focused()  # the answer chosen in the banner, ready
    choices.accept_button.click()
    expect(register.heading).to_be_visible()
    expect(banner.region).to_have_count(0)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("portal_consent") == "yes" and "portal_attribution" in cookies


@pytest.mark.destructive
def test_an_answer_is_changed_on_the_cookie_page_from_the_footer(page: Page):
    """Accepted in the banner, declined later from the footer's "Cookie choices"."""
    page.goto("/offers?utm_source=newsletter")
    ConsentBanner(page).accept()
    expect(ConsentBanner(page).region).to_have_count(0)
    choices = CookieChoicesPage(page)
    choices.open_from_footer()
    expect(choices.main.get_by_text("You accepted this cookie.")).to_be_visible()
    choices.decline_button.click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Cookie choices")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["portal_consent"]["value"] == "no" and "portal_attribution" not in cookies
    assert cookies["portal_visit"]["expires"] == -1  # kept for this browser session only


PHONE = {"width": 390, "height": 844}
ONE_ROW_PX = 72


@pytest.mark.parametrize("java_script", [True, False])
def test_phone_header_is_one_row_with_a_menu_that_works_without_javascript(
        browser, browser_context_args, java_script: bool):
    """At 390 px the header is the name and "Menu" on one row; "Menu" opens the links."""
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE,
                                     "java_script_enabled": java_script})
    try:
        page = context.new_page()
        page.goto("/offers")
        header = Header(page)
        box = page.locator(".site-header").bounding_box()
        assert box is not None and box["height"] <= ONE_ROW_PX, box
        expect(header.offers_link).to_be_hidden()
        header.menu_button.click()
        expect(header.offers_link).to_be_visible()
        expect(header.log_in_link).to_be_visible()
        expect(page.get_by_role("navigation", name="Language")).to_be_visible()
        suffix = "" if java_script else "-no-js"
        page.screenshot(path=SCREENSHOTS / f"header-menu-open-phone{suffix}.png")
        header.log_in_link.click()
        expect(page).to_have_url(re.compile(r"/login$"))
    finally:
        context.close()


def test_desktop_header_shows_the_links_without_a_menu_button(page: Page):
    page.goto("/offers")
    header = Header(page)
    expect(header.menu_button).to_be_hidden()
    expect(header.offers_link).to_be_visible()
    expect(header.open_account_link).to_be_visible()


def test_consent_bar_stays_on_screen_and_never_hides_the_submit_button(
        browser, browser_context_args):
    """The bar is fixed at the bottom on a phone; scrolled to the end, "Create account" is
    above it, and it can be pressed."""
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    try:
        page = context.new_page()
        register = RegisterPage(page)
        register.open()
        banner = ConsentBanner(page)
        expect(banner.region).to_be_in_viewport()
        page.screenshot(path=SCREENSHOTS / "consent-bar-phone.png")
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        expect(banner.region).to_be_in_viewport()
        bar = banner.region.bounding_box()
        button = register.submit.bounding_box()
        assert bar is not None and button is not None
        assert button["y"] + button["height"] <= bar["y"], (button, bar)
        page.screenshot(path=SCREENSHOTS / "consent-bar-scrolled-phone.png")
        banner.decline()
        expect(banner.region).to_have_count(0)
    finally:
        context.close()
