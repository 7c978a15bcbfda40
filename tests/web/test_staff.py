"""The staff pages: a login apart from traders', the funnel with its chart and CSV, the link
builder with its QR code."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.models import AuditEvent, LandingCount
from portal.services import campaigns, staff
from tests.support import Trader, make_app

EMAIL, PASSWORD = "marketing@example.com", "Market-Team42"


@pytest.fixture
def member(app):
    with app.app_context():
        staff.add(EMAIL, PASSWORD)
    return app


def log_in(client, email=EMAIL, password=PASSWORD, **extra):
    return client.post("/staff/login", data={"email": email, "password": password, **extra})


def kinds(app):
    with app.app_context():
        return [e.kind for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]


def test_staff_pages_ask_for_a_staff_login_and_come_back_afterwards(member, client):
    response = client.get("/staff/funnel?touch=first")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login?next=")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Please log in with your staff account to see that page." in page
    back = log_in(client, next="/staff/funnel?touch=first")
    assert back.headers["Location"] == "/staff/funnel?touch=first"
    assert client.get("/staff/funnel").status_code == 200
    assert kinds(member)[-1] == "staff_login"


def test_a_wrong_password_is_refused_keeping_the_email_and_audited(member, client):
    response = log_in(client, password="Wrong-Pass99")
    html = response.get_data(as_text=True)
    assert "Email or password is incorrect." in html and f'value="{EMAIL}"' in html
    assert client.get("/staff/funnel").status_code == 302
    assert kinds(member)[-1] == "staff_login_failed"


def test_a_trader_session_opens_no_staff_page_and_a_staff_session_is_no_trader(member, sb):
    trader = Trader(member.test_client(), sb)
    # even with the same email and password
    trader.register(email=EMAIL, password=PASSWORD, confirm=PASSWORD)
    assert trader.client.get("/staff/funnel").status_code == 302
    both = member.test_client()
    log_in(both)
    assert both.get("/staff/funnel").status_code == 200
    assert both.get("/accounts").status_code == 302  # to the traders' login
    trader_login = Trader(both, sb).login(email=EMAIL, password=PASSWORD)
    assert "My accounts" in trader_login.get_data(as_text=True)
    both.post("/logout")  # a trader's logout leaves the staff login alone, and the other way
    assert both.get("/staff/funnel").status_code == 200


def test_logging_out_needs_a_post_and_ends_the_staff_session(member, client):
    log_in(client)
    assert client.get("/staff/logout").status_code == 405
    response = client.post("/staff/logout", follow_redirects=True)
    assert "You have been logged out of the staff pages." in response.get_data(as_text=True)
    assert client.get("/staff/funnel").status_code == 302
    assert kinds(member)[-1] == "staff_logout"


def test_disabling_an_account_ends_its_open_sessions(member, client):
    log_in(client)
    with member.app_context():
        staff.disable(EMAIL)
    assert client.get("/staff/funnel").status_code == 302
    assert log_in(client).status_code == 200  # and it cannot log in again


def test_staff_login_is_limited_per_email_saying_how_long_to_wait(member, client):
    member.config["STAFF_LOGIN_LIMIT_PER_EMAIL"] = "3/15 minutes"
    for _ in range(3):
        log_in(client, password="Wrong-Pass99")
    response = log_in(client)  # the right password no longer gets through
    html = response.get_data(as_text=True)
    assert response.status_code == 429 and "Please try again in 15 minutes." in html
    assert f'value="{EMAIL}"' in html


def test_staff_login_is_limited_per_ip_by_default(member, client):
    for _ in range(10):
        log_in(client, email="someone@example.com", password="Wrong-Pass99")
    assert log_in(client).status_code == 429


def test_forms_of_the_staff_pages_carry_and_need_a_csrf_token(sb, tmp_path):
    app = make_app(sb, f"sqlite:///{tmp_path / 'csrf.db'}", WTF_CSRF_ENABLED=True)
    with app.app_context():
        staff.add(EMAIL, PASSWORD)
    client = app.test_client()
    assert 'name="csrf_token"' in client.get("/staff/login").get_data(as_text=True)
    assert log_in(client).status_code == 400
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/staff/login").get_data(as_text=True)).group(1)
    assert log_in(client, csrf_token=token).status_code == 302
    assert client.post("/staff/links", data={"code": "no-token"}).status_code == 400


@pytest.fixture
def staff_client(member, client):
    log_in(client)
    return client


def test_the_funnel_shows_the_last_30_days_as_a_chart_and_a_table(member, staff_client, sb):
    Trader(member.test_client(), sb).client.get("/?utm_source=facebook&utm_medium=social")
    html = staff_client.get("/staff/funnel").get_data(as_text=True)
    today = date.today()
    assert f'value="{today - timedelta(days=29)}"' in html and f'value="{today}"' in html
    assert '<svg class="funnel-chart"' in html and "Landings: 1." in html
    assert "facebook / social" in html
    assert "style=" not in html and "<script>" not in html


def test_bad_dates_are_explained_on_the_page_keeping_what_was_typed(staff_client):
    response = staff_client.get("/staff/funnel?start=2026-02-30&end=yesterday&touch=first")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert html.count("Enter a date like 2026-03-31.") == 2
    assert 'value="2026-02-30"' in html and 'value="yesterday"' in html
    assert re.search(r'checked id="touch-1"', html)
    backwards = staff_client.get("/staff/funnel?start=2026-03-02&end=2026-03-01")
    assert "The end date must not be before the start date." in backwards.get_data(as_text=True)


def test_the_period_and_touch_choose_what_is_counted(member, staff_client):
    with member.app_context():
        db.session.add_all([
            LandingCount(day=date(2026, 3, 1), campaign="spring", source="google",
                         medium="cpc", count=7),
            LandingCount(day=date(2026, 3, 5), campaign="spring", source="google",
                         medium="cpc", count=100)])
        db.session.commit()
    html = staff_client.get("/staff/funnel?start=2026-03-01&end=2026-03-04").get_data(
        as_text=True)
    assert "Landings: 7." in html


def test_the_csv_has_the_page_rows_and_its_download_is_audited(member, staff_client):
    with member.app_context():
        db.session.add(LandingCount(day=date(2026, 3, 1), campaign="=HYPERLINK()",
                                    source="news", medium="email", count=3))
        db.session.commit()
    response = staff_client.get("/staff/funnel.csv?start=2026-03-01&end=2026-03-31&touch=first")
    assert response.mimetype == "text/csv"
    assert "funnel-2026-03-01-2026-03-31-first-touch.csv" in response.headers[
        "Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [{"campaign": "'=HYPERLINK()", "source": "news / email", "landings": "3",
                     "signups": "0", "first_account": "0", "first_live": "0",
                     "signup_rate": "0.0%"}]
    with member.app_context():
        event = db.session.scalars(db.select(AuditEvent).filter_by(kind="funnel_exported")).one()
    assert event.email == EMAIL and json.loads(event.detail)["touch"] == "first"


def test_a_csv_with_bad_dates_goes_back_to_the_page_that_explains(staff_client):
    response = staff_client.get("/staff/funnel.csv?start=soon", follow_redirects=True)
    assert "Enter a date like 2026-03-31." in response.get_data(as_text=True)


def test_the_link_builder_creates_a_campaign_and_shows_its_links_and_qr(member, staff_client):
    response = staff_client.post("/staff/links", data={
        "code": "autumn", "offer": "", "partner": "", "utm_source": "newsletter",
        "utm_medium": "email"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Campaign autumn was created." in html
    assert "http://127.0.0.1:8000/go/autumn" in html
    assert "/register?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=autumn" in html
    qr = staff_client.get("/staff/links/autumn/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data and b"style=" not in qr.data
    assert b"http://127.0.0.1:8000/go/autumn" in qr.data  # its title names the link


def test_the_link_builder_refuses_bad_and_taken_codes_keeping_the_fields(member, staff_client):
    with member.app_context():
        campaigns.add_campaign("spring")
    taken = staff_client.post("/staff/links", data={"code": "spring", "offer": "", "partner": "",
                                                       "utm_source": "google"})
    html = taken.get_data(as_text=True)
    assert taken.status_code == 400 and "A campaign with this code already exists." in html
    assert 'value="google"' in html
    bad = staff_client.post("/staff/links", data={"code": "a b", "offer": "", "partner": "",
                                                     "utm_term": "x"})
    html = bad.get_data(as_text=True)
    assert "Use only letters, digits, - and _." in html and 'value="a b"' in html


def test_an_existing_campaign_is_picked_and_an_unknown_one_said_so(member, staff_client):
    with member.app_context():
        campaigns.add_campaign("spring", utm_source="google")
    html = staff_client.get("/staff/links?campaign=spring").get_data(as_text=True)
    assert '<option selected value="spring">' in html and "/go/spring" in html
    missing = staff_client.get("/staff/links?campaign=nope")
    assert missing.status_code == 404
    assert "There is no campaign with that code." in missing.get_data(as_text=True)
    assert staff_client.get("/staff/links/nope/qr.svg").status_code == 404


def test_the_staff_pages_are_in_polish(staff_client):
    html = staff_client.get("/staff/funnel?lang=pl").get_data(as_text=True)
    assert "Lejek rejestracji" in html and "Pierwsze konto handlowe" in html
    bad = staff_client.get("/staff/funnel?start=x").get_data(as_text=True)
    assert "Wpisz datę w formacie 2026-03-31." in bad


def test_staff_pages_are_never_stored_by_caches(staff_client):
    assert staff_client.get("/staff/funnel").headers["Cache-Control"] == "no-store"
