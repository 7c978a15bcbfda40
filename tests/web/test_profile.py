"""Profile: Account details synced to Broker-API by read-modify-write; the KYC status explained."""
from __future__ import annotations

import copy
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from portal.brokerapi.bodies import prune
from sandbox import seed
from tests.support import make_app
from tests.web.profile_support import (
    LEGACY_EMAIL, account_uuid_of, broker_record, link_legacy_account, portal_user,
)

EMAIL = "nora@example.com"


def today():
    return datetime.now(timezone.utc).date()


def form_for(sb, uuid, verified=False, **changes):
    """What the edit form posts: every field as shown (names and birth date only when editable)."""
    a = broker_record(sb, uuid)
    personal, contact, address = a["personalDetails"], a["contactDetails"], a["addressDetails"]
    data = {
        "phone": contact["phoneNumber"] or "", "country": address["country"] or "",
        "street": address["address"] or "", "city": address["city"] or "",
        "post_code": address["postCode"] or "", "state": address["state"] or "",
    }
    if not verified:
        data.update(first_name=personal["firstname"] or "", last_name=personal["lastname"] or "",
                    date_of_birth=personal["dateOfBirth"] or "")
    data.update(changes)
    return data


@pytest.fixture
def nora(trader, sb):
    """A freshly registered (NEW, so editable) trader, logged in; returns the Account uuid."""
    trader.register(email=EMAIL)
    return account_uuid_of(sb, EMAIL)


@pytest.fixture
def lena(app, trader, sb):
    """The seeded legacy Account (VERIFIED, full of back-office data) with a portal login."""
    link_legacy_account(app)
    trader.login(LEGACY_EMAIL)
    return seed.ACCOUNT_LEGACY


def test_profile_needs_a_login(client):
    response = client.get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_header_links_to_the_profile_when_logged_in(client, nora):
    assert '<a href="/profile">Profile</a>' in client.get("/accounts").get_data(as_text=True)


def test_profile_shows_account_details_and_the_kyc_status_in_plain_words(client, lena):
    html = client.get("/profile").get_data(as_text=True)
    assert "Lena" in html and "Legacy" in html and "Invalidenstr. 1" in html
    assert "Germany" in html and "+4930123456" in html and "February 29, 1980" in html
    assert 'data-status="VERIFIED"' in html and "Your identity is confirmed." in html
    assert "cannot be changed here" in html  # the email is shown, not offered for editing


@pytest.mark.parametrize("status, meaning, asks_for_documents", [
    ("NEW", "We have not checked your identity yet.", True),
    ("PENDING_VERIFICATION", "We have your documents and are checking them.", False),
    ("VERIFIED", "Your identity is confirmed.", False),
    ("REJECTED", "We could not confirm your identity", True),
    ("BLOCKED", "Your account is blocked.", False),
    ("UNVERIFIED", "Your identity is not verified.", True),
])
def test_each_verification_status_is_explained_with_where_to_send_documents(
        app, client, sb, nora, status, meaning, asks_for_documents):
    app.config["KYC_URL"] = "https://kyc.example/upload"
    sb.set_verification(nora, status)
    html = client.get("/profile").get_data(as_text=True)
    assert f'data-status="{status}"' in html and meaning in html
    assert ('href="https://kyc.example/upload"' in html) is asks_for_documents


def test_without_a_kyc_url_the_page_says_support_will_explain(client, nora):
    assert "Our support team will tell you how to send your documents." in \
        client.get("/profile").get_data(as_text=True)


@pytest.mark.parametrize("variant", ["merge", "replace"])
def test_edit_keeps_every_back_office_field_whether_patch_merges_or_replaces(
        client, sb, lena, variant):
    sb.variants.patch_nested = variant
    sb.set_verification(lena, "NEW")  # so the personal details can be edited too
    before = copy.deepcopy(broker_record(sb, lena))
    response = client.post("/profile/edit", data=form_for(
        sb, lena, date_of_birth="1981-03-01", city="Potsdam", phone="+49 30 1234567"),
        follow_redirects=True)
    assert response.request.path == "/profile"
    assert "Your details are saved." in response.get_data(as_text=True)
    after = broker_record(sb, lena)
    # Compared without nulls: a key the broker held as null may come back absent; no value is lost.
    def same(name, **changed):
        return prune(after[name]) == prune({**before[name], **changed})

    assert same("personalDetails", dateOfBirth="1981-03-01")
    assert same("addressDetails", city="Potsdam")
    assert same("contactDetails", phoneNumber="+49301234567")
    assert after["contactDetails"]["toContact"]["alreadyContacted"] is True
    for untouched in ("bankingDetails", "accountConfiguration", "leadDetails"):
        assert after[untouched] == before[untouched]
    assert after["personalDetails"]["passport"] == {"number": "C01X00T47", "country": "DEU"}
    assert after["personalDetails"]["taxIdentificationNumber"] == "DE-123456789"
    assert after["addressDetails"]["state"] == "Berlin"


