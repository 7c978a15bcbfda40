"""Session lifetime, remember-me, logging out everywhere, production refusals, the audit trail."""
from __future__ import annotations

import re

import pytest

from portal import create_app
from sandbox import seed
from tests.support import Trader, make_app


def test_login_session_is_bounded_and_remember_me_is_opt_in(app, trader, client):
    trader.register(email="keep@example.com")
    trader.logout()
    response = client.post("/login",
                           data={"email": "keep@example.com", "password": Trader.PASSWORD})
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith("remember_token=") for c in cookies)
    assert any(c.startswith("session=") and "Expires=" in c and "HttpOnly" in c for c in cookies)
    client.post("/logout")
    response = client.post("/login", data={"email": "keep@example.com", "password": Trader.PASSWORD,
                                           "remember": "y"})
    remember = next(c for c in response.headers.getlist("Set-Cookie")
                    if c.startswith("remember_token="))
    assert "HttpOnly" in remember and "SameSite=Lax" in remember


def test_an_active_traders_session_slides_with_each_page(app, trader, client):
    trader.register(email="slide@example.com")
    client.get("/accounts")
    again = client.get("/accounts")
    assert again.status_code == 200
    assert any(c.startswith("session=") and "Expires=" in c
               for c in again.headers.getlist("Set-Cookie")), "the lifetime restarts from now"


def test_assets_leave_the_session_cookie_alone(app, trader, client):
    """A stylesheet or icon still loading after a logout (or a cleared cookie jar) must not put
    the session cookie back, and re-signing it for each asset is work for nothing."""
    trader.register(email="assets@example.com")
    for path in ("/static/css/app.css", "/static/favicon.svg", "/brand.css"):
        response = client.get(path)
        assert response.status_code == 200
        assert not any(c.startswith("session=") for c in response.headers.getlist("Set-Cookie"))
    page = client.get("/accounts")
    assert any(c.startswith("session=") for c in page.headers.getlist("Set-Cookie"))


def test_a_session_cookie_older_than_its_lifetime_is_logged_out(app, trader, client, monkeypatch):
    import itsdangerous.timed

    trader.register(email="stale@example.com")
    assert client.get("/accounts").status_code == 200
    later = itsdangerous.timed.time.time() + app.permanent_session_lifetime.total_seconds() + 5
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    assert client.get("/accounts").status_code == 302


def test_a_session_signed_with_a_retired_key_is_logged_out(app, trader, client):
    trader.register(email="rotated@example.com")
    assert client.get("/accounts").status_code == 200
    old_cookie = client.get_cookie("session").value
    app.secret_key = "a-new-secret"
    app.config["SECRET_KEY_FALLBACKS"] = ["test-secret"]  # the old key, kept while rotating
    assert client.get("/accounts").status_code == 200  # accepted, and signed with the new key
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert client.get("/accounts").status_code == 200
    stale = app.test_client()  # a browser that did not come back while the keys rotated
    stale.set_cookie("session", old_cookie)
    assert stale.get("/accounts").status_code == 302


def test_log_out_everywhere_ends_the_other_browsers_sessions(app, sb):
    laptop, phone = Trader(app.test_client(), sb), Trader(app.test_client(), sb)
    laptop.register(email="everywhere@example.com")
    phone.login(email="everywhere@example.com")
    assert phone.client.get("/accounts").status_code == 200
    laptop.client.post("/logout/everywhere")
    assert phone.client.get("/accounts").status_code == 302
    assert laptop.client.get("/accounts").status_code == 302


def copy_of(client, name):
    return client.get_cookie(name).value


def test_logging_out_ends_copies_of_the_session_and_remember_me_cookies(app, trader, client):
    trader.register(email="copied@example.com")
    trader.logout()
    trader.login(email="copied@example.com", remember="y")
    session_cookie, remember_cookie = copy_of(client, "session"), copy_of(client, "remember_token")
    trader.logout()
    for cookies in ({"session": session_cookie}, {"remember_token": remember_cookie},
                    {"session": session_cookie, "remember_token": remember_cookie}):
        thief = app.test_client()
        for name, value in cookies.items():
            thief.set_cookie(name, value)
        assert thief.get("/accounts").status_code == 302, cookies


def test_logging_out_one_browser_keeps_the_others_logged_in(app, sb):
    laptop, phone = Trader(app.test_client(), sb), Trader(app.test_client(), sb)
    laptop.register(email="two-devices@example.com")
    phone.login(email="two-devices@example.com", remember="y")
    laptop.logout()
    assert phone.client.get("/accounts").status_code == 200
    fresh = app.test_client()  # the phone's browser after its session cookie expired
    fresh.set_cookie("remember_token", copy_of(phone.client, "remember_token"))
    assert fresh.get("/accounts").status_code == 200


