"""The Accounts page and opening another trading account."""
from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.models import PortalUser, TradingAccountRequest, utcnow
from portal.services import passwords
from sandbox import seed


def link_user(app, account_uuid, email):
    """A portal user linked to an Account made elsewhere (claiming it is the self-service issue)."""
    with app.app_context():
        db.session.add(PortalUser(
            email=email.lower(), password_hash=passwords.hash_password("Sunny-Day42"),
            account_uuid=account_uuid, first_name="Lee", last_name="Gacy", terms_version="t",
            terms_accepted_at=utcnow()))
        db.session.commit()


def logins(html):
    return re.findall(r"Login (\d+)", html)


def broker_logins(sb, account_uuid):
    return sorted(t["login"] for t in sb.store.data["tradingAccounts"].values()
                  if t["accountUuid"] == account_uuid and t["login"])


def test_accounts_lists_every_page_of_a_trader_with_twelve_accounts(app, trader, sb):
    link_user(app, seed.ACCOUNT_LEGACY, seed.EMAIL_LEGACY)
    html = trader.login(email=seed.EMAIL_LEGACY).get_data(as_text=True)
    assert sorted(logins(html)) == broker_logins(sb, seed.ACCOUNT_LEGACY)
    assert len(logins(html)) == 12
    assert "—" in html  # the account whose balance the broker reports as null


def test_accounts_never_shows_a_longer_email_that_contains_yours(app, trader, sb):
    link_user(app, seed.ACCOUNT_ANN, seed.EMAIL_ANN)
    html = trader.login(email=seed.EMAIL_ANN).get_data(as_text=True)
    assert sorted(logins(html)) == broker_logins(sb, seed.ACCOUNT_ANN)
    assert not set(logins(html)) & set(broker_logins(sb, seed.ACCOUNT_JOANN))


def open_account(client, offer):
    page = client.post("/accounts/new", data={"offer": offer},
                       follow_redirects=True).get_data(as_text=True)
    key = re.search(r'name="key" type="hidden" value="([^"]+)"', page) or re.search(
        r'id="key" name="key" type="hidden" value="([^"]+)"', page)
    return page, key.group(1)


def confirm_address(client, offer):
    """Choose ``offer``: the confirm page's address and the key it carries."""
    location = client.post("/accounts/new", data={"offer": offer}).headers["Location"]
    return location, location.rsplit("key=", 1)[1]


def confirm(client, offer, key):
    return client.post("/accounts/confirm", data={"offer": offer, "key": key},
                       follow_redirects=True)


def card_key(client, offer):
    """The key the offer's own form carries on /accounts/new (one-step opening)."""
    page = client.get("/accounts/new").get_data(as_text=True)
    return re.search(rf'name="offer" value="{offer}">\s*<input type="hidden" name="key" '
                     r'value="([^"]+)"', page).group(1)


def test_open_another_account_in_one_step_from_the_offers_card(app, trader, sb, client):
    trader.register(email="two@example.com")
    page = client.get("/accounts/new").get_data(as_text=True)
    assert page.index("Demo accounts") < page.index("Live accounts")
    assert page.count(">Open this account<") == page.count('name="key"') > 1
    key = card_key(client, seed.OFFER_LIVE_USD)
    opened = confirm(client, seed.OFFER_LIVE_USD, key)
    html = opened.get_data(as_text=True)
    assert opened.request.path == "/accounts"
    assert "is ready" in html and len(logins(html)) == 2
    assert 'href="https://pay.example/deposit"' in html  # live accounts carry a Fund button
    assert html.count(">Fund<") == 1
    again = confirm(client, seed.OFFER_LIVE_USD, key).get_data(as_text=True)  # Back, then again
    assert "You have already asked for this account." in again and len(logins(again)) == 2
    assert sb.call_count("create_trading_account") == 1


def test_double_submit_opens_one_account(app, trader, sb, client):
    trader.register(email="double@example.com")
    _, key = open_account(client, seed.OFFER_LIVE_USD)
    confirm(client, seed.OFFER_LIVE_USD, key)
    confirm(client, seed.OFFER_LIVE_USD, key)
    account = next(a for a in sb.store.data["accounts"].values()
                   if a["email"] == "double@example.com")
    assert len(broker_logins(sb, account["uuid"])) == 2
    assert sb.call_count("create_trading_account") == 1


