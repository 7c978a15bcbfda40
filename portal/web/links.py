"""Marketing links: offer pages, campaign short links, attribution capture and cookie consent."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request,
                   url_for)
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import SQLAlchemyError

from ..brokerapi import Offer
from ..extensions import db
from ..i18n import gettext as _
from ..services import attribution, campaigns, offers
from . import auth
from .errors import render_error
from .forms import ConsentForm
from .pagecache import this_page
from .session import logged_in

bp = Blueprint("links", __name__)

# The visitor's attribution state, signed: kept for ATTRIBUTION_COOKIE_DAYS once consented (or
# when no banner is required), else only for this browser session. It is not in Flask's session,
# so a visitor who only browses carries no session and a plain page view never reads it.
COOKIE = "portal_attribution"
VISIT_COOKIE = "portal_visit"
CONSENT_COOKIE = "portal_consent"
CONSENT_DAYS = 365
NOT_LANDINGS = {"static", "links.go", "links.consent", "links.consent_page"}


def cookie_allowed() -> bool:
    """The attribution cookie is set only after consent, or always when no banner is required."""
    return (not current_app.config["CONSENT_BANNER"]
            or request.cookies.get(CONSENT_COOKIE) == "yes")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="attribution-cookie")


def current_state() -> dict | None:
    """The visitor's attribution: this request's landing, else the consented cookie, else this
    browser session's; read once per request."""
    if "attribution" not in g:
        g.attribution = _read_state()
    return g.attribution


def _read_state() -> dict | None:
    for name in (COOKIE, VISIT_COOKIE) if cookie_allowed() else (VISIT_COOKIE,):
        value = request.cookies.get(name)
        if value:
            try:
                return attribution.sanitize_state(_serializer().loads(value))
            except BadSignature:
                continue
    return None


def _known_visitor() -> bool:
    """Whether the browser sent an attribution state, without checking its signature."""
    return VISIT_COOKIE in request.cookies or (COOKIE in request.cookies and cookie_allowed())


@bp.before_app_request
def capture_landing():
    """Note where a visitor came from on landing, and a later landing with marketing params."""
    if request.method != "GET" or request.endpoint is None or request.endpoint in NOT_LANDINGS:
        return
    args = request.args
    if _known_visitor() and (not args or attribution.MARKETING_NAMES.isdisjoint(args)):
        return  # a known visitor's plain page view changes nothing (the usual request)
    if request.blueprint == "health" or logged_in():
        return
    touch = attribution.touch_from(args, request.path, request.referrer, request.host)
    try:
        state, changed = attribution.capture(current_state(), touch)
    except SQLAlchemyError:
        # Attribution is never worth a failed page: serve it and leave the visitor unattributed.
        db.session.rollback()
        current_app.logger.exception("could not record a landing")
        return
    if changed:
        g.attribution = state
        g.attribution_changed = True


@bp.after_app_request
def keep_attribution_cookie(response):
    if g.get("attribution_changed"):
        _keep_state(response, g.attribution, cookie_allowed())
    return response


