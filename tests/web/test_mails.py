"""The password-changed and new-account mails, and the brand and buttons every mail carries."""
from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.models import PortalUser
from portal.services import accounts, audit, pending
from sandbox import seed
from tests.mailbox import app, html_of, inbox, link, smtp_server, text_of  # noqa: F401
from tests.support import Trader, make_app

EMAIL = "new.trader@example.com"  # the Trader helper's default
NEW = "Fresh-Start88"
CHANGED = "Your password was changed"
OPENED = "Your new trading account"


@pytest.fixture
def registered(trader, inbox):
    trader.register(email=EMAIL)
    inbox.messages.clear()
    return trader


def subjects(inbox, email=EMAIL) -> list[str]:
    return [str(m["Subject"]) for m in inbox.to(email)]


def buttons(html: str) -> dict[str, str]:
    """Label -> link of the table buttons in a mail's HTML part."""
    found = re.findall(r'<td align="center" bgcolor="[^"]+">\s*<a href="([^"]+)"[^>]*>'
                       r'<font color="#ffffff"><b>([^<]+)</b>', html)
    return {label: url for url, label in found}


def open_account(app, offer, key="test-key-1", email=EMAIL):
    """Open a trading account the way the accounts page does, through the service."""
    with app.test_request_context():
        user = db.session.scalar(db.select(PortalUser).filter_by(email=email))
        return accounts.open_trading_account(user, offer, key, audit.Actor())


def test_changing_the_password_mails_one_warning_with_a_reset_button(registered, client, inbox):
    client.post("/password/change", data={"current_password": Trader.PASSWORD, "password": NEW,
                                          "confirm": NEW})
    assert subjects(inbox) == [CHANGED]
    message = inbox.last(EMAIL)
    text, html = text_of(message), html_of(message)
    assert "The password of your trader portal login new.trader@example.com was changed." in text
    assert "Was it not you?" in text
    assert link(message, "/password/forgot") == "/password/forgot"
    assert "Then tell our support team by replying to this mail." in text
    assert buttons(html)["Reset my password"].endswith("/password/forgot")
    assert NEW not in text and NEW not in html


def test_a_wrong_current_password_changes_nothing_and_mails_nothing(registered, client, inbox):
    client.post("/password/change", data={"current_password": "Wrong-Pass1", "password": NEW,
                                          "confirm": NEW})
    assert subjects(inbox) == []


def test_a_reset_mails_the_link_then_one_warning_once_the_password_is_set(
        registered, client, inbox):
    registered.logout()
    client.post("/password/forgot", data={"email": EMAIL})
    path = link(inbox.last(EMAIL), "/password/reset/")
    client.post(path, data={"password": NEW, "confirm": NEW})
    assert subjects(inbox) == ["Reset your password", CHANGED]
    assert "was changed" in text_of(inbox.last(EMAIL))


def test_a_claim_mails_one_warning_that_the_login_was_set_up(client, inbox):
    client.post("/claim", data={"email": seed.EMAIL_LEGACY})
    (message,) = inbox.messages
    client.post(link(message, "/claim/"), data={"password": NEW, "confirm": NEW, "terms": "y"})
    (_, warning) = inbox.messages
    assert warning["Subject"] == CHANGED
    assert "You set up your login for our trader portal with legacy.trader@example.com" in (
        text_of(warning))


def test_the_warning_names_the_brands_support_contact(sb, tmp_path, inbox):
    branded = make_app(sb, f"sqlite:///{tmp_path / 'brand.db'}", SMTP_URL=inbox.url,
                       SMTP_SECURITY="none", BRAND_NAME="Acme Markets",
                       SUPPORT_EMAIL="help@acme.example", BRAND_PRIMARY_COLOR="#aa0000",
                       BRAND_LOGO_URL="https://acme.example/logo.png",
                       COMPANY_FOOTER="Acme Markets Ltd, licence 123/45")
    client = branded.test_client()
    trader = Trader(client, sb)
    trader.register(email=EMAIL)
    client.post("/password/change", data={"current_password": Trader.PASSWORD, "password": NEW,
                                          "confirm": NEW})
    message = inbox.last(EMAIL)
    text, html = text_of(message), html_of(message)
    assert "Then tell our support team: help@acme.example" in text
    assert 'href="mailto:help@acme.example"' in html
    assert '<img src="https://acme.example/logo.png" alt="Acme Markets"' in html
    assert 'bgcolor="#aa0000"' in html
    assert "Acme Markets Ltd, licence 123/45" in text and "Acme Markets Ltd, licence 123/45" in html
    assert "Questions? Contact Acme Markets support: help@acme.example" in text
    assert "Trader portal" not in text and "Trader portal" not in html


def test_without_brand_settings_mails_carry_a_neutral_name(registered, client, inbox):
    client.post("/password/change", data={"current_password": Trader.PASSWORD, "password": NEW,
                                          "confirm": NEW})
    html = html_of(inbox.last(EMAIL))
    assert "<b>Trader portal</b>" in html and "<img" not in html


