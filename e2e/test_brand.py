"""The broker's brand and legal texts, the sign-up's offer summary and campaign headlines, on a
phone and a desktop, in English and Polish."""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from e2e.checks import VIEWPORTS, serious_violations
from e2e.locations import SCREENSHOTS
from e2e.pages import RegisterPage
from e2e.servers import E2E_SETTINGS
from e2e.test_campaign_link import flask_cli  # noqa: F401  the fixture, used below
from sandbox import seed

TEXTS = {
    "en": {"terms": "Terms and conditions", "privacy": "Privacy policy",
           "cookies": "Cookie policy", "support": "Help and support", "risk": "Risk warning:",
           "opening": "Opening:", "change": "change", "menu": "Menu"},
    "pl": {"terms": "Regulamin", "privacy": "Polityka prywatności",
           "cookies": "Polityka plików cookie", "support": "Pomoc i wsparcie",
           "risk": "Ostrzeżenie o ryzyku:", "opening": "Otwierane konto:", "change": "zmień",
           "menu": "Menu"},
}


@pytest.fixture
def branded(servers):
    if not servers.local:
        pytest.skip("the brand settings are those of the portal this run starts")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("lang", ["en", "pl"])
def test_sign_up_shows_brand_legal_links_and_the_chosen_offer(page: Page, branded, lang: str,
                                                              viewport: str):
    """Name in the header and title, terms and privacy beside the checkbox, the footer's
    company, risk warning and links, and "Opening: <offer> · change" above the form."""
    words = TEXTS[lang]
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(f"/register?offer=live-standard-usd&lang={lang}")
    expect(page).to_have_title(re.compile(r"· Example Markets$"))
    expect(page.locator(".site-header .brand")).to_have_text("Example Markets")

    summary = RegisterPage(page).opening
    expect(summary).to_contain_text(f"{words['opening']} Live Standard USD")
    summary.get_by_role("link", name=words["change"]).click()
    expect(page).to_have_url(re.compile("#offer-list$"))
    expect(page.locator("#offer-list")).to_be_in_viewport()
    page.get_by_role("radio", name=re.compile("^Live Raw GBP")).check()
    expect(summary).to_contain_text("Live Raw GBP")  # the summary follows the choice

    hint = page.locator("#terms-hint")
    expect(hint.get_by_role("link", name=words["terms"])).to_have_attribute(
        "href", E2E_SETTINGS["TERMS_URL"])
    expect(hint.get_by_role("link", name=words["privacy"])).to_have_attribute(
        "href", E2E_SETTINGS["PRIVACY_URL"])
    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text("Licence 123/45, regulated by the Example Securities")
    expect(footer).to_contain_text(words["risk"])
    for name in ("terms", "privacy", "cookies", "support"):
        expect(footer.get_by_role("link", name=words[name], exact=True)).to_be_visible()
    expect(footer.get_by_role("link", name="support@broker.example")).to_have_attribute(
        "href", "mailto:support@broker.example")
    if lang == "pl":
        expect(footer).to_contain_text("Kontrakty na różnicę kursową (CFD)")
    assert not serious_violations(page)
    page.screenshot(path=SCREENSHOTS / f"brand-register-{lang}-{viewport}.png", full_page=True)


def test_the_brand_colour_reaches_the_buttons(page: Page, branded):
    page.goto("/offers")
    colour = page.locator(".site-header").evaluate(
        "el => getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()")
    assert colour == E2E_SETTINGS["BRAND_PRIMARY_COLOR"]


@pytest.mark.destructive
@pytest.mark.parametrize("lang, invited", [("en", "Invited by Acme"),
                                           ("pl", "Zaproszenie od: Acme")])
def test_a_partner_campaign_landing_says_who_invited(page: Page, flask_cli, lang,  # noqa: F811
                                                     invited):
    code, partner = f"e2e-{uuid.uuid4().hex[:8]}", f"ib-{uuid.uuid4().hex[:8]}"
    flask_cli("campaigns", "partner-add", partner, seed.TA_ANN_LIVE, "--name", "Acme")
    flask_cli("campaigns", "add", code, "--offer", "live-raw-gbp", "--partner", partner)
    page.goto(f"/go/{code}?lang={lang}")
    expect(RegisterPage(page).campaign_headline).to_have_text(invited)
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.screenshot(path=SCREENSHOTS / f"campaign-headline-{lang}-{viewport}.png")
    # The visitor's attribution remembers it: a plain offer page still says it.
    page.goto("/offers/live-raw-gbp")
    expect(page.locator(".campaign-headline")).to_have_text(invited)


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_polish_offers_are_grouped_with_their_deposit_said_in_polish(page: Page, viewport: str):
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto("/offers?lang=pl")
    live = page.get_by_role("region", name="Konta live")
    expect(page.get_by_role("region", name="Konta demo")).to_be_visible()
    expect(live.get_by_role("article", name="Live Raw GBP")).to_contain_text(
        "Bez minimalnego depozytu")
    if viewport == "phone":
        page.locator("details.site-menu > summary").click()
        expect(page.get_by_role("navigation", name="Menu główne")).to_be_visible()
    assert not serious_violations(page)
    page.screenshot(path=SCREENSHOTS / f"offers-pl-{viewport}.png", full_page=True)
