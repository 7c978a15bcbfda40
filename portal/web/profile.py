"""The trader's profile (Account details, KYC status) and their data: download, deletion request."""
from __future__ import annotations

import re
from datetime import date

from flask import (
    Blueprint, Response, current_app, flash, redirect, render_template, request, url_for,
)
from flask_login import current_user, login_required

from ..brokerapi import Account, BrokerError, BrokerUnavailable
from ..i18n import country_names, gettext as _, lazy_gettext as _l
from ..models import utcnow
from ..services import my_data, profile as profile_service
from .auth import actor
from .profile_forms import DeletionForm, ProfileForm

bp = Blueprint("profile", __name__)

# A field's label without its "(optional)" note, in any language: "Country (optional)" -> "Country".
OPTIONAL = re.compile(r"\s*\([^()]*\)$")

# verificationStatus (KYC): a short name and what it means for the trader.
STATUSES = {
    "NEW": (_l("Not verified yet"), _l(
        "We have not checked your identity yet. Send us your documents to get verified.")),
    "PENDING_VERIFICATION": (_l("Being checked"), _l(
        "We have your documents and are checking them. We will email you when we are done.")),
    "VERIFIED": (_l("Verified"), _l(
        "Your identity is confirmed. You can use every offer, including those that require "
        "verification.")),
    "REJECTED": (_l("Rejected"), _l(
        "We could not confirm your identity with the documents we received. "
        "Please send new, clearly readable documents.")),
    "BLOCKED": (_l("Blocked"), _l(
        "Your account is blocked. Please contact our support team.")),
    "UNVERIFIED": (_l("Not verified"), _l(
        "Your identity is not verified. Send us your documents to get verified.")),
}
SEND_DOCUMENTS = {"NEW", "REJECTED", "UNVERIFIED"}


def _status(account: Account) -> dict:
    unknown = (account.verification_status, _l("Contact our support team to learn more."))
    name, meaning = STATUSES.get(account.verification_status, unknown)
    return {"code": account.verification_status, "name": name, "meaning": meaning,
            "send_documents": account.verification_status in SEND_DOCUMENTS}


def _birth_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


@bp.get("/profile")
@login_required
def show():
    account = profile_service.account_of(current_user)
    profile_service.refresh_names(current_user, account)
    values = profile_service.current_values(account)
    return render_template(
        "profile/show.html", account=account, values=values, status=_status(account),
        birth_date=_birth_date(values["date_of_birth"]),
        country=dict(country_names()).get(values["country"], values["country"]),
    )


def _render_edit(form: ProfileForm, account: Account | None, status: int = 200):
    values = profile_service.current_values(account) if account else {}
    return render_template(
        "profile/edit.html", form=form, account=account, values=values,
        birth_date=_birth_date(values.get("date_of_birth", "")),
    ), status


@bp.route("/profile/edit", methods=["GET", "POST"])
@login_required
def edit():
    try:
        account = profile_service.account_of(current_user)
    except BrokerError:
        if request.method == "GET":
            raise  # nothing typed yet: the 503 page says to try again
        account = None
    current = profile_service.current_values(account) if account else {}
    locked = account.verified if account else "first_name" not in request.form
    if request.method == "GET":
        data = {**current, "date_of_birth": _birth_date(current["date_of_birth"])}
        return _render_edit(ProfileForm(data=data, locked=locked, current=current), account)
    form = ProfileForm(locked=locked, current=current)
    if not form.validate_on_submit():
        return _render_edit(form, account)
    try:
        if account is None:
            raise BrokerError("account could not be read")
        saved = profile_service.save_profile(current_user, form.values(), actor(), account)
    except profile_service.DetailsLocked:
        flash(_("Your name and date of birth were confirmed when your identity was verified, "
                "so they cannot be changed here. Contact our support team to correct them. "
                "Nothing was saved."), "error")
        return _render_edit(ProfileForm(locked=True, current=current), account, 409)
    except profile_service.ProfileRejected as exc:
        flash(_("The broker did not accept these details: %(detail)s", detail=exc.detail or "-"),
              "error")
        return _render_edit(form, account)
    except BrokerError as exc:
        current_app.logger.warning("profile save failed: %s", exc)
        if isinstance(exc, BrokerUnavailable) and exc.sent and exc.status is None:
            # A timeout after sending: the broker may have applied it. Sending it again is harmless.
            flash(_("Our trading services did not answer in time, so we cannot tell whether your "
                    "details were saved. Please try again in a few minutes."), "error")
        else:
            flash(_("We could not reach our trading services, so your details were not saved. "
                    "Please try again in a few minutes."), "error")
        return _render_edit(form, account, 503)
    if not saved.changed:
        flash(_("Nothing was changed."), "info")
    else:
        flash(_("Your details are saved."), "success")
    if saved.kept:
        labels = ", ".join(OPTIONAL.sub("", str(form[name].label.text)) for name in saved.kept)
        flash(_("The broker kept these details, which cannot be removed here: %(fields)s. "
                "Contact our support team to remove them.", fields=labels), "info")
    return redirect(url_for("profile.show"))


@bp.get("/my-data")
@login_required
def my_data_page():
    return _render_my_data(DeletionForm())


def _render_my_data(form: DeletionForm, status: int = 200):
    return render_template("profile/my_data.html", form=form,
                           requested=my_data.deletion_request(current_user)), status


@bp.get("/my-data/download")
@login_required
def download():
    body = my_data.to_json(my_data.export(current_user, actor()))
    response = Response(body, mimetype="application/json")
    filename = f"my-data-{utcnow().date().isoformat()}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/my-data/delete-request")
@login_required
def delete_request():
    form = DeletionForm()
    if not form.validate_on_submit():
        return _render_my_data(form)
    recorded_now = my_data.request_deletion(current_user, actor())[1]
    if recorded_now:
        flash(_("Your request to delete your data is recorded. We will reply by email."), "success")
    else:
        flash(_("Your request to delete your data was already recorded. We will reply by email."),
              "info")
    return redirect(url_for("profile.my_data_page"))