def token_on(client, path):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_a_form_opened_in_another_tab_before_logging_in_still_works_after_it(sb, tmp_path):
    client = make_app(sb, f"sqlite:///{tmp_path / 'csrf.db'}", WTF_CSRF_ENABLED=True).test_client()
    older_tab = token_on(client, "/register")
    client.post("/register", data={
        "csrf_token": token_on(client, "/register"), "email": "tabs@example.com",
        "first_name": "Tab", "last_name": "Two", "password": Trader.PASSWORD,
        "confirm": Trader.PASSWORD, "offer": seed.OFFER_DEMO_USD, "terms": "y"})
    response = client.post("/register", data={"csrf_token": older_tab, "email": "x@example.com"})
    assert response.status_code == 302 and response.headers["Location"] == "/accounts"
    assert "You are logged in as tabs@example.com" in client.get("/accounts").get_data(as_text=True)


STRONG = "k" * 40
PENDING_KEY = "cGVuZGluZy1rZXktb2YtdGhpcnR5LXR3by1ieXRlcyE="  # 32 bytes, URL-safe base64
PRODUCTION = {"PORTAL_ENV": "production", "SECRET_KEY": STRONG, "PENDING_SECRET_KEY": PENDING_KEY,
              "METRICS_TOKEN": "metrics-token", "PORTAL_URL": "https://portal.example",
              "BROKER_API_URL": "https://broker.example", "BROKER_API_TOKEN": "broker-key"}


@pytest.mark.parametrize("change,reason", [
    ({"SECRET_KEY": None}, "SECRET_KEY"),
    ({"SECRET_KEY": "x"}, "SECRET_KEY must be a random value of at least 32 bytes"),
    ({"SECRET_KEY": "s3cret-from-vault"}, "at least 32 bytes"),
    ({"SECRET_KEY": "test-secret"}, "SECRET_KEY"),
    ({"SECRET_KEY_FALLBACKS": "dev-only-change-me"}, "SECRET_KEY_FALLBACKS"),
    ({"SECRET_KEY_FALLBACKS": "short"}, "SECRET_KEY_FALLBACKS"),
    ({"PENDING_SECRET_KEY": None}, "PENDING_SECRET_KEY"),
    ({"METRICS_TOKEN": None}, "METRICS_TOKEN"),
    ({"PORTAL_URL": None}, "PORTAL_URL"),
    ({"PORTAL_URL": "http://portal.example"}, "https"),
    ({"BROKER_API_URL": None, "BROKER_API_TOKEN": None}, "sandbox"),
])
def test_production_refuses_weak_or_missing_settings(monkeypatch, change, reason):
    for key in (*PRODUCTION, "SECRET_KEY_FALLBACKS", "ALLOW_SANDBOX_IN_PRODUCTION",
                "ALLOW_INSECURE_HTTP", "SESSION_COOKIE_SECURE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in {**PRODUCTION, **change}.items():
        if value is not None:
            monkeypatch.setenv(key, value)
    with pytest.raises(RuntimeError, match=reason):
        create_app()


def test_production_with_an_https_portal_url_sends_only_secure_cookies(monkeypatch):
    for key in ("SECRET_KEY_FALLBACKS", "SESSION_COOKIE_SECURE", "ALLOW_INSECURE_HTTP"):
        monkeypatch.delenv(key, raising=False)
    for key, value in PRODUCTION.items():
        monkeypatch.setenv(key, value)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    monkeypatch.setenv("PORTAL_URL", "http://portal.internal")
    monkeypatch.setenv("ALLOW_INSECURE_HTTP", "1")
    assert create_app().config["SESSION_COOKIE_SECURE"] is False


def test_audit_tail_lists_logins_and_failures(app, trader):
    trader.register(email="audited@example.com")
    trader.logout()
    trader.login(email="audited@example.com", password="Wrong-Pass9")
    result = app.test_cli_runner().invoke(args=["audit", "tail", "-n", "5"])
    lines = result.output.strip().splitlines()
    kinds = [line.split()[1] for line in lines]
    assert kinds[-3:] == ["registration", "logout", "login_failed"]
    assert "audited@example.com" in lines[-1] and "ip=127.0.0.1" in lines[-1]


def test_pages_tell_caches_they_vary_with_the_cookie_and_the_language(client):
    client.get("/offers")
    again = client.get("/offers")  # the session is read, and not written again
    assert not any(c.startswith("session=") for c in again.headers.getlist("Set-Cookie"))
    vary = {value.strip().lower() for value in again.headers["Vary"].split(",")}
    assert {"cookie", "accept-language"} <= vary
