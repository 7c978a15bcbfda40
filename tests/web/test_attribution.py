"""Attribution: first and last touch, the consented cookie, and what sign-ups send to the CRM."""
from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.models import LandingCount, PortalUser, SignupAttribution
from portal.services import landings as landing_counts
from portal.services import campaigns
from portal.web.links import CONSENT_COOKIE, COOKIE, VISIT_COOKIE
from sandbox import seed
from tests.support import Trader, make_app

PARTNER_TA = seed.TA_ANN_LIVE


def crm_record(sb, email):
    return next(a for a in sb.store.data["accounts"].values() if a["email"] == email)


def attribution_of(app, email):
    with app.app_context():
        user = db.session.scalar(db.select(PortalUser).filter_by(email=email))
        return db.session.scalar(db.select(SignupAttribution).filter_by(user_id=user.id))


def landings(app):
    """The landings counted so far: (campaign, source, medium, count) rows."""
    with app.app_context():
        landing_counts.flush()
        rows = db.session.scalars(db.select(LandingCount).order_by(LandingCount.id)).all()
        return [(r.campaign, r.source, r.medium, r.count) for r in rows]


def cookie(client, name):
    found = client.get_cookie(name)
    return found.value if found else None


def test_sign_up_sends_a_compact_lead_source_and_keeps_both_touches(app, trader, sb):
    trader.client.get("/offers?utm_source=newsletter&utm_medium=email&utm_campaign=autumn",
                      headers={"Referer": "https://mail.example.net/inbox"})
    trader.client.get("/register?utm_source=google&utm_medium=cpc&utm_campaign=spring-promo"
                      "&utm_term=forex&gclid=abc123")
    trader.register(email="touch@example.com")
    assert crm_record(sb, "touch@example.com")["leadDetails"]["source"] == "google/cpc/spring-promo"
    row = attribution_of(app, "touch@example.com")
    assert row.first_touch["utm_source"] == "newsletter" and row.first_touch["path"] == "/offers"
    assert row.first_touch["referrer"] == "mail.example.net"
    assert row.last_touch["utm_term"] == "forex" and row.last_touch["gclid"] == "abc123"
    assert row.lead_source == "google/cpc/spring-promo"


def test_plain_page_views_keep_the_last_touch_and_record_no_landing(app, trader, sb):
    trader.client.get("/?utm_source=partner-blog&utm_medium=referral")
    for path in ("/offers", "/register", "/login", "/offers/demo-standard-usd"):
        trader.client.get(path)
    trader.register(email="views@example.com")
    assert landings(app) == [("(none)", "partner-blog", "referral", 1)]
    assert crm_record(sb, "views@example.com")["leadDetails"]["source"] == "partner-blog/referral"


def test_a_new_campaign_landing_is_a_new_landing_but_the_same_one_is_not(app, client):
    client.get("/?utm_source=google&utm_medium=cpc")
    client.get("/offers?utm_source=google&utm_medium=cpc")
    client.get("/?utm_source=facebook&utm_medium=social")
    assert sorted(landings(app)) == [("(none)", "facebook", "social", 1),
                                     ("(none)", "google", "cpc", 1)]


def test_gclid_alone_counts_as_google_cpc(trader, sb):
    trader.client.get("/register?gclid=Cj0KCQ")
    trader.register(email="gclid@example.com")
    assert crm_record(sb, "gclid@example.com")["leadDetails"]["source"] == "google/cpc"


def test_a_direct_visit_sends_no_lead_source(app, trader, sb):
    trader.client.get("/register")
    trader.register(email="direct@example.com")
    assert "source" not in (crm_record(sb, "direct@example.com")["leadDetails"] or {}) or \
        crm_record(sb, "direct@example.com")["leadDetails"]["source"] is None
    assert attribution_of(app, "direct@example.com").first_touch["path"] == "/register"


def test_lead_source_keeps_only_a_safe_charset_and_is_capped(app, trader, sb):
    trader.client.get("/register?utm_source=G%C3%B3ogle%20Ads%3Cscript%3E&utm_medium=c%2Fp%C2%A0c"
                      "&utm_campaign=" + "%E6%98%A5" + "x" * 150)
    trader.register(email="safe@example.com")
    source = crm_record(sb, "safe@example.com")["leadDetails"]["source"]
    assert re.fullmatch(r"[A-Za-z0-9._/-]{1,64}", source)
    assert source.startswith("Google-Adsscript/cp-c/xxx") and len(source) == 64
    stored = attribution_of(app, "safe@example.com").last_touch
    assert stored["utm_source"] == "Góogle Adsscript" and len(stored["utm_campaign"]) == 100


