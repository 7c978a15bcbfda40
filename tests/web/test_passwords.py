"""Forgotten and changed passwords: Broker-API first, single-use links, other sessions ended."""
from __future__ import annotations

import time

import pytest

from portal.extensions import db
from portal.models import AuditEvent, PortalUser
from portal.services import links
from tests.mailbox import app, html_of, inbox, link, smtp_server, tampered, text_of  # noqa: F401
from tests.support import Trader, make_app

EMAIL = "new.trader@example.com"  # the Trader helper's default
NEW = "Fresh-Start88"


@pytest.fixture
def registered(trader, inbox):
    trader.register(email=EMAIL)
    trader.logout()
    inbox.messages.clear()
    return trader


def user(app, email=EMAIL) -> PortalUser:
    with app.app_context():
        return db.session.scalar(db.select(PortalUser).filter_by(email=email))


def audit_kinds(app) -> list[str]:
    with app.app_context():
        return db.session.scalars(db.select(AuditEvent.kind).order_by(AuditEvent.id)).all()


def reset_link(client, inbox, email=EMAIL) -> str:
    client.post("/password/forgot", data={"email": email})
    return link(inbox.last(email), "/password/reset/")


def set_new(client, path, password=NEW, **extra):
    return client.post(path, data={"password": password, "confirm": password, **extra})


def logged_in(client) -> bool:
    return client.get("/accounts").status_code == 200


def test_login_page_offers_a_forgot_password_link_also_after_a_failed_login(registered, client):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)
    html = registered.login(password="Wrong-Pass1").get_data(as_text=True)
    assert "Email or password is incorrect." in html and html.count('href="/password/forgot"') == 1


def test_forgot_password_mails_a_link_that_sets_the_new_password_at_the_broker_and_here(
        app, registered, client, inbox, sb):
    page = client.post("/password/forgot",
                       data={"email": "  New.Trader@EXAMPLE.com "}).get_data(as_text=True)
    assert "Check your inbox" in page and "expires in 1 hour" in page
    message = inbox.last(EMAIL)
    assert message["Subject"] == "Reset your password"
    assert message.get_content_type() == "multipart/alternative"
    path = link(message, "/password/reset/")
    assert f'href="http://127.0.0.1:8000{path}"' in html_of(message)
    form = client.get(path).get_data(as_text=True)
    assert '<label for="password">New password</label>' in form
    assert '<label for="confirm">Confirm new password</label>' in form
    response = set_new(client, path)
    assert response.status_code == 302 and response.headers["Location"] == "/accounts"
    assert "Your new password is set" in client.get("/accounts").get_data(as_text=True)
    assert sb.password_of(user(app).account_uuid) == NEW
    registered.logout()
    assert "Email or password is incorrect." in registered.login().get_data(as_text=True)
    assert "My trading accounts" in registered.login(password=NEW).get_data(as_text=True)
    assert "password_reset" in audit_kinds(app)


def test_forgot_password_page_is_the_same_for_an_unknown_email(registered, client, inbox):
    known = client.post("/password/forgot", data={"email": EMAIL}).get_data(as_text=True)
    unknown = client.post("/password/forgot",
                          data={"email": "nobody@example.com"}).get_data(as_text=True)
    assert known.replace(EMAIL, "X") == unknown.replace("nobody@example.com", "X")
    assert [m["To"] for m in inbox.messages] == [EMAIL]


def test_forgot_password_asks_the_broker_for_a_portal_user_too_so_timing_tells_nothing(
        registered, client, sb):
    calls = []
    for email in (EMAIL, "nobody@example.com", "joann@example.com"):  # portal, unknown, broker only
        sb.reset_calls()
        client.post("/password/forgot", data={"email": email})
        calls.append(sum(sb.call_count(name) for name in ("account_by_email", "search_accounts")))
    # A portal user and a trader the broker alone knows look alike; an address nobody has
    # (one more lookup) is no secret: signing up with it says so.
    assert calls[0] == calls[2] >= 1


