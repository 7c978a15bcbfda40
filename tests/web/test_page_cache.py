"""Anonymous offer pages come from a per-process cache without showing anyone stale or foreign
data."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest
from flask import session
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from portal.services import offers
from sandbox import seed
from tests.support import make_app

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
REGISTER = "/register"


@pytest.fixture
def protected(sb, tmp_path):
    """The portal with CSRF protection on, as in production."""
    return make_app(sb, f"sqlite:///{tmp_path / 'pages.db'}", WTF_CSRF_ENABLED=True)


def page(client, path="/offers") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def cached_pages(app) -> int:
    return len(app.extensions["page_cache"])


def test_each_visitor_gets_a_sign_up_form_with_their_own_working_token(protected):
    first, second = protected.test_client(), protected.test_client()
    token_one = TOKEN.search(page(first, REGISTER)).group(1)
    token_two = TOKEN.search(page(second, REGISTER)).group(1)
    assert cached_pages(protected) == 1  # the second visitor was served the cached page
    assert token_one != token_two
    with protected.test_request_context():
        for client, token in ((first, token_one), (second, token_two)):
            with client.session_transaction() as stored:
                session["csrf_token"] = stored["csrf_token"]
            validate_csrf(token)  # raises when Flask-WTF would refuse the form
        # A token from someone else's page is refused.
        with pytest.raises(ValidationError):
            validate_csrf(token_one)


def test_pages_without_a_form_are_cached_with_no_token_and_start_no_session(protected):
    client = protected.test_client()
    for _ in range(2):
        for path in ("/offers", "/"):
            assert "csrf_token" not in page(client, path)
    assert cached_pages(protected) == 2 and client.get_cookie("session") is None


def test_a_cached_page_carries_the_token_flask_wtf_makes_for_that_visitor(protected):
    client = protected.test_client()
    page(client, REGISTER)  # rendered, then cached
    cached = TOKEN.search(page(client, REGISTER)).group(1)
    with client.session_transaction() as stored:
        raw = stored["csrf_token"]
    with protected.test_request_context():
        session["csrf_token"] = raw
        validate_csrf(cached)  # raises when Flask-WTF would refuse the form
        assert cached.split(".")[0] == generate_csrf().split(".")[0]  # same payload


def test_a_changed_catalogue_shows_at_once_after_the_cache_is_dropped(protected, sb):
    client = protected.test_client()
    assert ">Demo Standard USD</a>" in page(client)
    with sb.store.lock:
        sb.store.offer(seed.OFFER_DEMO_USD)["name"] = "Demo Starter USD"
    with protected.test_request_context():
        offers.forget()
    html = page(client)
    assert ">Demo Starter USD</a>" in html and ">Demo Standard USD</a>" not in html


def test_language_and_marketing_links_follow_the_url(protected):
    client = protected.test_client()
    english = page(client)
    polish = page(client, "/offers?lang=pl")
    assert 'lang="en"' in english and 'lang="pl"' in polish
    tagged = page(protected.test_client(), "/offers?utm_source=mail")
    assert "utm_source=mail" in tagged and "utm_source=mail" not in page(client, "/offers?lang=en")


def test_a_waiting_message_is_shown_even_when_the_page_is_cached(protected):
    client = protected.test_client()
    page(client)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Your session has ended.")]
    assert "Your session has ended." in page(client)
    assert "Your session has ended." not in page(client)


def test_logged_in_traders_never_get_the_anonymous_page(sb, tmp_path, trader):
    page(trader.client)  # anonymous: cached
    trader.register(email="cached.nav@example.com")
    html = page(trader.client)
    assert "cached.nav@example.com" in html and "Log out" in html


def test_a_trader_back_with_only_the_remember_me_cookie_is_not_served_the_anonymous_page(
        client, trader):
    page(client)  # anonymous: cached
    trader.register(email="remembered@example.com")
    trader.logout()
    client.post("/login", data={"email": "remembered@example.com", "password": trader.PASSWORD,
                                "remember": "y"})
    client.delete_cookie("session")  # the browser was closed; remember-me outlives the session
    html = page(client)
    assert "remembered@example.com" in html and "Log out" in html


CAMPAIGN_LINK = "/register?offer={}&utm_source=news&utm_campaign=c{}"
WAY_BACK = re.compile(r'<input type="hidden" name="next" value="([^"]*)"')
CONSENT_NEXT = re.compile(r'name="consent-next" type="hidden" value="([^"]*)"')
CONSENT_TOKEN = re.compile(r'name="consent-csrf_token" type="hidden" value="([^"]+)"')
CHOSEN = re.compile(r'value="([^"]+)"\s+checked')


def test_new_visitors_from_campaign_links_share_one_register_page_with_their_own_parts(
        protected):
    links = [CAMPAIGN_LINK.format("demo-standard-usd", n) for n in range(3)]
    pages = [page(protected.test_client(), link) for link in links]
    assert cached_pages(protected) == 1  # the UTM values do not make a page of their own
    assert len({TOKEN.search(html).group(1) for html in pages}) == 3
    for link, html in zip(links, pages, strict=True):
        assert unescape(WAY_BACK.search(html).group(1)) == link  # consent leads back to it
        assert CHOSEN.findall(html) == [seed.OFFER_DEMO_USD]
    other = page(protected.test_client(), CAMPAIGN_LINK.format("live-raw-gbp", 9))
    assert cached_pages(protected) == 2 and CHOSEN.findall(other) == [seed.OFFER_LIVE_GBP]


def test_a_visitor_from_a_cached_campaign_page_answers_the_banner_and_comes_back(protected):
    page(protected.test_client(), CAMPAIGN_LINK.format("demo-standard-usd", 1))  # now cached
    client = protected.test_client()
    html = page(client, CAMPAIGN_LINK.format("demo-standard-usd", 2))
    back = unescape(WAY_BACK.search(html)[1])
    cookie_page = page(client, f"/consent?choice=accept&next={quote(back)}")
    answer = client.post("/consent", data={
        "consent-accept": "y", "consent-next": unescape(CONSENT_NEXT.search(cookie_page)[1]),
        "consent-csrf_token": CONSENT_TOKEN.search(cookie_page)[1]})
    assert answer.status_code == 303
    assert answer.location.endswith(CAMPAIGN_LINK.format("demo-standard-usd", 2))


def test_an_unavailable_offer_in_a_cached_campaign_link_still_says_so(protected):
    for n in range(2):
        html = page(protected.test_client(), CAMPAIGN_LINK.format("no-such-offer", n))
        assert "That offer is not available." in html and not CHOSEN.findall(html)
