"""The portal's own email confirmation: a reminder, never a block, and never the broker's KYC."""
from __future__ import annotations

import time

import pytest

from portal.extensions import db
from portal.models import PortalUser
from portal.services import links
from tests.mailbox import app, inbox, link, smtp_server, tampered  # noqa: F401

EMAIL = "new.trader@example.com"  # the Trader helper's default
BANNER = "Please confirm your email address"


@pytest.fixture
def signed_up(trader, inbox):
    trader.register()
    return trader


def account_of(app):
    with app.app_context():
        user = db.session.scalar(db.select(PortalUser).filter_by(email=EMAIL))
        return user.confirmed_at, user.account_uuid


def confirm_path(inbox) -> str:
    return link(inbox.last(EMAIL), "/confirm/")


def test_unconfirmed_trader_is_reminded_but_never_blocked(signed_up, client):
    for page in ("/accounts", "/accounts/new", "/offers"):
        response = client.get(page)
        assert response.status_code == 200 and BANNER in response.get_data(as_text=True)
    html = client.get("/accounts").get_data(as_text=True)
    assert 'action="/confirm/resend"' in html and "Send the link again" in html


def test_confirmation_link_confirms_the_email_and_the_reminder_goes(
        app, signed_up, client, inbox, sb):
    confirmed_at, uuid = account_of(app)
    assert confirmed_at is None
    status_before = sb.store.data["accounts"][uuid]["verificationStatus"]
    response = client.get(confirm_path(inbox))
    assert response.headers["Location"] == "/accounts"
    html = client.get("/accounts").get_data(as_text=True)
    assert "your email address is confirmed" in html and BANNER not in html
    assert account_of(app)[0] is not None
    assert sb.call_count("update_account") == 0
    assert sb.store.data["accounts"][uuid]["verificationStatus"] == status_before


def test_confirmation_link_works_when_logged_out_and_twice_says_already_confirmed(
        signed_up, client, inbox):
    path = confirm_path(inbox)
    signed_up.logout()
    assert client.get(path).headers["Location"] == "/login"
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert "Your email address is already confirmed." in html


def test_expired_or_tampered_confirmation_link_explains_and_offers_a_new_one(
        app, signed_up, client, inbox, monkeypatch):
    path = confirm_path(inbox)
    response = client.get(tampered(path))
    assert response.status_code == 400
    assert "This link is not valid" in response.get_data(as_text=True)
    monkeypatch.setattr(links, "_clock",
                        lambda: time.time() + app.config["CONFIRM_LINK_MAX_AGE"] + 1)
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 410 and "This link has expired" in html
    assert 'href="/accounts"' in html and account_of(app)[0] is None


def test_resend_mails_a_new_confirmation_link_at_most_once_a_minute(app, signed_up, client, inbox):
    inbox.messages.clear()
    html = client.post("/confirm/resend", data={"next": "/offers"},
                       follow_redirects=True).get_data(as_text=True)
    assert f"We sent a new link to {EMAIL}." in html
    (message,) = inbox.messages
    assert message["Subject"] == "Confirm your email address"
    html = client.post("/confirm/resend", follow_redirects=True).get_data(as_text=True)
    assert "We sent a link a moment ago" in html and len(inbox.messages) == 1
    client.get(link(message, "/confirm/"))
    assert account_of(app)[0] is not None


def test_resend_returns_only_to_a_page_of_this_site(signed_up, client):
    response = client.post("/confirm/resend", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/accounts"


def test_resend_needs_a_login(client):
    assert client.post("/confirm/resend").status_code == 302


def test_someone_elses_link_opened_while_logged_in_names_whose_address_it_confirmed(
        app, signed_up, client, inbox, trader):
    path = confirm_path(inbox)
    trader.logout()
    trader.register(email="other@example.com")
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert ("The email address new.trader@example.com is confirmed. You are still logged in as "
            "other@example.com.") in html
    assert "your email address is confirmed" not in html and BANNER in html
    assert account_of(app)[0] is not None
