"""Marketing attribution: clean touches from links, first and last touch, what a sign-up sends."""
from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import urlsplit

from ..extensions import db
from ..models import Campaign, Partner, SignupAttempt, SignupAttribution, utcnow
from ..models.marketing import CODE_LENGTH, PARAM_LENGTH
from . import campaigns, landings

UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
CODES = ("ref", "cmp")
MARKETING = (*UTM, "gclid", *CODES)
MARKETING_NAMES = frozenset(MARKETING)
PATH_LENGTH = 200
LEAD_SOURCE_LENGTH = 64
# Characters that never belong in a UTM value and only help markup or quoting attacks.
_UNSAFE = str.maketrans("", "", "<>\"'`\\")
_CODE = re.compile(r"[^A-Za-z0-9_-]")
_LEAD_SOURCE_PART = re.compile(r"[^A-Za-z0-9._-]")


def clean(value, limit: int = PARAM_LENGTH) -> str:
    """Text without control or format characters, markup characters or extra spaces, capped."""
    if not isinstance(value, str):
        return ""
    kept = value[: limit * 4]
    if not (kept.isascii() and kept.isprintable()):  # printable ASCII has nothing to drop
        kept = "".join(_visible(c) for c in kept)
    return " ".join(kept.translate(_UNSAFE).split())[:limit].strip()


def _visible(char: str) -> str:
    kind = unicodedata.category(char)[0]
    return "" if kind == "C" else " " if kind == "Z" else char


def clean_code(value) -> str:
    """A partner or campaign code: letters, digits, "-" and "_" only, capped."""
    return _CODE.sub("", value if isinstance(value, str) else "")[:CODE_LENGTH]


def touch_from(params: Mapping[str, str], path: str, referrer: str | None, own_host: str) -> dict:
    """One landing's marketing facts, cleaned; empty values are left out."""
    # Only the parameters present are looked at (the first value of each).
    touch = {name: clean_code(value) if name in CODES else clean(value)
             for name, value in params.items() if name in MARKETING_NAMES}
    touch["path"] = clean(path, PATH_LENGTH)
    host = (urlsplit(referrer or "").hostname or "") if referrer else ""
    if host and host != own_host.split(":")[0]:
        touch["referrer"] = clean(host)
    touch["at"] = utcnow().isoformat(timespec="seconds")
    return {k: v for k, v in touch.items() if v}


def has_marketing(touch: Mapping) -> bool:
    """True when a landing carries any marketing parameter."""
    return any(touch.get(name) for name in MARKETING)


def channel(touch: Mapping | None) -> tuple[str, str, str]:
    """(campaign, source, medium) as a marketer reads them; gclid means google/cpc."""
    touch = touch or {}
    campaign = touch.get("cmp") or touch.get("utm_campaign") or "(none)"
    if touch.get("utm_source"):
        return campaign, touch["utm_source"], touch.get("utm_medium") or "(none)"
    if touch.get("gclid"):
        return campaign, "google", "cpc"
    if touch.get("ref"):
        return campaign, touch["ref"], "partner"
    if touch.get("referrer"):
        return campaign, touch["referrer"], "referral"
    return campaign, "(direct)", "(none)"


def capture(state: Mapping | None, touch: dict) -> tuple[dict | None, bool]:
    """The visitor's new attribution state and whether it changed; counts new landings.

    The first landing sets first and last touch; a later landing with marketing parameters
    becomes the last touch. A landing is counted for a first touch that carries marketing
    parameters and for a later landing from a different campaign or source, never for plain
    page views (crawlers, health checks); counting writes nothing to the database.
    """
    if touch.get("cmp") and campaigns.find_link(touch["cmp"]) is None:
        touch = {k: v for k, v in touch.items() if k != "cmp"}  # only our own campaigns count
    if not state or not state.get("first"):
        new = {"v": (state or {}).get("v") or secrets.token_hex(8), "first": touch, "last": touch}
        if has_marketing(touch):
            landings.count(touch)
        return new, True
    if not has_marketing(touch):
        return None, False
    if channel(touch) != channel(state.get("last")):
        landings.count(touch)
    return {**state, "last": touch}, True


def sanitize_state(state) -> dict | None:
    """A state read back from a cookie, re-cleaned field by field (never trusted as is)."""
    if not isinstance(state, dict) or not isinstance(state.get("first"), dict):
        return None

    def again(touch) -> dict:
        touch = touch if isinstance(touch, dict) else {}
        kept = {n: clean(touch.get(n)) for n in (*UTM, "gclid", "referrer", "at")}
        kept.update({n: clean_code(touch.get(n)) for n in CODES})
        kept["path"] = clean(touch.get("path"), PATH_LENGTH)
        return {k: v for k, v in kept.items() if v}

    first = again(state["first"])
    return {"v": clean_code(state.get("v"))[:32] or secrets.token_hex(8), "first": first,
            "last": again(state.get("last")) or first}


