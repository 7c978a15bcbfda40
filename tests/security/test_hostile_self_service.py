"""Hostile values in the self-service, profile and consent forms and in link tokens."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.extensions import db
from portal.models import PortalUser
from tests.security.test_hostile_input import HOSTILE, MAYBE, PROFILE, form, writes


@pytest.fixture
def logged_in(app, trader):
    trader.register(email="hostile-self@example.com")
    return trader.client


def names(app):
    with app.app_context():
        return db.session.execute(db.select(PortalUser.first_name, PortalUser.last_name,
                                            PortalUser.password_hash)).all()


@PROFILE
@given(email=MAYBE, path=st.sampled_from(["/password/forgot", "/claim"]))
def test_hostile_link_requests_never_break_or_reveal(app, sb, email, path):
    response = app.test_client().post(path, data=form(email=email))
    assert response.status_code in (200, 302, 429)
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert writes(sb) == 0


@PROFILE
@given(token=HOSTILE, password=MAYBE, confirm=MAYBE, terms=MAYBE,
       path=st.sampled_from(["/password/reset/", "/claim/", "/confirm/"]))
def test_hostile_link_tokens_get_the_link_problem_page(app, sb, token, password, confirm, terms,
                                                       path):
    client = app.test_client()
    url = path + token.replace("/", "x").replace("?", "x").replace("#", "x")[:2000]
    for response in (client.get(url), client.post(url, data=form(password=password, confirm=confirm,
                                                                  terms=terms))):
        assert response.status_code in (200, 400, 404, 405)
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)
    assert writes(sb) == 0


@PROFILE
@given(current=MAYBE, password=MAYBE, confirm=MAYBE)
def test_hostile_password_change_changes_nothing(app, sb, logged_in, current, password, confirm):
    before = names(app)
    response = logged_in.post("/password/change", data=form(current_password=current,
                                                            password=password, confirm=confirm))
    assert response.status_code in (200, 429)
    assert names(app) == before and sb.call_count("change_password") == 0


@PROFILE
@given(fields=st.fixed_dictionaries({}, optional={k: HOSTILE for k in (
    "first_name", "last_name", "date_of_birth", "phone", "country", "street", "city", "post_code",
    "state", "email")}))
def test_hostile_profile_edits_never_break(app, sb, logged_in, fields):
    response = logged_in.post("/profile/edit", data=fields)
    assert response.status_code in (200, 302, 409, 429)
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    account = next(a for a in sb.store.data["accounts"].values()
                   if a["email"] == "hostile-self@example.com")
    for value in account["personalDetails"].values():
        assert not (isinstance(value, str) and any(ord(c) < 32 for c in value))


@PROFILE
@given(confirm=MAYBE, choice=MAYBE, next_=MAYBE)
def test_hostile_deletion_consent_and_resend_forms_never_break(app, logged_in, confirm, choice,
                                                               next_):
    for path, data in (("/my-data/delete-request", form(confirm=confirm)),
                       ("/consent", form(choice=choice, next=next_)),
                       ("/confirm/resend", form(next=next_))):
        response = logged_in.post(path, data=data)
        assert response.status_code in (200, 302, 303, 400, 429), path
        location = response.headers.get("Location", "")
        assert not location.startswith(("http://evil", "//", "javascript:")), location
