"""Register, log in, log out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from ..brokerapi import BrokerError, NotReady
from ..extensions import db
from ..i18n import current_language, gettext as _
from ..models import PortalUser
from ..services import attribution, audit, logins, offers, onboarding, passwords
from . import limits, links
from .errors import render_error
from .forms import LoginForm, PostForm, RegisterForm
from .pagecache import anonymous_page
from .session import start_session

bp = Blueprint("auth", __name__)


def actor() -> audit.Actor:
    return audit.Actor(ip=request.remote_addr, user_agent=request.headers.get("User-Agent"))


def safe_next(target: str | None) -> str | None:
    """A same-site path to go on to after a form, or None for the caller's own default.

    Only a path of printable ASCII (no space, no control character: a CR/LF would break the
    Location header after the form already acted) starting with a single ``/``; no scheme,
    host, protocol-relative or backslash tricks. Every redirect target a visitor can set goes
    through here.
    """
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or not all("!" <= c <= "~" for c in target)):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def register_page_facts() -> tuple:
    """What an anonymous register page shows besides its offer and language arguments: the
    visitor's campaign headline too, since the page is kept for every campaign link."""
    return (offers.catalogue().version, links.consent_due(), links.allowed_hidden_offer(),
            links.campaign_headline())


@bp.route("/register", methods=["GET", "POST"])
@anonymous_page(vary=register_page_facts, ignore_args=attribution.MARKETING)
def register():
    if current_user.is_authenticated:
        return _already_in()
    hidden = links.allowed_hidden_offer()
    visible = offers.offerable(hidden)
    form = RegisterForm()
    wanted = request.args.getlist("offer")
    preselected = (offers.first_offerable(wanted, hidden) if any(wanted)
                   else _default_offer(visible, hidden))
    if request.method == "GET" and any(wanted) and preselected is None:
        flash(_("That offer is not available. Please choose one of the offers below."), "error")
    if form.validate_on_submit() and form.is_bot:
        audit.record("registration_blocked", actor(), email=form.email.data, reason="honeypot")
        db.session.commit()
        flash(_("We could not create your account. Please try again."), "error")
    elif form.validate_on_submit():
        seconds = limits.wait()
        if seconds:
            headers = limits.refused(seconds)
            return render_template("auth/register.html", form=form, offers=visible,
                                   preselected=None), 429, headers
        if offers.find_offerable(form.offer.data, hidden) is None:
            form.offer.errors.append(_("That offer is not available. "
                                       "Please choose one of the offers below."))
        else:
            return _register(form, visible)
    return render_template("auth/register.html", form=form, offers=visible,
                           preselected=preselected.uuid if preselected else None)


def _default_offer(visible, hidden):
    """The offer a plain /register starts with: DEFAULT_OFFER, else the first demo offer."""
    chosen = offers.find_offerable(current_app.config.get("DEFAULT_OFFER"), hidden)
    return chosen or next((o for o in visible if o.demo), None)


def _already_in():
    """A logged-in trader opens further trading accounts, not a second Account: an offer they
    came for is chosen there; a sign-up form sent from an older tab creates nothing and says so."""
    if request.method == "POST":
        flash(_("You are logged in as %(email)s, so no new account was created. Log out first "
                "to sign up someone else.", email=current_user.email), "info")
        return redirect(url_for("accounts.index"))
    wanted = request.args.get("offer")
    return redirect(url_for("accounts.new", offer=wanted) if wanted else url_for("accounts.index"))


def _register(form: RegisterForm, visible):
    reg = onboarding.Registration(
        email=form.email.data, password=form.password.data, first_name=form.first_name.data,
        last_name=form.last_name.data, offer_uuid=form.offer.data,
        terms_version=current_app.config["TERMS_VERSION"], country=form.country.data or None,
        phone=form.phone.data or None, language=current_language(),
        marketing_consent=bool(form.marketing.data),
        hidden_offer_uuid=links.allowed_hidden_offer(), source=links.signup_source(),
    )
    status = 200
    try:
        user = onboarding.register_trader(reg, actor())
    except onboarding.AlreadyRegistered:
        form.email.errors.append(_("This email is already registered."))
        return render_template("auth/register.html", form=form, offers=visible, taken=True,
                               forgot_url=url_for("passwords.forgot"),
                               claim_url=url_for("passwords.claim_request"),
                               preselected=None), 200
    except onboarding.UnknownOffer:
        form.offer.errors.append(_("That offer is not available. "
                                   "Please choose one of the offers below."))
    except onboarding.SignupPending:
        return render_template("auth/pending.html"), 202
    except onboarding.SignupRefused as exc:
        current_app.logger.warning("sign-up refused by Broker-API")
        flash(_("The broker did not accept these details: %(detail)s",
                detail=exc.detail or "-"), "error")
    except NotReady as exc:
        current_app.logger.error("sign-up refused: the portal is not ready (%s)", exc)
        flash(_("Sign-up is not open yet: the portal is still being set up with our trading "
                "services. Nothing was created; please try again later."), "error")
        status = 503
    except BrokerError:
        current_app.logger.warning("sign-up failed: Broker-API unavailable")
        flash(_("We could not reach our trading services, so your account was not created. "
                "Please try again in a few minutes."), "error")
        status = 503
    else:
        start_session(user)
        offer = offers.find_offerable(reg.offer_uuid, reg.hidden_offer_uuid)
        if offer is not None and not offer.auto_creation:  # no login yet, nothing to trade
            flash(_("Welcome! Your portal account is ready; your trading account is awaiting "
                    "our team's approval."), "success")
        else:
            flash(_("Welcome! Your account is ready."), "success")
        return redirect(url_for("accounts.index", new=1))
    return render_template("auth/register.html", form=form, offers=visible,
                           preselected=None), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
    failed, status, headers = False, 200, {}
    valid = form.validate_on_submit()
    seconds = limits.login_wait("LOGIN_LIMIT_PER_IP", "LOGIN_LIMIT_PER_EMAIL") if valid else 0
    if seconds:
        status, headers = 429, limits.refused(seconds)
    elif valid:
        email = PortalUser.normalize_email(form.email.data)
        user = db.session.scalar(db.select(PortalUser).filter_by(email=email))
        if passwords.verify_and_upgrade(user, form.password.data):
            audit.record("login", actor(), user=user)
            db.session.commit()
            limits.refund("LOGIN_LIMIT_PER_EMAIL")  # only failed logins count against an email
            start_session(user, remember=bool(form.remember.data))
            return redirect(safe_next(form.next.data) or url_for("accounts.index"))
        audit.record("login_failed", actor(), email=email)
        db.session.commit()
        failed = True
    return render_template("auth/login.html", form=form, failed=failed,
                           forgot_url=url_for("passwords.forgot"),
                           claim_url=url_for("passwords.claim_request")), status, headers


@bp.post("/logout")
def logout():
    """Log out; from a tab whose session had already ended, just say so."""
    form = PostForm()
    if not form.validate_on_submit():
        return render_error(400)
    if current_user.is_authenticated:
        audit.record("logout", actor(), user=current_user)
        logins.end(current_user)
        db.session.commit()
        logout_user()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("marketing.home"))


@bp.post("/logout/everywhere")
@login_required
def logout_everywhere():
    """End every session of this trader, on every device, by changing the session version."""
    form = PostForm()
    if not form.validate_on_submit():
        return render_error(400)
    current_user.session_version += 1
    logins.end_all(current_user)
    audit.record("logout_everywhere", actor(), user=current_user)
    db.session.commit()
    logout_user()
    flash(_("You have been logged out on every device."), "info")
    return redirect(url_for("marketing.home"))
