"""/metrics tells how sign-ups end, how Broker-API behaves and what waits for the worker."""
from __future__ import annotations

from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from portal.extensions import db
from portal.models import SignupAttempt, utcnow
from portal.services import pending
from sandbox import seed
from tests.support import make_app


def scrape(client, **headers) -> dict:
    """Every sample of /metrics as {(name, sorted labels): value}."""
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_a_completed_sign_up_and_its_broker_calls_are_counted(client, trader):
    before = scrape(client)
    trader.register()
    after = scrape(client)
    assert value(after, "portal_signups_total", state="done") - value(
        before, "portal_signups_total", state="done") == 1
    create = {"endpoint": "POST /v1/accounts", "status": "200"}
    assert value(after, "portal_broker_calls_total", **create) - value(
        before, "portal_broker_calls_total", **create) == 1
    latency = {"endpoint": "POST /v1/accounts"}
    assert value(after, "portal_broker_call_duration_seconds_count", **latency) - value(
        before, "portal_broker_call_duration_seconds_count", **latency) == 1


def test_a_parked_sign_up_shows_in_the_backlog_with_its_age(app, client, trader, sb):
    sb.faults.add("error", endpoint="create_account", status=503, times=1)
    before = scrape(client)
    assert trader.register().status_code == 202
    with app.app_context():
        attempt = db.session.scalar(db.select(SignupAttempt))
        attempt.started_at = utcnow() - timedelta(minutes=20)
        db.session.commit()
    after = scrape(client)
    assert value(after, "portal_signups_total", state="pending") - value(
        before, "portal_signups_total", state="pending") == 1
    assert value(after, "portal_pending_backlog", kind="signup") == 1
    assert value(after, "portal_pending_backlog", kind="open_account") == 0
    assert 20 * 60 <= value(after, "portal_pending_oldest_age_seconds", kind="signup") < 21 * 60
    errors = {"endpoint": "POST /v1/accounts"}
    assert value(after, "portal_broker_errors_total", **errors) - value(
        before, "portal_broker_errors_total", **errors) == 1


def test_an_email_the_broker_already_has_counts_as_taken(client, trader):
    before = scrape(client)
    trader.register(seed.EMAIL_LEGACY)
    after = scrape(client)
    assert value(after, "portal_signups_total", state="taken") - value(
        before, "portal_signups_total", state="taken") == 1
    assert value(after, "portal_signups_total", state="done") == value(
        before, "portal_signups_total", state="done")


def test_worker_outcomes_count_and_a_second_parking_is_no_new_sign_up(app, client, trader, sb):
    sb.faults.add("error", endpoint="create_account", status=503, times=2)
    assert trader.register("late@example.com").status_code == 202
    before = scrape(client)
    with app.app_context():
        db.session.execute(db.update(SignupAttempt).values(next_attempt_at=utcnow()))
        db.session.commit()
        assert pending.run_once() == 1  # the broker fails again: parked again
        attempt = db.session.scalar(db.select(SignupAttempt))
        attempt.started_at = utcnow() - timedelta(hours=25)
        attempt.next_attempt_at = utcnow()
        db.session.commit()
        assert pending.run_once() == 1  # too old now: failed for good
    after = scrape(client)
    for state, moved in (("pending", 0), ("failed", 1), ("done", 0)):
        assert value(after, "portal_signups_total", state=state) - value(
            before, "portal_signups_total", state=state) == moved, state
    assert value(after, "portal_pending_backlog", kind="signup") == 0


def test_an_empty_backlog_reports_zero_age(client):
    samples = scrape(client)
    assert value(samples, "portal_pending_backlog", kind="signup") == 0
    assert value(samples, "portal_pending_oldest_age_seconds", kind="signup") == 0


def test_broker_outages_count_as_errors_for_each_retry(client, sb):
    sb.faults.add("error", endpoint="offers", status=502)
    before = scrape(client)
    assert client.get("/offers").status_code == 503
    after = scrape(client)
    offers = {"endpoint": "GET /v1/offers"}
    tries = value(after, "portal_broker_errors_total", **offers) - value(
        before, "portal_broker_errors_total", **offers)
    assert tries == 3  # the first try and two read retries
    assert value(after, "portal_broker_calls_total", status="502", **offers) - value(
        before, "portal_broker_calls_total", status="502", **offers) == 3


def test_budget_left_is_the_minute_allowance_minus_calls_made(client, sb, app):
    client.get("/offers")
    samples = scrape(client)
    per_minute = app.config["BROKER_BUDGET_PER_MINUTE"]
    assert value(samples, "portal_broker_budget_per_minute") == per_minute
    assert value(samples, "portal_broker_budget_left") == per_minute - sb.call_count()


def test_metrics_need_the_bearer_token_when_one_is_set(sb, tmp_path):
    app = make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}", METRICS_TOKEN="scrape-me")
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer ŝcrape"}).status_code == 401
    assert scrape(client, Authorization="Bearer scrape-me")
    app.extensions["broker"].close()
