"""Self-service: forgotten and changed passwords, claiming an Account, confirming the email."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..brokerapi import BrokerError, Rejected
from ..i18n import current_language, gettext as _
from ..services import claim as claims, links, self_service, trader_mail
from . import limits
from .auth import actor, safe_next
from .errors import render_error
from .password_forms import (
    ChangePasswordForm,
    ClaimForm,
    ClaimRequestForm,
    ForgotPasswordForm,
    ResendConfirmationForm,
    ResetPasswordForm,
)
from .session import has_remember_cookie, start_session

bp = Blueprint("passwords", __name__)


def _unreachable() -> str:
    return _("We could not reach our trading services, so your password was not changed. "
             "Nothing was changed here; please try again in a few minutes.")


def _refused(exc: Rejected) -> str:
    return _("Our trading services refused this password: %(reason)s", reason=exc.detail or "-")


def _link_problem(exc: links.LinkError, again_url: str, again_label: str):
    status = 400 if exc.kind == "invalid" else 410
    return render_template("passwords/link_problem.html", kind=exc.kind, again_url=again_url,
                           again_label=again_label), status


def _set_password(form, action, done: str):
    """Run ``action``, which sets the password at Broker-API first and returns the trader.

    Done: this browser is logged in again under the new session version (the others are over)
    and goes to the accounts page; the answer is that redirect. Refused or unreachable: the
    reason goes on the form or in a flash, and the answer is None with the status to show the
    form again with. Other errors (a bad link, a wrong current password) are the view's.
    """
    try:
        user = action()
    except Rejected as exc:
        form.password.errors.append(_refused(exc))
        return None, 200
    except BrokerError:
        flash(_unreachable(), "error")
        return None, 503
    start_session(user, remember=has_remember_cookie())
    flash(done, "success")
    return redirect(url_for("accounts.index")), 200


def _sent(kind: str, email: str):
    return render_template("passwords/sent.html", kind=kind, email=email,
                           valid_for=trader_mail.valid_for(trader_mail.RESET))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        seconds = limits.wait()
        if seconds:
            headers = limits.refused(seconds)
            return render_template("passwords/forgot.html", form=form), 429, headers
        self_service.request_reset(form.email.data, actor())
        return _sent("reset", form.email.data)
    return render_template("passwords/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    again = (url_for(".forgot"), _("Ask for a new link"))
    try:
        user = self_service.reset_user(token)
    except links.LinkError as exc:
        return _link_problem(exc, *again)
    form = ResetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            answer, status = _set_password(
                form, lambda: self_service.reset_password(token, form.password.data, actor()),
                _("Your new password is set. You are logged in, and logged out everywhere else."))
        except links.LinkError as exc:
            return _link_problem(exc, *again)
        if answer:
            return answer
    return render_template("passwords/reset.html", form=form, email=user.email), status


@bp.route("/password/change", methods=["GET", "POST"])
@login_required
def change():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        user = current_user._get_current_object()

        def change_it():
            self_service.change_password(user, form.current_password.data, form.password.data,
                                         actor())
            return user

        try:
            answer, status = _set_password(
                form, change_it,
                _("Your password has been changed. You have been logged out everywhere else."))
        except self_service.WrongPassword:
            form.current_password.errors.append(_("This is not your current password."))
        else:
            if answer:
                return answer
    return render_template("passwords/change.html", form=form), status


@bp.route("/claim", methods=["GET", "POST"])
def claim_request():
    form = ClaimRequestForm()
    if form.validate_on_submit():
        seconds = limits.wait()
        if seconds:
            headers = limits.refused(seconds)
            return render_template("passwords/claim_request.html", form=form), 429, headers
        # An outage gets the same neutral answer as an unknown email (logged, no mail), as
        # forgot-password does: the page never tells whether the broker knows the address.
        claims.request_claim(form.email.data, actor(), quiet=True)
        return _sent("claim", form.email.data)
    return render_template("passwords/claim_request.html", form=form)


@bp.route("/claim/<token>", methods=["GET", "POST"])
def claim(token: str):
    again = (url_for(".claim_request"), _("Ask for a new link"))
    try:
        pending = claims.claim_for(token)
    except links.LinkError as exc:
        return _link_problem(exc, *again)
    form = ClaimForm()
    status = 200
    if form.validate_on_submit():
        try:
            answer, status = _set_password(
                form, lambda: claims.claim_account(
                    token, form.password.data, current_app.config["TERMS_VERSION"],
                    current_language(), actor()),
                _("Your portal login is ready."))
        except links.LinkError as exc:
            return _link_problem(exc, *again)
        if answer:
            return answer
    return render_template("passwords/claim.html", form=form, email=pending.email), status


@bp.get("/confirm/<token>")
def confirm_email(token: str):
    try:
        user, changed = self_service.confirm_email(token, actor())
    except links.LinkError as exc:
        if current_user.is_authenticated:
            return _link_problem(exc, url_for("accounts.index"), _("Go to my accounts"))
        return _link_problem(exc, url_for("auth.login"), _("Log in to get a new link"))
    if current_user.is_authenticated and current_user.id != user.id:  # someone else's link
        flash(_("The email address %(email)s is confirmed. You are still logged in as %(you)s.",
                email=user.email, you=current_user.email), "success")
    else:
        flash(_("Thank you, your email address is confirmed.") if changed
              else _("Your email address is already confirmed."), "success")
    return redirect(url_for("accounts.index" if current_user.is_authenticated else "auth.login"))


@bp.post("/confirm/resend")
@login_required
def resend_confirmation():
    form = ResendConfirmationForm()
    if not form.validate_on_submit():
        return render_error(400)
    if current_user.confirmed_at is not None:
        flash(_("Your email address is already confirmed."), "success")
    else:
        outcome = self_service.resend_confirmation(current_user._get_current_object())
        if outcome is self_service.Resend.SENT:
            flash(_("We sent a new link to %(email)s.", email=current_user.email), "success")
        elif outcome is self_service.Resend.THROTTLED:
            flash(_("We sent a link a moment ago. Please check your inbox and spam folder."),
                  "info")
        else:
            flash(_("We could not send the mail just now. Please try again later."), "error")
    return redirect(safe_next(form.next.data) or url_for("accounts.index"))
