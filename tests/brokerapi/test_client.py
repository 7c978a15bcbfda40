"""The Broker-API client against the in-process sandbox, across the undocumented variants."""
from __future__ import annotations

import logging

import httpx
import pytest

from portal.brokerapi import (
    BrokerClient, BrokerUnavailable, EmailTaken, Forbidden, NewAccount, NotFound, RateLimited,
    Rejected, Unauthorized,
)
from sandbox import seed


@pytest.fixture
def waits():
    return []


@pytest.fixture
def client(sb, waits):
    c = BrokerClient("http://sandbox.test", "sandbox-token", transport=sb.transport(),
                     sleep=waits.append, deadline=30)
    yield c
    c.close()


def new(email="fresh@example.com", **kw):
    return NewAccount(email=email, password="Sunny-Day42", first_name="Fresh", last_name="Trader",
                      **kw)


def test_offers_are_typed_and_demo_comes_from_the_offer(client):
    offers = {o.uuid: o for o in client.offers()}
    eur = offers[seed.OFFER_DEMO_EUR]
    assert eur.demo is True and eur.system.demo is False  # the trap: system.demo disagrees
    assert eur.currency == "EUR" and eur.leverage == 200 and eur.platform == "Match-Trader"
    assert offers[seed.OFFER_HIDDEN].hidden is True
    assert offers[seed.OFFER_APPROVAL].auto_creation is False
    assert offers[seed.OFFER_VERIFY].verification_required is True
    assert offers[seed.OFFER_MT5].platform == "MT5" and offers[seed.OFFER_MT5].is_metatrader


def test_service_info_roles_and_branches(client, sb):
    sb.kind = "broker-api"  # the portal client probes Broker-API v1 /service-info
    assert client.service_info().name
    assert client.role_uuid() == seed.ROLE_USER and client.branch_uuid() == seed.BRANCH_DEFAULT
    sb.reset_calls()
    client.role_uuid(), client.branch_uuid()
    assert sb.call_count() == 0  # resolved once, then cached


@pytest.mark.parametrize("header", ["sandbox-token", "Bearer sandbox-token"])
def test_sandbox_accepts_raw_and_bearer_tokens(sb, header):
    with httpx.Client(base_url="http://sandbox.test", transport=sb.transport(),
                      headers={"Authorization": header}) as http:
        assert http.get("/v1/offers").status_code == 200


def test_wrong_token_is_unauthorized(sb):
    bad = BrokerClient("http://sandbox.test", "nope", transport=sb.transport())
    with pytest.raises(Unauthorized) as caught:
        bad.offers()
    assert "nope" not in str(caught.value)


@pytest.mark.parametrize("empty_strings", ["reject", "accept"])
def test_create_account_with_offer_leaves_empty_fields_out(client, sb, empty_strings):
    sb.variants.empty_strings = empty_strings
    created = client.create_account(new(offer_uuid=seed.OFFER_DEMO_USD, phone=None, country=""))
    assert created.one_time_token and created.account.email == "fresh@example.com"
    account = sb.store.data["accounts"][created.account.uuid]
    assert "addressDetails" not in account or not account["addressDetails"].get("country")
    items = client.trading_accounts(created.account.uuid, created.account.email)
    assert [t.offer_uuid for t in items] == [seed.OFFER_DEMO_USD]


@pytest.mark.parametrize("status", [400, 409, 422])
def test_duplicate_email_is_classified_by_lookup_not_by_prose(client, sb, status):
    sb.variants.duplicate_email_status = status
    with pytest.raises(EmailTaken):
        client.create_account(new(email="ANN@example.com"))


def test_other_rejections_keep_the_broker_detail(client, sb):
    with pytest.raises(Rejected) as caught:
        client.create_account(new(offer_uuid="00000000-0000-4000-8000-000000000000"))
    assert not isinstance(caught.value, EmailTaken) and caught.value.detail


@pytest.mark.parametrize("not_found", ["404", "empty200"])
def test_find_account_ignores_case_where_the_broker_does(client, sb, not_found):
    sb.variants.not_found = not_found
    assert client.find_account("legacy.trader@example.com").uuid == seed.ACCOUNT_LEGACY
    assert client.find_account("nobody@example.com") is None