def test_partner_code_sends_the_partners_trading_account(app, trader, sb):
    with app.app_context():
        campaigns.add_partner("ACME", PARTNER_TA, name="Acme Introducers")
    trader.client.get("/register?ref=ACME")
    trader.register(email="ib@example.com")
    record = crm_record(sb, "ib@example.com")
    assert record["accountConfiguration"]["ibParentTradingAccountUuid"] == PARTNER_TA
    assert record["leadDetails"]["source"] == "ACME/partner"
    row = attribution_of(app, "ib@example.com")
    assert row.partner_code == "ACME" and row.ib_parent_trading_account_uuid == PARTNER_TA


def test_unknown_partner_code_is_recorded_but_nothing_is_sent(app, trader, sb):
    trader.client.get("/register?ref=NOBODY&utm_source=x")
    trader.register(email="noib@example.com")
    configuration = crm_record(sb, "noib@example.com")["accountConfiguration"]
    assert configuration["ibParentTradingAccountUuid"] is None
    row = attribution_of(app, "noib@example.com")
    assert row.partner_code == "NOBODY" and row.ib_parent_trading_account_uuid is None


def test_campaign_partner_is_credited_through_a_go_link(app, trader, sb):
    with app.app_context():
        campaigns.add_partner("ZED", PARTNER_TA)
        campaigns.add_campaign("zed-spring", offer="demo-standard-usd", partner="ZED",
                               utm_source="zed", utm_medium="affiliate")
    trader.client.get("/go/zed-spring", follow_redirects=True)
    trader.register(email="zed@example.com")
    record = crm_record(sb, "zed@example.com")
    assert record["leadDetails"]["source"] == "zed/affiliate/zed-spring"
    assert record["accountConfiguration"]["ibParentTradingAccountUuid"] == PARTNER_TA
    assert attribution_of(app, "zed@example.com").campaign_code == "zed-spring"


def test_no_attribution_cookie_before_consent(client):
    client.get("/?utm_source=google")
    assert cookie(client, COOKIE) is None
    assert "May we keep a cookie for 30 days" in client.get("/offers").get_data(as_text=True)


