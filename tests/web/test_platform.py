"""Open platform: a one-time token asked for at click time, never rendered into a page."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit


def auth_param(location):
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://platform.example/"
    return parse_qs(parts.query)["auth"][0]


def test_start_trading_after_signup_uses_the_token_from_account_creation(trader, sb, client):
    html = trader.register(email="start@example.com").get_data(as_text=True)
    response = client.post("/platform")
    assert response.status_code == 303
    token = auth_param(response.headers["Location"])
    assert token and token not in html
    assert sb.call_count("one_time_token") == 0


def test_open_platform_asks_for_a_fresh_token_each_click(trader, sb, client):
    trader.register(email="click@example.com")
    client.post("/platform")  # spends the sign-up token
    first = auth_param(client.post("/platform").headers["Location"])
    second = auth_param(client.post("/platform").headers["Location"])
    assert first != second and sb.call_count("one_time_token") == 2
    assert first not in client.get("/accounts").get_data(as_text=True)


def test_open_platform_without_token_permission_explains_and_links(trader, sb, client):
    trader.register(email="noperm@example.com")
    client.post("/platform")
    sb.variants.one_time_token_forbidden = True
    response = client.post("/platform")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "log in there with your email and password" in html
    assert 'href="https://platform.example/"' in html


def test_open_platform_needs_login_and_post(client):
    assert client.get("/platform").status_code == 405
    assert client.post("/platform").status_code == 302