def test_forgot_password_form_explains_a_bad_email_and_keeps_it(client):
    html = client.post("/password/forgot", data={"email": "not-an-email"}).get_data(as_text=True)
    assert "Enter a valid email address" in html and 'value="not-an-email"' in html


def test_a_reset_link_mailed_before_a_key_rotation_still_works(app, registered, client, inbox):
    path = reset_link(client, inbox)
    registered.logout()
    old = app.secret_key
    app.config["SECRET_KEY"] = app.secret_key = "a-new-secret"
    assert client.get(path).status_code == 400  # without the old key kept
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert set_new(client, path).status_code == 302 and logged_in(client)


def test_reset_link_works_only_once(registered, client, inbox):
    path = reset_link(client, inbox)
    set_new(client, path)
    registered.logout()
    response = client.get(path)
    assert response.status_code == 410
    html = response.get_data(as_text=True)
    assert "This link has already been used" in html and 'href="/password/forgot"' in html
    assert set_new(client, path, password="Another-Go99").status_code == 410


def test_reset_link_expires_after_its_max_age(app, registered, client, inbox, monkeypatch):
    app.config["RESET_LINK_MAX_AGE"] = 60
    path = reset_link(client, inbox)
    monkeypatch.setattr(links, "_clock", lambda: time.time() + 61)
    response = client.get(path)
    assert response.status_code == 410
    assert "This link has expired" in response.get_data(as_text=True)
    assert set_new(client, path).status_code == 410


def test_tampered_reset_link_is_refused(registered, client, inbox, sb):
    path = reset_link(client, inbox)
    response = client.get(tampered(path))
    assert response.status_code == 400
    assert "This link is not valid" in response.get_data(as_text=True)
    assert set_new(client, tampered(path)).status_code == 400
    assert sb.call_count("change_password") == 0


def test_reset_link_dies_once_the_password_is_changed_another_way(registered, client, inbox):
    path = reset_link(client, inbox)
    registered.login()
    client.post("/password/change", data={"current_password": Trader.PASSWORD, "password": NEW,
                                          "confirm": NEW})
    assert client.get(path).status_code == 410


@pytest.mark.parametrize("fault,status,message", [
    ({"kind": "error", "status": 500}, 503, "your password was not changed"),
    ({"kind": "rate_limit", "retry_after": 120}, 503, "your password was not changed"),
    ({"kind": "error", "status": 400}, 200,
     "Our trading services refused this password: An unexpected error occurred"),
])
def test_reset_when_the_broker_is_down_or_refuses_changes_nothing_and_keeps_the_link(
        app, registered, client, inbox, sb, fault, status, message):
    path = reset_link(client, inbox)
    before = user(app).password_hash
    sb.faults.add(endpoint="change_password", **fault)
    response = set_new(client, path)
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert user(app).password_hash == before and not logged_in(client)
    assert sb.password_of(user(app).account_uuid) == Trader.PASSWORD
    sb.faults.clear()
    assert set_new(client, path).headers["Location"] == "/accounts"
    assert sb.password_of(user(app).account_uuid) == NEW


def test_reset_ends_every_other_session(app, registered, client, inbox, sb):
    phone, laptop = app.test_client(), app.test_client()
    Trader(phone, sb).login(email=EMAIL)
    Trader(laptop, sb).login(email=EMAIL)
    set_new(client, reset_link(client, inbox))
    assert logged_in(client)
    assert not logged_in(phone) and not logged_in(laptop)


def test_reset_links_use_portal_url_whatever_host_the_request_names(app, registered, client, inbox):
    app.config["PORTAL_URL"] = "https://portal.example"
    client.post("/password/forgot", data={"email": EMAIL}, headers={"Host": "evil.example"})
    text = text_of(inbox.last(EMAIL))
    assert "https://portal.example/password/reset/" in text and "evil.example" not in text


def test_reset_mails_are_limited_to_one_a_minute_per_trader(registered, client, inbox):
    for _ in range(3):
        client.post("/password/forgot", data={"email": EMAIL})
    assert len(inbox.to(EMAIL)) == 1


