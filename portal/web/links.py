"""Marketing links: offer pages, campaign short links, attribution capture and cookie consent."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request,
                   session, url_for)
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

SESSION_KEY = "attribution"
COOKIE = "portal_attribution"
CONSENT_COOKIE = "portal_consent"
CONSENT_DAYS = 365
NOT_LANDINGS = {"static", "links.go", "links.consent"}
_MARKETING = frozenset(attribution.MARKETING)


def cookie_allowed() -> bool:
    """The attribution cookie is set only after consent, or always when no banner is required."""
    return (not current_app.config["CONSENT_BANNER"]
            or request.cookies.get(CONSENT_COOKIE) == "yes")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="attribution-cookie")


def current_state() -> dict | None:
    """The visitor's attribution: from the session, else from a consented cookie."""
    state = session.get(SESSION_KEY)
    cookie = request.cookies.get(COOKIE)
    if state or cookie is None or not cookie_allowed():
        return state
    try:
        state = attribution.sanitize_state(_serializer().loads(cookie))
    except BadSignature:
        return None
    if state:
        session[SESSION_KEY] = state
    return state


@bp.before_app_request
def capture_landing():
    """Note where a visitor came from on landing, and a later landing with marketing params."""
    if (request.method != "GET" or request.endpoint is None or request.endpoint in NOT_LANDINGS
            or request.blueprint == "health" or logged_in()):
        return
    known, args = current_state(), request.args
    if known and known.get("first") and (not args or _MARKETING.isdisjoint(args)):
        return  # a known visitor's plain page view changes nothing (the usual request)
    touch = attribution.touch_from(request.args, request.path, request.referrer, request.host)
    try:
        state, changed = attribution.capture(known, touch)
    except SQLAlchemyError:
        # Attribution is never worth a failed page: serve it and leave the visitor unattributed.
        db.session.rollback()
        current_app.logger.exception("could not record a landing")
        return
    if changed:
        session[SESSION_KEY] = state
        g.attribution_changed = True


@bp.after_app_request
def keep_attribution_cookie(response):
    if g.get("attribution_changed") and cookie_allowed():
        _set_attribution_cookie(response, session.get(SESSION_KEY))
    return response


def _set_attribution_cookie(response, state) -> None:
    if not state:
        return
    response.set_cookie(
        COOKIE, _serializer().dumps(state),
        max_age=current_app.config["ATTRIBUTION_COOKIE_DAYS"] * 86400,
        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")


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


def consent_form() -> ConsentForm | None:
    """The banner's form for visitors while consent is needed and not yet given or refused.

    Logged-in traders are never attributed, so they are not asked.
    """
    if not consent_due():
        return None
    form = ConsentForm(formdata=None, prefix="consent")
    form.next.data = this_page() if request.method == "GET" else request.path
    return form


@bp.app_context_processor
def marketing_helpers() -> dict:
    return {"consent_form": consent_form, "offer_url": offer_url, "register_url": register_url,
            "campaign_headline": campaign_headline}


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
    if accepted:
        _set_attribution_cookie(response, session.get(SESSION_KEY))
    else:
        response.delete_cookie(COOKIE)
    return response
