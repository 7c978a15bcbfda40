"""My data: a JSON download of everything held about the trader; a deletion request for staff."""
from __future__ import annotations

import json

import pytest

from portal.extensions import db
from portal.models import AuditEvent
from sandbox import seed
from tests.support import make_app
from tests.web.profile_support import LEGACY_EMAIL, account_uuid_of, link_legacy_account

EMAIL = "nora@example.com"


@pytest.fixture
def nora(client, trader, sb):
    """A registered trader with a second trading account opened through the portal."""
    trader.register(email=EMAIL)
    confirm_page = client.post("/accounts/new", data={"offer": seed.OFFER_LIVE_USD})
    key = confirm_page.headers["Location"].rsplit("key=", 1)[1]
    client.post("/accounts/confirm", data={"offer": seed.OFFER_LIVE_USD, "key": key})
    return account_uuid_of(sb, EMAIL)


def deletion_events(app):
    with app.app_context():
        return db.session.scalars(db.select(AuditEvent).filter_by(kind="deletion_requested")).all()


def download(client):
    response = client.get("/my-data/download")
    assert response.status_code == 200
    return response, json.loads(response.get_data(as_text=True))


def test_my_data_pages_need_a_login(client):
    for path in ("/my-data", "/my-data/download"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_download_is_a_json_attachment(client, nora):
    response, _data = download(client)
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and 'filename="my-data-' in disposition
    assert response.headers["Cache-Control"] == "no-store"


def test_download_holds_what_the_portal_keeps_but_never_the_password_hash(client, nora):
    response, data = download(client)
    portal = data["portal"]
    assert portal["user"]["email"] == EMAIL and portal["user"]["account_uuid"] == nora
    assert "password_hash" not in portal["user"]
    assert "$argon2" not in response.get_data(as_text=True)
    assert [a["state"] for a in portal["signup_attempts"]] == ["done"]
    (request,) = portal["trading_account_requests"]
    assert request["offer_uuid"] == seed.OFFER_LIVE_USD and request["login"]
    kinds = [e["kind"] for e in portal["audit_events"]]
    assert "registration" in kinds and "account_opened" in kinds


def test_download_leaves_out_what_someone_else_typed_with_the_same_email(client, trader, sb):
    sb.faults.add("error", endpoint="create_account", status=422, times=1)
    trader.register(email=EMAIL, first_name="Stranger", phone="+48 601 234 567")
    trader.register(email=EMAIL)
    response, data = download(client)
    assert [a["first_name"] for a in data["portal"]["signup_attempts"]] == ["Nora"]
    assert "Stranger" not in response.get_data(as_text=True)


def test_requests_someone_else_may_have_made_show_no_address_or_browser(app, client, nora):
    stranger = app.test_client()
    for path in ("/password/forgot", "/claim"):
        stranger.post(path, data={"email": EMAIL},
                      environ_base={"REMOTE_ADDR": "203.0.113.9"},
                      headers={"User-Agent": "Stranger-Browser/1.0"})
    client.post("/password/forgot", data={"email": EMAIL})  # from the trader's own browser
    response, data = download(client)
    text = response.get_data(as_text=True)
    assert "203.0.113.9" not in text and "Stranger-Browser" not in text
    events = [e for e in data["portal"]["audit_events"]
              if e["kind"] in ("password_reset_requested", "claim_requested")]
    others = [e for e in events if e.get("device") == "a request from another device"]
    assert len(others) == 2 and all(e["ip"] is None and e["user_agent"] is None for e in others)
    (own,) = [e for e in events if e not in others]
    assert own["ip"] == "127.0.0.1"  # the trader's own device keeps its details


def test_download_holds_what_the_broker_keeps(client, sb, nora):
    _response, data = download(client)
    account = data["broker"]["account"]
    assert account["uuid"] == nora and account["email"] == EMAIL
    assert account["personal_details"]["firstname"] == "Nora"
    logins = sorted(t["login"] for t in data["broker"]["trading_accounts"])
    at_broker = sorted(t["login"] for t in sb.store.data["tradingAccounts"].values()
                       if t["accountUuid"] == nora)
    assert logins == at_broker and len(logins) == 2


def test_download_of_an_account_made_outside_the_portal_includes_back_office_details(
        app, client, trader):
    link_legacy_account(app)
    trader.login(LEGACY_EMAIL)
    _response, data = download(client)
    account = data["broker"]["account"]
    assert account["banking_details"]["bankName"] == "Example Bank"
    assert account["personal_details"]["passport"]["number"] == "C01X00T47"
    assert len(data["broker"]["trading_accounts"]) == len(seed.LEGACY_TRADING_ACCOUNTS)


def test_each_download_is_in_the_audit_trail(client, nora):
    download(client)
    _response, data = download(client)
    assert [e["kind"] for e in data["portal"]["audit_events"]].count("data_exported") == 1


def test_download_when_the_broker_is_down_shows_the_503_page(client, sb, nora):
    sb.faults.add("error", endpoint="account_by_uuid", status=502)
    response = client.get("/my-data/download")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.get_data(as_text=True)


def test_the_page_explains_what_happens_after_a_deletion_request(client, nora):
    html = client.get("/my-data").get_data(as_text=True)
    assert "Download my data (JSON)" in html and 'name="confirm"' in html
    assert "Our staff review your request" in html
    assert "financial regulations require" in html
    assert f"We reply by email to {EMAIL}" in html


def test_a_deletion_request_needs_the_confirmation_box(app, client, nora):
    response = client.post("/my-data/delete-request", data={})
    html = response.get_data(as_text=True)
    assert "Tick the box to confirm the request." in html and 'aria-invalid="true"' in html
    assert deletion_events(app) == []


def test_a_deletion_request_is_recorded_once_for_staff(app, client, nora):
    first = client.post("/my-data/delete-request", data={"confirm": "y"}, follow_redirects=True)
    html = first.get_data(as_text=True)
    assert first.request.path == "/my-data"
    assert "Your request to delete your data is recorded." in html
    assert "You asked us to delete your data on" in html and 'name="confirm"' not in html
    second = client.post("/my-data/delete-request", data={"confirm": "y"}, follow_redirects=True)
    assert "was already recorded" in second.get_data(as_text=True)
    (event,) = deletion_events(app)
    assert event.email == EMAIL and json.loads(event.detail)["account_uuid"] == nora


def test_a_deletion_request_is_post_only_and_needs_a_csrf_token(sb, tmp_path, client, nora):
    assert client.get("/my-data/delete-request").status_code == 405
    protected_app = make_app(sb, f"sqlite:///{tmp_path / 'csrf.db'}", WTF_CSRF_ENABLED=True)
    protected = protected_app.test_client()
    assert protected.post("/my-data/delete-request", data={"confirm": "y"}).status_code == 400


def test_my_data_page_in_polish(client, nora):
    html = client.get("/my-data?lang=pl").get_data(as_text=True)
    assert "Moje dane" in html and "Poproś o usunięcie" in html and "Co dalej" in html
