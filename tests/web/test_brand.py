"""Brand and legal settings on every page, the colour through /brand.css, the sign-up's offer."""
from __future__ import annotations

import re

import pytest

from portal.services import campaigns
from sandbox import seed
from tests.support import make_app
from tests.web.test_attribution import PARTNER_TA

BRANDED = {
    "BRAND_NAME": "Acme Markets", "BRAND_LOGO_URL": "/static/favicon.svg",
    "BRAND_PRIMARY_COLOR": "#c60", "SUPPORT_EMAIL": "help@acme.example",
    "SUPPORT_URL": "https://acme.example/help",
    "COMPANY_FOOTER": "Acme Markets Ltd\nLicence 123/45, regulated by the FSC",
    "RISK_WARNING": "CFDs are risky: 74% of retail accounts lose money.",
    "TERMS_URL": "https://acme.example/terms", "PRIVACY_URL": "https://acme.example/privacy",
    "COOKIE_POLICY_URL": "https://acme.example/cookies",
}


@pytest.fixture
def branded(sb, tmp_path):
    app = make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}", **BRANDED)
    yield app.test_client()
    app.extensions["broker"].close()


def test_defaults_are_neutral(client):
    html = client.get("/register").get_data(as_text=True)
    assert "<title>Open an account · Trader portal</title>" in html
    assert 'class="brand" href="/">Trader portal</a>' in html
    assert "high risk of losing money rapidly due to leverage" in html
    assert "/brand.css" not in html and "mailto:" not in html
    assert "Terms and conditions" not in html and "Privacy policy" not in html
    assert '<li><a href="/consent">Cookie choices</a></li>' in html  # the footer's only link
    assert 'id="terms-hint"' not in html


def test_every_brand_setting_shows_where_a_trader_looks(branded):
    html = branded.get("/register").get_data(as_text=True)
    assert "<title>Open an account · Acme Markets</title>" in html
    assert '<img class="brand-logo" src="/static/favicon.svg" alt="Acme Markets">' in html
    assert "Acme Markets Ltd<br>Licence 123/45, regulated by the FSC" in html
    assert "74% of retail accounts lose money" in html
    assert "Demo accounts use virtual money" not in html
    assert 'href="mailto:help@acme.example"' in html
    for url in ("help", "terms", "privacy", "cookies"):
        assert f'href="https://acme.example/{url}"' in html
    terms = re.search(r'<input[^>]*id="terms"[^>]*>', html).group(0)
    assert 'aria-describedby="terms-hint"' in terms
    hint = re.search(r'<p class="hint" id="terms-hint">(.*?)</p>', html, re.S).group(1)
    assert 'href="https://acme.example/terms" target="_blank"' in hint
    assert 'href="https://acme.example/privacy" target="_blank"' in hint


def test_the_colour_comes_from_a_cached_stylesheet_never_an_inline_style(branded):
    html = branded.get("/").get_data(as_text=True)
    (href,) = re.findall(r'href="(/brand\.css\?v=[0-9a-f]+)"', html)
    assert "style=" not in html and "<style" not in html
    response = branded.get(href)
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert "max-age=86400" in response.headers["Cache-Control"]
    # A light colour gets dark text on its buttons, a dark one white.
    assert response.get_data(as_text=True) == ":root { --brand: #c60; --brand-ink: #1d2433; }\n"


@pytest.mark.parametrize("setting, value, message", [
    ("BRAND_PRIMARY_COLOR", "red", "BRAND_PRIMARY_COLOR must be a colour like #0b5cad"),
    ("BRAND_PRIMARY_COLOR", "#12345", "BRAND_PRIMARY_COLOR must be a colour like #0b5cad"),
    ("BRAND_PRIMARY_COLOR", "#fff;}body{x", "BRAND_PRIMARY_COLOR must be a colour"),
    ("BRAND_LOGO_URL", "http://cdn.example/logo.png", "BRAND_LOGO_URL must be a path"),
    ("BRAND_LOGO_URL", "//cdn.example/logo.png", "BRAND_LOGO_URL must be a path"),
    ("TERMS_URL", "javascript:alert(1)", "TERMS_URL must be an http or https address"),
])
def test_a_setting_a_page_cannot_use_stops_the_start(sb, tmp_path, setting, value, message):
    with pytest.raises(RuntimeError, match=re.escape(message)):
        make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}", **{setting: value})


def test_polish_pages_translate_the_default_risk_warning(client):
    html = client.get("/?lang=pl").get_data(as_text=True)
    assert "Portal tradera" in html and "high risk of losing money" not in html


def opening(html: str) -> str | None:
    found = re.search(r"Opening: <strong data-opening-name>([^<]+)</strong>", html)
    return found.group(1) if found else None