def test_accounts_page_is_cached_briefly_and_refreshed_after_opening(app, trader, sb, client):
    trader.register(email="cache@example.com")
    client.get("/accounts")
    sb.reset_calls()
    client.get("/accounts")
    assert sb.call_count("trading_accounts") == 0
    _, key = open_account(client, seed.OFFER_DEMO_EUR)
    html = confirm(client, seed.OFFER_DEMO_EUR, key).get_data(as_text=True)
    assert len(logins(html)) == 2


def test_opening_in_a_hidden_offer_is_explained_and_creates_nothing(app, trader, sb, client):
    trader.register(email="hidden@example.com")
    html = client.get(f"/accounts/new?offer={seed.OFFER_HIDDEN}").get_data(as_text=True)
    assert "That offer is not available" in html and "Staff Hidden USD" not in html
    _page, key = open_account(client, seed.OFFER_DEMO_USD)  # a real key, a hidden offer posted
    html = confirm(client, seed.OFFER_HIDDEN, key).get_data(as_text=True)
    assert "That offer is not available" in html
    assert sb.call_count("create_trading_account") == 0


def test_per_offer_limit_is_enforced(app, trader, sb, client):
    app.config["MAX_ACCOUNTS_PER_OFFER"] = 1
    trader.register(email="limit@example.com")
    _, key = open_account(client, seed.OFFER_DEMO_USD)
    html = confirm(client, seed.OFFER_DEMO_USD, key).get_data(as_text=True)
    assert "You already have 1 accounts in this offer" in html
    assert sb.call_count("create_trading_account") == 0


def test_overall_limit_is_enforced(app, trader, sb, client):
    app.config["MAX_TRADING_ACCOUNTS"] = 1
    trader.register(email="limit2@example.com")
    _, key = open_account(client, seed.OFFER_LIVE_GBP)
    assert "the most allowed" in confirm(client, seed.OFFER_LIVE_GBP, key).get_data(as_text=True)


def test_approval_offer_waits_then_shows_the_login_once_approved(app, trader, sb, client):
    app.config["ACCOUNTS_CACHE_TTL"] = 0
    trader.register(email="approve@example.com")
    _, key = open_account(client, seed.OFFER_APPROVAL)
    html = confirm(client, seed.OFFER_APPROVAL, key).get_data(as_text=True)
    assert "once our team approves it" in html and "Awaiting approval" in html
    (approved,) = sb.approve_pending()
    html = client.get("/accounts").get_data(as_text=True)
    assert approved["login"] in logins(html) and "Awaiting approval" not in html


def test_verification_required_until_the_account_is_verified(app, trader, sb, client):
    trader.register(email="kyc@example.com")
    _, key = open_account(client, seed.OFFER_VERIFY)
    html = confirm(client, seed.OFFER_VERIFY, key).get_data(as_text=True)
    assert "Verification required" in html
    account = next(a for a in sb.store.data["accounts"].values() if a["email"] == "kyc@example.com")
    sb.set_verification(account["uuid"], "VERIFIED")
    assert "Verification required" not in client.get("/accounts").get_data(as_text=True)


def test_metatrader_accounts_name_the_server(app, trader, sb, client):
    trader.register(email="mt5@example.com")
    _, key = open_account(client, seed.OFFER_MT5)
    html = confirm(client, seed.OFFER_MT5, key).get_data(as_text=True)
    assert "MT5 Live Server" in html and "use MetaTrader 5" in html


@pytest.mark.parametrize("then", ["error", "timeout"])
def test_lost_answer_when_opening_finds_the_new_login(app, trader, sb, client, then):
    trader.register(email=f"lost-{then}@example.com")
    sb.faults.add("commit_then_fail", endpoint="create_trading_account", then=then)
    _, key = open_account(client, seed.OFFER_LIVE_USD)
    html = confirm(client, seed.OFFER_LIVE_USD, key).get_data(as_text=True)
    assert "is ready" in html and len(logins(html)) == 2


