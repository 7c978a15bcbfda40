"""The staff pages: log in, the marketing funnel (chart, table, CSV) and the link builder.

A staff login is its own session entry ("staff": the account and its session version), never
Flask-Login's: a trader's session opens no staff page and a staff session is no trader's login.
"""
from __future__ import annotations

from datetime import datetime, timezone
from functools import wraps

from flask import (Blueprint, Response, current_app, flash, g, redirect, render_template, request,
                   session, url_for)

from ..brokerapi import BrokerError
from ..i18n import gettext as _
from ..services import attribution, campaigns, funnel, offers, staff
from ..services.campaigns import CampaignError
from . import limits
from .auth import actor, safe_next
from .errors import render_error
from .forms import PostForm
from .staff_forms import CampaignForm, FunnelForm, PickCampaignForm, StaffLoginForm

bp = Blueprint("staff", __name__, url_prefix="/staff")
SESSION_KEY = "staff"


@bp.after_request
def private(response):
    """Funnel figures and campaign links stay out of shared caches and the back-forward cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def staff_required(view):
    """Run the view for a current staff session (as ``g.staff``), else go to the staff login."""
    @wraps(view)
    def checked(*args, **kwargs):
        g.staff = staff.of_session(session.get(SESSION_KEY))
        if g.staff is None:
            session.pop(SESSION_KEY, None)
            flash(_("Please log in with your staff account to see that page."), "info")
            back = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("staff.login", next=back))
        return view(*args, **kwargs)
    return checked


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = StaffLoginForm()
    next_page = safe_next(request.values.get("next"))
    failed, status, headers = False, 200, {}
    valid = form.validate_on_submit()
    seconds = (limits.login_wait("STAFF_LOGIN_LIMIT_PER_IP", "STAFF_LOGIN_LIMIT_PER_EMAIL")
               if valid else 0)
    if seconds:
        status, headers = 429, limits.refused(seconds)
    elif valid:
        found = staff.log_in(form.email.data, form.password.data, actor())
        if found is not None:
            limits.refund("STAFF_LOGIN_LIMIT_PER_EMAIL")
            session[SESSION_KEY] = staff.session_id(found)
            return redirect(next_page or url_for("staff.funnel_page"))
        failed = True
    return render_template("staff/login.html", form=form, failed=failed,
                           next_page=next_page), status, headers


@bp.post("/logout")
def logout():
    if not PostForm().validate_on_submit():
        return render_error(400)
    current = staff.of_session(session.pop(SESSION_KEY, None))
    if current is not None:
        staff.logged_out(current, actor())
    flash(_("You have been logged out of the staff pages."), "info")
    return redirect(url_for("staff.login"))


def _period(form: FunnelForm) -> staff.Period | None:
    """The period the form asks for (the last 30 days where it is blank), or None when invalid;
    blank fields are filled in so the page shows the period it counts."""
    default = staff.Period.recent(datetime.now(timezone.utc).date())
    if not form.validate():
        return None
    period = staff.Period(getattr(form.start, "parsed", None) or default.first,
                          getattr(form.end, "parsed", None) or default.last)
    if period.first > period.last:  # only one bound given, on the wrong side of the default
        period = staff.Period(period.first, period.first) if form.start.data else \
            staff.Period(period.last, period.last)
    form.start.data, form.end.data = period.first.isoformat(), period.last.isoformat()
    form.touch.data = form.touch.data or "last"
    return period


@bp.get("/funnel")
@staff_required
def funnel_page():
    form = FunnelForm(formdata=request.args or None)
    period = _period(form)
    rows = staff.funnel_rows(period, form.touch.data) if period else []
    return render_template("staff/funnel.html", form=form, period=period, rows=rows,
                           total=funnel.total(rows), bars=staff.bars(rows),
                           csv_url=url_for("staff.funnel_csv", **request.args)), \
        200 if period or not request.args else 400


@bp.get("/funnel.csv")
@staff_required
def funnel_csv():
    form = FunnelForm(formdata=request.args or None)
    period = _period(form)
    if period is None:  # the page says what is wrong, with what was typed
        return redirect(url_for("staff.funnel_page", **request.args))
    rows = staff.funnel_rows(period, form.touch.data)
    staff.exported(g.staff, actor(), start=form.start.data, end=form.end.data,
                   touch=form.touch.data)
    name = f"funnel-{period.first}-{period.last}-{form.touch.data}-touch.csv"
    return Response(funnel.to_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _campaign(code: str | None):
    return next((c for c in campaigns.campaigns() if c.code == code), None) if code else None


def _choices(form: CampaignForm) -> None:
    try:
        available = offers.visible_offers()
    except BrokerError:
        available = []
        flash(_("The offers could not be loaded from our trading services just now; a campaign "
                "can still be made without one."), "error")
    form.offer.choices = [("", _("No offer (the trader chooses)"))] + [
        (offer.uuid, offer.name) for offer in available]
    form.partner.choices = [("", _("No partner"))] + [
        (p.code, f"{p.name} ({p.code})" if p.name else p.code) for p in campaigns.partners()]


@bp.route("/links", methods=["GET", "POST"])
@staff_required
def links():
    form = CampaignForm()
    _choices(form)
    status = 200
    if form.validate_on_submit():
        utm = {name: getattr(form, name).data or None for name in attribution.UTM}
        try:
            made = campaigns.add_campaign(form.code.data, offer=form.offer.data or None,
                                          partner=form.partner.data or None, **utm)
        except CampaignError:  # the form allows nothing else to go wrong
            form.code.errors.append(_("A campaign with this code already exists."))
        except BrokerError:
            flash(_("We could not reach our trading services to check the offer. Nothing was "
                    "created; please try again."), "error")
            status = 503
        else:
            flash(_("Campaign %(code)s was created.", code=made.code), "success")
            return redirect(url_for("staff.links", campaign=made.code))
    if form.errors:
        status = 400
    every = campaigns.campaigns()
    pick = PickCampaignForm(formdata=request.args or None)
    pick.campaign.choices = [(c.code, c.code if c.active else _("%(code)s (disabled)",
                                                                 code=c.code)) for c in every]
    chosen = _campaign(request.args.get("campaign"))
    if request.args.get("campaign") and chosen is None:
        pick.campaign.errors = [_("There is no campaign with that code.")]
        status = 404
    base = current_app.config["PUBLIC_BASE_URL"]
    return render_template(
        "staff/links.html", form=form, pick=pick, campaigns=every, chosen=chosen,
        deep_link=campaigns.deep_link(chosen, base) if chosen else None,
        short_link=campaigns.short_link(chosen, base) if chosen else None), status


@bp.get("/links/<code>/qr.svg")
@staff_required
def qr(code):
    chosen = _campaign(code)
    if chosen is None:
        return render_error(404)
    link = campaigns.short_link(chosen, current_app.config["PUBLIC_BASE_URL"])
    return Response(staff.qr_svg(link, _("QR code for %(link)s", link=link)),
                    mimetype="image/svg+xml")
