"""The trader's journeys against the sandbox in each API kind and each variant a real broker
may play (CRM-API.md, REFERENCE.md): the portal copes with the broker, not only our guesses.

One journey: sign-up with an offer, accounts listed, a second account, the platform button, a
password change, then forgot password and claim for unknown emails.
"""
from __future__ import annotations

import re

import pytest

from sandbox import seed
from tests.support import Trader, make_app

# (kind, variants): each plausible answer of the open questions, one at a time.
CASES = [
    ("crm-api", {}),
    ("broker-api", {}),
    ("crm-api", {"auth_scheme": "bearer"}),
    ("broker-api", {"auth_scheme": "raw"}),
    ("crm-api", {"loose_json": True}),
    ("broker-api", {"loose_json": True}),
    ("crm-api", {"email_not_found_status": 400}),
    ("crm-api", {"email_not_found_status": 422}),
    ("crm-api", {"email_not_found_status": 200}),
    ("crm-api", {"change_password_answer": "200text"}),
    ("crm-api", {"change_password_answer": "200json"}),
    ("crm-api", {"max_page_size": 5}),
    ("crm-api", {"max_page_size": 100, "page_size_over_max": "reject"}),
    ("crm-api", {"duplicate_email_status": 409}),
    ("crm-api", {"one_time_token_shape": "oneTimeToken"}),
    ("broker-api", {"one_time_token_shape": "text"}),
    ("crm-api", {"one_time_token_status": 401}),
    ("crm-api", {"one_time_token_shape": "unreadable"}),
]


def _id(case) -> str:
    kind, variants = case
    return "-".join([kind, *(f"{k}={v}" for k, v in variants.items())])


def logins(response) -> list[str]:
    return re.findall(r'class="card-title">Login (\w+)', response.get_data(as_text=True))


@pytest.fixture(params=CASES, ids=[_id(c) for c in CASES])
def broker(request, tmp_path):
    """A sandbox of the kind, playing the variants, and the portal configured for that kind."""
    import sandbox

    kind, variants = request.param
    sb = sandbox.create_sandbox(kind=kind)
    sb.variants.update(variants)
    app = make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}", BROKER_API_KIND=kind)
    yield sb, app, variants
    app.extensions["broker"].close()


def test_the_journeys_hold_against_each_kind_and_variant(broker):
    sb, app, variants = broker
    client = app.test_client()
    trader = Trader(client, sb)

    assert "Live Standard USD" in client.get("/offers").get_data(as_text=True)

    page = trader.register("journey@example.com", offer=seed.OFFER_DEMO_USD)
    assert page.status_code == 200 and len(logins(page)) == 1

    chosen = client.post("/accounts/new", data={"offer": seed.OFFER_LIVE_USD})
    key = chosen.headers["Location"].rsplit("key=", 1)[1]
    page = client.post("/accounts/confirm", data={"offer": seed.OFFER_LIVE_USD, "key": key},
                       follow_redirects=True)
    assert len(logins(page)) == 2
    assert "Demo" in page.get_data(as_text=True) and "Live" in page.get_data(as_text=True)

    client.post("/platform")  # spends the token kept from sign-up
    button = client.post("/platform")
    refused = (variants.get("one_time_token_status")
               or variants.get("one_time_token_shape") == "unreadable")
    if refused:
        assert button.status_code == 200
        assert "log in there with your email and password" in button.get_data(as_text=True)
    else:
        assert button.status_code == 303
        assert re.match(r"https://platform\.example/\?auth=\S+$", button.headers["Location"])

    changed = client.post("/password/change", data={
        "current_password": Trader.PASSWORD, "password": "Other-Day43",
        "confirm": "Other-Day43"}, follow_redirects=True)
    assert "Your password has been changed" in changed.get_data(as_text=True)
    account_uuid = sb.store.account_by_email("journey@example.com")["uuid"]
    assert sb.password_of(account_uuid) == "Other-Day43"

    trader.logout()
    forgot = client.post("/password/forgot", data={"email": "nobody.here@example.com"})
    assert forgot.status_code == 200
    assert "If nobody.here@example.com belongs to an account" in forgot.get_data(as_text=True)
    claim = client.post("/claim", data={"email": "nobody.here@example.com"})
    assert claim.status_code == 200
    assert "If we have an account for nobody.here@example.com" in claim.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["crm-api", "broker-api"])
def test_an_unknown_email_lookup_answered_500_is_an_outage_not_an_error_page(kind, tmp_path):
    import sandbox

    sb = sandbox.create_sandbox(kind=kind)
    app = make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}", BROKER_API_KIND=kind)
    sb.faults.add("error", endpoint="account_by_email", status=500)
    client = app.test_client()
    forgot = client.post("/password/forgot", data={"email": "nobody.here@example.com"})
    assert forgot.status_code == 200  # the same neutral answer as always
    assert "If nobody.here@example.com belongs to an account" in forgot.get_data(as_text=True)
    claim = client.post("/claim", data={"email": "nobody.here@example.com"})
    assert claim.status_code == 200
    assert "If we have an account for nobody.here@example.com" in claim.get_data(as_text=True)
    app.extensions["broker"].close()


def test_offers_in_a_bare_list_are_an_outage_page_not_a_crash(tmp_path):
    import sandbox

    sb = sandbox.create_sandbox(kind="crm-api")
    sb.variants.update({"offers_envelope": "list"})
    app = make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}")
    response = app.test_client().get("/offers")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.get_data(as_text=True)
    app.extensions["broker"].close()
