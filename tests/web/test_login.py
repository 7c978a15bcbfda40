"""Log in and log out: one generic error, same-site ``next`` only, logout by POST."""
from __future__ import annotations

import pytest


@pytest.fixture
def registered(trader):
    trader.register(email="nora@example.com")
    trader.logout()
    return trader


def test_login_trims_and_ignores_case_of_email(registered):
    html = registered.login(email="  NORA@Example.com ").get_data(as_text=True)
    assert "My trading accounts" in html and "nora@example.com" in html


@pytest.mark.parametrize("email,password", [("nora@example.com", "Wrong-Pass1"),
                                            ("nobody@example.com", "Sunny-Day42")])
def test_login_failure_says_the_same_for_unknown_email_and_wrong_password(
        registered, email, password):
    response = registered.login(email=email, password=password)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Email or password is incorrect." in html
    assert f'value="{email}"' in html and password not in html


def test_login_follows_same_site_next(registered, client):
    response = client.post("/login", data={"email": "nora@example.com", "password": "Sunny-Day42",
                                           "next": "/accounts/new"})
    assert response.status_code == 302 and response.headers["Location"] == "/accounts/new"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
    "/\r\nX-Injected: 1", "/accounts\x00", "/accounts\t", "/ accounts", "/accounts\u2028x",
])
def test_login_ignores_offsite_next(registered, client, target):
    response = client.post("/login", data={"email": "nora@example.com", "password": "Sunny-Day42",
                                           "next": target})
    assert response.headers["Location"] == "/accounts"


def test_protected_page_sends_to_login_and_back(registered, client):
    response = client.get("/accounts/new")
    assert response.status_code == 302
    assert "/login?next=%2Faccounts%2Fnew" in response.headers["Location"]


def test_a_form_sent_after_the_session_ended_comes_back_to_its_page_after_login(
        registered, client):
    response = client.post("/accounts/confirm", data={"offer": "x", "key": "k"},
                           headers={"Referer": "http://localhost/accounts/new?offer=abc"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Faccounts%2Fnew%3Foffer%3Dabc"
    assert ("Please log in to see that page."
            in client.get(response.headers["Location"]).get_data(as_text=True))
    login = client.post("/login", data={"email": "nora@example.com", "password": "Sunny-Day42",
                                        "next": "/accounts/new?offer=abc"})
    assert login.headers["Location"] == "/accounts/new?offer=abc"


def test_a_form_sent_from_another_site_is_not_a_way_back(registered, client):
    response = client.post("/accounts/confirm", headers={"Referer": "https://evil.example/x"})
    assert response.headers["Location"] == "/login"


def test_logging_out_from_a_tab_whose_session_had_ended_says_logged_out(registered, client):
    html = client.post("/logout", follow_redirects=True).get_data(as_text=True)
    assert "You have been logged out." in html and "Please log in to see that page." not in html


def test_logout_is_a_post(registered, client):
    registered.login(email="nora@example.com")
    assert client.get("/logout").status_code == 405
    html = registered.logout().get_data(as_text=True)
    assert "You have been logged out." in html
    assert client.get("/accounts").status_code == 302


def test_login_upgrades_a_hash_made_with_old_parameters(app, registered):
    from argon2 import PasswordHasher

    from portal.extensions import db
    from portal.models import PortalUser

    with app.app_context():
        user = db.session.scalar(db.select(PortalUser))
        user.password_hash = PasswordHasher(time_cost=1, memory_cost=8 * 1024,
                                            parallelism=1).hash("Sunny-Day42")
        db.session.commit()
    registered.login(email="nora@example.com")
    with app.app_context():
        assert "m=7168,t=5,p=1" in db.session.scalar(db.select(PortalUser.password_hash))


@pytest.mark.parametrize("target", ["/\r\nX-Injected: 1", "/a\x7fb"])
def test_a_control_character_in_next_falls_back_on_every_redirect_target(
        registered, client, target):
    """Login, the consent answer and resending the confirmation share one check."""
    login = client.post("/login", data={"email": "nora@example.com", "password": "Sunny-Day42",
                                        "next": target})
    assert login.status_code == 302 and login.headers["Location"] == "/accounts"
    resend = client.post("/confirm/resend", data={"next": target})
    assert resend.status_code == 302 and resend.headers["Location"] == "/accounts"
    consent = client.post("/consent", data={"consent-accept": "y", "consent-next": target})
    assert consent.status_code == 303 and "X-Injected" not in consent.headers["Location"]
