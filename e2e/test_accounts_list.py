"""The accounts list stays correct on every portal worker after a change."""
from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from e2e.pages import AccountsPage, ConfirmAccountPage, NewAccountPage, RegisterPage

LOADS = 6  # gunicorn -w 2 hands each connection to either worker; 6 loads reach both


@pytest.mark.destructive
def test_new_account_is_listed_on_every_load(page: Page):
    """After opening an account, every load of the list shows it, whichever worker answers."""
    register, accounts = RegisterPage(page), AccountsPage(page)
    register.open()
    register.register(f"e2e-{uuid.uuid4().hex[:12]}@example.com", "Lee", "Lister",
                      "E2e-Passw0rd", offer_name="Demo Standard USD")
    for _ in range(LOADS):
        accounts.open()
        expect(accounts.account_cards()).to_have_count(1)

    accounts.open_another()
    NewAccountPage(page).choose("Live Standard USD")
    ConfirmAccountPage(page).confirm()
    expect(page.get_by_role("status")).to_contain_text("is ready")
    for _ in range(LOADS):
        accounts.open()
        expect(accounts.account_cards()).to_have_count(2)