def test_edit_updates_the_portal_copy_of_the_name_after_the_broker_accepts(app, client, sb, nora):
    client.post("/profile/edit",
                data=form_for(sb, nora, first_name="Noreen", last_name="Trader-Smith"))
    assert broker_record(sb, nora)["personalDetails"]["firstname"] == "Noreen"
    user = portal_user(app, EMAIL)
    assert (user.first_name, user.last_name) == ("Noreen", "Trader-Smith")


def test_saving_an_unchanged_form_sends_nothing(client, sb, nora):
    sb.reset_calls()
    response = client.post("/profile/edit", data=form_for(sb, nora), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Nothing was changed." in html and sb.call_count("update_account") == 0


def test_empty_optional_fields_are_never_sent_as_empty_strings(client, sb, nora):
    assert sb.variants.empty_strings == "reject"  # the sandbox refuses "" anywhere in a body
    data = form_for(sb, nora, city="Gdańsk", street="", state="")
    assert client.post("/profile/edit", data=data).status_code == 302
    assert broker_record(sb, nora)["addressDetails"]["city"] == "Gdańsk"


@pytest.mark.parametrize("variant, city_after, told", [
    ("merge", "Berlin", True), ("replace", None, False),
])
def test_emptying_a_field_clears_it_or_says_the_broker_kept_it(
        client, sb, lena, variant, city_after, told):
    sb.variants.patch_nested = variant
    html = client.post("/profile/edit", data=form_for(sb, lena, verified=True, city=""),
                       follow_redirects=True).get_data(as_text=True)
    assert broker_record(sb, lena)["addressDetails"]["city"] == city_after
    assert broker_record(sb, lena)["addressDetails"]["state"] == "Berlin"
    assert ("The broker kept these details, which cannot be removed here: City." in html) is told


def test_a_national_phone_number_uses_the_chosen_country_and_is_stored_in_e164(client, sb, nora):
    client.post("/profile/edit", data=form_for(sb, nora, phone="600 700 800", country="PL"))
    assert broker_record(sb, nora)["contactDetails"]["phoneNumber"] == "+48600700800"
    assert broker_record(sb, nora)["addressDetails"]["country"] == "PL"


@pytest.mark.parametrize("phone, message", [
    ("600 700 800", "Start the number with its country code, like +48 600 700 800."),
    ("+48 123", "Enter a valid phone number, like +48 600 700 800."),
    ("call me", "Enter a valid phone number"),
])
def test_an_invalid_phone_is_explained_keeps_what_was_typed_and_sends_nothing(
        client, sb, nora, phone, message):
    sb.reset_calls()
    response = client.post("/profile/edit", data=form_for(sb, nora, phone=phone, city="Łódź"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert f'value="{phone}"' in html and 'value="Łódź"' in html
    assert 'aria-invalid="true"' in html and sb.call_count("update_account") == 0


@pytest.mark.parametrize("born, message", [
    (lambda t: t + timedelta(days=1), "The date of birth cannot be in the future."),
    (lambda t: t - timedelta(days=17 * 365), "You must be at least 18 years old to trade."),
    (lambda t: date(1850, 1, 1), "Enter a real date of birth."),
    (lambda t: "2001-02-30", "Enter a real date, like 1990-05-31."),
])
def test_the_date_of_birth_must_be_a_real_past_date_of_an_adult(client, sb, nora, born, message):
    value = born(today())
    sb.reset_calls()
    data = form_for(sb, nora, date_of_birth=str(value))
    html = client.post("/profile/edit", data=data).get_data(as_text=True)
    assert message in html and sb.call_count("update_account") == 0
    assert broker_record(sb, nora)["personalDetails"]["dateOfBirth"] is None


def test_a_trader_who_turns_18_today_may_save_the_date(client, sb, nora):
    t = today()
    if (t.month, t.day) == (2, 29):
        pytest.skip("no 29 February eighteen years ago")
    born = t.replace(year=t.year - 18).isoformat()
    client.post("/profile/edit", data=form_for(sb, nora, date_of_birth=born))
    assert broker_record(sb, nora)["personalDetails"]["dateOfBirth"] == born


def test_a_verified_account_shows_names_and_birth_date_read_only(client, lena):
    html = client.get("/profile/edit").get_data(as_text=True)
    assert 'id="locked-details"' in html and "Lena" in html and "February 29, 1980" in html
    for name in ("first_name", "last_name", "date_of_birth"):
        assert f'name="{name}"' not in html
    assert 'name="city"' in html and 'name="email"' not in html


def test_a_forged_post_of_names_on_a_verified_account_is_refused_and_nothing_is_sent(
        app, client, sb, lena):
    sb.reset_calls()
    response = client.post("/profile/edit", data=form_for(
        sb, lena, verified=True, first_name="Mallory", date_of_birth="2000-01-01", city="Hamburg"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "cannot be changed here" in html
    assert 'value="Hamburg"' in html and 'name="first_name"' not in html
    assert sb.call_count("update_account") == 0
    record = broker_record(sb, lena)
    assert record["personalDetails"]["firstname"] == "Lena"
    assert record["addressDetails"]["city"] == "Berlin"
    assert portal_user(app, LEGACY_EMAIL).first_name == "Lena"


def test_a_verified_trader_can_still_edit_the_address(client, sb, lena):
    client.post("/profile/edit", data=form_for(sb, lena, verified=True, post_code="10117"))
    assert broker_record(sb, lena)["addressDetails"]["postCode"] == "10117"
    assert broker_record(sb, lena)["personalDetails"]["firstname"] == "Lena"


def test_the_email_is_not_changed_even_when_posted(client, sb, nora):
    client.post("/profile/edit", data=form_for(sb, nora, email="other@example.com", city="Opole"))
    assert broker_record(sb, nora)["email"] == EMAIL


def test_broker_down_on_save_shows_503_in_the_layout_and_keeps_the_form(app, client, sb, nora):
    sb.faults.add("error", endpoint="update_account", status=502)
    data = form_for(sb, nora, first_name="Nadia", city="Poznań")
    response = client.post("/profile/edit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and 'class="site-header"' in html
    assert "your details were not saved" in html
    assert 'value="Nadia"' in html and 'value="Poznań"' in html
    assert broker_record(sb, nora)["personalDetails"]["firstname"] == "Nora"
    assert portal_user(app, EMAIL).first_name == "Nora"


def test_a_lost_answer_on_save_says_it_cannot_tell_and_the_next_visit_catches_up(
        app, client, sb, nora):
    sb.faults.add("commit_then_fail", endpoint="update_account", then="timeout")
    response = client.post("/profile/edit", data=form_for(sb, nora, first_name="Nadia"))
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and "cannot tell whether your details were saved" in html
    assert 'value="Nadia"' in html
    sb.faults.clear()
    client.get("/profile")
    assert portal_user(app, EMAIL).first_name == "Nadia"


def test_names_changed_by_the_back_office_reach_the_portal_copy(app, client, sb, nora):
    broker_record(sb, nora)["personalDetails"]["firstname"] = "Eleonora"
    assert "Eleonora" in client.get("/profile").get_data(as_text=True)
    assert portal_user(app, EMAIL).first_name == "Eleonora"


def test_broker_down_when_reading_before_save_also_keeps_the_form(client, sb, nora):
    data = form_for(sb, nora, city="Toruń")
    sb.faults.add("error", endpoint="account_by_uuid", status=503)
    response = client.post("/profile/edit", data=data)
    assert response.status_code == 503 and 'value="Toruń"' in response.get_data(as_text=True)


def test_broker_down_when_opening_the_profile_shows_the_friendly_503_page(client, sb, nora):
    sb.faults.add("error", endpoint="account_by_uuid", status=500)
    response = client.get("/profile")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Temporarily unavailable" in html and 'class="site-header"' in html


def test_broker_refusing_the_details_is_explained(client, sb, nora):
    sb.faults.add("error", endpoint="update_account", status=400)
    response = client.post("/profile/edit", data=form_for(sb, nora, city="Sopot"))
    html = response.get_data(as_text=True)
    assert "The broker did not accept these details" in html and 'value="Sopot"' in html


def test_the_profile_in_polish_names_countries_in_polish(client, lena):
    html = client.get("/profile/edit?lang=pl").get_data(as_text=True)
    assert "Edytuj swoje dane" in html
    assert re.search(r'<option selected value="DE">Niemcy</option>', html)
    assert "29 lutego 1980" in html


def test_saving_the_profile_needs_a_csrf_token(sb, tmp_path):
    protected_app = make_app(sb, f"sqlite:///{tmp_path / 'csrf.db'}", WTF_CSRF_ENABLED=True)
    response = protected_app.test_client().post("/profile/edit", data={"city": "Kraków"})
    assert response.status_code == 400 and sb.call_count("update_account") == 0


def test_a_name_the_back_office_stored_does_not_block_saving_other_details(client, sb, nora):
    broker_record(sb, nora)["personalDetails"]["firstname"] = "Nora\u00ad"  # a soft hyphen
    response = client.post("/profile/edit", data=form_for(sb, nora, city="Gdańsk"))
    assert response.status_code == 302
    assert broker_record(sb, nora)["addressDetails"]["city"] == "Gdańsk"
    broker_record(sb, nora)["personalDetails"]["lastname"] = "Trader" * 20  # over 100 characters
    response = client.post("/profile/edit", data=form_for(sb, nora, city="Sopot"))
    assert response.status_code == 302
    assert broker_record(sb, nora)["addressDetails"]["city"] == "Sopot"
    html = client.post("/profile/edit", data=form_for(sb, nora, first_name="Nora\u200b"),
                       follow_redirects=True).get_data(as_text=True)
    assert "invisible characters" in html  # a name typed here is checked
