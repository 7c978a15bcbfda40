"""Deep links: offer pages by slug, register links that preselect an offer, campaign short links."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.extensions import db
from portal.models import LandingCount, PortalUser
from portal.services import campaigns, landings, offers
from sandbox import seed

MARKETING = "utm_source=google&utm_medium=cpc&utm_campaign=spring-promo&ref=ACME&lang=en"


def checked_offer(html):
    found = re.search(r'value="([^"]+)"\s+checked', html)
    return found.group(1) if found else None


def add_campaign(app, code, **kw):
    with app.app_context():
        return campaigns.deep_link(campaigns.add_campaign(code, **kw))


def query_of(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_offer_slugs_are_readable_unique_and_stable(app, sb):
    twin = dict(sb.store.offer(seed.OFFER_DEMO_USD), uuid="4f000000-0000-4000-8000-0000000000ff",
                name="Demo  Standard USD!", created="2030-01-01T00:00:00.000Z")
    sb.store.data["offers"].append(twin)
    with app.app_context():
        slugs = offers.slugs()
        assert slugs[seed.OFFER_DEMO_USD] == "demo-standard-usd"
        assert slugs[twin["uuid"]] == "demo-standard-usd-2"
        assert slugs[seed.OFFER_LIVE_GBP] == "live-raw-gbp"
        assert slugs[seed.OFFER_APPROVAL] == "live-pro-usd-manual-approval"
        assert len(set(slugs.values())) == len(slugs)
        assert offers.slugify("Démo Ünïcode €€ 100%") == "demo-unicode-100"
        assert offers.slugify("€€€") == "offer"


def test_offers_page_card_is_one_link_to_sign_up_with_its_offer(client):
    html = client.get(f"/offers?{MARKETING}").get_data(as_text=True)
    cards = re.findall(r"<article.*?</article>", html, re.S)
    assert cards and all(len(re.findall(r"<a |<button|<input", card)) == 1 for card in cards)
    (live,) = [c for c in cards if "Live Raw GBP" in c]
    (href,) = re.findall(r'href="([^"]+)"', live)
    assert query_of(href.replace("&amp;", "&")) == {
        "offer": "live-raw-gbp", "utm_source": "google", "utm_medium": "cpc",
        "utm_campaign": "spring-promo", "ref": "ACME", "lang": "en"}
    assert "staff-hidden-usd" not in html


def test_offer_page_register_button_carries_the_marketing_parameters(client):
    response = client.get(f"/offers/live-raw-gbp?{MARKETING}&unrelated=1")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1" in html and "Live Raw GBP" in html and "card offer-card highlight" in html
    (register,) = re.findall(r'href="(/register\?[^"]+)"', html)
    assert query_of(register.replace("&amp;", "&")) == {
        "offer": "live-raw-gbp", "utm_source": "google", "utm_medium": "cpc",
        "utm_campaign": "spring-promo", "ref": "ACME", "lang": "en"}


def test_offer_page_by_uuid_redirects_to_its_slug_keeping_the_parameters(client):
    response = client.get(f"/offers/{seed.OFFER_LIVE_GBP}?utm_source=news")
    assert response.status_code == 301
    assert response.headers["Location"] == "/offers/live-raw-gbp?utm_source=news"


@pytest.mark.parametrize("slug", ["staff-hidden-usd", seed.OFFER_HIDDEN, "no-such-offer",
                                  "x" * 500])
def test_offer_page_of_a_hidden_or_unknown_offer_is_not_found(client, slug):
    response = client.get(f"/offers/{slug}")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_register_link_with_a_slug_preselects_and_highlights_the_offer(client):
    html = client.get("/register?offer=live-raw-gbp&utm_source=google").get_data(as_text=True)
    assert checked_offer(html) == seed.OFFER_LIVE_GBP
    assert re.search(r'class="offer-option preselected">\s*<input type="radio" name="offer" '
                     rf'id="offer-\d+" value="{seed.OFFER_LIVE_GBP}"', html)
    assert "That offer is not available" not in html


def test_a_preselected_offer_can_still_be_changed(app, trader, sb):
    trader.client.get("/register?offer=live-raw-gbp")
    trader.register(email="changed@example.com", offer=seed.OFFER_DEMO_EUR)
    account = next(a for a in sb.store.data["accounts"].values()
                   if a["email"] == "changed@example.com")
    offers_used = {t["offerUuid"] for t in sb.store.data["tradingAccounts"].values()
                   if t["accountUuid"] == account["uuid"]}
    assert offers_used == {seed.OFFER_DEMO_EUR}


@pytest.mark.parametrize("query, expected", [
    ("offer=no-such&offer=live-raw-gbp&offer=demo-standard-eur", seed.OFFER_LIVE_GBP),
    (f"offer=staff-hidden-usd&offer={seed.OFFER_DEMO_EUR}", seed.OFFER_DEMO_EUR),
    ("offer=nothing&offer=%3Cscript%3E", None),
])
def test_repeated_offer_values_take_the_first_valid_one_or_none(client, query, expected):
    response = client.get(f"/register?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and checked_offer(html) == expected
    assert ("That offer is not available" in html) is (expected is None)


@pytest.mark.parametrize("query", [
    "offer=" + "a" * 5000,
    "utm_source=" + "%3Cscript%3Ealert(1)%3C/script%3E" * 20,
    "utm_campaign=%E6%98%A5%E3%81%AE%E3%82%BB%E3%83%BC%E3%83%AB&utm_source=%C5%BC%C3%B3%C5%82w",
    "utm_content=a%00b%0d%0aSet-Cookie:%20x=1&ref=%22%3E%3Cimg%20src=x%3E",
    "offer=%FF%FE&gclid=%F0%9F%98%80" + "x" * 300,
    "lang=%3Cscript%3E&utm_term=" + "%E2%80%AE" * 50,
])
def test_bad_parameters_never_break_a_page(app, client, query):
    for path in ("/register", "/offers", "/", "/offers/demo-standard-usd", "/login"):
        response = client.get(f"{path}?{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "<script>alert" not in html and "<img src=x>" not in html
    with app.app_context():
        landings.flush()
        for landing in db.session.scalars(db.select(LandingCount)).all():
            for value in (landing.campaign, landing.source, landing.medium):
                assert len(value) <= 100 and not re.search(r"[\x00-\x1f<>\"'\u202e]", value)


def test_go_link_redirects_to_the_campaign_deep_link(app, client):
    add_campaign(app, "spring", offer="live-raw-gbp", utm_source="google", utm_medium="cpc",
                 utm_campaign="spring-promo")
    response = client.get("/go/spring")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/register?")
    assert query_of(location) == {"offer": "live-raw-gbp", "utm_source": "google",
                                  "utm_medium": "cpc", "utm_campaign": "spring-promo",
                                  "cmp": "spring"}
    assert checked_offer(client.get(location).get_data(as_text=True)) == seed.OFFER_LIVE_GBP


def test_go_link_lets_the_link_override_the_campaign_defaults(app, client):
    add_campaign(app, "banner", offer="demo-standard-usd", utm_source="news", utm_content="top")
    location = client.get("/go/banner?utm_content=sidebar&cmp=other&lang=en").headers["Location"]
    query = query_of(location)
    assert query["utm_content"] == "sidebar" and query["utm_source"] == "news"
    assert query["cmp"] == "banner" and query["lang"] == "en"


@pytest.mark.parametrize("code", ["nope", "off", "%3Cscript%3E", "x" * 300])
def test_unknown_or_disabled_campaign_lands_on_register_with_a_notice(app, client, code):
    add_campaign(app, "off", offer="demo-standard-usd")
    with app.app_context():
        campaigns.set_active("off", False)
    response = client.get(f"/go/{code}", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.request.path == "/register"
    # Nothing of the dead campaign is kept: the offer is the plain sign-up's default.
    assert "That campaign link is no longer valid" in html
    with app.app_context():
        first_demo = next(o for o in offers.visible_offers() if o.demo)
    assert checked_offer(html) == first_demo.uuid


def test_hidden_offer_is_offered_only_through_a_campaign_that_allows_it(app, trader, sb):
    add_campaign(app, "staff", offer="staff-hidden-usd", allow_hidden=True)
    html = trader.client.get("/go/staff", follow_redirects=True).get_data(as_text=True)
    assert "Staff Hidden USD" in html and checked_offer(html) == seed.OFFER_HIDDEN
    assert trader.client.get("/offers/staff-hidden-usd").status_code == 200
    response = trader.register(email="staff@example.com", offer=seed.OFFER_HIDDEN)
    assert response.request.path == "/accounts"
    assert "Staff Hidden USD" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(PortalUser.email)) == "staff@example.com"


def test_hidden_offer_sign_up_is_refused_without_that_campaign(app, client, trader, sb):
    add_campaign(app, "staff", offer="staff-hidden-usd", allow_hidden=True)
    add_campaign(app, "plain", offer="demo-standard-usd")
    client.get("/go/plain", follow_redirects=True)
    html = trader.register(email="sneaky@example.com",
                           offer=seed.OFFER_HIDDEN).get_data(as_text=True)
    assert "That offer is not available" in html and sb.call_count("create_account") == 0


def test_hidden_offer_sign_up_is_refused_once_the_campaign_is_disabled(app, trader, sb):
    add_campaign(app, "staff", offer="staff-hidden-usd", allow_hidden=True)
    trader.client.get("/go/staff", follow_redirects=True)
    with app.app_context():
        campaigns.set_active("staff", False)
    html = trader.register(email="late@example.com", offer=seed.OFFER_HIDDEN).get_data(as_text=True)
    assert "That offer is not available" in html and sb.call_count("create_account") == 0


def test_a_campaign_disabled_by_another_process_stops_once_the_kept_copy_expires(
        app, client, monkeypatch):
    add_campaign(app, "elsewhere", offer="demo-standard-usd")
    assert "cmp=elsewhere" in client.get("/go/elsewhere").headers["Location"]
    # `flask campaigns disable` in another process changes the row, not this process's copy.
    with app.app_context():
        db.session.execute(db.update(campaigns.Campaign).values(active=False))
        db.session.commit()
    assert "cmp=elsewhere" in client.get("/go/elsewhere").headers["Location"]  # still kept
    monkeypatch.setattr(campaigns.time, "monotonic", lambda: 1e12)  # LINK_SECONDS later
    html = client.get("/go/elsewhere", follow_redirects=True).get_data(as_text=True)
    assert "That campaign link is no longer valid" in html


def test_a_go_link_carries_the_campaign_partner(app, client):
    with app.app_context():
        campaigns.add_partner("ACME", "7a000000-0000-4000-8000-0000000000aa")
    add_campaign(app, "acme-spring", offer="demo-standard-usd", partner="ACME")
    query = query_of(client.get("/go/acme-spring").headers["Location"])
    assert query["ref"] == "ACME" and query["cmp"] == "acme-spring"
