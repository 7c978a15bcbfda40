"""Hostile values in every form field and query parameter: never a 500, nothing stored or sent."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.extensions import db
from portal.models import AuditEvent, PortalUser, SignupAttempt, TradingAccountRequest
from sandbox import seed

HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=5000),
    st.sampled_from([
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR 1=1 --",
        "Robert'); DROP TABLE portal_users;--", "\x00\x01\x1b[31m", "\u202e\u200b\ufeff",
        "a" * 100_000, "../../etc/passwd", "%00", "{{7*7}}", "${jndi:ldap://x}", "😀" * 50,
        "javascript:alert(1)", "//evil.example", "\r\nSet-Cookie: x=1",
    ]),
)
MAYBE = st.one_of(st.none(), HOSTILE)
PROFILE = settings(max_examples=25, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])
WRITES = ("create_account", "update_account", "change_password", "create_trading_account")


def form(**fields):
    return {k: v for k, v in fields.items() if v is not None}


def counts(app):
    with app.app_context():
        return tuple(db.session.scalar(db.select(db.func.count()).select_from(m))
                     for m in (PortalUser, SignupAttempt, TradingAccountRequest))


def writes(sb):
    return sum(sb.call_count(e) for e in WRITES)


@PROFILE
@given(email=MAYBE, first=MAYBE, last=MAYBE, password=MAYBE, confirm=MAYBE, offer=MAYBE,
       country=MAYBE, phone=MAYBE, terms=MAYBE)
def test_hostile_registration_is_refused_with_a_message(app, sb, email, first, last, password,
                                                        confirm, offer, country, phone, terms):
    client = app.test_client()
    before, sent = counts(app), writes(sb)
    response = client.post("/register", data=form(
        email=email, first_name=first, last_name=last, password=password, confirm=confirm,
        offer=offer, country=country, phone=phone, terms=terms))
    assert response.status_code in (200, 429)
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    if response.status_code == 200:
        assert 'class="field-error"' in html or "flash-error" in html
    assert counts(app) == before and writes(sb) == sent


@PROFILE
@given(email=MAYBE, password=MAYBE, next_=MAYBE, remember=MAYBE)
def test_hostile_login_never_breaks(app, email, password, next_, remember):
    response = app.test_client().post("/login", data=form(email=email, password=password,
                                                          next=next_, remember=remember))
    assert response.status_code in (200, 429)
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


@PROFILE
@given(params=st.dictionaries(st.sampled_from(["offer", "next", "lang", "login", "new",
                                               "utm_source", "utm_campaign", "ref", "gclid"]),
                              HOSTILE, max_size=4),
       path=st.sampled_from(["/", "/offers", "/register", "/login"]))
def test_hostile_query_parameters_never_break_a_page(app, params, path):
    response = app.test_client().get(path, query_string=params)
    assert response.status_code in (200, 302)
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


@pytest.fixture
def logged_in(app, trader):
    trader.register(email="hostile@example.com")
    return trader.client


@PROFILE
@given(offer=MAYBE, key=MAYBE)
def test_hostile_open_account_forms_create_nothing(app, sb, logged_in, offer, key):
    sent = writes(sb)
    for path, data in (("/accounts/new", form(offer=offer)),
                       ("/accounts/confirm", form(offer=offer, key=key))):
        response = logged_in.post(path, data=data)
        assert response.status_code in (200, 302, 400, 429)
    assert writes(sb) == sent


def test_hidden_offer_smuggled_into_the_confirm_form_is_refused(app, sb, logged_in):
    logged_in.post("/accounts/confirm", data={"offer": seed.OFFER_HIDDEN, "key": "k" * 20})
    assert sb.call_count("create_trading_account") == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).filter_by(
            kind="account_opened")) == 0
