"""Final states of background work are visible: mails to the trader, alerts for staff, staff
commands."""
from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.models import SignupAttempt, TradingAccountRequest
from portal.services import pending
from sandbox import seed
from tests.mailbox import app, inbox, smtp_server, text_of  # noqa: F401  (fixtures)


def park_a_signup(trader, sb, email):
    sb.faults.add("timeout", endpoint="create_account", times=1)
    assert trader.register(email=email).status_code == 202
    sb.faults.clear()


def age(app, model, hours):
    with app.app_context():
        for row in db.session.scalars(db.select(model)):
            row.started_at -= timedelta(hours=hours)
            row.next_attempt_at = row.started_at
        db.session.commit()


def park_an_open_request(trader, sb, client, email, offer=seed.OFFER_APPROVAL,
                         fault=("rate_limit", {"retry_after": 120})):
    """A new trader whose request to open an account in ``offer`` met ``fault`` once and now
    waits for the worker; returns the confirm form's key."""
    trader.register(email=email)
    page = client.post("/accounts/new", data={"offer": offer},
                       follow_redirects=True).get_data(as_text=True)
    key = re.search(r'name="key" type="hidden" value="([^"]+)"', page).group(1)
    sb.faults.add(fault[0], endpoint="create_trading_account", times=1, **fault[1])
    assert client.post("/accounts/confirm", data={"offer": offer, "key": key}).status_code == 202
    return key


def test_parked_signup_is_finished_by_the_worker_with_a_welcome_mail(app, trader, sb, inbox):
    park_a_signup(trader, sb, "parked@example.com")
    age(app, SignupAttempt, 1)
    with app.app_context():
        assert pending.run_once() == 1
        attempt = db.session.scalar(db.select(SignupAttempt))
        assert attempt.state == "done" and attempt.secret is None and attempt.password_hash is None
    assert "Welcome" in inbox.last("parked@example.com")["Subject"]
    assert sb.password_of(attempt.account_uuid) == trader.PASSWORD


def test_a_signup_older_than_the_limit_fails_deletes_the_password_mails_and_alerts(
        app, trader, sb, inbox, caplog):
    park_a_signup(trader, sb, "late@example.com")
    age(app, SignupAttempt, 25)
    with caplog.at_level(logging.ERROR, logger="portal.worker"), app.app_context():
        pending.run_once()
        attempt = db.session.scalar(db.select(SignupAttempt))
        assert attempt.state == "failed"
        assert attempt.secret is None and attempt.password_hash is None
    assert "ALERT" in caplog.text
    body = text_of(inbox.last("late@example.com"))
    assert "Please register again" in body and "/register" in body
    assert not [a for a in sb.store.data["accounts"].values() if a["email"] == "late@example.com"]


def test_an_open_account_request_older_than_the_limit_fails_and_mails(
        app, trader, sb, inbox, client):
    key = park_an_open_request(trader, sb, client, "opener@example.com", seed.OFFER_LIVE_USD,
                               ("timeout", {}))
    age(app, TradingAccountRequest, 25)
    with app.app_context():
        pending.run_once()
        assert db.session.scalar(db.select(TradingAccountRequest.state)
                                 .filter_by(idempotency_key=key)) == "failed"
    assert "Live Standard USD" in text_of(inbox.last("opener@example.com"))


def test_staff_can_list_retry_and_cancel_pending_work(app, trader, sb):
    park_a_signup(trader, sb, "stuck@example.com")
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["pending", "list"]).output
    assert "signup:1" in listing and "pending" in listing and "stuck@example.com" in listing
    assert "due now" in runner.invoke(args=["pending", "retry", "signup:1"]).output
    assert "cancelled" in runner.invoke(args=["pending", "cancel", "signup:1"]).output
    with app.app_context():
        attempt = db.session.get(SignupAttempt, 1)
        assert attempt.state == "failed"
        assert attempt.secret is None and attempt.password_hash is None
    refused = runner.invoke(args=["pending", "retry", "signup:1"])
    assert refused.exit_code != 0 and "password is gone" in refused.output
    assert runner.invoke(args=["pending", "list"]).output.strip() == ""


