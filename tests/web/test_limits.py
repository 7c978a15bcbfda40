"""Rate limits on login, registration, opening accounts and the platform button."""
from __future__ import annotations

from portal.services import passwords


def test_login_is_limited_per_email_with_a_friendly_page(app, client):
    app.config["LOGIN_LIMIT_PER_EMAIL"] = "3/minute"
    for _ in range(3):
        assert client.post("/login", data={"email": "x@example.com", "password": "nope"}).status_code == 200
    response = client.post("/login", data={"email": "X@example.com ", "password": "nope"})
    assert response.status_code == 429
    assert "Too many requests" in response.get_data(as_text=True)
    assert 1 <= int(response.headers["Retry-After"]) <= 60  # the rest of the one-minute window
    other = client.post("/login", data={"email": "y@example.com", "password": "nope"})
    assert other.status_code == 200


def test_login_is_limited_per_ip(app, client):
    app.config["LOGIN_LIMIT_PER_IP"] = "2/minute"
    for email in ("a@example.com", "b@example.com"):
        client.post("/login", data={"email": email, "password": "nope"})
    assert client.post("/login", data={"email": "c@example.com", "password": "x"}).status_code == 429


def test_a_limit_counts_only_posts_and_can_be_switched_off(app, client):
    app.config["LOGIN_LIMIT_PER_IP"] = "1/minute"
    assert [client.get("/login").status_code for _ in range(3)] == [200, 200, 200]
    client.post("/login", data={"email": "a@example.com", "password": "nope"})
    assert client.post("/login", data={"email": "a@example.com", "password": "x"}).status_code == 429
    app.config["RATELIMIT_ENABLED"] = False
    assert client.post("/login", data={"email": "a@example.com", "password": "x"}).status_code == 200


def test_registration_is_limited_per_ip(app, trader):
    app.config["REGISTER_LIMIT_PER_IP"] = "1/minute"
    trader.register(email="first@example.com", first_name="")
    assert trader.register(email="second@example.com").status_code == 429


def test_platform_button_is_limited_per_trader(app, trader, client):
    app.config["PLATFORM_LIMIT_PER_TRADER"] = "2/minute"
    trader.register(email="clicker@example.com")
    assert [client.post("/platform").status_code for _ in range(3)] == [303, 303, 429]


def test_common_passwords_are_refused_even_when_they_meet_the_rule():
    assert passwords.problems("Password1")
    assert passwords.problems("Qwerty123")
    assert passwords.problems("Sunny-Day42") == []


def test_mail_link_requests_are_limited_per_ip(app, client):
    app.config["MAIL_LINK_LIMIT_PER_IP"] = "2/minute"
    statuses = [client.post("/password/forgot", data={"email": f"n{i}@example.com"}).status_code
                for i in range(3)]
    assert statuses[-1] == 429 and 429 not in statuses[:2]