def test_timeout_with_nothing_created_stays_pending(app, trader, sb, client):
    trader.register(email="pending@example.com")
    sb.faults.add("timeout", endpoint="create_trading_account")
    _, key = open_account(client, seed.OFFER_LIVE_USD)
    response = client.post("/accounts/confirm", data={"offer": seed.OFFER_LIVE_USD, "key": key})
    assert response.status_code == 202
    with app.app_context():
        assert db.session.scalar(db.select(TradingAccountRequest.state)
                                 .filter_by(idempotency_key=key)) == "pending"


def test_broker_down_on_accounts_page_is_a_friendly_503(app, trader, sb, client):
    app.config["ACCOUNTS_CACHE_TTL"] = 0
    trader.register(email="down@example.com")
    with app.app_context():  # a trader the portal never listed before: nothing to show
        from portal.extensions import cache
        account = next(a for a in sb.store.data["accounts"].values()
                       if a["email"] == "down@example.com")
        cache.backend.delete(f"accounts-seen:{account['uuid']}")
    sb.faults.add("error", endpoint="trading_accounts", status=500)
    response = client.get("/accounts")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.get_data(as_text=True)


def test_a_logged_in_trader_following_an_offers_sign_up_link_opens_an_account_in_it(
        app, trader, client):
    trader.register(email="more@example.com")
    with app.app_context():
        from portal.services import offers
        slug = offers.slugs()[seed.OFFER_LIVE_GBP]
    response = client.get(f"/register?offer={slug}")
    assert response.headers["Location"] == f"/accounts/new?offer={slug}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(rf'offer-card highlight" aria-labelledby="offer-{seed.OFFER_LIVE_GBP}"', html)
    assert html.count("offer-card highlight") == 1
    assert client.get("/register").headers["Location"] == "/accounts"


def test_a_sign_up_sent_from_an_older_tab_while_logged_in_creates_nothing_and_says_so(
        app, trader, client, sb):
    trader.register(email="tab-b@example.com")
    sb.reset_calls()
    html = trader.register(email="tab-a@example.com").get_data(as_text=True)
    assert "You are logged in as tab-b@example.com, so no new account was created." in html
    assert sb.call_count("create_account") == 0


def test_choosing_an_offer_leads_to_a_confirm_page_of_its_own_that_back_and_reload_can_show(
        trader, client, sb):
    trader.register(email="prg@example.com")
    chosen = client.post("/accounts/new", data={"offer": seed.OFFER_LIVE_USD})
    assert chosen.status_code == 303
    location = chosen.headers["Location"]
    assert location.startswith(f"/accounts/confirm?offer={seed.OFFER_LIVE_USD}&key=")
    key = location.rsplit("key=", 1)[1]
    first, again = client.get(location), client.get(location)  # a reload shows the same form
    assert all(f'value="{key}"' in page.get_data(as_text=True) for page in (first, again))
    opened = client.post("/accounts/confirm", data={"offer": seed.OFFER_LIVE_USD, "key": key})
    login = opened.headers["Location"].rsplit("login=", 1)[1]
    back = client.get(location)  # Back to the confirm page once the account was opened
    assert back.status_code == 302 and back.headers["Location"] == f"/accounts?login={login}"
    assert ("You have already asked for this account."
            in client.get("/accounts").get_data(as_text=True))
    assert sb.call_count("create_trading_account") == 1
    without_key = client.get(f"/accounts/confirm?offer={seed.OFFER_LIVE_USD}")
    assert "&key=" in without_key.headers["Location"]
    hidden = client.get(f"/accounts/confirm?offer={seed.OFFER_HIDDEN}", follow_redirects=True)
    assert "That offer is not available" in hidden.get_data(as_text=True)


