"""The marketing team's pages on a phone and a desktop: log in, read the funnel's chart, download
its CSV, build a campaign link with its QR code; axe-clean, nothing scrolling sideways."""
from __future__ import annotations

import re
import sqlite3
import subprocess
import uuid
from datetime import datetime, timezone

import pytest
from playwright.sync_api import Page, expect

from e2e.checks import VIEWPORTS, describe_violations, horizontal_overflow, serious_violations
from e2e.locations import SCREENSHOTS
from e2e.pages import Header
from e2e.servers import BIN, ROOT
from e2e.support import unique_email

PASSWORD = "Staff-Passw0rd"


@pytest.fixture(scope="module")
def staff_email(local) -> str:
    """A staff account made with `flask staff add` in the portal's database."""
    email = unique_email("staff")
    done = subprocess.run([str(BIN / "flask"), "--app", "app", "staff", "add", email,
                           "--password-stdin"], cwd=ROOT, env=local.env, input=PASSWORD + "\n",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return email


@pytest.fixture(scope="module")
def landed(local) -> str:
    """A campaign's landings of today, as the portal's batch writes leave them in the table."""
    campaign = f"e2e-landed-{uuid.uuid4().hex[:6]}"
    path = local.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO landing_counts (day, campaign, source, medium, count) "
                     "VALUES (?, ?, 'e2e-news', 'email', 40)",
                     (datetime.now(timezone.utc).date().isoformat(), campaign))
    return campaign


def page_is_sound(page: Page, name: str) -> None:
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    assert horizontal_overflow(page) is None, horizontal_overflow(page)
    violations = serious_violations(page)
    assert not violations, describe_violations(violations)


@pytest.mark.destructive
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_staff_read_the_funnel_download_it_and_build_a_link_with_its_qr(page: Page, size: str,
                                                                        staff_email: str,
                                                                        landed: str,
                                                                        base_url: str):
    page.set_viewport_size(VIEWPORTS[size])
    page.goto("/staff/funnel")
    expect(page).to_have_url(re.compile(r"/staff/login\?next="))
    main = page.get_by_role("main")
    main.get_by_label("Email").fill(staff_email)
    main.get_by_label("Password").fill(PASSWORD)
    main.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name="Sign-up funnel", level=1)).to_be_visible()
    chart = page.get_by_role("img", name="The funnel, all campaigns together")
    expect(chart).to_be_visible()
    expect(chart.locator("rect")).to_have_count(4)
    expect(chart).to_contain_text("First live account")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=landed))
    expect(row).to_contain_text("e2e-news / email")
    expect(row.get_by_role("cell").nth(1)).to_have_text("40")
    page_is_sound(page, f"staff-funnel-{size}")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    assert re.fullmatch(r"funnel-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d-last-touch\.csv",
                        download.value.suggested_filename)
    with open(download.value.path(), encoding="utf-8") as csv_file:
        assert csv_file.readline().startswith("campaign,source,landings,signups,")

    Header(page).open_menu()  # on a phone the links are in the header's menu
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Campaign links").click()
    code = f"e2e-{size}-{uuid.uuid4().hex[:6]}"
    form = page.get_by_role("region", name="New campaign")
    form.get_by_label("Code").fill(code)
    form.get_by_label("Offer").select_option(label="Demo Standard USD")
    form.get_by_label("Source (utm_source)").fill("newsletter")
    form.get_by_label("Medium (utm_medium)").fill("email")
    form.get_by_role("button", name="Create campaign").click()

    expect(page.get_by_text(f"Campaign {code} was created.")).to_be_visible()
    expect(page.get_by_role("link", name=f"{base_url}/go/{code}")).to_be_visible()
    expect(page.locator("#deep-link")).to_contain_text(
        "offer=demo-standard-usd&utm_source=newsletter&utm_medium=email")
    qr = page.get_by_role("img", name=f"QR code for {base_url}/go/{code}")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    page_is_sound(page, f"staff-links-{size}")

    Header(page).open_menu()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have been logged out of the staff pages.")).to_be_visible()
    page.goto("/staff/links")
    expect(page).to_have_url(re.compile(r"/staff/login"))