def test_plain_register_starts_with_the_first_demo_offer_summarised_at_the_top(client):
    html = client.get("/register").get_data(as_text=True)
    assert opening(html) == "Demo Standard EUR"
    assert html.index("Opening:") < html.index('name="email"')
    assert 'href="#offer-list"' in html and 'id="offer-list"' in html
    assert re.search(r'value="' + seed.OFFER_DEMO_EUR + r'"\s+checked', html)


def test_default_offer_setting_by_slug_is_preselected(sb, tmp_path):
    app = make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}", DEFAULT_OFFER="live-raw-gbp")
    html = app.test_client().get("/register").get_data(as_text=True)
    assert opening(html) == "Live Raw GBP"
    app.extensions["broker"].close()


def test_the_summary_follows_the_offer_sent_when_the_form_comes_back(trader):
    html = trader.register(offer=seed.OFFER_LIVE_USD, password="short").get_data(as_text=True)
    assert opening(html) == "Live Standard USD"


def test_sign_up_writes_the_password_rule_for_a_browser_without_javascript(client):
    html = client.get("/register").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="password"[^>]*>', html).group(0)
    assert 'aria-describedby="password-rule"' in field and 'type="password"' in field
    for rule in ("at least 8 characters", "an upper-case letter", "a lower-case letter",
                 "a digit"):
        assert re.search(r"<li data-rule=[^>]*>" + rule, html)
    # The show/hide button is revealed by the script that makes it work.
    assert re.search(r"<button[^>]*hidden[^>]*data-password-toggle", html)


def test_offers_are_grouped_demo_then_live_and_say_no_minimum_deposit(client):
    for path in ("/offers", "/"):
        html = client.get(path).get_data(as_text=True)
        assert html.index("Demo accounts") < html.index("Demo Standard USD")
        assert html.index("Demo Standard USD") < html.index("Live accounts")
        assert html.index("Live accounts") < html.index("Live Raw GBP")
        live = re.search(r"<article[^>]*>(?:(?!</article>).)*Live Raw GBP.*?</article>", html,
                         re.S).group(0)
        assert "No minimum deposit" in live and "Live Raw GBP trading conditions" in live
        assert "None" not in live


def test_a_partner_campaign_landing_says_who_invited(app, client):
    with app.app_context():
        campaigns.add_partner("ACME", PARTNER_TA, name="Acme")
        link = campaigns.deep_link(campaigns.add_campaign(
            "spring", offer="live-raw-gbp", partner="ACME", utm_campaign="spring-promo"))
    html = client.get(link).get_data(as_text=True)
    assert '<p class="campaign-headline">Invited by Acme</p>' in html
    # Remembered by the visitor's attribution, not read from the address.
    assert "Invited by Acme" in client.get("/register").get_data(as_text=True)


def test_a_campaign_without_a_partner_shows_its_name(app, client):
    with app.app_context():
        link = campaigns.deep_link(campaigns.add_campaign(
            "summer", offer="live-raw-gbp", utm_campaign="Summer 2026"))
    html = client.get(link).get_data(as_text=True)
    assert '<p class="campaign-headline">Campaign: Summer 2026</p>' in html


def test_a_hand_typed_partner_code_shows_no_headline(client):
    html = client.get("/register?ref=EVIL&utm_campaign=Free+money").get_data(as_text=True)
    assert "campaign-headline" not in html


def test_a_logo_on_the_brands_own_https_host_is_allowed_by_the_csp(
        sb, tmp_path):
    app = make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}",
                   BRAND_LOGO_URL="https://cdn.acme.example/logo.svg")
    response = app.test_client().get("/offers")
    csp = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://cdn.acme.example" in csp
    assert 'src="https://cdn.acme.example/logo.svg"' in response.get_data(as_text=True)
    app.extensions["broker"].close()


def test_a_cached_register_page_never_shows_one_visitors_headline_to_another(app):
    """The register page is kept for every campaign link; whom a visitor was invited by is
    theirs alone."""
    with app.app_context():
        campaigns.add_partner("ACME", PARTNER_TA, name="Acme")
        link = campaigns.deep_link(campaigns.add_campaign(
            "spring", offer="live-raw-gbp", partner="ACME", utm_campaign="spring-promo"))
    invited = app.test_client()
    assert "Invited by Acme" in invited.get(link).get_data(as_text=True)
    stranger = app.test_client().get("/register?offer=live-raw-gbp").get_data(as_text=True)
    assert "Invited by" not in stranger and "campaign-headline" not in stranger
    assert "Invited by Acme" in invited.get("/register?offer=live-raw-gbp").get_data(
        as_text=True)
