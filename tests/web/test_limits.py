"""Rate limits on login, registration, opening accounts and the platform button."""
from __future__ import annotations

import time

import pytest
import redis

from portal.services import passwords
from portal.web import limits
from tests.support import Trader, answers, make_app

REDIS_URL = "redis://127.0.0.1:6379/15"


def test_login_is_limited_per_email_on_the_form_saying_how_long_to_wait(app, client):
    app.config["LOGIN_LIMIT_PER_EMAIL"] = "3/15 minutes"
    for _ in range(3):
        assert client.post("/login",
                           data={"email": "x@example.com", "password": "nope"}).status_code == 200
    response = client.post("/login", data={"email": "X@example.com ", "password": "nope"})
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "You have tried that too often. Please try again in 15 minutes." in html
    assert 'value="X@example.com"' in html and 'action="/login"' in html  # the form, kept
    assert 840 < int(response.headers["Retry-After"]) <= 900  # the rest of the window
    other = client.post("/login", data={"email": "y@example.com", "password": "nope"})
    assert other.status_code == 200


def test_a_refused_login_says_the_longer_of_its_waits(app, client):
    app.config["LOGIN_LIMIT_PER_EMAIL"] = "2/15 minutes"
    app.config["LOGIN_LIMIT_PER_IP"] = "3/minute"
    for _ in range(3):
        client.post("/login", data={"email": "x@example.com", "password": "nope"})
    html = client.post("/login",
                       data={"email": "x@example.com", "password": "nope"}).get_data(as_text=True)
    assert "Please try again in 15 minutes." in html


def test_a_login_is_counted_before_its_password_is_checked(app, client, monkeypatch):
    app.config["LOGIN_LIMIT_PER_EMAIL"] = "1/15 minutes"
    at_the_same_moment = []

    def slow_verify(password_hash, password):  # a second guess arrives while this one is checked
        if not at_the_same_moment:
            at_the_same_moment.append(app.test_client().post(
                "/login", data={"email": "x@example.com", "password": "guess-2"}).status_code)
        return False

    monkeypatch.setattr(passwords, "verify", slow_verify)
    client.post("/login", data={"email": "x@example.com", "password": "guess-1"})
    assert at_the_same_moment == [429]


def test_only_failed_logins_count_against_an_email(app, trader, client):
    app.config["LOGIN_LIMIT_PER_EMAIL"] = "2/15 minutes"
    trader.register(email="often@example.com")
    for _ in range(4):
        trader.logout()
        assert "My trading accounts" in trader.login(
            email="often@example.com").get_data(as_text=True)
    trader.logout()
    for _ in range(2):
        trader.login(email="often@example.com", password="Wrong-Pass1")
    assert trader.login(email="often@example.com").status_code == 429  # guessing stopped, for now


def test_login_is_limited_per_ip(app, client):
    app.config["LOGIN_LIMIT_PER_IP"] = "2/minute"
    for email in ("a@example.com", "b@example.com"):
        client.post("/login", data={"email": email, "password": "nope"})
    assert client.post("/login",
                       data={"email": "c@example.com", "password": "x"}).status_code == 429


def test_ipv6_addresses_of_one_64_share_a_per_ip_limit(app, client):
    """A host holding a /64 cannot hop to a fresh address for a fresh allowance."""
    app.config["LOGIN_LIMIT_PER_IP"] = "2/minute"

    def login_from(address, email):
        return client.post("/login", data={"email": email, "password": "nope"},
                           environ_base={"REMOTE_ADDR": address}).status_code

    assert login_from("2001:db8:1:2::a", "a@example.com") == 200
    assert login_from("2001:db8:1:2:ffff::1", "b@example.com") == 200
    assert login_from("2001:db8:1:2:dead:beef:0:1", "c@example.com") == 429
    assert login_from("2001:db8:1:3::a", "d@example.com") == 200  # another /64: another client
    assert login_from("192.0.2.7", "e@example.com") == 200


