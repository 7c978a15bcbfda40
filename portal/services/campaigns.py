"""Partners (IBs) and campaigns: managed from the CLI, turned into deep links for marketers."""
from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..brokerapi import BrokerError
from ..extensions import db
from ..models import Campaign, Partner
from ..models.marketing import CODE_LENGTH
from . import attribution, offers  # attribution asks campaigns.find_link: names at call time

_CODE = re.compile(rf"^[A-Za-z0-9_-]{{1,{CODE_LENGTH}}}$")
_UUID = re.compile(r"^[0-9A-Za-z-]{8,64}$")
# Every campaign link a new visitor opens asks for its campaign; a change made with
# `flask campaigns` in another process reaches this one when its copy expires.
LINK_SECONDS = 5.0


@dataclass(frozen=True)
class CampaignLink:
    """What a landing needs of an active campaign, kept apart from any database session."""

    code: str
    offer_uuid: str | None
    allow_hidden: bool
    utm: tuple[tuple[str, str | None], ...]
    partner_code: str | None


class _Links:
    """Active campaigns by code (None for unknown codes too), each kept for LINK_SECONDS."""

    def __init__(self):
        self._kept: dict[str, tuple[float, CampaignLink | None]] = {}
        self._lock = threading.Lock()

    def get(self, code: str) -> CampaignLink | None:
        now = time.monotonic()
        kept = self._kept.get(code)
        if kept is not None and kept[0] > now:
            return kept[1]
        row = db.session.scalar(db.select(Campaign).filter_by(code=code, active=True))
        link = _link(row) if row is not None else None
        with self._lock:
            if len(self._kept) > 1000:  # made-up codes must not grow memory without end
                self._kept.clear()
            self._kept[code] = (now + LINK_SECONDS, link)
        return link

    def forget(self) -> None:
        with self._lock:
            self._kept.clear()


def _link(campaign: Campaign) -> CampaignLink:
    return CampaignLink(code=campaign.code, offer_uuid=campaign.offer_uuid,
                        allow_hidden=bool(campaign.allow_hidden),
                        utm=tuple((name, getattr(campaign, name)) for name in attribution.UTM),
                        partner_code=campaign.partner.code if campaign.partner else None)


def _links() -> _Links:
    links = current_app.extensions.get("campaign_links")
    if links is None:
        links = current_app.extensions.setdefault("campaign_links", _Links())
    return links


def find_link(code: str | None) -> CampaignLink | None:
    """The active campaign with this code as a landing sees it, or None; read from the
    database at most every LINK_SECONDS per code and process."""
    code = attribution.clean_code(code)
    return _links().get(code) if code else None


class CampaignError(Exception):
    """A campaign or partner command that cannot be carried out; the message says why."""


def _check_code(code: str) -> str:
    if not _CODE.match(code or ""):
        raise CampaignError(f"code {code!r} must be 1-{CODE_LENGTH} letters, digits, '-' or '_'")
    return code


def add_partner(code: str, trading_account_uuid: str, name: str | None = None) -> Partner:
    """Register a partner whose code credits sign-ups to its trading account."""
    _check_code(code)
    if not _UUID.match(trading_account_uuid or ""):
        raise CampaignError(f"{trading_account_uuid!r} does not look like a trading account uuid")
    partner = Partner(code=code, trading_account_uuid=trading_account_uuid,
                      name=attribution.clean(name) or None, active=True)
    _save(partner, f"partner {code} already exists")
    return partner


def partners() -> list[Partner]:
    """Every partner, by code."""
    return db.session.scalars(db.select(Partner).order_by(Partner.code)).all()


def add_campaign(code: str, offer: str | None = None, partner: str | None = None,
                 allow_hidden: bool = False, **utm: str | None) -> Campaign:
    """Create an active campaign; ``offer`` is a uuid or slug, ``partner`` a partner code."""
    _check_code(code)
    unknown = set(utm) - set(attribution.UTM)
    if unknown:
        raise CampaignError(f"unknown UTM fields: {', '.join(sorted(unknown))}")
    campaign = Campaign(code=code, allow_hidden=allow_hidden, active=True,
                        **{name: attribution.clean(utm.get(name)) or None
                           for name in attribution.UTM})
    campaign.utm_campaign = campaign.utm_campaign or code
    if offer:
        found = offers.find_any(offer)
        if found is None:
            raise CampaignError(f"no offer with uuid or slug {offer!r}")
        if found.hidden and not allow_hidden:
            raise CampaignError(f"offer {found.name!r} is hidden; add --allow-hidden to offer it")
        campaign.offer_uuid = found.uuid
    elif allow_hidden:
        raise CampaignError("--allow-hidden needs an --offer")
    if partner:
        campaign.partner = db.session.scalar(db.select(Partner).filter_by(code=partner))
        if campaign.partner is None:
            raise CampaignError(f"no partner with code {partner!r}; add it with partner-add")
    _save(campaign, f"campaign {code} already exists")
    _links().forget()
    return campaign


def _save(row, duplicate: str) -> None:
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise CampaignError(duplicate) from None


def campaigns(include_disabled: bool = True) -> list[Campaign]:
    """Campaigns by code (only the active ones unless asked)."""
    query = db.select(Campaign).order_by(Campaign.code)
    if not include_disabled:
        query = query.filter_by(active=True)
    return db.session.scalars(query).all()


def set_active(code: str, active: bool) -> Campaign:
    """Turn a campaign's links on or off."""
    campaign = db.session.scalar(db.select(Campaign).filter_by(code=code))
    if campaign is None:
        raise CampaignError(f"no campaign with code {code!r}")
    campaign.active = active
    db.session.commit()
    _links().forget()
    return campaign


def offer_ref(uuid: str | None) -> str | None:
    """The readable slug of an offer for links, or its uuid when the catalogue is unreachable."""
    if not uuid:
        return None
    try:
        return offers.slugs().get(uuid, uuid)
    except BrokerError:
        return uuid


def deep_link(campaign: Campaign | CampaignLink, base_url: str = "",
              overrides: dict | None = None) -> str:
    """The register link: the campaign's offer, UTM defaults (``overrides`` win), partner, code."""
    link = campaign if isinstance(campaign, CampaignLink) else _link(campaign)
    params = {"offer": offer_ref(link.offer_uuid)}
    params.update(dict(link.utm))
    params.update(overrides or {})
    params["ref"] = link.partner_code
    params["cmp"] = link.code
    return f"{base_url}/register?{urlencode({k: v for k, v in params.items() if v})}"


def short_link(campaign: Campaign, base_url: str) -> str:
    """The link to hand out: /go/<code>, which redirects to the deep link."""
    return f"{base_url}/go/{campaign.code}"
