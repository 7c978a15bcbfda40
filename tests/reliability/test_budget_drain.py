"""Sign-ups held back by the request budget go out as soon as it has room, oldest first; an
outage still backs off."""
from __future__ import annotations

from datetime import timedelta

import pytest
from limits.storage import storage_from_string

from portal.brokerapi import BrokerClient, RateLimited

from portal.brokerapi.budget import WINDOW_SECONDS, Budget
from portal.extensions import broker, db
from portal.models import SignupAttempt, utcnow
from portal.services import pending


def spend(app, keep: int) -> None:
    """Use the app's budget until ``keep`` slots are left, as other processes would."""
    with app.app_context():
        budget = broker.client.budget
        while budget.room() > keep:
            assert budget.try_take() == 0


def new_window(app) -> None:
    """A minute later: every slot free again."""
    app.extensions["broker"].http.budget = Budget(storage_from_string("memory://"), "token", 500)


def park(trader, sb, email, fault, **options):
    sb.faults.add(fault, endpoint="create_account", times=1, **options)
    assert trader.register(email=email, follow=False).status_code == 202
    sb.faults.clear()


def attempts(app) -> dict[str, SignupAttempt]:
    with app.app_context():
        return {a.email: a for a in db.session.scalars(db.select(SignupAttempt))}


def test_budget_reports_its_room_and_when_the_next_slot_frees():
    budget = Budget(storage_from_string("memory://"), "token", 3)
    assert (budget.room(), budget.wait()) == (3, 0)
    for _ in range(3):
        assert budget.try_take() == 0
    assert budget.room() == 0 and budget.used() == 3
    assert 59 < budget.wait() <= WINDOW_SECONDS


def test_a_signup_held_back_by_the_budget_is_due_at_once_but_an_outage_backs_off(app, trader, sb):
    park(trader, sb, "busy@example.com", "rate_limit", retry_after=120)
    park(trader, sb, "down@example.com", "error", status=503)
    rows = attempts(app)
    busy, down = rows["busy@example.com"], rows["down@example.com"]
    assert busy.state == down.state == "pending"
    assert busy.next_attempt_at == busy.started_at <= utcnow()
    assert down.next_attempt_at > utcnow()


def test_the_worker_sends_held_back_signups_oldest_first_as_far_as_the_budget_allows(
        app, trader, sb):
    for n in range(3):
        park(trader, sb, f"held-{n}@example.com", "rate_limit", retry_after=120)
    with app.app_context():  # make the first one the oldest, although recorded first anyway
        for n, attempt in enumerate(db.session.scalars(db.select(SignupAttempt)
                                                       .order_by(SignupAttempt.id))):
            attempt.started_at = attempt.next_attempt_at = utcnow() - timedelta(minutes=10 - n)
        db.session.commit()
    spend(app, keep=0)
    with app.app_context():
        assert pending.run_once() == 0  # nothing can be sent: no row is taken or retried
        assert 0 < pending.idle_seconds(poll=30) <= WINDOW_SECONDS
    assert {a.state for a in attempts(app).values()} == {"pending"}

    new_window(app)
    spend(app, keep=2)  # room for one sign-up's two calls
    with app.app_context():
        assert pending.run_once() == 1
    states = {email: a.state for email, a in attempts(app).items()}
    assert states == {"held-0@example.com": "done", "held-1@example.com": "pending",
                      "held-2@example.com": "pending"}

    new_window(app)
    with app.app_context():
        assert pending.run_once() == 2
        assert pending.idle_seconds(poll=30) == 30  # room again: back to polling
    assert {a.state for a in attempts(app).values()} == {"done"}
    accounts = [a for a in sb.store.data["accounts"].values() if a["email"].startswith("held-")]
    assert len(accounts) == 3


def test_a_call_does_not_wait_past_the_budgets_patience_even_within_its_deadline(sb):
    budget = Budget(storage_from_string("memory://"), "sandbox-token", 1, patience=0.5)
    client = BrokerClient("http://sandbox.test", "sandbox-token", transport=sb.transport(),
                          budget=budget, deadline=120)
    slept = []
    client.http.sleep = slept.append
    client.offers()
    with pytest.raises(RateLimited):
        client.offers()  # the next slot frees in a minute: parked, not kept waiting
    assert slept == [] and sb.call_count("offers") == 1
