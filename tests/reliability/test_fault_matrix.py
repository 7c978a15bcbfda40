"""Nothing lost, nothing doubled: every Broker-API fault at every step, finished by the worker."""
from __future__ import annotations

import re
from itertools import count

import pytest

from portal.models import SignupAttempt, TradingAccountRequest
from sandbox import seed
from tests.reliability.conftest import row, wait_until
from tests.support import Trader

FAULTS = {
    "timeout": {"kind": "timeout"},
    "500": {"kind": "error", "status": 500},
    "502": {"kind": "error", "status": 502},
    "429 with Retry-After": {"kind": "rate_limit", "retry_after": 1},
    "429 without Retry-After": {"kind": "rate_limit", "variant_retry_after": False},
    "reset": {"kind": "reset"},
    "commit then 500": {"kind": "commit_then_fail", "then": "error"},
    "commit then timeout": {"kind": "commit_then_fail", "then": "timeout"},
}
numbers = count(1)


def inject(sb, fault, endpoint, skip=0):
    fault = dict(fault)
    sb.variants.retry_after = fault.pop("variant_retry_after", True)
    sb.faults.add(fault.pop("kind"), endpoint=endpoint, skip=skip, **fault)


def accounts_for(sb, email):
    return [a for a in sb.store.data["accounts"].values() if a["email"].lower() == email]


def trading_accounts_of(sb, account_uuid):
    return [t for t in sb.store.data["tradingAccounts"].values()
            if t["accountUuid"] == account_uuid]


def outlast_first_retry(app, model, **filters):
    """Keep the outage until the worker has retried once and failed too."""
    wait_until(lambda: (r := row(app, model, **filters)) is not None and r.attempts >= 2)


@pytest.mark.parametrize("name", list(FAULTS))
@pytest.mark.parametrize("step", ["create_account", "account_by_email"])
def test_signup_survives_the_fault(live_app, served, worker, name, step):
    sb, _ = served
    email = f"matrix-{next(numbers)}@example.com"
    if step == "account_by_email":  # the answer is lost AND the ownership lookup fails
        inject(sb, {"kind": "commit_then_fail", "then": "timeout"}, "create_account")
        inject(sb, FAULTS[name], "search_accounts")
    inject(sb, FAULTS[name], step)
    trader = Trader(live_app.test_client(), sb)
    response = trader.register(email=email, follow=False)
    assert response.status_code in (202, 302)
    if response.status_code == 202:
        outlast_first_retry(live_app, SignupAttempt, email=email)
        sb.faults.clear()
        wait_until(lambda: row(live_app, SignupAttempt, email=email).state == "done")
    (account,) = accounts_for(sb, email)
    assert ([t["offerUuid"] for t in trading_accounts_of(sb, account["uuid"])]
            == [seed.OFFER_DEMO_USD])
    attempt = row(live_app, SignupAttempt, email=email)
    assert attempt.secret is None and attempt.account_uuid == account["uuid"]
    html = Trader(live_app.test_client(), sb).login(email=email).get_data(as_text=True)
    assert "My trading accounts" in html


@pytest.mark.parametrize("name", list(FAULTS))
@pytest.mark.parametrize("step", ["create_trading_account", "trading_accounts"])
def test_open_account_survives_the_fault(live_app, served, worker, name, step):
    sb, _ = served
    email = f"open-{next(numbers)}@example.com"
    trader = Trader(live_app.test_client(), sb)
    trader.register(email=email)
    page = trader.client.post("/accounts/new", data={"offer": seed.OFFER_LIVE_USD},
                              follow_redirects=True).get_data(as_text=True)
    key = re.search(r'name="key" type="hidden" value="([^"]+)"', page).group(1)
    if step == "trading_accounts":  # the answer is lost AND the ownership check fails
        inject(sb, {"kind": "commit_then_fail", "then": "timeout"}, "create_trading_account")
    # The list is read once before sending (limits, known logins): the fault starts after it.
    inject(sb, FAULTS[name], step, skip=1 if step == "trading_accounts" else 0)
    response = trader.client.post("/accounts/confirm",
                                  data={"offer": seed.OFFER_LIVE_USD, "key": key})
    assert response.status_code in (202, 302)
    if response.status_code == 202:
        outlast_first_retry(live_app, TradingAccountRequest, idempotency_key=key)
        sb.faults.clear()
        wait_until(lambda: row(live_app, TradingAccountRequest,
                               idempotency_key=key).state == "done")
    (account,) = accounts_for(sb, email)
    offers = sorted(t["offerUuid"] for t in trading_accounts_of(sb, account["uuid"]))
    assert offers == sorted([seed.OFFER_DEMO_USD, seed.OFFER_LIVE_USD])
    request = row(live_app, TradingAccountRequest, idempotency_key=key)
    assert request.login in {t["login"] for t in trading_accounts_of(sb, account["uuid"])}
