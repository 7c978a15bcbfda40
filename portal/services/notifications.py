"""What the trader hears when background work reaches a final state (staff alerts are logged)."""
from __future__ import annotations

import json
import logging

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..models import PortalUser
from . import links, mail, offers, platform, welcome

log = logging.getLogger("portal.mail")

ACCOUNT_OPENED = _l("Your new trading account")


def signup_done(user: PortalUser) -> None:
    """A parked sign-up finished: the trader gets the welcome mail."""
    welcome.send_welcome(user)


def signup_failed(attempt, taken: bool) -> None:
    """A parked sign-up ended for good: tell the trader what to do next."""
    language = _language_of(attempt)
    mail.send_quietly(attempt.email, "signup_failed", _l("We could not finish your registration"),
                      language, taken=taken,
                      claim_url=links.external_url("passwords.claim_request"),
                      register_url=links.external_url("auth.register"))


def open_failed(request) -> None:
    """A parked open-account request failed for good: tell the trader."""
    user = db.session.get(PortalUser, request.user_id)
    offer = next((o for o in offers.all_offers() if o.uuid == request.offer_uuid), None)
    mail.send_quietly(user.email, "open_failed", _l("We could not open your trading account"),
                      user.language, offer_name=offer.name if offer else request.offer_uuid,
                      accounts_url=links.external_url("accounts.index"))


def account_opened(user: PortalUser, request) -> bool:
    """A trading account was opened after sign-up (at once or by the worker): its details.

    Never raises: the account exists at the broker already, and a mail problem must not turn
    that into an error page or a retried request.
    """
    try:
        offer = next((o for o in offers.all_offers() if o.uuid == request.offer_uuid), None)
        login = request.login or ""
        metatrader = bool(offer and offer.is_metatrader)
        return mail.send_quietly(
            user.email, "account_opened", ACCOUNT_OPENED, user.language, name=user.first_name,
            offer_name=offer.name if offer else request.offer_uuid, login=login,
            demo=bool(offer and offer.demo), currency=offer.currency if offer else "",
            platform=offer.platform if offer else "Match-Trader",
            server=offer.system.name if offer and offer.system else "",
            metatrader=offer.system_type[-1] if metatrader else "",
            platform_url=platform.platform_url(),
            fund_url=platform.deposit_url(login) if login and offer and not offer.demo else "",
            accounts_url=links.external_url("accounts.index"),
        )
    except Exception:
        log.exception("mail 'account_opened' not sent")
        return False


def _language_of(attempt) -> str | None:
    return json.loads(attempt.request_json or "{}").get("language")
