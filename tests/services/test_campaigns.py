"""Campaigns and partners managed with `flask campaigns`, and the links they print."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.extensions import db
from portal.models import Campaign, Partner
from portal.services import campaigns, offers
from sandbox import seed


@pytest.fixture
def cli(db_app):
    runner = db_app.test_cli_runner()

    def run(*args):
        return runner.invoke(args=list(args))

    return run


def links_in(output):
    return re.findall(r"https?://\S+", output)


def test_campaign_add_prints_the_short_link_and_the_absolute_deep_link(cli, db_app):
    db_app.config["PUBLIC_BASE_URL"] = "https://join.broker.example"
    assert cli("campaigns", "partner-add", "ACME", seed.TA_ANN_LIVE,
               "--name", "Acme").exit_code == 0
    result = cli("campaigns", "add", "spring", "--offer", seed.OFFER_LIVE_GBP, "--source", "google",
                 "--medium", "cpc", "--utm-campaign", "spring-promo", "--content", "banner",
                 "--partner", "ACME")
    assert result.exit_code == 0, result.output
    short, deep = links_in(result.output)
    assert short == "https://join.broker.example/go/spring"
    parts = urlsplit(deep)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://join.broker.example/register"
    assert {k: v[0] for k, v in parse_qs(parts.query).items()} == {
        "offer": "live-raw-gbp", "utm_source": "google", "utm_medium": "cpc",
        "utm_campaign": "spring-promo", "utm_content": "banner", "ref": "ACME", "cmp": "spring"}


def test_campaign_offer_may_be_given_by_slug_and_utm_campaign_defaults_to_the_code(cli, db_app):
    result = cli("campaigns", "add", "summer", "--offer", "demo-standard-eur", "--source", "fb")
    assert result.exit_code == 0, result.output
    with db_app.app_context():
        campaign = db.session.scalar(db.select(Campaign).filter_by(code="summer"))
        assert campaign.offer_uuid == seed.OFFER_DEMO_EUR and campaign.utm_campaign == "summer"
        assert campaign.active and not campaign.allow_hidden and campaign.partner is None


def test_campaign_list_shows_every_campaign_with_its_state(cli):
    cli("campaigns", "add", "one", "--offer", "demo-standard-usd")
    cli("campaigns", "add", "two")
    assert cli("campaigns", "disable", "two").exit_code == 0
    output = cli("campaigns", "list").output
    assert "one  [active]" in output and "two  [disabled]" in output
    assert "http://127.0.0.1:8000/go/one" in output
    assert "two" not in cli("campaigns", "list", "--active").output
    assert "two  [active]" in cli("campaigns", "enable", "two").output


@pytest.mark.parametrize("args, message", [
    (["add", "bad code!"], "must be 1-40 letters"),
    (["add", "x", "--offer", "no-such-offer"], "no offer with uuid or slug"),
    (["add", "x", "--offer", "staff-hidden-usd"], "is hidden; add --allow-hidden"),
    (["add", "x", "--allow-hidden"], "--allow-hidden needs an --offer"),
    (["add", "x", "--partner", "NOPE"], "no partner with code 'NOPE'"),
    (["disable", "ghost"], "no campaign with code 'ghost'"),
    (["partner-add", "P1", "not a uuid!"], "does not look like a trading account uuid"),
])
def test_campaign_commands_explain_bad_input(cli, db_app, args, message):
    result = cli("campaigns", *args)
    assert result.exit_code != 0 and message in result.output
    with db_app.app_context():
        assert db.session.scalar(db.select(db.func.count(Campaign.id))) == 0


def test_duplicate_codes_are_refused(cli):
    assert cli("campaigns", "add", "dup").exit_code == 0
    assert "campaign dup already exists" in cli("campaigns", "add", "dup").output
    assert cli("campaigns", "partner-add", "P", seed.TA_ANN_LIVE).exit_code == 0
    assert "partner P already exists" in cli("campaigns", "partner-add", "P",
                                             seed.TA_ANN_DEMO).output


def test_hidden_offer_campaign_needs_allow_hidden(cli, db_app):
    result = cli("campaigns", "add", "staff", "--offer", "staff-hidden-usd", "--allow-hidden")
    assert result.exit_code == 0 and "hidden offer allowed" in result.output
    with db_app.app_context():
        assert db.session.scalar(db.select(Campaign.offer_uuid)) == seed.OFFER_HIDDEN


def test_partners_are_listed_with_their_trading_account(cli, db_app):
    result = cli("campaigns", "partner-add", "IB7", seed.TA_ANN_LIVE, "--name", "<b>Seven</b>")
    assert "http://127.0.0.1:8000/register?ref=IB7" in result.output
    assert f"IB7  {seed.TA_ANN_LIVE}  bSeven/b" in cli("campaigns", "partners").output
    with db_app.app_context():
        assert db.session.scalar(db.select(Partner.active)) is True


def test_deep_link_falls_back_to_the_offer_uuid_when_the_broker_is_down(db_app, sb):
    with db_app.app_context():
        campaign = campaigns.add_campaign("down", offer="demo-standard-usd")
        offers.forget()
        sb.faults.add("error", endpoint="offers", status=503, times=10)
        assert f"offer={seed.OFFER_DEMO_USD}" in campaigns.deep_link(campaign)