def test_opening_a_live_account_mails_its_login_server_and_a_fund_button(app, registered, inbox,
                                                                         sb):
    request = open_account(app, seed.OFFER_LIVE_USD)
    assert subjects(inbox) == [OPENED]
    message = inbox.last(EMAIL)
    text, html = text_of(message), html_of(message)
    assert "Your new trading account in the offer Live Standard USD is open." in text
    assert f"Login: {request.login}" in text and "Type: Live, USD" in text
    assert "Platform: Match-Trader" in text and "Server: MTR Live" in text
    assert "Password: your portal password" in text
    assert "Trade: https://platform.example" in text
    assert "Fund this account: https://pay.example/deposit" in text
    labels = buttons(html)
    assert labels["Trade"].startswith("https://platform.example")
    assert labels["Fund this account"] == "https://pay.example/deposit"
    assert labels["All your accounts"].endswith("/accounts")
    assert "https://pay.example/deposit<" not in html  # a button label, never the raw address


def test_the_fund_button_carries_the_login_when_the_deposit_address_asks_for_it(
        sb, tmp_path, inbox):
    funded = make_app(sb, f"sqlite:///{tmp_path / 'fund.db'}", SMTP_URL=inbox.url,
                      SMTP_SECURITY="none", DEPOSIT_URL="https://pay.example/deposit?login={login}")
    Trader(funded.test_client(), sb).register(email=EMAIL)
    request = open_account(funded, seed.OFFER_LIVE_GBP)
    assert (buttons(html_of(inbox.last(EMAIL)))["Fund this account"]
            == f"https://pay.example/deposit?login={request.login}")


def test_a_new_metatrader_account_says_how_to_log_in_with_metatrader(app, registered, inbox):
    request = open_account(app, seed.OFFER_MT5)
    text = text_of(inbox.last(EMAIL))
    assert "Platform: MT5" in text and "Server: MT5 Live Server" in text
    assert (f"open MetaTrader 5, choose File, then Login to Trade Account, and enter the login "
            f"{request.login}, your portal password and the server MT5 Live Server.") in text
    assert "Trade: " not in text


def test_a_demo_account_mail_has_no_fund_button(app, registered, inbox):
    open_account(app, seed.OFFER_DEMO_EUR)
    message = inbox.last(EMAIL)
    assert "Type: Demo, EUR" in text_of(message) and "Fund" not in text_of(message)
    assert "Fund this account" not in buttons(html_of(message))


def test_an_account_awaiting_approval_mails_the_wait_without_a_login(app, registered, inbox):
    open_account(app, seed.OFFER_APPROVAL)
    text = text_of(inbox.last(EMAIL))
    assert "Awaiting approval: our team reviews new accounts" in text and "Login:" not in text
    assert "We have your request for a trading account in the offer" in text
    assert " is open" not in text


def test_the_same_open_form_sent_twice_mails_once(app, registered, inbox):
    open_account(app, seed.OFFER_LIVE_USD, key="same-key")
    open_account(app, seed.OFFER_LIVE_USD, key="same-key")
    assert subjects(inbox) == [OPENED]


def test_an_account_the_worker_opens_after_an_outage_is_mailed_once(app, registered, inbox, sb):
    sb.faults.add("timeout", endpoint="create_trading_account", times=1)
    with pytest.raises(accounts.OpenPending):
        open_account(app, seed.OFFER_LIVE_USD)
    assert subjects(inbox) == []
    with app.app_context():
        for request in db.session.scalars(db.select(accounts.TradingAccountRequest)):
            request.next_attempt_at = request.started_at
        db.session.commit()
        assert pending.run_once() == 1
    assert subjects(inbox) == [OPENED]
    assert "Live Standard USD" in text_of(inbox.last(EMAIL))


def test_an_opened_account_stays_open_when_the_mail_server_is_down(sb, tmp_path):
    down = make_app(sb, f"sqlite:///{tmp_path / 'down.db'}",
                    SMTP_URL="smtp://127.0.0.1:9", SMTP_SECURITY="none", SMTP_TIMEOUT=2)
    Trader(down.test_client(), sb).register(email=EMAIL)
    request = open_account(down, seed.OFFER_LIVE_USD)
    assert request.login and request.state == "done"


@pytest.fixture
def polish(client, trader, inbox):
    client.get("/?lang=pl")
    trader.register(email=EMAIL)
    inbox.messages.clear()
    return trader


def test_polish_mails_greet_neutrally_and_are_translated(app, polish, client, inbox):
    client.post("/password/change", data={"current_password": Trader.PASSWORD, "password": NEW,
                                          "confirm": NEW})
    open_account(app, seed.OFFER_LIVE_USD)
    changed, opened = inbox.messages
    assert changed["Subject"] == "Hasło zostało zmienione"
    assert opened["Subject"] == "Twoje nowe konto handlowe"
    for message in (changed, opened):
        text, html = text_of(message), html_of(message)
        assert text.startswith("Dzień dobry,") and "<p>Dzień dobry,</p>" in html
        assert "Nora" not in text and "Witaj" not in text and "Hello" not in text
    assert "Zresetuj hasło" in buttons(html_of(changed))
    assert "Zasil to konto" in buttons(html_of(opened))
    assert "Hasło: hasło do portalu" in text_of(opened)


def test_the_polish_welcome_greets_neutrally_too(client, trader, inbox):
    client.get("/?lang=pl")
    trader.register(email="zofia@example.com", first_name="Zofia")
    text = text_of(inbox.last("zofia@example.com"))
    assert text.startswith("Dzień dobry,") and "Zofia" not in text.split("\n", 1)[0]
