"""Claiming an Account made elsewhere: a mailed single-use link, the password set at the broker."""
from __future__ import annotations

import re
import time

import pytest

from portal.extensions import db
from portal.models import AuditEvent, PortalUser
from portal.services import links
from sandbox import seed
from tests.mailbox import app, inbox, link, smtp_server, tampered, text_of  # noqa: F401

LEGACY = seed.EMAIL_LEGACY.lower()
NEW = "Claimed-Pass55"


def users(app) -> list[PortalUser]:
    with app.app_context():
        return db.session.scalars(db.select(PortalUser)).all()


def claim_link(client, inbox, email=seed.EMAIL_LEGACY) -> str:
    client.post("/claim", data={"email": email})
    return link(inbox.last(LEGACY), "/claim/")


def claim(client, path, password=NEW, terms="y"):
    return client.post(path, data={"password": password, "confirm": password, "terms": terms})


def test_taken_email_on_registration_links_to_claim_and_to_forgot_password(trader):
    html = trader.register(email=seed.EMAIL_LEGACY).get_data(as_text=True)
    assert "This email is already registered" in html
    assert 'href="/claim"' in html and 'href="/password/forgot"' in html


def test_login_page_links_to_claim(client):
    assert 'href="/claim"' in client.get("/login").get_data(as_text=True)


def test_claim_sets_the_password_at_the_broker_and_lists_the_existing_accounts(
        app, client, inbox, sb):
    status_before = sb.store.data["accounts"][seed.ACCOUNT_LEGACY]["verificationStatus"]
    page = client.post("/claim",
                       data={"email": "  legacy.trader@example.com "}).get_data(as_text=True)
    assert "Check your inbox" in page
    message = inbox.last(LEGACY)
    assert message["Subject"] == "Set up your portal login" and "Hello Lena," in text_of(message)
    path = link(message, "/claim/")
    form = client.get(path).get_data(as_text=True)
    assert LEGACY in form and '<label for="password">New password</label>' in form
    assert 'id="terms"' in form
    response = claim(client, path)
    assert response.headers["Location"] == "/accounts"
    html = client.get("/accounts").get_data(as_text=True)
    assert "Your portal login is ready" in html
    assert len(set(re.findall(r"Login (\d+)", html))) == 12
    assert sb.password_of(seed.ACCOUNT_LEGACY) == NEW
    (user,) = users(app)
    assert (user.email, user.account_uuid) == (LEGACY, seed.ACCOUNT_LEGACY)
    assert (user.first_name, user.last_name) == ("Lena", "Legacy")
    assert user.terms_version == app.config["TERMS_VERSION"]
    assert user.terms_accepted_ip == "127.0.0.1"
    assert user.confirmed_at is not None  # the link proved the mailbox
    assert sb.call_count("update_account") == 0
    assert sb.store.data["accounts"][seed.ACCOUNT_LEGACY]["verificationStatus"] == status_before
    with app.app_context():
        assert db.session.scalar(db.select(AuditEvent.kind).filter_by(kind="account_claimed"))


def test_claimed_login_works_with_the_new_password(trader, client, inbox):
    claim(client, claim_link(client, inbox))
    trader.logout()
    assert "My trading accounts" in trader.login(email=LEGACY, password=NEW).get_data(as_text=True)


def test_claim_link_works_only_once(app, client, inbox, sb):
    path = claim_link(client, inbox)
    claim(client, path)
    client.post("/logout")
    response = client.get(path)
    assert response.status_code == 410
    assert "This link has already been used" in response.get_data(as_text=True)
    assert claim(client, path, password="Second-Try77").status_code == 410
    assert sb.password_of(seed.ACCOUNT_LEGACY) == NEW and len(users(app)) == 1


def test_an_older_claim_link_dies_once_the_account_is_claimed(app, client, inbox, monkeypatch):
    first = claim_link(client, inbox)
    monkeypatch.setattr("portal.services.trader_mail.throttled", lambda kind, address: False)
    second = claim_link(client, inbox)
    assert first != second
    claim(client, second)
    assert client.get(first).status_code == 410