def test_find_account_on_a_case_exact_broker_finds_the_stored_form_only(client, sb):
    """by-email only, never the free-text search: an exact broker needs the stored case."""
    sb.variants.email_lookup = "exact"
    assert client.find_account(seed.EMAIL_LEGACY).uuid == seed.ACCOUNT_LEGACY
    assert client.find_account("ann@example.com").uuid == seed.ACCOUNT_ANN  # stored lower case
    assert client.find_account("legacy.trader@example.com") is None
    assert sb.call_count("search_accounts") == 0


@pytest.mark.parametrize("not_found", ["404", "empty200"])
def test_unknown_uuid_is_not_found(client, sb, not_found):
    sb.variants.not_found = not_found
    with pytest.raises(NotFound):
        client.account_by_uuid("00000000-0000-4000-8000-00000000dead")


@pytest.mark.parametrize("max_page_size, pages", [(None, 1), (1000, 1), (5, 3)])
def test_trading_accounts_follow_every_page_and_keep_only_the_owner(client, sb, max_page_size,
                                                                    pages):
    sb.variants.max_page_size = max_page_size
    items = client.trading_accounts(seed.ACCOUNT_LEGACY, seed.EMAIL_LEGACY)
    assert len(items) == 12 and {t.account_uuid for t in items} == {seed.ACCOUNT_LEGACY}
    assert sb.call_count("trading_accounts") == pages  # the largest page the broker serves
    ann = client.trading_accounts(seed.ACCOUNT_ANN, seed.EMAIL_ANN)
    assert ann and {t.account_uuid for t in ann} == {seed.ACCOUNT_ANN}


def test_null_finance_values_stay_none(client):
    items = client.trading_accounts(seed.ACCOUNT_LEGACY, seed.EMAIL_LEGACY)
    assert any(t.balance is None and t.equity is None for t in items)
    one = next(t for t in items if t.balance is not None)
    again = client.trading_account(one.system_uuid, one.login)
    assert again.login == one.login and again.balance == one.balance


@pytest.mark.parametrize("patch_nested", ["merge", "replace"])
def test_read_modify_write_keeps_back_office_fields(client, sb, patch_nested):
    sb.variants.patch_nested = patch_nested
    account = client.account_by_uuid(seed.ACCOUNT_LEGACY)
    address = {**account.address_details, "city": "Gdańsk"}
    updated = client.update_account(account.uuid, {"addressDetails": address})
    assert updated.address_details["city"] == "Gdańsk"
    for key, value in account.address_details.items():
        if key != "city" and value:
            assert updated.address_details[key] == value


def test_change_password_reaches_the_broker(client, sb):
    client.change_password(seed.ACCOUNT_ANN, "Brand-New7")
    assert sb.password_of(seed.ACCOUNT_ANN) == "Brand-New7"


def test_trading_account_in_approval_offer_has_no_login_until_approved(client, sb):
    created = client.create_trading_account(seed.ACCOUNT_ANN, seed.OFFER_APPROVAL)
    assert created.login == ""
    assert all(t.offer_uuid != seed.OFFER_APPROVAL
               for t in client.trading_accounts(seed.ACCOUNT_ANN, seed.EMAIL_ANN))
    sb.approve_pending(seed.ACCOUNT_ANN)
    assert any(t.offer_uuid == seed.OFFER_APPROVAL and t.login
               for t in client.trading_accounts(seed.ACCOUNT_ANN, seed.EMAIL_ANN))


@pytest.mark.parametrize("shape", ["token", "oneTimeToken", "text"])
def test_one_time_token_in_each_plausible_shape(client, sb, shape):
    sb.variants.one_time_token_shape = shape
    token = client.one_time_token(seed.EMAIL_ANN)
    assert token in sb.store.data["tokens"]


def test_one_time_token_without_permission_is_forbidden(client, sb):
    sb.variants.one_time_token_forbidden = True
    with pytest.raises(Forbidden):
        client.one_time_token(seed.EMAIL_ANN)


@pytest.mark.parametrize("kind", ["error", "timeout", "reset"])
def test_reads_retry_transient_failures(client, sb, waits, kind):
    sb.faults.add(kind, endpoint="offers", times=2)
    assert client.offers()
    assert len(waits) == 2 and all(0 < w <= 1 for w in waits)