def test_a_parked_signup_whose_password_cannot_be_opened_fails_and_mails(app, trader, sb, inbox):
    # The key changed since it was sealed (SECRET_KEY rotated, or sealed before SecretBox).
    park_a_signup(trader, sb, "rekeyed@example.com")
    age(app, SignupAttempt, 1)
    app.config["SECRET_KEY"] = "a-rotated-secret"
    with app.app_context():
        pending.run_once()
        attempt = db.session.scalar(db.select(SignupAttempt))
        assert attempt.state == "failed"
        assert attempt.secret is None and attempt.password_hash is None
    assert "Please register again" in text_of(inbox.last("rekeyed@example.com"))
    assert not [a for a in sb.store.data["accounts"].values()
                if a["email"] == "rekeyed@example.com"]


def test_a_row_that_fails_unexpectedly_is_tried_again_later(app, trader, sb, monkeypatch):
    park_a_signup(trader, sb, "crash@example.com")
    age(app, SignupAttempt, 1)
    def crash(attempt, account, actor):
        raise RuntimeError("disk full")
    monkeypatch.setattr(pending.onboarding, "complete", crash)
    with app.app_context():
        pending.run_once()
        attempt = db.session.scalar(db.select(SignupAttempt))
        assert attempt.state == "pending" and attempt.next_attempt_at is not None


def test_an_open_account_request_put_back_after_an_error_is_never_sent_twice(
        app, trader, sb, client, monkeypatch):
    park_an_open_request(trader, sb, client, "approval@example.com")
    age(app, TradingAccountRequest, 1)
    def crash(user, request, login, actor):
        raise RuntimeError("disk full")
    with monkeypatch.context() as m, app.app_context():
        m.setattr(pending.accounts, "finish", crash)
        pending.run_once()  # sent, then the crash: it may have reached the broker
    age(app, TradingAccountRequest, 1)
    with app.app_context():
        pending.run_once()
    assert sb.call_count("create_trading_account") == 2  # the 429, then one real create


def test_an_approval_request_whose_list_failed_before_any_create_is_still_sent(
        app, trader, sb, client):
    park_an_open_request(trader, sb, client, "never-sent@example.com")
    for fault in ({"kind": "error", "status": 403}, {"kind": "timeout"}):  # the list fails, twice
        sb.faults.add(fault.pop("kind"), endpoint="trading_accounts", times=1, **fault)
        age(app, TradingAccountRequest, 1)
        with app.app_context():
            pending.run_once()
    sb.faults.clear()
    age(app, TradingAccountRequest, 1)
    with app.app_context():
        pending.run_once()
    assert sb.call_count("create_trading_account") == 2  # the 429, then the request itself


def test_work_abandoned_longer_ago_than_pending_work_lasts_is_closed_without_mail(
        app, trader, sb, inbox, monkeypatch):
    def dies(new):
        raise RuntimeError("the process was stopped")
    with monkeypatch.context() as m, pytest.raises(RuntimeError):
        m.setattr(app.extensions["broker"], "create_account", dies)
        trader.register(email="long-ago@example.com")
    age(app, SignupAttempt, 25)
    with app.app_context():
        db.session.execute(db.update(SignupAttempt).values(next_attempt_at=None))
        db.session.commit()
        pending.run_once()
        attempt = db.session.scalar(db.select(SignupAttempt))
        assert (attempt.state, attempt.secret, attempt.password_hash) == ("failed", None, None)
    assert inbox.messages == []


def test_an_approval_request_the_broker_forbids_in_the_worker_fails_and_is_never_left_waiting(
        app, trader, sb, client, inbox):
    park_an_open_request(trader, sb, client, "forbidden-worker@example.com")
    sb.faults.add("error", endpoint="create_trading_account", status=403, times=1)
    age(app, TradingAccountRequest, 1)
    with app.app_context():
        pending.run_once()
        request = db.session.scalar(db.select(TradingAccountRequest))
        assert (request.state, request.maybe_sent) == ("failed", False)