def find_campaign(code: str | None) -> Campaign | None:
    """The active campaign with this code, or None."""
    code = clean_code(code)
    if not code:
        return None
    return db.session.scalar(db.select(Campaign).filter_by(code=code, active=True))


def find_partner(code: str | None) -> Partner | None:
    """The active partner with this code, or None (unknown codes are simply not credited)."""
    code = clean_code(code)
    if not code:
        return None
    return db.session.scalar(db.select(Partner).filter_by(code=code, active=True))


def _touches(state: Mapping | None) -> list[Mapping]:
    state = state or {}
    return [t for t in (state.get("last"), state.get("first")) if isinstance(t, Mapping)]


def allowed_hidden_offer(state: Mapping | None) -> str | None:
    """The hidden offer uuid a campaign in the visitor's touches allows, if any."""
    for touch in _touches(state):
        campaign = campaigns.find_link(touch.get("cmp"))
        if campaign and campaign.allow_hidden and campaign.offer_uuid:
            return campaign.offer_uuid
    return None


def lead_source(touch: Mapping | None) -> str | None:
    """Compact ``source/medium/campaign`` for Broker-API's leadDetails.source; None when direct.

    The campaign part is utm_campaign as the marketer named it, else our campaign code.
    """
    _, source, medium = channel(touch)
    if source == "(direct)":
        return None
    parts = [_ascii_part(source), _ascii_part(medium)]
    campaign = (touch or {}).get("utm_campaign") or (touch or {}).get("cmp")
    if campaign:
        parts.append(_ascii_part(campaign))
    text = "/".join(p or "none" for p in parts)[:LEAD_SOURCE_LENGTH].strip("/")
    return text or None


def _ascii_part(value: str) -> str:
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return _LEAD_SOURCE_PART.sub("", ascii_value.replace(" ", "-"))


@dataclass(frozen=True)
class SignupSource:
    """What a sign-up carries: both touches, the campaign and partner, what goes to the broker."""

    first: dict
    last: dict
    visitor: str | None = None
    campaign_code: str | None = None
    partner_code: str | None = None
    ib_parent_trading_account_uuid: str | None = None
    lead_source: str | None = None


NO_SOURCE = SignupSource(first={}, last={})


def credited(state: Mapping | None) -> tuple[Campaign | None, Partner | None, str | None]:
    """The visitor's active campaign and partner, from the last touch, then the first; and the
    partner code they came with (the campaign's active partner stands in for an unknown one)."""
    touches = _touches(state)
    campaign = next(filter(None, (find_campaign(t.get("cmp")) for t in touches)), None)
    given = next((t["ref"] for t in touches if t.get("ref")), None)
    partner = find_partner(given) or (campaign.partner if campaign and campaign.partner
                                      and campaign.partner.active else None)
    return campaign, partner, given


def for_signup(state: Mapping | None) -> SignupSource | None:
    """Resolve campaign and partner from the last touch, then the first."""
    touches = _touches(state)
    if not touches:
        return None
    campaign, partner, given = credited(state)
    return SignupSource(
        first=dict(state["first"]), last=dict(state.get("last") or state["first"]),
        visitor=state.get("v"), campaign_code=campaign.code if campaign else None,
        partner_code=partner.code if partner else given,
        ib_parent_trading_account_uuid=partner.trading_account_uuid if partner else None,
        lead_source=lead_source(touches[0]),
    )


def record_signup(attempt: SignupAttempt, source: SignupSource | None) -> None:
    """Keep the full attribution with the sign-up attempt (committed with it)."""
    if source is None:
        return
    db.session.add(SignupAttribution(
        attempt_id=attempt.id, visitor=source.visitor, campaign_code=source.campaign_code,
        partner_code=source.partner_code, lead_source=source.lead_source,
        ib_parent_trading_account_uuid=source.ib_parent_trading_account_uuid,
        first_touch=source.first, last_touch=source.last,
    ))


def link_user(attempt: SignupAttempt, user) -> None:
    """Attach the portal user to the attribution recorded for its sign-up attempt."""
    row = db.session.scalar(db.select(SignupAttribution).filter_by(attempt_id=attempt.id))
    if row is not None:
        row.user_id = user.id
