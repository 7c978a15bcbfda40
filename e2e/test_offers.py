"""The public offer catalogue."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.pages import OffersPage

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
