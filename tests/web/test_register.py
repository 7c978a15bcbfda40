"""Registration: one submit creates the Account with its offer at Broker-API, then the portal
user."""
from __future__ import annotations

import re
from pathlib import Path
from datetime import timedelta

import httpx
import pytest

from portal.extensions import db
from portal.models import PortalUser, SignupAttempt
from portal.services import pending
from sandbox import seed


def broker_account(sb, email):
    return next((a for a in sb.store.data["accounts"].values()
                 if a["email"].lower() == email.lower()), None)


def users(app):
    with app.app_context():
        return db.session.scalars(db.select(PortalUser)).all()


def attempts(app):
    with app.app_context():
        return [a.state for a in db.session.scalars(
            db.select(SignupAttempt).order_by(SignupAttempt.id))]


def test_register_page_offers_only_visible_offers(client):
    html = client.get("/register").get_data(as_text=True)
    assert "Demo Standard USD" in html and "Live Raw GBP" in html
    assert "Staff Hidden USD" not in html
    assert "group" not in html.lower()


def test_register_preselects_offer_from_link(client):
    html = client.get(f"/register?offer={seed.OFFER_LIVE_GBP}").get_data(as_text=True)
    assert re.search(rf'value="{seed.OFFER_LIVE_GBP}"\s+checked', html)
    assert not re.search(rf'value="{seed.OFFER_DEMO_USD}"\s+checked', html)


@pytest.mark.parametrize("offer", [seed.OFFER_HIDDEN, "no-such-offer"])
def test_register_link_with_hidden_or_unknown_offer_is_explained(client, offer):
    html = client.get(f"/register?offer={offer}").get_data(as_text=True)
    assert "That offer is not available" in html
    assert "Demo Standard USD" in html


def test_register_creates_account_with_offer_and_logs_in(app, trader, sb):
    response = trader.register(email="  Nora.Trader@Example.com ", offer=seed.OFFER_DEMO_EUR)
    html = response.get_data(as_text=True)
    assert response.request.path == "/accounts"
    assert "Demo Standard EUR" in html and "5,000.00" in html and "Start trading" in html
    account = broker_account(sb, "nora.trader@example.com")
    assert account["personalDetails"]["firstname"] == "Nora"
    assert sb.password_of(account["uuid"]) == trader.PASSWORD
    assert account["accountConfiguration"]["roleUuid"] == seed.ROLE_USER
    (user,) = users(app)
    assert user.email == "nora.trader@example.com" and user.account_uuid == account["uuid"]
    assert user.password_hash.startswith("$argon2id$")
    assert attempts(app) == ["done"]
    assert "nora.trader@example.com" in html  # the header shows who is logged in


def test_register_sends_optional_details_only_when_given(trader, sb):
    trader.register(email="opt@example.com", country="PL", phone="+48 600 700 800")
    account = broker_account(sb, "opt@example.com")
    assert account["addressDetails"]["country"] == "PL"
    # E.164, as the profile saves it
    assert account["contactDetails"]["phoneNumber"] == "+48600700800"


def test_register_field_errors_keep_what_was_typed_except_passwords(app, trader, sb):
    response = trader.register(email="not-an-email", first_name="", last_name="Smith-Jones",
                               password="short", confirm="different", terms="")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a valid email address" in html
    assert "Enter your first name." in html
    assert "Use at least 8 characters." in html
    assert "You need to accept the terms to continue." in html
    assert 'value="not-an-email"' in html and 'value="Smith-Jones"' in html
    assert "short" not in html.split("<form", 1)[1].split("</form>")[0].replace("shortly", "")
    assert 'aria-invalid="true"' in html and 'aria-describedby="email-error"' in html
    assert users(app) == [] and sb.call_count("create_account") == 0


def test_register_has_one_password_field_and_ignores_a_posted_confirmation(app, trader):
    assert 'name="confirm"' not in trader.client.get("/register").get_data(as_text=True)
    response = trader.register(confirm="Sunny-Day43", follow=False)
    assert response.status_code == 302 and len(users(app)) == 1


@pytest.mark.parametrize("name", ["Eve\u202eevE", "Eve\nBcc: x@example.com", "Eve\u200b",
                                  "<script>Eve"])
def test_register_refuses_names_with_markup_or_invisible_characters(app, trader, sb, name):
    html = trader.register(email="names@example.com", first_name=name).get_data(as_text=True)
    assert "Remove symbols like &lt; and &gt; and invisible characters from the name." in html
    assert 'value="names@example.com"' in html and users(app) == []
    assert sb.call_count("create_account") == 0


@pytest.mark.parametrize("name,message", [
    ("\u200d", "A name needs at least one letter."),
    ("\u2800", "A name needs at least one letter."),
    ("-", "A name needs at least one letter."),
    ("\u3164", "invisible characters"), ("A\u034f", "invisible characters"),
])
def test_register_refuses_a_name_with_no_visible_letter(app, trader, name, message):
    html = trader.register(email="blank@example.com", last_name=name).get_data(as_text=True)
    assert message in html and users(app) == []