def test_claim_link_expires(app, client, inbox, monkeypatch):
    path = claim_link(client, inbox)
    monkeypatch.setattr(links, "_clock", lambda: time.time() + app.config["RESET_LINK_MAX_AGE"] + 1)
    response = client.get(path)
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)
    assert 'href="/claim"' in response.get_data(as_text=True)


def test_tampered_claim_link_is_refused(client, inbox, sb):
    path = claim_link(client, inbox)
    response = claim(client, tampered(path))
    assert response.status_code == 400 and sb.call_count("change_password") == 0


def test_claim_page_says_the_same_whatever_the_email(trader, client):
    trader.register(email="existing@example.com")
    trader.logout()
    pages = {email: client.post("/claim",
                                data={"email": email}).get_data(as_text=True).replace(email, "X")
             for email in ("nobody@example.com", "existing@example.com", seed.EMAIL_LEGACY)}
    assert len(set(pages.values())) == 1 and "Check your inbox" in pages["nobody@example.com"]


def test_claim_for_an_email_with_a_portal_login_mails_a_reset_link_instead(trader, client, inbox):
    trader.register(email="existing@example.com")
    trader.logout()
    inbox.messages.clear()
    client.post("/claim", data={"email": "existing@example.com"})
    assert link(inbox.last("existing@example.com"), "/password/reset/")


def test_claim_for_an_unknown_email_mails_nothing(client, inbox):
    client.post("/claim", data={"email": "nobody@example.com"})
    assert inbox.messages == []


def test_forgot_password_for_an_account_made_elsewhere_mails_a_claim_link(client, inbox):
    page = client.post("/password/forgot", data={"email": seed.EMAIL_LEGACY}).get_data(as_text=True)
    assert "Check your inbox" in page
    assert link(inbox.last(LEGACY), "/claim/")


def test_claim_needs_the_terms_and_a_valid_password(app, client, inbox, sb):
    path = claim_link(client, inbox)
    html = claim(client, path, terms="").get_data(as_text=True)
    assert "You need to accept the terms to continue." in html
    html = claim(client, path, password="short").get_data(as_text=True)
    assert "Use at least 8 characters." in html
    assert sb.call_count("change_password") == 0 and users(app) == []


@pytest.mark.parametrize("fault,status,message", [
    ({"kind": "error", "status": 500}, 503, "your password was not changed"),
    ({"kind": "timeout"}, 503, "your password was not changed"),
    ({"kind": "rate_limit", "retry_after": 120}, 503, "your password was not changed"),
    ({"kind": "error", "status": 400}, 200, "Our trading services refused this password"),
])
def test_claim_when_the_broker_is_down_or_refuses_creates_nothing_and_keeps_the_link(
        app, client, inbox, sb, fault, status, message):
    path = claim_link(client, inbox)
    sb.faults.add(endpoint="change_password", **fault)
    response = claim(client, path)
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert users(app) == [] and sb.password_of(seed.ACCOUNT_LEGACY) == seed.SEED_PASSWORD
    assert client.get("/accounts").status_code == 302
    sb.faults.clear()
    assert claim(client, path).headers["Location"] == "/accounts"
    assert len(users(app)) == 1


def test_claim_request_when_the_broker_is_down_gives_the_neutral_answer_and_sends_nothing(
        client, inbox, sb, caplog):
    sb.faults.add("error", endpoint="account_by_email", status=500)
    response = client.post("/claim", data={"email": seed.EMAIL_LEGACY})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"If we have an account for {seed.EMAIL_LEGACY}" in html
    assert inbox.messages == [] and "claim link not offered" in caplog.text


def test_a_claimed_account_without_trading_accounts_is_not_told_it_has_some(
        app, client, inbox, sb):
    app.config["ACCOUNTS_CACHE_TTL"] = 0
    for uuid, item in list(sb.store.data["tradingAccounts"].items()):
        if item["accountUuid"] == seed.ACCOUNT_LEGACY:
            del sb.store.data["tradingAccounts"][uuid]
    html = client.get(claim(client, claim_link(client, inbox)).headers["Location"]).get_data(
        as_text=True)
    assert "Your portal login is ready." in html
    assert "These are your trading accounts" not in html and "Open platform" not in html
    assert "You have no trading accounts yet." in html
