"""The welcome mail after sign-up: logins, where to trade, statuses, deposit; never fails
sign-up."""
from __future__ import annotations

import re

from portal.extensions import db
from portal.models import PortalUser
from sandbox import seed
from tests.mailbox import app, free_port, html_of, inbox, link, mail_log, smtp_server, text_of  # noqa: F401
from tests.support import Trader, make_app


def broker_logins(sb, email):
    account = next(a for a in sb.store.data["accounts"].values() if a["email"] == email)
    return [t["login"] for t in sb.store.data["tradingAccounts"].values()
            if t["accountUuid"] == account["uuid"]]


def welcome(inbox, email):
    message = inbox.last(email)
    assert message["Subject"] == "Welcome: your trading account details"
    return message


def test_sign_up_mails_a_welcome_with_the_login_platform_and_confirmation_link(trader, inbox, sb):
    trader.register(email="demo@example.com", offer=seed.OFFER_DEMO_USD)
    message = welcome(inbox, "demo@example.com")
    assert message.get_content_type() == "multipart/alternative"
    text = text_of(message)
    (login,) = broker_logins(sb, "demo@example.com")
    assert "Hello Nora," in text and f"Login: {login}" in text
    assert "Demo Standard USD (Demo, USD)" in text
    assert "Trade in the web platform: https://platform.example/" in text
    assert "Deposit" not in text and Trader.PASSWORD not in text
    assert link(message, "/confirm/") and link(message, "/accounts")
    assert 'href="https://platform.example/"' in html_of(message)


def test_welcome_for_a_live_offer_says_where_to_deposit(trader, inbox):
    trader.register(email="live@example.com", offer=seed.OFFER_LIVE_USD)
    text = text_of(welcome(inbox, "live@example.com"))
    assert "(Live, USD)" in text and "Deposit funds: https://pay.example/deposit" in text


def test_welcome_for_an_approval_offer_explains_the_wait_without_a_login(trader, inbox, sb):
    trader.register(email="wait@example.com", offer=seed.OFFER_APPROVAL)
    text = text_of(welcome(inbox, "wait@example.com"))
    assert not any(broker_logins(sb, "wait@example.com"))  # no login until approved
    assert "Awaiting approval: our team reviews new accounts" in text and "Login:" not in text


def test_welcome_for_a_verification_offer_explains_what_verification_means(trader, inbox):
    trader.register(email="kyc@example.com", offer=seed.OFFER_VERIFY)
    text = text_of(welcome(inbox, "kyc@example.com"))
    assert "Login:" in text and "Verification required: before you can trade this account" in text


def test_welcome_for_a_metatrader_offer_names_the_server_and_the_terminal(trader, inbox):
    trader.register(email="mt5@example.com", offer=seed.OFFER_MT5)
    text = text_of(welcome(inbox, "mt5@example.com"))
    assert "Server: MT5 Live Server. Use MetaTrader 5 to trade this account." in text
    assert "web platform" not in text


def test_welcome_without_the_trading_accounts_when_the_broker_cannot_list_them(trader, inbox, sb):
    sb.faults.add("error", endpoint="trading_accounts", status=500, times=3)
    response = trader.register(email="nolist@example.com")
    assert response.request.path == "/accounts"
    text = text_of(welcome(inbox, "nolist@example.com"))
    assert "We could not list your trading accounts just now." in text
    assert link(inbox.last("nolist@example.com"), "/confirm/")


def test_sign_up_completes_when_the_mail_server_is_down(sb, tmp_path, mail_log):
    smtp_url = f"smtp://u:Mail-Secret1@127.0.0.1:{free_port()}"  # nothing listens there
    down = make_app(sb, f"sqlite:///{tmp_path / 'down.db'}", SMTP_URL=smtp_url,
                    SMTP_SECURITY="none")
    response = Trader(down.test_client(), sb).register(email="nomail@example.com")
    assert response.request.path == "/accounts"
    assert "My trading accounts" in response.get_data(as_text=True)
    with down.app_context():
        assert db.session.scalar(db.select(PortalUser.email)) == "nomail@example.com"
    assert "mail 'welcome' not sent" in mail_log.text and "Mail-Secret1" not in mail_log.text
    assert not re.search(r"nomail@example\.com.*not sent", mail_log.text)


def test_the_welcome_html_links_by_buttons_and_the_text_part_keeps_the_addresses(trader, inbox):
    trader.register(email="buttons@example.com", offer=seed.OFFER_LIVE_USD)
    message = welcome(inbox, "buttons@example.com")
    html = html_of(message)
    assert re.search(r'bgcolor="[^"]+">\s*<a href="http[^"]+/confirm/[^"]+"[^>]*>'
                     r'<font color="#ffffff"><b>Confirm my email address</b>', html)
    assert "http" not in re.sub(r"<[^>]+>", " ", html)
    assert link(message, "/confirm/") and "https://pay.example/deposit" in text_of(message)


def test_the_welcome_deposit_link_carries_the_live_login(app, trader, inbox, sb):
    app.config["DEPOSIT_URL"] = "https://pay.example/fund?account={login}"
    trader.register(email="fund@example.com", offer=seed.OFFER_LIVE_USD)
    text = text_of(welcome(inbox, "fund@example.com"))
    (login,) = broker_logins(sb, "fund@example.com")
    assert f"Deposit funds: https://pay.example/fund?account={login}" in text