def test_change_password_needs_a_login(client):
    response = client.get("/password/change")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_change_password_sets_it_at_the_broker_first_and_ends_other_sessions(
        app, registered, client, sb):
    other = app.test_client()
    Trader(other, sb).login(email=EMAIL)
    registered.login()
    form = client.get("/password/change").get_data(as_text=True)
    assert '<label for="current_password">Current password</label>' in form
    response = client.post("/password/change", data={"current_password": Trader.PASSWORD,
                                                     "password": NEW, "confirm": NEW})
    assert response.headers["Location"] == "/accounts"
    assert "Your password has been changed" in client.get("/accounts").get_data(as_text=True)
    assert sb.password_of(user(app).account_uuid) == NEW
    assert logged_in(client) and not logged_in(other)
    assert "password_changed" in audit_kinds(app)
    registered.logout()
    assert "My trading accounts" in registered.login(password=NEW).get_data(as_text=True)


def test_change_password_with_a_wrong_current_password_asks_nobody(app, registered, client, sb):
    registered.login()
    sb.reset_calls()
    html = client.post("/password/change", data={"current_password": "Not-Mine11", "password": NEW,
                                                 "confirm": NEW}).get_data(as_text=True)
    assert "This is not your current password." in html and "Not-Mine11" not in html
    assert sb.call_count("change_password") == 0 and logged_in(client)


def test_change_password_applies_the_password_rule(registered, client, sb):
    registered.login()
    html = client.post("/password/change",
                       data={"current_password": Trader.PASSWORD, "password": "short",
                             "confirm": "short"}).get_data(as_text=True)
    assert "Use at least 8 characters." in html and sb.call_count("change_password") == 0


def test_change_password_refuses_the_current_password_as_the_new_one(registered, client, sb):
    registered.login()
    html = client.post("/password/change", data={"current_password": Trader.PASSWORD,
                                                 "password": Trader.PASSWORD,
                                                 "confirm": Trader.PASSWORD}).get_data(as_text=True)
    assert "Choose a password different from your current one." in html
    assert sb.call_count("change_password") == 0


@pytest.mark.parametrize("fault,status,message", [
    ({"kind": "error", "status": 502}, 503, "your password was not changed"),
    ({"kind": "rate_limit", "retry_after": 120}, 503, "your password was not changed"),
    ({"kind": "error", "status": 422}, 200, "Our trading services refused this password"),
])
def test_change_password_when_the_broker_is_down_or_refuses_changes_nothing(
        app, registered, client, sb, fault, status, message):
    other = app.test_client()
    Trader(other, sb).login(email=EMAIL)
    registered.login()
    before = user(app)
    sb.faults.add(endpoint="change_password", **fault)
    response = client.post("/password/change", data={"current_password": Trader.PASSWORD,
                                                     "password": NEW, "confirm": NEW})
    assert response.status_code == status and message in response.get_data(as_text=True)
    after = user(app)
    assert ((after.password_hash, after.session_version)
            == (before.password_hash, before.session_version))
    assert logged_in(client) and logged_in(other)
    assert sb.password_of(after.account_uuid) == Trader.PASSWORD


@pytest.mark.parametrize("path", ["/password/forgot", "/password/reset/x", "/password/change",
                                  "/claim", "/claim/x", "/confirm/resend"])
def test_every_self_service_form_needs_a_csrf_token(sb, tmp_path, path):
    client = make_app(sb, f"sqlite:///{tmp_path / 'csrf.db'}", WTF_CSRF_ENABLED=True).test_client()
    response = client.post(path, data={"email": "a@example.com", "password": NEW, "confirm": NEW})
    assert response.status_code == 400 and "Bad request" in response.get_data(as_text=True)


def test_a_forged_host_header_never_reaches_a_mailed_link(registered, client, inbox):
    """Development too: links are built on the configured URL, never on the Host header."""
    client.post("/password/forgot", data={"email": EMAIL},
                headers={"Host": "attacker.example"})
    message = inbox.last(EMAIL)
    assert "attacker.example" not in html_of(message)
    assert 'href="http://127.0.0.1:8000/password/reset/' in html_of(message)
