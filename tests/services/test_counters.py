"""Fixed-window counters behind the rate limits: per process, or shared through Redis."""
from __future__ import annotations

import time

import pytest

from portal.cache import MemoryCounters, RedisCounters
from tests.support import answers

REDIS_URL = "redis://127.0.0.1:6379/15"


def _memory():
    return MemoryCounters()


def _redis():
    if not answers(6379):
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return RedisCounters(REDIS_URL)


@pytest.fixture(params=[_memory, _redis], ids=["memory", "redis"])
def counters(request):
    return request.param()


def test_a_window_counts_from_its_first_hit_and_says_what_is_left_of_it(counters):
    assert counters.get("k") == (0, 0.0)
    count, left = counters.add("k", 60)
    assert count == 1 and 59 < left <= 60
    assert counters.add("k", 60)[0] == 2
    assert counters.get("k")[0] == 2 and counters.get("other")[0] == 0


def test_a_window_ends_and_counting_starts_again(counters):
    counters.add("k", 1)
    counters.add("k", 1)
    time.sleep(1.05)
    assert counters.get("k")[0] == 0
    assert counters.add("k", 1)[0] == 1


def test_giving_back_never_goes_below_zero_nor_outlives_the_window(counters):
    counters.give_back("k")  # nothing counted: nothing to give back
    assert counters.get("k")[0] == 0
    counters.add("k", 1)
    counters.give_back("k")
    counters.give_back("k")
    assert counters.get("k")[0] == 0
    time.sleep(1.05)
    assert counters.add("k", 60)[0] == 1  # a new window, not a count left from the old one


def test_redis_counts_are_shared_and_every_key_expires():
    one, two = _redis(), RedisCounters(REDIS_URL)
    one.add("shared", 60)
    assert two.add("shared", 60)[0] == 2
    two.give_back("shared")
    assert one.get("shared")[0] == 1
    import redis

    store = redis.Redis.from_url(REDIS_URL)
    assert all(store.pttl(key) > 0 for key in store.keys("portal:count:*"))


def test_a_process_keeps_a_bounded_number_of_ended_windows(monkeypatch):
    counters = MemoryCounters()
    monkeypatch.setattr(MemoryCounters, "MAX_KEYS", 3)
    for key in "abc":
        counters.add(key, 1)
    time.sleep(1.05)
    counters.add("d", 60)
    assert sorted(counters._data) == ["d"]