@pytest.mark.parametrize("address, client_key", [
    ("192.0.2.7", "192.0.2.7"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("::ffff:192.0.2.7", "192.0.2.7"),
    ("not-an-address", "not-an-address"),
    (None, "unknown"),
])
def test_a_client_is_an_ipv4_address_or_an_ipv6_64(address, client_key):
    assert limits.client_network(address) == client_key


def test_a_limit_counts_only_posts_and_can_be_switched_off(app, client):
    app.config["LOGIN_LIMIT_PER_IP"] = "1/minute"
    assert [client.get("/login").status_code for _ in range(3)] == [200, 200, 200]
    client.post("/login", data={"email": "a@example.com", "password": "nope"})
    assert client.post("/login",
                       data={"email": "a@example.com", "password": "x"}).status_code == 429
    app.config["RATELIMIT_ENABLED"] = False
    assert client.post("/login",
                       data={"email": "a@example.com", "password": "x"}).status_code == 200


def test_registration_is_limited_per_ip_counting_only_forms_that_could_be_sent(app, trader, sb):
    app.config["REGISTER_LIMIT_PER_IP"] = "1/minute"
    for _ in range(3):  # typos cost no attempt
        assert trader.register(email="first@example.com", first_name="").status_code == 200
    trader.register(email="first@example.com")
    trader.logout()
    response = trader.register(email="second@example.com", first_name="Zoë", country="PL")
    html = response.get_data(as_text=True)
    assert response.status_code == 429 and "Please try again in " in html
    assert 'value="second@example.com"' in html and 'value="Zoë"' in html
    assert sb.call_count("create_account") == 1


def test_how_long_to_wait_is_said_in_whole_minutes_from_a_minute_on(app):
    from portal.web.limits import wait_text
    with app.test_request_context():
        assert [wait_text(s) for s in (1, 59, 60, 61, 899, 3600)] == [
            "1 second", "59 seconds", "1 minute", "2 minutes", "15 minutes", "1 hour"]


def test_platform_button_is_limited_per_trader(app, trader, client):
    app.config["PLATFORM_LIMIT_PER_TRADER"] = "2/minute"
    trader.register(email="clicker@example.com")
    responses = [client.post("/platform") for _ in range(3)]
    assert [r.status_code for r in responses] == [303, 303, 429]
    assert "Please try again in " in responses[-1].get_data(as_text=True)


def test_common_passwords_are_refused_even_when_they_meet_the_rule():
    assert passwords.problems("Password1")
    assert passwords.problems("Qwerty123")
    assert passwords.problems("Sunny-Day42") == []


def test_mail_link_requests_are_limited_per_ip(app, client):
    app.config["MAIL_LINK_LIMIT_PER_IP"] = "2/minute"
    statuses = [client.post("/password/forgot", data={"email": f"n{i}@example.com"}).status_code
                for i in range(3)]
    assert statuses[-1] == 429 and 429 not in statuses[:2]
    claim = client.post("/claim", data={"email": "kept@example.com"})  # one limit for all links
    assert claim.status_code == 429 and 'value="kept@example.com"' in claim.get_data(as_text=True)


def test_a_mistyped_limit_stops_the_portal_from_starting(sb, tmp_path):
    with pytest.raises(ValueError, match="LOGIN_LIMIT_PER_IP=.*10/fortnight"):
        make_app(sb, f"sqlite:///{tmp_path / 'p.db'}", LOGIN_LIMIT_PER_IP="30/minute;10/fortnight")


def test_limits_read_every_written_form_of_a_window():
    from portal.web.limits import parse

    def windows(text):
        return [(item.amount, item.get_expiry()) for item in parse(text)]

    assert windows("30/minute;200/hour") == [(30, 60), (200, 3600)]
    assert windows("10 per 15 minutes") == windows("10/15 minutes") == [(10, 900)]
    assert windows("5/second, 7/day") == [(5, 1), (7, 86400)]


@pytest.fixture(params=["memory", "redis"])
def redis_url(request):
    """No REDIS_URL (counts in process memory), or the test Redis, emptied."""
    if request.param == "memory":
        return None
    if not answers(6379):
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


def _login_attempt(app) -> int:
    """Count a login for x@example.com under its per-email limit; the seconds to wait."""
    with app.test_request_context("/login", method="POST", data={"email": "x@example.com"}):
        return app.extensions["portal_limits"].wait("auth.login", ("LOGIN_LIMIT_PER_EMAIL",))


def _login_refund(app) -> None:
    with app.test_request_context("/login", method="POST", data={"email": "x@example.com"}):
        app.extensions["portal_limits"].refund("auth.login", ("LOGIN_LIMIT_PER_EMAIL",))


def test_a_refund_never_goes_below_zero_nor_credits_the_next_window(redis_url, sb, tmp_path):
    app = make_app(sb, f"sqlite:///{tmp_path / 'r.db'}", REDIS_URL=redis_url,
                   LOGIN_LIMIT_PER_EMAIL="2/second")
    _login_refund(app)  # nothing counted: nothing to give back
    assert [_login_attempt(app) for _ in range(2)] == [0, 0]
    for _ in range(3):
        _login_refund(app)
    assert [_login_attempt(app) for _ in range(3)] == [0, 0, 1]
    time.sleep(1.1)  # the window ends; a refund now must not credit the next one
    _login_refund(app)
    assert [_login_attempt(app) for _ in range(3)] == [0, 0, 1]


def test_two_instances_on_one_redis_share_counts_and_refunds(sb, tmp_path):
    if not answers(6379):
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    one, two = (make_app(sb, database, REDIS_URL=REDIS_URL, LOGIN_LIMIT_PER_EMAIL="2/15 minutes")
                for _ in range(2))
    first, second = Trader(one.test_client(), sb), Trader(two.test_client(), sb)
    first.register(email="shared@example.com")
    first.logout()
    wrong = {"email": "shared@example.com", "password": "Wrong-Pass1"}
    assert first.login(**wrong).status_code == 200  # 1 failed
    assert "My trading accounts" in second.login(email="shared@example.com").get_data(as_text=True)
    second.logout()
    assert "My trading accounts" in first.login(email="shared@example.com").get_data(as_text=True)
    first.logout()
    assert second.login(**wrong).status_code == 200  # 2 failed: successes were given back
    refused = first.login(**wrong)
    assert refused.status_code == 429 and 840 < int(refused.headers["Retry-After"]) <= 900
    keys = store.keys("LIMITS:*")
    assert keys and all(store.ttl(key) > 0 for key in keys)  # every count ends with its window


def test_while_redis_does_not_answer_a_limited_post_is_a_polite_503(sb, tmp_path):
    app = make_app(sb, f"sqlite:///{tmp_path / 'down.db'}", REDIS_URL="redis://127.0.0.1:1/0")
    response = app.test_client().post("/login", data={"email": "a@example.com", "password": "x"})
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.get_data(as_text=True)