def _keep_state(response, state: dict | None, consented: bool) -> None:
    """Write ``state`` (if any) to the consented cookie or to this browser session's, and drop
    the other one."""
    name, other = (COOKIE, VISIT_COOKIE) if consented else (VISIT_COOKIE, COOKIE)
    if state:
        if state.get("last") == state.get("first"):  # a first landing: read back as both
            state = {k: v for k, v in state.items() if k != "last"}
        days = current_app.config["ATTRIBUTION_COOKIE_DAYS"]
        response.set_cookie(name, _serializer().dumps(state),
                            max_age=days * 86400 if consented else None, httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Lax")
    if other in request.cookies:
        response.delete_cookie(other)


def allowed_hidden_offer() -> str | None:
    """The hidden offer the visitor's campaign allows, if any."""
    return attribution.allowed_hidden_offer(current_state())


def signup_source() -> attribution.SignupSource | None:
    """The visitor's attribution, resolved for a sign-up."""
    return attribution.for_signup(current_state())


def campaign_headline() -> str | None:
    """"Invited by <partner>" or the campaign's name, from the visitor's attribution state (so
    a hand-typed ``?ref=`` of an unknown or inactive partner shows nothing)."""
    if "campaign_headline" not in g:
        g.campaign_headline = _headline(current_state() or {})
    return g.campaign_headline


def _headline(state: dict) -> str | None:
    campaign, partner, _given = attribution.credited(state)
    if partner is not None and partner.name:
        return _("Invited by %(partner)s", partner=partner.name)
    name = campaign.utm_campaign if campaign is not None else None
    return _("Campaign: %(campaign)s", campaign=name) if name else None


def carried() -> dict[str, str]:
    """The current query's marketing parameters (cleaned), to pass on to the next link.

    Worked out once per request: a page of offer cards asks for it for every link.
    """
    if "carried_params" not in g:
        g.carried_params = _carried()
    return dict(g.carried_params)


def _carried() -> dict[str, str]:
    params = {name: attribution.clean(request.args.get(name)) for name in attribution.UTM}
    params["gclid"] = attribution.clean(request.args.get("gclid"))
    params.update({name: attribution.clean_code(request.args.get(name))
                   for name in attribution.CODES})
    lang = request.args.get("lang")
    params["lang"] = lang if lang in current_app.config["LANGUAGES"] else ""
    return {k: v for k, v in params.items() if v}


def offer_slug(offer: Offer) -> str:
    """The offer's slug in the catalogue this request reads."""
    return offers.slugs().get(offer.uuid, offer.uuid)


def offer_url(offer: Offer) -> str:
    return url_for("links.offer_page", slug=offer_slug(offer), **carried())


def register_url(offer: Offer) -> str:
    return url_for("auth.register", offer=offer_slug(offer), **carried())


def consent_due() -> bool:
    """True while the visitor should see the consent banner."""
    return bool(current_app.config["CONSENT_BANNER"] and CONSENT_COOKIE not in request.cookies
                and not logged_in())


def consent_back() -> str:
    """Where the banner's answer returns to: this page (a placeholder on a page the cache
    keeps for several addresses)."""
    return this_page() if request.method == "GET" else request.path


@bp.app_context_processor
def marketing_helpers() -> dict:
    return {"consent_due": consent_due, "consent_back": consent_back, "offer_url": offer_url,
            "register_url": register_url, "campaign_headline": campaign_headline}


@bp.get("/offers/<slug>")
def offer_page(slug: str):
    found = offers.find_offerable(slug[:100], allowed_hidden_offer())
    if found is None:
        abort(404)
    if slug != offer_slug(found):
        return redirect(offer_url(found), code=301)
    return render_template("offers/detail.html", offer=found, register_href=register_url(found))


@bp.get("/go/<code>")
def go(code: str):
    campaign = campaigns.find_link(code)
    if campaign is None:
        flash(_("That campaign link is no longer valid. You can still open an account below."),
              "info")
        return redirect(url_for("auth.register"))
    overrides = {k: v for k, v in carried().items() if k not in attribution.CODES}
    return redirect(campaigns.deep_link(campaign, overrides=overrides), code=302)


@bp.get("/consent")
def consent_page():
    """The cookie question with a form of its own (and its CSRF token): where the banner's
    buttons lead without JavaScript, where its script takes the token from, and where a visitor
    changes an earlier answer. The banner carries no token, so the pages it is on need no
    session."""
    form = ConsentForm(formdata=None, prefix="consent")
    form.next.data = auth.safe_next(request.args.get("next")) or url_for("marketing.home")
    answered = request.cookies.get(CONSENT_COOKIE)
    return render_template("marketing/consent.html", form=form, no_banner=True,
                           choice=request.args.get("choice"),
                           answered=answered if answered in ("yes", "no") else None)


@bp.post("/consent")
def consent():
    form = ConsentForm(prefix="consent")
    if not form.validate_on_submit():
        return render_error(400)
    accepted = bool(form.accept.data)
    response = redirect(auth.safe_next(form.next.data) or url_for("marketing.home"), code=303)
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    response.set_cookie(CONSENT_COOKIE, "yes" if accepted else "no", max_age=CONSENT_DAYS * 86400,
                        secure=secure, httponly=True, samesite="Lax")
    # The state moves to the cookie the answer allows; declined, it lasts this browser session.
    _keep_state(response, current_state(), consented=accepted)
    return response
