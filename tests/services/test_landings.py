"""Landings are counted exactly, and an anonymous page view writes nothing to the database."""
from __future__ import annotations

import json
import time

import pytest
import redis

from portal.extensions import db
from portal.services import campaigns, funnel, landings
from tests.support import answers, make_app

REDIS_URL = "redis://127.0.0.1:6379/14"


def table_rows(app) -> dict[str, int]:
    """How many rows each table holds."""
    with app.app_context():
        return {table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def spring_landings(app) -> int:
    with app.app_context():
        rows = funnel.funnel(campaign="spring")
        return sum(r.landings for r in rows)


@pytest.fixture(params=["memory", "redis"])
def portal(request, sb, tmp_path):
    """The portal counting in process memory, or in Redis as several processes would."""
    overrides = {}
    if request.param == "redis":
        if not answers(6379):
            pytest.skip("Redis does not answer on 127.0.0.1:6379")
        redis.Redis.from_url(REDIS_URL).flushdb()
        overrides["REDIS_URL"] = REDIS_URL
    app = make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}", **overrides)
    with app.app_context():
        campaigns.add_campaign("spring", offer="demo-standard-usd", utm_source="google",
                               utm_medium="cpc")
    yield app
    app.extensions["broker"].close()


def test_plain_cookieless_page_views_write_nothing(portal):
    before = table_rows(portal)
    for _ in range(20):
        for path in ("/", "/offers", "/register", "/login", "/offers/demo-standard-usd"):
            assert portal.test_client().get(path).status_code == 200
    with portal.app_context():
        landings.flush()
    assert table_rows(portal) == before


def test_campaign_landings_cost_no_write_per_visit_and_the_funnel_counts_them_exactly(portal):
    before = table_rows(portal)
    for number in range(40):  # each a new visitor: no cookie
        client = portal.test_client()
        if number % 2:
            assert client.get("/go/spring").status_code == 302
        client.get("/register?offer=demo-standard-usd&cmp=spring&utm_source=google"
                   "&utm_medium=cpc")
    assert table_rows(portal) == before  # nothing written while they landed
    assert spring_landings(portal) == 40
    assert spring_landings(portal) == 40  # a second report counts nothing twice


def test_the_worker_writes_what_every_process_counted_in_redis(sb, tmp_path):
    if not answers(6379):
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    redis.Redis.from_url(REDIS_URL).flushdb()
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    one, two = (make_app(sb, url, REDIS_URL=REDIS_URL) for _ in range(2))
    for app in (one, two):
        for _ in range(3):
            app.test_client().get("/?utm_source=newsletter&utm_medium=email")
    written = 0
    deadline = time.monotonic() + landings.PUSH_SECONDS + 5
    with one.app_context():
        # `two` sends nothing more: its landings reach Redis on its own, within PUSH_SECONDS.
        while written < 6 and time.monotonic() < deadline:
            written += landings.flush()  # what the worker does each pass
            time.sleep(0.1)
        assert written == 6
        assert landings.flush() == 0
        rows = funnel.funnel()
    assert [(r.source, r.landings) for r in rows] == [("newsletter / email", 6)]
    for app in (one, two):
        app.extensions["broker"].close()


def test_a_batch_another_worker_is_writing_is_not_counted_twice_but_an_abandoned_one_is_taken(
        sb, tmp_path):
    """Two workers on one Redis: the batch one renamed away and is writing is not the other's
    to take; a batch a dead worker left behind is written, once."""
    if not answers(6379):
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    app = make_app(sb, f"sqlite:///{tmp_path / 'shared.db'}", REDIS_URL=REDIS_URL)
    field = json.dumps(["2026-12-06", "(none)", "newsletter", "email"])
    now = int(time.time())
    store.hset(f"{landings.FLUSHING}{now}:busy", field, 5)  # another worker writes it now
    store.hset(f"{landings.FLUSHING}{now - 3600}:dead", field, 7)  # left by a dead worker
    with app.app_context():
        assert landings.flush() == 7
        assert landings.flush() == 0
        rows = funnel.funnel()
    assert [(r.source, r.landings) for r in rows] == [("newsletter / email", 7)]
    assert store.exists(f"{landings.FLUSHING}{now}:busy")
    app.extensions["broker"].close()


def test_landings_counted_while_redis_is_away_are_moved_once_it_answers(sb, tmp_path):
    if not answers(6379):
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    counts = landings.RedisCounts("redis://127.0.0.1:1/14")  # nothing listens there
    field = json.dumps(["2026-12-06", "(none)", "newsletter", "email"])
    for _ in range(3):
        counts.add(field)  # a landing never waits for Redis
    with pytest.raises(redis.ConnectionError):
        counts.push()
    counts._redis = store  # Redis is back
    counts.push()
    counts.push()
    assert store.hgetall(landings.PENDING) == {field.encode(): b"3"}
