"""The offer catalogue is cached: a warm offers page costs zero Broker-API calls."""
from __future__ import annotations

import time

import pytest

from portal.cache import make_cache
from sandbox import seed
from tests.support import answers, make_app


def test_warm_offers_page_costs_no_broker_call(client, sb):
    client.get("/offers")
    sb.reset_calls()
    html = client.get("/offers").get_data(as_text=True)
    assert sb.call_count() == 0
    assert "Demo Standard USD" in html and "1:200" in html and "10,000.00 USD" in html


def test_offers_page_cards_use_offer_demo_not_system_demo(client):
    html = client.get("/offers").get_data(as_text=True)
    card = html.split('id="offer-' + seed.OFFER_DEMO_EUR)[1].split("</article>")[0]
    assert "Demo" in card and "Live" not in card
    assert "Staff Hidden USD" not in html and "group" not in html.lower()
    assert "MT5" in html


def test_offers_cache_expires(app, sb, client):
    app.config["OFFERS_CACHE_TTL"] = 0
    client.get("/offers")
    sb.reset_calls()
    client.get("/offers")
    assert sb.call_count("offers") == 1


def test_offers_outage_is_a_friendly_503(client, sb):
    sb.faults.add("error", endpoint="offers", status=503)
    response = client.get("/offers")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.get_data(as_text=True)


@pytest.mark.skipif(not answers(6379), reason="Redis does not answer on 127.0.0.1:6379")
def test_redis_cache_is_shared_between_app_instances(sb, tmp_path):
    import redis

    redis.Redis.from_url("redis://127.0.0.1:6379/15").flushdb()
    one = make_app(sb, f"sqlite:///{tmp_path / 'a.db'}", REDIS_URL="redis://127.0.0.1:6379/15")
    two = make_app(sb, f"sqlite:///{tmp_path / 'b.db'}", REDIS_URL="redis://127.0.0.1:6379/15")
    one.test_client().get("/offers")
    sb.reset_calls()
    assert "Demo Standard USD" in two.test_client().get("/offers").get_data(as_text=True)
    assert sb.call_count() == 0


@pytest.mark.skipif(not answers(6379), reason="Redis does not answer on 127.0.0.1:6379")
def test_a_process_new_to_a_version_reads_it_from_redis_and_refetches_lost_content(
        sb, tmp_path, monkeypatch):
    import redis

    from portal.services import offers

    store = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    store.flushdb()
    app = make_app(sb, f"sqlite:///{tmp_path / 'd.db'}", REDIS_URL="redis://127.0.0.1:6379/15")
    app.test_client().get("/offers")
    version = store.get(f"portal:{offers.VERSION_KEY}").decode().strip('"')
    monkeypatch.setattr(offers, "_parsed", {})  # as in a process that never parsed it
    sb.reset_calls()
    assert "Demo Standard USD" in app.test_client().get("/offers").get_data(as_text=True)
    assert sb.call_count() == 0

    store.delete(f"portal:{offers.CONTENT_KEY.format(version)}")  # content gone, version left
    monkeypatch.setattr(offers, "_parsed", {})
    assert "Demo Standard USD" in app.test_client().get("/offers").get_data(as_text=True)
    assert sb.call_count("offers") == 1


@pytest.mark.skipif(not answers(6379), reason="Redis does not answer on 127.0.0.1:6379")
def test_a_new_catalogue_reaches_another_process_after_the_recheck_time_without_broker_call(
        sb, tmp_path, monkeypatch):
    import redis

    from portal.services import offers

    redis.Redis.from_url("redis://127.0.0.1:6379/15").flushdb()
    one, two = (make_app(sb, f"sqlite:///{tmp_path / name}", REDIS_URL="redis://127.0.0.1:6379/15")
                for name in ("e.db", "f.db"))
    for app in (one, two):
        assert ">Demo Standard USD<" in app.test_client().get("/offers").get_data(as_text=True)
    with sb.store.lock:
        sb.store.offer(seed.OFFER_DEMO_USD)["name"] = "Demo Starter USD"
    sb.reset_calls()
    with one.test_request_context():
        offers.forget()
    assert ">Demo Starter USD<" in one.test_client().get("/offers").get_data(as_text=True)
    # The other process trusts the version it read for RECHECK_SECONDS (here: as long as the
    # test takes), then reads the new one from Redis.
    monkeypatch.setattr(offers, "RECHECK_SECONDS", 3600)
    assert ">Demo Standard USD<" in two.test_client().get("/offers").get_data(as_text=True)
    monkeypatch.setattr(offers, "RECHECK_SECONDS", 0)
    assert ">Demo Starter USD<" in two.test_client().get("/offers").get_data(as_text=True)
    assert sb.call_count("offers") == 1


@pytest.mark.parametrize("backend", ["memory", "redis"])
def test_the_accounts_page_reads_offers_and_trading_accounts_from_the_shared_cache(
        backend, sb, tmp_path):
    import redis

    url = None
    if backend == "redis":
        if not answers(6379):
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        url = "redis://127.0.0.1:6379/15"
        redis.Redis.from_url(url).flushdb()
    app = make_app(sb, f"sqlite:///{tmp_path / 'c.db'}", REDIS_URL=url)
    from tests.support import Trader

    trader = Trader(app.test_client(), sb)
    trader.register(email="cached.list@example.com")
    sb.reset_calls()
    html = trader.client.get("/accounts").get_data(as_text=True)
    assert "Demo Standard USD" in html and "Login " in html
    assert sb.call_count() == 0  # both the catalogue and the list came from the cache
    with app.app_context():
        assert app.extensions["portal_cache"].get_many("no-such-key", "nor-this") == [None, None]


@pytest.mark.skipif(not answers(6379), reason="Redis does not answer on 127.0.0.1:6379")
def test_while_redis_does_not_answer_the_offers_read_last_are_shown(sb, tmp_path, monkeypatch):
    import redis

    from portal.services import offers

    url = "redis://127.0.0.1:6379/15"
    redis.Redis.from_url(url).flushdb()
    app = make_app(sb, f"sqlite:///{tmp_path / 'g.db'}", REDIS_URL=url)
    assert ">Demo Standard USD<" in app.test_client().get("/offers").get_data(as_text=True)
    cache = app.extensions["portal_cache"]
    monkeypatch.setattr(cache, "_redis", make_cache("redis://127.0.0.1:1/0")._redis)  # closed port
    time.sleep(offers.RECHECK_SECONDS)
    sb.reset_calls()
    assert ">Demo Standard USD<" in app.test_client().get("/offers").get_data(as_text=True)
    assert sb.call_count() == 0
    # A process that never read the catalogue has nothing to show: it says so, politely.
    other = make_app(sb, f"sqlite:///{tmp_path / 'h.db'}", REDIS_URL=url)
    monkeypatch.setattr(other.extensions["portal_cache"], "_redis", cache._redis)
    response = other.test_client().get("/offers")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.get_data(as_text=True)