def test_reads_give_up_after_bounded_retries(client, sb, waits):
    sb.faults.add("error", endpoint="offers", status=502)
    with pytest.raises(BrokerUnavailable) as caught:
        client.offers()
    assert caught.value.status == 502 and sb.call_count("offers") == 3


@pytest.mark.parametrize("kind", ["error", "timeout", "reset"])
def test_writes_are_not_retried_after_sending(client, sb, kind):
    sb.faults.add(kind, endpoint="create_trading_account", times=1)
    with pytest.raises(BrokerUnavailable) as caught:
        client.create_trading_account(seed.ACCOUNT_ANN, seed.OFFER_DEMO_USD)
    assert caught.value.sent is True and sb.call_count("create_trading_account") == 1


def test_commit_then_fail_reports_unavailable_but_the_write_happened(client, sb):
    before = len(client.trading_accounts(seed.ACCOUNT_ANN, seed.EMAIL_ANN))
    sb.faults.add("commit_then_fail", endpoint="create_trading_account", then="timeout")
    with pytest.raises(BrokerUnavailable):
        client.create_trading_account(seed.ACCOUNT_ANN, seed.OFFER_DEMO_USD)
    assert len(client.trading_accounts(seed.ACCOUNT_ANN, seed.EMAIL_ANN)) == before + 1


@pytest.mark.parametrize("retry_after", [True, False])
def test_rate_limit_waits_as_told_or_backs_off(client, sb, waits, retry_after):
    sb.variants.retry_after = retry_after
    sb.faults.add("rate_limit", endpoint="create_trading_account", times=2,
                  retry_after=2 if retry_after else None)
    created = client.create_trading_account(seed.ACCOUNT_ANN, seed.OFFER_DEMO_USD)
    assert created.login
    if retry_after:
        assert waits == [2.0, 2.0]
    else:
        assert len(waits) == 2 and waits[0] <= 0.2 and waits[1] <= 0.4


def test_rate_limit_past_the_deadline_is_raised(sb, waits):
    c = BrokerClient("http://sandbox.test", "sandbox-token", transport=sb.transport(),
                     sleep=waits.append, deadline=5)
    sb.faults.add("rate_limit", endpoint="offers", retry_after=60)
    with pytest.raises(RateLimited) as caught:
        c.offers()
    assert caught.value.retry_after == 60 and waits == []


def test_sandbox_rate_limit_of_the_token_is_honoured(client, sb, waits):
    sb.kind = "broker-api"  # the portal client probes Broker-API v1 /service-info
    sb.variants.rate_limit_per_minute = 3
    for _ in range(3):
        client.service_info()
    with pytest.raises(RateLimited):
        BrokerClient("http://sandbox.test", "sandbox-token", transport=sb.transport(),
                     sleep=waits.append, deadline=1).service_info()


def test_connection_refused_is_unavailable_and_not_sent():
    c = BrokerClient("http://127.0.0.1:9", "t", deadline=2, read_retries=0)
    with pytest.raises(BrokerUnavailable) as caught:
        c.create_trading_account("a", "b")
    assert caught.value.sent is False


def test_calls_are_logged_without_secrets(client, caplog):
    caplog.set_level(logging.INFO, logger="portal.brokerapi")
    client.create_account(new(email="logged@example.com"))
    text = caplog.text
    assert "POST /v1/accounts -> 200" in text and " ms" in text
    assert "sandbox-token" not in text and "Sunny-Day42" not in text
    assert "logged@example.com" not in text


def test_a_refused_page_size_falls_back_to_the_brokers_default(client, sb, caplog):
    sb.variants.max_page_size, sb.variants.page_size_over_max = 100, "reject"
    items = client.trading_accounts(seed.ACCOUNT_LEGACY, seed.EMAIL_LEGACY)
    assert len(items) == 12 and {t.account_uuid for t in items} == {seed.ACCOUNT_LEGACY}
    assert sb.call_count("trading_accounts") == 1 + 2  # the refusal, then two default pages
    assert "refused page size 1000" in caplog.text
