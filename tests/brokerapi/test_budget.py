"""The shared Broker-API budget: a moving minute, in memory or through Redis."""
from __future__ import annotations

import os

import pytest

from portal.brokerapi import BrokerClient, RateLimited
from portal.brokerapi.budget import WINDOW_SECONDS, make_budget
from tests.support import answers

REDIS_URL = "redis://127.0.0.1:6379/15"
needs_redis = pytest.mark.skipif(not answers(6379),
                                 reason="Redis does not answer on 127.0.0.1:6379")


class Clock:
    """Stands in for the time module where the budget and its memory storage read the clock."""

    def __init__(self):
        self.now = 1000.0

    def time(self):
        return self.now


def test_memory_budget_frees_slots_as_the_minute_moves(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("portal.brokerapi.budget.time", clock)
    monkeypatch.setattr("limits.storage.memory.time", clock)
    budget = make_budget(None, "token", 3)
    assert [budget.try_take() for _ in range(3)] == [0, 0, 0]
    assert budget.try_take() == pytest.approx(WINDOW_SECONDS)
    clock.now += 30
    assert budget.try_take() == pytest.approx(WINDOW_SECONDS - 30)
    clock.now += WINDOW_SECONDS - 30 + 0.001
    assert budget.try_take() == 0 and budget.used() == 1


def test_a_spent_budget_fails_fast_without_calling_the_broker(sb):
    client = BrokerClient("http://sandbox.test", "sandbox-token", transport=sb.transport(),
                          budget=make_budget(None, "sandbox-token", 2), deadline=2)
    client.offers(), client.offers()
    with pytest.raises(RateLimited):
        client.offers()
    assert sb.call_count("offers") == 2


@needs_redis
def test_redis_budget_is_shared_between_processes_using_the_same_token():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    one = make_budget(REDIS_URL, "token-a", 3)
    other = make_budget(REDIS_URL, "token-b", 3)
    pid = os.fork()
    if pid == 0:  # another process (a gunicorn worker forked after the app was built)
        two = make_budget(REDIS_URL, "token-a", 3)
        os._exit(0 if [one.try_take(), two.try_take()] == [0, 0] else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert one.try_take() == 0
    assert 55 < one.try_take() <= WINDOW_SECONDS
    assert other.try_take() == 0
    assert one.used() == 3 and other.used() == 1
