"""`flask report funnel`: landings → sign-ups → first trading account → first live account."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest

from portal.extensions import db
from portal.models import LandingCount, PortalUser, SignupAttribution
from portal.services import accounts, audit, campaigns, funnel, landings
from sandbox import seed
from tests.support import Trader

OLD = datetime(2020, 1, 1, tzinfo=timezone.utc)


@pytest.fixture
def visitors(db_app, sb):
    """Five visitors: three through the spring campaign, one direct, one from facebook."""
    with db_app.app_context():
        campaigns.add_campaign("spring", offer="demo-standard-usd", utm_source="google",
                               utm_medium="cpc")

    def visitor(first_page, email=None, offer=seed.OFFER_DEMO_USD):
        trader = Trader(db_app.test_client(), sb)
        trader.client.get(first_page, follow_redirects=True)
        if email:
            trader.register(email=email, offer=offer)
        return trader

    visitor("/go/spring", "demo@example.com")
    visitor("/go/spring", "live@example.com", offer=seed.OFFER_LIVE_USD)
    visitor("/go/spring")
    visitor("/offers", "later-live@example.com")
    visitor("/?utm_source=facebook&utm_medium=social")
    with db_app.test_request_context():
        user = db.session.scalar(db.select(PortalUser).filter_by(email="later-live@example.com"))
        accounts.open_trading_account(user, seed.OFFER_LIVE_GBP, accounts.new_request_key(user),
                                      audit.Actor())
    return db_app


def report(app, **kw):
    with app.app_context():
        return {(r.campaign, r.source): (r.landings, r.signups, r.first_account, r.first_live)
                for r in funnel.funnel(**kw)}


def test_funnel_counts_each_step_per_campaign_and_source(visitors):
    assert report(visitors) == {
        ("spring", "google / cpc"): (3, 2, 2, 1),
        ("(none)", "(direct) / (none)"): (0, 1, 1, 1),  # a plain visit is no landing
        ("(none)", "facebook / social"): (1, 0, 0, 0),
    }


def test_funnel_can_credit_sign_ups_to_the_first_touch(visitors, sb):
    trader = Trader(visitors.test_client(), sb)
    trader.client.get("/?utm_source=bing&utm_medium=cpc")
    trader.client.get("/go/spring", follow_redirects=True)
    trader.register(email="switcher@example.com")
    assert report(visitors)[("spring", "google / cpc")][1] == 3
    first = report(visitors, touch="first")
    assert first[("spring", "google / cpc")][1] == 2 and first[("(none)", "bing / cpc")][1] == 1


def test_funnel_since_leaves_out_older_landings_and_sign_ups(visitors):
    with visitors.app_context():
        landings.flush()
        for row in db.session.scalars(db.select(LandingCount).filter_by(campaign="spring")):
            row.day = OLD.date()
        for row in db.session.scalars(db.select(SignupAttribution)):
            row.created_at = OLD
        db.session.commit()
    assert report(visitors, since=datetime(2021, 1, 1, tzinfo=timezone.utc)) == {
        ("(none)", "facebook / social"): (1, 0, 0, 0),
    }


def test_report_funnel_prints_a_table_with_totals(visitors):
    result = visitors.test_cli_runner().invoke(args=["report", "funnel"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["campaign", "source", "landings", "signups", "first_account",
                                "first_live", "signup_rate"]
    spring = next(line for line in lines if line.startswith("spring"))
    assert spring.split()[-5:] == ["3", "2", "2", "1", "66.7%"]
    assert lines[-1].split() == ["TOTAL", "4", "3", "3", "2", "75.0%"]


def test_report_funnel_as_csv_for_one_campaign(visitors):
    args = ["report", "funnel", "--format", "csv", "--campaign", "spring", "--since", "2021-01-01"]
    result = visitors.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.output))) == [
        ["campaign", "source", "landings", "signups", "first_account", "first_live", "signup_rate"],
        ["spring", "google / cpc", "3", "2", "2", "1", "66.7%"],
    ]


def test_report_funnel_rejects_a_malformed_date(visitors):
    result = visitors.test_cli_runner().invoke(args=["report", "funnel", "--since", "yesterday"])
    assert result.exit_code != 0 and "--since" in result.output


def test_csv_cells_a_spreadsheet_would_run_are_made_inert(db_app, sb):
    client = db_app.test_client()
    client.get("/?utm_source=%3DHYPERLINK(1)&utm_medium=%2Bcpc")
    with db_app.app_context():
        output = funnel.to_csv(funnel.funnel())
    assert "'=HYPERLINK(1) / +cpc" in output