def test_register_accepts_names_written_with_joiners_and_apostrophes(app, trader, sb):
    trader.register(email="joiner@example.com", first_name="\u0645\u06cc\u200c\u0646\u0627",
                    last_name="O'Brien-Smith Jr.")
    assert [u.first_name for u in users(app)] == ["\u0645\u06cc\u200c\u0646\u0627"]


def test_register_refuses_an_email_too_long_before_the_at_and_never_cuts_one_short(trader, client):
    email_input = client.get("/register").get_data(as_text=True).split('id="email"')[1]
    assert 'maxlength' not in email_input.split(">")[0]
    html = trader.register(email="a" * 65 + "@example.com").get_data(as_text=True)
    assert "Use at most 64 characters before the @." in html


@pytest.mark.parametrize("phone,country,message", [
    ("(000) 000-000", "", "Enter a valid phone number, like +48 600 700 800."),
    ("600 700 800", "", "Start the number with its country code, like +48 600 700 800."),
])
def test_register_checks_phone_numbers_as_the_profile_does(app, trader, phone, country, message):
    html = trader.register(email="phone@example.com", phone=phone,
                           country=country).get_data(as_text=True)
    assert message in html and users(app) == []


def test_register_takes_a_national_number_in_the_chosen_country(trader, sb):
    trader.register(email="national@example.com", phone="600 700 800", country="PL")
    assert (broker_account(sb, "national@example.com")["contactDetails"]["phoneNumber"]
            == "+48600700800")


def test_register_posting_a_hidden_offer_creates_nothing(app, trader, sb):
    html = trader.register(offer=seed.OFFER_HIDDEN).get_data(as_text=True)
    assert "That offer is not available" in html
    assert sb.call_count("create_account") == 0 and users(app) == []


@pytest.mark.parametrize("status", [400, 409, 422])
def test_register_with_email_taken_at_broker_links_to_login(app, trader, sb, status):
    sb.variants.duplicate_email_status = status
    html = trader.register(email="legacy.trader@example.com").get_data(as_text=True)
    assert "This email is already registered" in html
    assert 'href="/login"' in html
    assert users(app) == [] and attempts(app) == ["taken"]


def test_register_twice_with_same_email_is_refused_before_the_broker(app, trader, sb, client):
    trader.register(email="twice@example.com")
    trader.logout()
    sb.reset_calls()
    html = trader.register(email="TWICE@example.com").get_data(as_text=True)
    assert "This email is already registered" in html
    assert sb.call_count("create_account") == 0 and len(users(app)) == 1


@pytest.mark.parametrize("fault", [{"kind": "error", "status": 502},
                                   {"kind": "rate_limit", "retry_after": 120}])
def test_register_when_broker_fails_is_parked_for_the_worker(app, trader, sb, fault):
    sb.faults.add(fault.pop("kind"), endpoint="create_account", **fault)
    response = trader.register(email="down@example.com")
    assert response.status_code == 202
    assert "We are finishing your account" in response.get_data(as_text=True)
    assert users(app) == [] and attempts(app) == ["pending"]
    assert broker_account(sb, "down@example.com") is None
    with app.app_context():
        attempt = db.session.scalar(db.select(SignupAttempt))
        assert attempt.secret and trader.PASSWORD not in attempt.secret  # kept, but encrypted
        assert attempt.next_attempt_at is not None


@pytest.mark.parametrize("then", ["error", "timeout"])
def test_register_lost_answer_accepts_the_account_it_created(app, trader, sb, then):
    sb.faults.add("commit_then_fail", endpoint="create_account", then=then)
    response = trader.register(email="lost@example.com")
    assert response.request.path == "/accounts"
    assert len([a for a in sb.store.data["accounts"].values()
                if a["email"] == "lost@example.com"]) == 1
    assert [u.email for u in users(app)] == ["lost@example.com"]


def test_register_lost_answer_with_nothing_created_stays_pending(app, trader, sb):
    sb.faults.add("timeout", endpoint="create_account")
    response = trader.register(email="slow@example.com")
    assert response.status_code == 202
    assert "We are finishing your account" in response.get_data(as_text=True)
    assert attempts(app) == ["pending"] and users(app) == []


def test_register_lost_answer_for_someone_elses_account_is_already_registered(app, trader, sb):
    sb.faults.add("timeout", endpoint="create_account")
    html = trader.register(email="ann@example.com").get_data(as_text=True)
    assert "This email is already registered" in html
    assert users(app) == [] and attempts(app) == ["taken"]


