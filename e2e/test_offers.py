"""The public offer catalogue."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.locations import SCREENSHOTS
from e2e.pages import OffersPage
from e2e.pages.marketing import ConsentBanner

HIDDEN_OFFER = "Staff Hidden USD"


@pytest.fixture(scope="module")
def broker_offers(sandbox_api) -> list[dict]:
    """Every offer the sandbox holds, hidden ones included."""
    response = sandbox_api.get("/v1/offers")
    response.raise_for_status()
    return response.json()["offers"]


def test_every_offer_card_shows_type_currency_and_leverage(page: Page):
    """Each card says Demo or Live, a currency and a "1:N" leverage; no page text says "group"."""
    offers = OffersPage(page)
    offers.open()
    expect(offers.heading).to_be_visible()
    expect(offers.cards().first).to_be_visible()
    for card in offers.cards().all():
        expect(card).to_contain_text(re.compile(r"Type\s*(Demo|Live)\b"))
        expect(card).to_contain_text(re.compile(r"Currency\s*[A-Z]{3}\b"))
        expect(card).to_contain_text(re.compile(r"Leverage\s*1:\d+"))
    expect(offers.main).not_to_contain_text(re.compile("group", re.IGNORECASE))


def test_offers_page_lists_the_visible_offers_only(page: Page, broker_offers):
    """Every visible sandbox offer with its facts, demo first; never the hidden one."""
    visible = sorted((o for o in broker_offers if not o["hidden"]),
                     key=lambda o: (not o["demo"], o["name"]))
    assert HIDDEN_OFFER in {o["name"] for o in broker_offers if o["hidden"]}
    offers = OffersPage(page)
    offers.open()
    expect(offers.cards().get_by_role("heading")).to_have_text([o["name"] for o in visible])
    for offer in visible:
        card = offers.card(offer["name"])
        expect(card).to_contain_text(re.compile(rf"Type\s*{'Demo' if offer['demo'] else 'Live'}\b"))
        expect(card).to_contain_text(re.compile(rf"Currency\s*{offer['currency']}\b"))
        expect(card).to_contain_text(re.compile(rf"Leverage\s*1:{offer['leverage']}\b"))
        expect(card).not_to_contain_text(offer["groupName"])
    expect(offers.card(HIDDEN_OFFER)).to_have_count(0)
    expect(offers.main).not_to_contain_text(HIDDEN_OFFER)


def test_offers_are_grouped_and_each_card_is_one_link(page: Page):
    """Demo offers under "Demo accounts", live under "Live accounts"; a live offer with no
    deposit says so; a click anywhere on a card opens the sign-up with that offer chosen."""
    offers = OffersPage(page)
    offers.open()
    demo = page.get_by_role("region", name="Demo accounts")
    live = page.get_by_role("region", name="Live accounts")
    expect(demo.get_by_role("article", name="Demo Standard USD")).to_be_visible()
    expect(live.get_by_role("article", name="Demo Standard USD")).to_have_count(0)
    card = live.get_by_role("article", name="Live Raw GBP")
    expect(card).to_contain_text(re.compile(r"Initial deposit\s*No minimum deposit"))
    expect(card).to_contain_text("Live Raw GBP trading conditions")
    expect(card.get_by_role("link")).to_have_count(1)
    expect(card.get_by_role("button")).to_have_count(0)
    page.screenshot(path=SCREENSHOTS / "offers-grouped-desktop.png", full_page=True)
    ConsentBanner(page).decline()  # the fixed bar would cover cards low on the screen
    box = card.bounding_box()
    assert box is not None
    # Near the card's bottom corner, far from the name: the whole card is the link.
    card.click(position={"x": 12, "y": box["height"] - 12})
    expect(page).to_have_url(re.compile(r"/register\?offer=live-raw-gbp"))
    expect(page.locator(".opening-summary")).to_contain_text("Opening: Live Raw GBP")


def test_home_cards_open_the_sign_up(page: Page):
    page.goto("/")
    card = page.get_by_role("region", name="Offers at a glance").get_by_role(
        "article", name="Demo Standard USD")
    ConsentBanner(page).decline()
    box = card.bounding_box()
    assert box is not None
    card.click(position={"x": box["width"] - 12, "y": box["height"] - 12})
    expect(page).to_have_url(re.compile(r"/register\?offer=demo-standard-usd"))
