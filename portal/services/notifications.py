"""What the trader hears when background work reaches a final state (staff alerts are logged)."""
from __future__ import annotations

import json


from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..models import PortalUser
from . import links, mail, offers, welcome


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


def _language_of(attempt) -> str | None:
    return json.loads(attempt.request_json or "{}").get("language")
