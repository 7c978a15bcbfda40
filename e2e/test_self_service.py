"""Self-service through the dev mailbox: reset and change a password, confirm the email, claim."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.checks import expect_field_error, problems_at_both_sizes
from e2e.pages import (AccountsPage, ChangePasswordPage, CheckInboxPage, ClaimPage,
                       ClaimRequestPage, ConfirmEmailReminder, DevMailPage, ForgotPasswordPage,
                       Header, LinkProblemPage, LoginPage, ResetPasswordPage)
from e2e.support import Trader, log_in, sign_up
from sandbox import seed

pytestmark = pytest.mark.destructive

RESET = "Reset your password"
CLAIM = "Set up your portal login"
WELCOME = "Welcome: your trading account details"
NEW_PASSWORD = "Fresh-Passw0rd9"


def test_forgotten_password_is_reset_through_the_mailed_link(page: Page, local):
    """Login → forgot → mail → new password: logged in; the old password and link stop working."""
    trader = sign_up(page, tag="reset")
    Header(page).logout()
    login = LoginPage(page)
    login.open()
    login.forgot_password()
    forgot = ForgotPasswordPage(page)
    expect(forgot.heading).to_be_visible()
    forgot.request_link(trader.email)
    sent = CheckInboxPage(page)
    expect(sent.status).to_contain_text(trader.email)
    sent.open_local_mailbox()

    mail = DevMailPage(page)
    link = mail.link(trader.email, RESET, "/password/reset/").inner_text()
    mail.follow(trader.email, RESET, "/password/reset/")
    reset = ResetPasswordPage(page)
    expect(reset.heading).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(trader.email)
    reset.choose("alllowercase1")
    expect_field_error(reset.password, "Mix upper-case and lower-case letters.")
    reset.choose(NEW_PASSWORD, "Another-Passw0rd")
    expect_field_error(reset.password, "The two passwords do not match.")
    reset.choose(NEW_PASSWORD)

    accounts = AccountsPage(page)
    expect(accounts.heading).to_be_visible()
    expect(accounts.notice).to_contain_text("Your new password is set.")
    Header(page).logout()
    login.open()
    login.login(trader.email, trader.password)
    expect(login.error).to_contain_text("Email or password is incorrect.")
    log_in(page, Trader(trader.email, NEW_PASSWORD))

    Header(page).logout()
    page.goto(link)
    expect(LinkProblemPage(page).used_heading).to_be_visible()
    expect(LinkProblemPage(page).ask_again_link).to_be_visible()


def test_password_change_keeps_this_browser_and_ends_the_others(page: Page, new_context):
    """Changing the password: this browser stays in, another is logged out, the new one works."""
    trader = sign_up(page, tag="change")
    other = new_context().new_page()
    log_in(other, trader)

    change = ChangePasswordPage(page)
    change.open()
    change.change(trader.password, NEW_PASSWORD)
    accounts = AccountsPage(page)
    expect(accounts.notice).to_contain_text("Your password has been changed.")
    accounts.open()
    expect(accounts.heading).to_be_visible()

    AccountsPage(other).open()
    expect(other).to_have_url(re.compile(r"/login\?next="))
    LoginPage(other).login(trader.email, NEW_PASSWORD)
    expect(AccountsPage(other).heading).to_be_visible()


def test_welcome_mail_confirms_the_email_and_the_reminder_goes(page: Page, local):
    """The reminder shows until the welcome mail's confirmation link is opened."""
    trader = sign_up(page, tag="confirm")
    reminder = ConfirmEmailReminder(page)
    expect(reminder.form).to_contain_text(trader.email)

    mail = DevMailPage(page)
    mail.open()
    expect(mail.messages(trader.email, WELCOME)).to_contain_text(re.compile(r"Login: \d+"))
    mail.follow(trader.email, WELCOME, "/confirm/")
    accounts = AccountsPage(page)
    expect(accounts.notice).to_have_text("Thank you, your email address is confirmed.")
    expect(reminder.form).to_have_count(0)
    accounts.open()
    expect(reminder.form).to_have_count(0)


def test_legacy_trader_claims_the_account_and_sees_all_twelve_trading_accounts(page: Page, local):
    """The seeded Account made elsewhere: claim link, password, then all 12 accounts, any screen."""
    login = LoginPage(page)
    login.open()
    login.set_up_portal_login()
    ClaimRequestPage(page).request_link("  legacy.trader@example.com ")
    CheckInboxPage(page).open_local_mailbox()
    email = seed.EMAIL_LEGACY.lower()
    DevMailPage(page).follow(email, CLAIM, "/claim/")

    claim = ClaimPage(page)
    expect(claim.heading).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(email)
    claim.claim(NEW_PASSWORD, "Other-Passw0rd1", accept_terms=False)
    expect_field_error(claim.password, "The two passwords do not match.")
    expect_field_error(claim.terms, "You need to accept the terms to continue.")
    expect(claim.password).to_have_value("")
    claim.claim(NEW_PASSWORD)

    accounts = AccountsPage(page)
    expect(accounts.notice).to_have_text("Your portal login is ready.")
    expect(accounts.login_cards()).to_have_count(12)
    assert len(set(accounts.logins())) == 12
    problems = problems_at_both_sizes(page, "accounts-twelve")
    assert not problems, "\n".join(problems)

    Header(page).logout()
    log_in(page, Trader(email, NEW_PASSWORD))
    expect(accounts.login_cards()).to_have_count(12)
