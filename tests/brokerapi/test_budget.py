"""The shared Broker-API budget: a sliding minute, in memory or through Redis."""
from __future__ import annotations

import pytest

from portal.brokerapi import BrokerClient, RateLimited
from portal.brokerapi.budget import MemoryBudget, RedisBudget
from tests.support import answers


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_memory_budget_frees_slots_as_the_minute_slides():
    clock = Clock()
    budget = MemoryBudget(3, clock=clock)
    assert [budget.try_take() for _ in range(3)] == [0, 0, 0]
    assert budget.try_take() == pytest.approx(60)
    clock.now += 30
    assert budget.try_take() == pytest.approx(30)
    clock.now += 30
    assert budget.try_take() == 0 and budget.used() == 1


def test_a_spent_budget_fails_fast_without_calling_the_broker(sb):
    client = BrokerClient("http://sandbox.test", "sandbox-token", transport=sb.transport(),
                          budget=MemoryBudget(2), deadline=2)
    client.offers(), client.offers()
    with pytest.raises(RateLimited):
        client.offers()
    assert sb.call_count("offers") == 2


@pytest.mark.skipif(not answers(6379), reason="Redis does not answer on 127.0.0.1:6379")
def test_redis_budget_is_shared_between_processes_using_the_same_token():
    import redis

    redis.Redis.from_url("redis://127.0.0.1:6379/15").flushdb()
    one = RedisBudget("redis://127.0.0.1:6379/15", "token-a", 3)
    two = RedisBudget("redis://127.0.0.1:6379/15", "token-a", 3)
    other = RedisBudget("redis://127.0.0.1:6379/15", "token-b", 3)
    assert [one.try_take(), two.try_take(), one.try_take()] == [0, 0, 0]
    assert two.try_take() > 55
    assert other.try_take() == 0
    assert one.used() == 3
