"""A campaign link: /go/<code> preselects its offer and the CRM record carries the campaign."""
from __future__ import annotations

import os
import re
import subprocess
import uuid

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import BIN, ROOT, SANDBOX_TOKEN
from e2e.pages import AccountsPage, OffersPage, RegisterPage
from e2e.pages.marketing import ConsentBanner, OfferDetailPage
from sandbox import seed

PASSWORD = "E2e-Passw0rd"


@pytest.fixture(scope="module")
def flask_cli(servers, tmp_path_factory):
    """Run `flask --app app …` against the database of the portal the fixtures started."""
    if servers.sandbox_url is None:
        pytest.skip("the portal's database is unknown when E2E_BASE_URL is set")
    env = getattr(servers, "env", None)
    if env is None:
        # The portal runs from a "portal*" folder of this session's temporary directory.
        (instance,) = {p.parent.resolve()
                       for p in tmp_path_factory.getbasetemp().glob("portal*/portal.db")}
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{instance / 'portal.db'}",
               "PORTAL_INSTANCE_PATH": str(instance), "SECRET_KEY": "e2e-secret",
               "BROKER_API_URL": servers.sandbox_url, "BROKER_API_TOKEN": SANDBOX_TOKEN}
    env = {**env, "PUBLIC_BASE_URL": servers.portal_url}

    def run(*args: str) -> str:
        done = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    return run


@pytest.mark.destructive
def test_campaign_link_preselects_its_offer_and_reaches_the_crm(page: Page, flask_cli, sandbox_api,
                                                                 base_url):
    """Create a campaign, follow /go/<code>, accept cookies, register: the CRM has its source."""
    code, partner = f"e2e-{uuid.uuid4().hex[:8]}", f"ib-{uuid.uuid4().hex[:8]}"
    flask_cli("campaigns", "partner-add", partner, seed.TA_ANN_LIVE, "--name", "E2E partner")
    output = flask_cli("campaigns", "add", code, "--offer", "live-raw-gbp",
                       "--source", "newsletter", "--medium", "email", "--utm-campaign", "autumn",
                       "--partner", partner)
    assert f"{base_url}/go/{code}" in output

    page.goto(f"/go/{code}")
    expect(page).to_have_url(re.compile(rf"/register\?.*cmp={code}"))
    register = RegisterPage(page)
    expect(register.offer("Live Raw GBP")).to_be_checked()
    banner = ConsentBanner(page)
    banner.accept()
    expect(banner.region).to_have_count(0)
    expect(register.offer("Live Raw GBP")).to_be_checked()
    assert any(c["name"] == "portal_attribution" for c in page.context.cookies())

    email = f"e2e-{uuid.uuid4().hex[:12]}@example.com"
    register.register(email, "Cam", "Paign", PASSWORD)
    accounts = AccountsPage(page)
    expect(accounts.heading).to_be_visible()
    expect(accounts.account_cards().filter(has_text="Live Raw GBP")).to_have_count(1)

    record = sandbox_api.get(f"/v1/accounts/by-email/{email}")
    record.raise_for_status()
    assert record.json()["leadDetails"]["source"] == "newsletter/email/autumn"
    assert record.json()["accountConfiguration"]["ibParentTradingAccountUuid"] == seed.TA_ANN_LIVE


def test_offer_card_and_offer_page_lead_to_register_with_the_parameters(page: Page, local):
    """From /offers?utm_source=…, a card (one link) opens the sign-up with its offer and the
    marketing parameters; an offer's own page and its button keep them too."""
    offers = OffersPage(page)
    page.goto("/offers?utm_source=partner-blog&utm_medium=referral")
    offers.card("Demo Standard EUR").get_by_role("link", name="Demo Standard EUR").click()
    expect(page).to_have_url(re.compile(r"/register\?offer=demo-standard-eur&utm_source=partner-blog"))
    expect(RegisterPage(page).offer("Demo Standard EUR")).to_be_checked()

    detail = OfferDetailPage(page)
    detail.open("demo-standard-eur", "utm_source=partner-blog&utm_medium=referral")
    expect(detail.heading("Demo Standard EUR")).to_be_visible()
    ConsentBanner(page).decline()
    expect(ConsentBanner(page).region).to_have_count(0)
    detail.open_account()
    expect(page).to_have_url(re.compile(r"/register\?offer=demo-standard-eur&utm_source=partner-blog"))
    expect(RegisterPage(page).offer("Demo Standard EUR")).to_be_checked()
