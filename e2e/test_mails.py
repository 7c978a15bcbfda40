"""The mails a trader gets after a password change and a new account, read at /dev/mail, and
their HTML part shown as a mail client would show it."""
from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.checks import problems_at_both_sizes
from e2e.pages import (AccountsPage, ChangePasswordPage, DevMailPage, ForgotPasswordPage,
                       NewAccountPage)
from e2e.support import LIVE_OFFER, sign_up

pytestmark = pytest.mark.destructive

CHANGED = "Your password was changed"
OPENED = "Your new trading account"
NEW_PASSWORD = "Fresh-Passw0rd9"


def html_part(local, to: str, subject: str) -> str:
    """The HTML part of the newest mail to ``to`` with ``subject`` in the portal's mail folder."""
    folder = Path(local.env["PORTAL_INSTANCE_PATH"]) / "mail"
    for path in sorted(folder.glob("*.eml"), reverse=True):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if message["To"] == to and message["Subject"] == subject:
            return message.get_body(preferencelist=("html",)).get_content()
    raise AssertionError(f"no mail {subject!r} to {to}")


def show_mail(page: Page, html: str, name: str) -> None:
    """Show the HTML part alone, screenshot it at both sizes and check it with axe."""
    page.set_content(html)
    problems = problems_at_both_sizes(page, name)
    assert not problems, "\n".join(problems)


def test_a_password_change_mails_a_warning_whose_link_leads_to_forgot_password(
        page: Page, local):
    trader = sign_up(page, tag="changed-mail")
    change = ChangePasswordPage(page)
    change.open()
    change.change(trader.password, NEW_PASSWORD)
    expect(AccountsPage(page).notice).to_contain_text("Your password has been changed.")

    mail = DevMailPage(page)
    mail.open()
    warning = mail.messages(trader.email, CHANGED)
    expect(warning).to_have_count(1)
    expect(warning).to_contain_text("Was it not you?")
    expect(warning).not_to_contain_text(NEW_PASSWORD)
    mail.follow(trader.email, CHANGED, "/password/forgot")
    expect(ForgotPasswordPage(page).heading).to_be_visible()

    show_mail(page, html_part(local, trader.email, CHANGED), "mail-password-changed")
    expect(page.get_by_role("link", name="Reset my password")).to_be_visible()
    expect(page.get_by_text("Hello Erin,")).to_be_visible()


def test_a_new_live_account_mails_its_login_server_and_buttons(page: Page, local):
    trader = sign_up(page, tag="opened-mail")
    accounts = AccountsPage(page)
    accounts.open_another()
    NewAccountPage(page).choose(LIVE_OFFER)  # one button: the account opens at once
    expect(accounts.notice).to_contain_text("is ready")

    mail = DevMailPage(page)
    mail.open()
    opened = mail.messages(trader.email, OPENED)
    expect(opened).to_have_count(1)
    expect(opened).to_contain_text(re.compile(r"Login: \d+"))
    expect(opened).to_contain_text("Server: MTR Live")
    expect(opened).to_contain_text("Fund this account: ")

    show_mail(page, html_part(local, trader.email, OPENED), "mail-account-opened")
    for label in ("Trade", "Fund this account", "All your accounts"):
        expect(page.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"^Login \d+$"))).to_be_visible()
