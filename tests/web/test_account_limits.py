"""Account limits hold when a trader's confirms arrive at the same moment."""
from __future__ import annotations

import threading

import pytest

from portal.extensions import db
from portal.models import TradingAccountRequest
from sandbox import seed
from tests.support import Trader


def _confirm_keys(client, offer: str, count: int) -> list[str]:
    """``count`` confirm pages opened one after another, each with its own key."""
    return [client.post("/accounts/new", data={"offer": offer}).headers["Location"]
            .rsplit("key=", 1)[1] for _ in range(count)]


@pytest.mark.parametrize("limit", [5, 3])
def test_parallel_confirms_never_pass_the_per_offer_limit(db_app, sb, limit):
    """Eight tabs, eight keys, sent at once: the trader ends with at most ``limit`` accounts."""
    db_app.config.update(MAX_ACCOUNTS_PER_OFFER=limit, RATELIMIT_ENABLED=False,
                         ACCOUNTS_CACHE_TTL=0)
    trader = Trader(db_app.test_client(), sb)
    trader.register(email="eight@example.com", offer=seed.OFFER_LIVE_USD)  # one in the offer
    keys = _confirm_keys(trader.client, seed.OFFER_LIVE_USD, 8)
    tabs = []
    for _ in keys:  # each tab its own session, as separate browser windows would be
        tab = db_app.test_client()
        Trader(tab, sb).login("eight@example.com")
        tabs.append(tab)
    start, answers = threading.Barrier(len(keys)), []

    def confirm(tab, key):
        start.wait()
        answers.append(tab.post("/accounts/confirm",
                                data={"offer": seed.OFFER_LIVE_USD, "key": key}).status_code)

    threads = [threading.Thread(target=confirm, args=pair) for pair in zip(tabs, keys, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    account_uuid = sb.store.account_by_email("eight@example.com")["uuid"]
    in_offer = [t for t in sb.store.data["tradingAccounts"].values()
                if t["accountUuid"] == account_uuid and t["offerUuid"] == seed.OFFER_LIVE_USD]
    assert len(answers) == len(keys) and set(answers) <= {302, 303}
    assert len(in_offer) == limit  # filled to the limit, never past it
    with db_app.app_context():
        opened = db.session.scalar(db.select(db.func.count()).select_from(TradingAccountRequest)
                                   .filter_by(state="done"))
        assert opened == limit - 1  # the sign-up opened the first
