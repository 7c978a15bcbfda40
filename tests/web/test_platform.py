"""Open platform: a one-time token asked for at click time, never rendered into a page."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from portal.services import platform


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


def _refused_click(trader, sb, client, email, provoke):
    trader.register(email=email)
    client.post("/platform")  # spends the sign-up token
    provoke()
    return client.post("/platform")


@pytest.mark.parametrize("status", [401, 403, 404, 422])
def test_a_refused_token_sends_the_trader_to_log_in_on_the_platform(trader, sb, client, status):
    """401 is the likely one on a new CRM-API key: the portal's IP is not whitelisted."""
    response = _refused_click(trader, sb, client, f"refused{status}@example.com",
                              lambda: sb.faults.add("error", endpoint="one_time_token",
                                                    status=status))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "log in there with your email and password" in html
    assert 'href="https://platform.example/"' in html and "Try again" not in html


def test_an_unreadable_token_answer_sends_the_trader_to_log_in_on_the_platform(trader, sb, client):
    def unreadable():
        sb.variants.one_time_token_shape = "unreadable"
    response = _refused_click(trader, sb, client, "unreadable@example.com", unreadable)
    assert response.status_code == 200
    assert 'href="https://platform.example/"' in response.get_data(as_text=True)


def test_a_broker_outage_says_try_again_and_still_links_the_platform(trader, sb, client):
    response = _refused_click(trader, sb, client, "outage@example.com",
                              lambda: sb.faults.add("error", endpoint="one_time_token",
                                                    status=503))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please try again" in html and "Try again</button>" in html
    assert 'href="https://platform.example/"' in html


def test_the_cause_of_a_refused_token_is_logged_once_with_what_to_fix(trader, sb, client, caplog):
    platform.forget_logged_causes()
    trader.register(email="logonce@example.com")
    client.post("/platform")
    sb.faults.add("error", endpoint="one_time_token", status=401)
    for _ in range(3):
        client.post("/platform")
    lines = [r.getMessage() for r in caplog.records
             if "one-time token not issued" in r.getMessage()]
    assert len(lines) == 1 and "whitelist" in lines[0]