def test_accepting_the_banner_sets_the_cookie_and_hides_the_banner(client):
    client.get("/offers?utm_source=google")
    response = client.post("/consent", data={"consent-accept": "y",
                                             "consent-next": "/offers?utm_source=google"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/offers?utm_source=google"
    assert cookie(client, CONSENT_COOKIE) == "yes" and cookie(client, COOKIE)
    assert "Max-Age=2592000" in [h for h in response.headers.getlist("Set-Cookie")
                                 if h.startswith(COOKIE)][0]
    assert "May we keep a cookie" not in client.get("/offers").get_data(as_text=True)


def test_declining_the_banner_removes_the_cookie_and_keeps_the_session_attribution(app, trader, sb):
    trader.client.get("/?utm_source=google&utm_medium=cpc")
    trader.client.post("/consent", data={"consent-next": "//evil.example/"})
    assert cookie(trader.client, CONSENT_COOKIE) == "no" and cookie(trader.client, COOKIE) is None
    assert "May we keep a cookie" not in trader.client.get("/").get_data(as_text=True)
    trader.register(email="declined@example.com")
    assert crm_record(sb, "declined@example.com")["leadDetails"]["source"] == "google/cpc"


def test_consented_cookie_brings_the_attribution_back_in_a_new_session(app, trader, sb):
    trader.client.get("/?utm_source=google&utm_medium=cpc&utm_campaign=back")
    trader.client.post("/consent", data={"consent-accept": "y"})
    saved = cookie(trader.client, COOKIE)
    later = Trader(app.test_client(), sb)
    later.client.set_cookie(CONSENT_COOKIE, "yes")
    later.client.set_cookie(COOKIE, saved)
    later.client.get("/register")
    later.register(email="back@example.com")
    assert crm_record(sb, "back@example.com")["leadDetails"]["source"] == "google/cpc/back"
    assert len(landings(app)) == 1


def test_a_tampered_cookie_is_ignored(app, sb):
    client = app.test_client()
    client.set_cookie(CONSENT_COOKIE, "yes")
    client.set_cookie(COOKIE, "eyJ2IjoiYSJ9.forged")
    assert client.get("/register?utm_source=fresh").status_code == 200
    assert landings(app) == [("(none)", "fresh", "(none)", 1)]  # counted as a new visitor


def test_without_a_consent_banner_the_cookie_is_always_set(sb, tmp_path):
    client = make_app(sb, f"sqlite:///{tmp_path / 'nobanner.db'}", CONSENT_BANNER=False,
                      ATTRIBUTION_COOKIE_DAYS=7).test_client()
    response = client.get("/?utm_source=google")
    assert "May we keep a cookie" not in response.get_data(as_text=True)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "Max-Age=604800" in header and "HttpOnly" in header and "SameSite=Lax" in header


def test_consent_needs_a_csrf_token_from_the_cookie_page(sb, tmp_path):
    client = make_app(sb, f"sqlite:///{tmp_path / 'csrf.db'}", WTF_CSRF_ENABLED=True).test_client()
    assert client.post("/consent", data={"consent-accept": "y"}).status_code == 400
    assert client.get_cookie(CONSENT_COOKIE) is None
    html = client.get("/consent?choice=accept&next=/offers").get_data(as_text=True)
    token = re.search(r'name="consent-csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/consent", data={"consent-accept": "y", "consent-csrf_token": token,
                                             "consent-next": "/offers"})
    assert response.status_code == 303 and response.headers["Location"] == "/offers"
    assert client.get_cookie(CONSENT_COOKIE).value == "yes"


def test_a_visitor_who_only_browses_carries_no_session_and_the_banner_no_token(sb, tmp_path):
    """The banner's buttons open the cookie page (a GET form back to this page); only that page
    has a token, so landing and browsing start no session."""
    app = make_app(sb, f"sqlite:///{tmp_path / 'browse.db'}", WTF_CSRF_ENABLED=True)
    client = app.test_client()
    for path in ("/?utm_source=google&utm_medium=cpc", "/offers", "/offers/demo-standard-usd"):
        html = client.get(path).get_data(as_text=True).replace("&amp;", "&")
        assert "May we keep a cookie" in html and "csrf_token" not in html
        assert re.search(r'<form method="get" action="/consent" data-consent>\s*'
                         rf'<input type="hidden" name="next" value="{re.escape(path)}"', html)
    assert client.get_cookie("session") is None
    visit = client.get_cookie(VISIT_COOKIE)
    assert visit is not None and visit.expires is None  # this browser session only
    page = client.get("/consent?choice=decline&next=/offers").get_data(as_text=True)
    assert "Cookie choices" in page and 'class="secondary" autofocus' in page
    assert client.get_cookie("session") is not None  # the cookie page's form token


def test_the_cookie_page_shows_and_changes_an_earlier_answer(client):
    client.get("/?utm_source=google&utm_medium=cpc")
    client.post("/consent", data={"consent-accept": "y"})
    assert cookie(client, COOKIE) and cookie(client, VISIT_COOKIE) is None
    page = client.get("/consent").get_data(as_text=True)
    assert "You accepted this cookie." in page and "May we keep a cookie" in page
    assert 'data-consent-banner' not in page  # the question is asked once on the page
    client.post("/consent", data={"consent-next": "/"})
    assert cookie(client, CONSENT_COOKIE) == "no" and cookie(client, COOKIE) is None
    assert cookie(client, VISIT_COOKIE)  # kept for this browser session
    assert "You declined this cookie." in client.get("/consent").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/healthz", "/static/css/app.css", "/no-such-page"])
def test_probes_assets_and_missing_pages_are_not_landings(app, client, path):
    client.get(f"{path}?utm_source=google")
    assert landings(app) == []


def test_logged_in_traders_are_not_counted_as_landings(app, trader):
    trader.register(email="member@example.com")
    before = len(landings(app))
    trader.client.get("/accounts?utm_source=google")
    assert len(landings(app)) == before


def test_lead_source_names_the_utm_campaign_and_the_record_keeps_the_campaign_code(app, trader, sb):
    with app.app_context():
        campaigns.add_campaign("q3-mail", utm_source="newsletter", utm_medium="email",
                               utm_campaign="autumn")
    trader.client.get("/go/q3-mail", follow_redirects=True)
    trader.register(email="q3@example.com")
    assert crm_record(sb, "q3@example.com")["leadDetails"]["source"] == "newsletter/email/autumn"
    assert attribution_of(app, "q3@example.com").campaign_code == "q3-mail"
