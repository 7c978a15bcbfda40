"""Every page of the portal as a named stop: how to get there, and what it needs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from playwright.sync_api import Page, expect

from e2e.pages import (AccountsPage, ForgotPasswordPage, LoginPage, NewAccountPage, RegisterPage)
from e2e.support import unique_email


@dataclass(frozen=True)
class Links:
    """Mailed links the tour opens without using them."""

    reset: str
    claim: str


@dataclass(frozen=True)
class Stop:
    """One page state: `visit` brings a fresh page there."""

    name: str
    visit: Callable[[Page, Links | None], None]
    logged_in: bool = False  # needs the tour trader's session (a sign-up: destructive)
    destructive: bool = False  # posts something that writes data or spends a rate limit
    local_only: bool = False  # needs the sandbox or the dev mailbox


def _goto(path: str) -> Callable[[Page, Links | None], None]:
    def visit(page: Page, _links: Links | None) -> None:
        page.goto(path)
    return visit


def _offer_detail(page: Page, _links) -> None:
    page.goto("/offers/demo-standard-usd")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def _login_failed(page: Page, _links) -> None:
    login = LoginPage(page)
    login.open()
    login.login(unique_email("nobody"), "Wrong-Passw0rd")
    expect(login.error).to_be_visible()


def _register_errors(page: Page, _links) -> None:
    register = RegisterPage(page)
    register.open()
    register.fill(email="not-an-email", password="short", accept_terms=False)
    register.send()
    expect(register.email).to_have_attribute("aria-invalid", "true")


def _forgot_sent(page: Page, _links) -> None:
    forgot = ForgotPasswordPage(page)
    forgot.open()
    forgot.request_link(unique_email("nobody"))
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()


def _open_live_from_demo(page: Page, _links) -> None:
    accounts = AccountsPage(page)
    accounts.open()
    accounts.open_live_link(accounts.demo_group.get_by_role("article").first, "USD").click()
    expect(NewAccountPage(page).heading).to_be_visible()


def _accounts(page: Page, _links) -> None:
    accounts = AccountsPage(page)
    accounts.open()
    expect(accounts.account_cards().first).to_be_visible()


STOPS = [
    Stop("home", _goto("/")),
    Stop("offers", _goto("/offers")),
    Stop("offer-detail", _offer_detail),
    Stop("register", _goto("/register")),
    Stop("register-errors", _register_errors, destructive=True),
    Stop("login", _goto("/login")),
    Stop("login-failed", _login_failed),
    Stop("forgot-password", _goto("/password/forgot")),
    Stop("forgot-password-sent", _forgot_sent, destructive=True),
    Stop("claim-request", _goto("/claim")),
    Stop("cookie-choices", _goto("/consent?choice=accept&next=/offers")),
    Stop("link-invalid", _goto("/password/reset/not-a-real-token")),
    Stop("not-found", _goto("/no-such-page")),
    Stop("reset-password", lambda page, links: page.goto(links.reset), local_only=True),
    Stop("claim", lambda page, links: page.goto(links.claim), local_only=True),
    Stop("dev-mail", _goto("/dev/mail"), local_only=True),
    Stop("accounts", _accounts, logged_in=True),
    Stop("accounts-new", _goto("/accounts/new"), logged_in=True),
    Stop("accounts-new-live", _open_live_from_demo, logged_in=True),
    Stop("profile", _goto("/profile"), logged_in=True),
    Stop("profile-edit", _goto("/profile/edit"), logged_in=True),
    Stop("my-data", _goto("/my-data"), logged_in=True),
    Stop("password-change", _goto("/password/change"), logged_in=True),
]