def park_with_the_account_created(app, trader, sb, email):
    """A sign-up whose Account the broker created but whose answer, and every check, was lost."""
    sb.faults.add("commit_then_fail", endpoint="create_account", then="timeout", times=1)
    sb.faults.add("error", endpoint="account_by_email", times=3)
    sb.faults.add("error", endpoint="search_accounts", times=3)
    first = trader.register(email=email)
    assert first.status_code == 202 and attempts(app) == ["pending"]
    sb.faults.clear()
    return broker_account(sb, email)


def test_signing_up_again_with_the_same_password_finishes_the_parked_attempt(app, trader, sb):
    account = park_with_the_account_created(app, trader, sb, "retry@example.com")
    second = trader.register(email="retry@example.com")
    assert second.request.path == "/accounts"
    assert attempts(app) == ["done", "done"] and sb.call_count("change_password") == 0
    with app.app_context():
        assert all(a.password_hash is None and a.secret is None
                   for a in db.session.scalars(db.select(SignupAttempt)))
    trader.logout()
    assert "My trading accounts" in trader.login("retry@example.com").get_data(as_text=True)
    assert sb.password_of(account["uuid"]) == trader.PASSWORD


def test_someone_else_cannot_take_a_parked_sign_up_by_typing_its_email(app, trader, sb, client):
    account = park_with_the_account_created(app, trader, sb, "victim@example.com")
    response = trader.register(email="victim@example.com", first_name="Mallory",
                               password="Attack3r-Pass", confirm="Attack3r-Pass")
    # told the sign-up for this email is being finished (it is, for whoever made it)
    assert response.status_code == 202 and users(app) == []
    assert "We are finishing your account" in response.get_data(as_text=True)
    assert attempts(app) == ["pending", "taken"] and sb.call_count("change_password") == 0
    assert sb.password_of(account["uuid"]) == trader.PASSWORD
    assert "Mallory" not in client.get("/accounts", follow_redirects=True).get_data(as_text=True)
    with app.app_context():  # the worker finishes the attempt for the one who made it
        for attempt in db.session.scalars(db.select(SignupAttempt)):
            attempt.next_attempt_at = attempt.started_at
        db.session.commit()
        assert pending.run_once() == 1
    assert "My trading accounts" in trader.login("victim@example.com").get_data(as_text=True)
    trader.logout()
    assert "My trading accounts" not in trader.login(
        "victim@example.com", "Attack3r-Pass").get_data(as_text=True)


def test_a_parked_sign_up_cannot_be_taken_through_a_lost_answer_with_the_same_names(
        app, trader, sb):
    account = park_with_the_account_created(app, trader, sb, "same-names@example.com")
    sb.reset_calls()
    sb.faults.add("error", endpoint="create_account", status=502)  # would send it to recovery
    response = trader.register(email="same-names@example.com", password="Attack3r-Pass",
                               confirm="Attack3r-Pass")
    assert response.status_code == 202 and users(app) == []
    assert sb.call_count("create_account") == 0
    assert sb.password_of(account["uuid"]) == trader.PASSWORD


def test_the_worker_gives_a_parked_account_to_whoever_asked_first(app, trader, sb, monkeypatch):
    from portal.services import onboarding
    account = park_with_the_account_created(app, trader, sb, "race@example.com")
    with monkeypatch.context() as race:  # two submits at once: neither saw the other's attempt
        race.setattr(onboarding, "earlier_by_someone_else", lambda attempt, password: False)
        sb.faults.add("rate_limit", endpoint="create_account", retry_after=120)
        assert trader.register(email="race@example.com", password="Attack3r-Pass",
                               confirm="Attack3r-Pass").status_code == 202
        sb.faults.clear()
    with app.app_context():
        first, second = db.session.scalars(db.select(SignupAttempt).order_by(SignupAttempt.id))
        first.next_attempt_at, second.next_attempt_at = second.started_at, first.started_at
        db.session.commit()
        pending.run_once()
    assert attempts(app) == ["done", "taken"]
    assert [u.account_uuid for u in users(app)] == [account["uuid"]]
    assert "My trading accounts" in trader.login("race@example.com").get_data(as_text=True)


def test_a_sign_up_sent_twice_during_an_outage_is_finished_once_and_closed_twice(app, trader, sb):
    sb.faults.add("error", endpoint="create_account", status=503)
    assert [trader.register(email="twice@example.com").status_code for _ in range(2)] == [202, 202]
    sb.faults.clear()
    with app.app_context():
        for attempt in db.session.scalars(db.select(SignupAttempt)):
            attempt.next_attempt_at = attempt.started_at
        db.session.commit()
        pending.run_once()
        rows = db.session.scalars(db.select(SignupAttempt)).all()
        assert [(a.state, a.secret, a.password_hash) for a in rows] == [("done", None, None)] * 2
    assert [u.email for u in users(app)] == ["twice@example.com"]


