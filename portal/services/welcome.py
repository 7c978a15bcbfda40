"""The welcome mail after sign-up: trading account logins, where to trade, what statuses mean."""
from __future__ import annotations

import logging

from flask import current_app

from ..brokerapi import BrokerError
from ..i18n import lazy_gettext as _l
from ..models import PortalUser
from . import accounts, links, mail, platform, trader_mail

log = logging.getLogger("portal.mail")

SUBJECT = _l("Welcome: your trading account details")


def send_welcome(user: PortalUser) -> bool:
    """Mail the welcome with the confirmation link; never raises, so sign-up always completes."""
    try:
        try:
            rows = accounts.overview(user)
        except BrokerError:
            log.warning("welcome mail sent without trading accounts: Broker-API unavailable")
            rows = None
        config = current_app.config
        return mail.send_quietly(
            user.email, "welcome", SUBJECT, user.language, user=user, name=user.first_name,
            rows=rows,
            platform_url=platform.platform_url(), deposit_url=platform.deposit_url,
            kyc_url=config.get("KYC_URL") or None,
            accounts_url=links.external_url("accounts.index"),
            confirm_url=trader_mail.confirmation_url(user),
            valid_for=trader_mail.valid_for(trader_mail.CONFIRM),
        )
    except Exception:  # the Account and the user exist already: a mail problem must not hide that
        log.exception("welcome mail not sent")
        return False
