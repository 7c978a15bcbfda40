"""The trader's trading accounts, opening another one, and the platform button."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..brokerapi import BrokerError
from ..i18n import gettext as _
from ..services import account_cards, account_limits, accounts, offers, platform
from .auth import actor
from .errors import render_error
from .forms import ChooseOfferForm, ConfirmOfferForm, TradeForm

bp = Blueprint("accounts", __name__)


@bp.get("/accounts")
@login_required
def index():
    cards = account_cards.page(current_user)
    rows = cards.rows
    newest = next((r.login for r in rows if r.login), None)
    highlight = newest if request.args.get("new") else request.args.get("login")
    return render_template("accounts/index.html", cards=cards, highlight=highlight,
                           just_registered=bool(request.args.get("new")),
                           no_trading_account=cards.state in (account_cards.NONE,
                                                              account_cards.PENDING),
                           deposit_url=platform.deposit_url)


@bp.route("/accounts/new", methods=["GET", "POST"])
@login_required
def new():
    visible = offers.visible_offers()
    form = ChooseOfferForm()
    wanted = request.args.get("offer")
    if request.method == "GET" and wanted:
        offer = offers.find_offerable(wanted)  # by uuid or by the slug of the offer's page
        if offer is None:
            flash(_("That offer is not available. Please choose one of the offers below."), "error")
        else:
            form.offer.data = offer.uuid
    if form.validate_on_submit():  # a form from an older page, before one-step opening
        offer = offers.find_visible(form.offer.data)
        if offer is not None:  # to a page of its own, so Back and reload do not post again
            return redirect(url_for("accounts.confirm", offer=offer.uuid,
                                    key=accounts.new_request_key(current_user)), 303)
        form.offer.errors.append(_("That offer is not available. "
                                   "Please choose one of the offers below."))
    groups = [(demo, [o for o in visible if o.demo == demo]) for demo in (True, False)]
    return render_template("accounts/new.html", form=form, groups=groups,
                           key=lambda: accounts.new_request_key(current_user))


@bp.route("/accounts/confirm", methods=["GET", "POST"])
@login_required
def confirm():
    if request.method == "GET":
        return _confirm_page(request.args.get("offer"), request.args.get("key") or "")
    form = ConfirmOfferForm()
    if not form.validate_on_submit():
        return render_error(400)
    if not accounts.key_is_theirs(current_user, form.key.data):  # e.g. a page from before a deploy
        return _confirm_again(form.offer.data)
    sent = accounts.request_for_key(form.key.data)
    if _asked_before(sent):  # Back, then sent again
        return _already_asked(sent, 303)
    offer = offers.find_visible(form.offer.data)
    try:
        opened = accounts.open_trading_account(current_user, form.offer.data, form.key.data,
                                               actor())
    except accounts.UnknownOffer:
        flash(_("That offer is not available. Please choose one of the offers below."), "error")
        return redirect(url_for("accounts.new"))
    except account_limits.LimitReached as exc:
        message = (_("You already have %(n)d accounts in this offer, the most allowed.",
                     n=exc.limit)
                   if exc.per_offer else
                   _("You already have %(n)d trading accounts, the most allowed.", n=exc.limit))
        flash(message, "error")
        return redirect(url_for("accounts.new"))
    except accounts.OpenRejected as exc:
        flash(_("The broker could not open this account: %(detail)s",
                detail=exc.args[0] or "-"), "error")
        return redirect(url_for("accounts.new", offer=form.offer.data))
    except accounts.RequestFailed:
        return _confirm_again(form.offer.data)
    except accounts.OpenPending:
        return render_template("accounts/pending.html"), 202
    except BrokerError:
        flash(_("We could not reach our trading services, so no account was opened. "
                "Please try again in a few minutes."), "error")
        sent = accounts.request_for_key(form.key.data)
        if sent is not None and sent.failed:  # refused for good: a new try needs a new key
            form.key.data = accounts.new_request_key(current_user)
        return render_template("accounts/confirm.html", offer=offer, form=form), 503
    if opened.login:
        flash(_("Your new trading account %(login)s is ready.", login=opened.login), "success")
        return redirect(url_for("accounts.index", login=opened.login))
    flash(_("Your request was sent. "
            "The account will appear here once our team approves it."), "info")
    return redirect(url_for("accounts.index"))


def _confirm_again(offer_uuid: str):
    """A confirm form that cannot be sent as it is: the confirm page again, with a new key."""
    flash(_("That request did not go through. Please confirm it again."), "info")
    return redirect(url_for("accounts.confirm", offer=offer_uuid))


def _asked_before(sent) -> bool:
    """The key's request is this trader's and was not refused: it must not be sent again."""
    return sent is not None and sent.user_id == current_user.id and not sent.failed


def _already_asked(sent, code: int = 302):
    flash(_("You have already asked for this account."), "info")
    return redirect(url_for("accounts.index", login=sent.login) if sent.login
                    else url_for("accounts.index"), code)


def _confirm_page(offer_ref: str | None, key: str):
    """The confirm step. Its key is in the address, so Back, reload or a second tab show the
    same form, and sending it twice opens one account; once it was sent, the page says so."""
    offer = offers.find_visible(offer_ref)
    if offer is None:
        flash(_("That offer is not available. Please choose one of the offers below."), "error")
        return redirect(url_for("accounts.new"))
    key = key if accounts.key_is_theirs(current_user, key) else ""
    sent = accounts.request_for_key(key) if key else None
    if _asked_before(sent):
        return _already_asked(sent)
    if not key or sent is not None:  # none, not theirs, or refused before
        return redirect(url_for("accounts.confirm", offer=offer.uuid,
                                key=accounts.new_request_key(current_user)))
    form = ConfirmOfferForm(offer=offer.uuid, key=key)
    return render_template("accounts/confirm.html", offer=offer, form=form)


@bp.post("/platform")
@login_required
def open_platform():
    form = TradeForm()
    if not form.validate_on_submit():
        return render_error(400)
    login = form.login.data or ""
    url, handover = platform.login_url(current_user)
    if handover is platform.Handover.LOGIN:
        flash(_("We could not log you in to the platform automatically. "
                "Please log in there with your email and password."), "info")
        return render_template("accounts/platform_manual.html", platform_url=url, login=login)
    if handover is platform.Handover.RETRY:
        flash(_("Our trading services did not answer, so we could not log you in to the "
                "platform automatically. Please try again, or log in there with your email "
                "and password."), "info")
        return render_template("accounts/platform_manual.html", platform_url=url, form=form,
                               login=login)
    response = redirect(url, code=303)
    response.headers["Cache-Control"] = "no-store"
    return response