def test_a_sign_up_the_broker_refuses_says_why_keeps_the_form_and_forgets_the_password(
        app, trader, sb, client):
    client.get("/register")  # the offer catalogue is cached now
    sb.store.data["offers"] = [o for o in sb.store.data["offers"]
                               if o["uuid"] != seed.OFFER_DEMO_USD]
    response = trader.register(email="refused@example.com", first_name="Zoë")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The broker did not accept these details" in html and "does not exist" in html
    assert 'value="refused@example.com"' in html and 'value="Zoë"' in html
    assert users(app) == [] and attempts(app) == ["failed"]
    with app.app_context():
        attempt = db.session.scalar(db.select(SignupAttempt))
        assert attempt.secret is None and attempt.password_hash is None


def test_register_with_approval_offer_shows_awaiting_approval(trader, sb):
    html = trader.register(email="pro@example.com",
                           offer=seed.OFFER_APPROVAL).get_data(as_text=True)
    assert "Awaiting approval" in html


def test_register_sends_the_trader_language(trader, sb):
    trader.register(email="lang@example.com")
    assert broker_account(sb, "lang@example.com")["personalDetails"]["language"] == "en"


def test_a_filled_honeypot_creates_nothing_and_says_try_again(app, trader, sb):
    html = trader.register(email="bot@example.com", website="http://spam.example").get_data(as_text=True)
    assert "We could not create your account" in html
    assert sb.call_count("create_account") == 0 and users(app) == []


def test_a_sign_up_whose_request_died_mid_call_is_finished_by_the_worker(
        app, trader, sb, monkeypatch):
    def dies(new):
        raise RuntimeError("the process was stopped")
    with monkeypatch.context() as m, pytest.raises(RuntimeError):
        m.setattr(app.extensions["broker"], "create_account", dies)
        trader.register(email="died@example.com")
    assert attempts(app) == ["sent"]
    retry = trader.register(email="died@example.com", password="Other-Pass77",
                            confirm="Other-Pass77")
    assert retry.status_code == 202  # another password: it waits for the first attempt
    with app.app_context():
        for attempt in db.session.scalars(db.select(SignupAttempt)):
            attempt.started_at -= pending.stale() + timedelta(seconds=1)
        db.session.commit()
        assert pending.run_once() == 1
    assert attempts(app) == ["done", "taken"]
    assert "My trading accounts" in trader.login("died@example.com").get_data(as_text=True)


def test_a_parked_sign_up_never_adopts_an_account_made_elsewhere_after_its_sends(
        app, trader, sb):
    """Someone parks a sign-up for another person's email, who later opens an Account
    elsewhere with the same names: the worker closes the attempt as taken."""
    sb.faults.add("error", endpoint="create_account", status=503)
    parked = trader.register(email="later@example.com", first_name="Vera", last_name="Victim",
                             password="Attack3r-Pass", confirm="Attack3r-Pass")
    assert parked.status_code == 202
    sb.faults.clear()
    with app.app_context():
        attempt = db.session.scalar(db.select(SignupAttempt))
        sent = attempt.started_at - timedelta(minutes=10)
        attempt.started_at = attempt.next_attempt_at = sent
        attempt.send_times = f'["{sent.isoformat()}"]'
        db.session.commit()
    with httpx.Client(base_url="http://sandbox.test", transport=sb.transport(),
                      headers={"Authorization": "sandbox-token"}) as http:
        made = http.post("/v1/accounts", json={
            "email": "later@example.com", "password": "Victims-Own1",
            "personalDetails": {"firstname": "Vera", "lastname": "Victim"}}).json()
    with app.app_context():
        pending.run_once()
    assert attempts(app) == ["taken"] and users(app) == []
    assert sb.password_of(made["uuid"]) == "Victims-Own1"
    mails = [p.read_text() for p in Path(app.config["MAIL_FOLDER"]).glob("*.eml")]
    assert any("We could not finish your registration" in m and "later@example.com" in m
               for m in mails)  # with the way in: a claim or reset link


def test_a_lost_answer_adopts_the_account_the_broker_made_during_the_send(app, trader, sb):
    sb.faults.add("commit_then_fail", endpoint="create_account", then="timeout", times=1)
    page = trader.register(email="lost@example.com")
    assert page.request.path == "/accounts" and len(users(app)) == 1
    with app.app_context():
        attempt = db.session.scalar(db.select(SignupAttempt))
        assert attempt.state == "done" and len(attempt.sends) == 1


def test_a_key_that_may_not_read_roles_makes_sign_up_say_the_portal_is_not_ready(
        app, trader, sb):
    sb.variants.roles_forbidden = True
    response = trader.register(email="early@example.com", first_name="Ella")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Sign-up is not open yet" in html
    assert 'value="early@example.com"' in html and 'value="Ella"' in html
    assert sb.call_count("create_account") == 0 and users(app) == []