def test_a_confirm_page_whose_request_was_refused_offers_a_fresh_try_and_never_says_sent(
        app, trader, client, sb):
    trader.register(email="refused-open@example.com")
    location, key = confirm_address(client, seed.OFFER_LIVE_USD)
    sb.faults.add("error", endpoint="create_trading_account", status=422, times=1)
    client.post("/accounts/confirm", data={"offer": seed.OFFER_LIVE_USD, "key": key})
    again = client.post("/accounts/confirm", data={"offer": seed.OFFER_LIVE_USD, "key": key},
                        follow_redirects=True).get_data(as_text=True)  # the same form, another tab
    assert "That request did not go through" in again and "Your request was sent" not in again
    back = client.get(location)  # Back to the refused confirm page: a new key, the same offer
    assert back.status_code == 302
    assert f"offer={seed.OFFER_LIVE_USD}&key=" in back.headers["Location"]
    assert key not in back.headers["Location"]


def test_another_traders_confirm_address_gets_a_key_of_ones_own(app, sb):
    from tests.support import Trader
    ann, bob = Trader(app.test_client(), sb), Trader(app.test_client(), sb)
    ann.register(email="ann-key@example.com")
    bob.register(email="bob-key@example.com")
    location, key = confirm_address(ann.client, seed.OFFER_LIVE_USD)
    ann.client.post("/accounts/confirm", data={"offer": seed.OFFER_LIVE_USD, "key": key})
    shared = bob.client.get(location)
    assert shared.status_code == 302 and shared.headers["Location"] != location
    assert "Open this account" in bob.client.get(shared.headers["Location"]).get_data(as_text=True)


def test_a_made_up_confirm_key_is_replaced_by_one_of_the_traders_own(trader, client):
    trader.register(email="made-up@example.com")
    page = client.get(f"/accounts/confirm?offer={seed.OFFER_LIVE_USD}&key=abc")
    assert page.status_code == 302 and "key=abc" not in page.headers["Location"]
    refused = client.post("/accounts/confirm", data={"offer": seed.OFFER_LIVE_USD, "key": "abc"},
                          follow_redirects=True).get_data(as_text=True)
    assert "That request did not go through. Please confirm it again." in refused
    assert "Open this account" in refused


def test_a_request_the_broker_forbids_fails_and_the_page_offers_a_new_try(app, trader, client, sb):
    trader.register(email="forbidden@example.com")
    location, key = confirm_address(client, seed.OFFER_DEMO_USD)
    sb.faults.add("error", endpoint="create_trading_account", status=403, times=1)
    page = client.post("/accounts/confirm", data={"offer": seed.OFFER_DEMO_USD, "key": key})
    assert page.status_code == 503
    fresh = re.search(r'name="key" type="hidden" value="([^"]+)"',
                      page.get_data(as_text=True)).group(1)
    assert fresh != key
    with app.app_context():
        assert db.session.scalar(db.select(TradingAccountRequest.state)) == "failed"
    opened = client.post("/accounts/confirm", data={"offer": seed.OFFER_DEMO_USD, "key": fresh})
    assert "login=" in opened.headers["Location"]


def test_a_lost_answer_then_a_refused_list_parks_the_request_and_opens_one_account(
        trader, client, sb):
    trader.register(email="lost-list@example.com")
    location, key = confirm_address(client, seed.OFFER_LIVE_USD)
    sb.faults.add("commit_then_fail", endpoint="create_trading_account", then="timeout", times=1)
    # the list before the create answers; the ones after it, to find the new login, refuse
    sb.faults.add("error", endpoint="trading_accounts", status=403, times=3, skip=1)
    form = {"offer": seed.OFFER_LIVE_USD, "key": key}
    assert client.post("/accounts/confirm", data=form).status_code == 202  # kept for the worker
    sb.faults.clear()
    client.post("/accounts/confirm", data=form)  # the same form again
    assert sb.call_count("create_trading_account") == 1


def test_a_confirm_form_signed_before_a_key_rotation_still_opens_the_account(
        app, trader, client, sb):
    trader.register(email="rotation@example.com")
    location, key = confirm_address(client, seed.OFFER_LIVE_USD)
    app.secret_key = "a-new-secret"
    app.config["SECRET_KEY_FALLBACKS"] = ["test-secret"]  # the old key, kept while rotating
    opened = client.post("/accounts/confirm", data={"offer": seed.OFFER_LIVE_USD, "key": key})
    assert "login=" in opened.headers["Location"]
