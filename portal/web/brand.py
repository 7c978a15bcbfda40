"""The broker's brand and legal texts: one context processor for pages and mails, and the
colour as a small stylesheet (the CSP allows no inline style)."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app

from ..i18n import gettext as _

bp = Blueprint("brand", __name__)

COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
URL_SETTINGS = ("SUPPORT_URL", "TERMS_URL", "PRIVACY_URL", "COOKIE_POLICY_URL")
CSS_MAX_AGE = 24 * 3600  # the link carries the colour's digest, so a change is seen at once


@dataclass(frozen=True)
class Brand:
    """What pages and mails show of the broker; every text already in the reader's language."""

    name: str
    logo_url: str | None
    primary_color: str | None
    support_email: str | None
    support_url: str | None
    company_footer: list[str]
    risk_warning: str
    terms_url: str | None
    privacy_url: str | None
    cookie_policy_url: str | None
    stylesheet_version: str | None


def check(config) -> None:
    """Stop the start on a brand setting a page could not use as given."""
    colour = config.get("BRAND_PRIMARY_COLOR")
    if colour and not COLOUR.fullmatch(colour):
        raise RuntimeError(f"BRAND_PRIMARY_COLOR must be a colour like #0b5cad or #06c, "
                           f"not {colour!r}")
    logo = config.get("BRAND_LOGO_URL")
    # A path on the portal, an https address (its origin joins the CSP's img-src) or data:.
    if logo and not (logo.startswith("/") and not logo.startswith("//")
                     or logo.startswith("data:image/") or logo.startswith("https://")):
        raise RuntimeError("BRAND_LOGO_URL must be a path on the portal's own address (like "
                           "/static/logo.svg), an https:// address or a data:image/ URL")
    for name in URL_SETTINGS:
        value = config.get(name)
        if value and urlsplit(value).scheme not in {"http", "https"}:
            raise RuntimeError(f"{name} must be an http or https address, not {value!r}")


@bp.record_once
def _check_on_start(state) -> None:
    check(state.app.config)


def _version(colour: str | None) -> str | None:
    return hashlib.blake2b(colour.encode(), digest_size=6).hexdigest() if colour else None


def current() -> Brand:
    """The brand for the current app, its defaults in the language being rendered."""
    config = current_app.config
    colour = config.get("BRAND_PRIMARY_COLOR")
    footer = config.get("COMPANY_FOOTER") or ""
    return Brand(
        name=config.get("BRAND_NAME") or _("Trader portal"),
        logo_url=config.get("BRAND_LOGO_URL"),
        primary_color=colour,
        support_email=config.get("SUPPORT_EMAIL"),
        support_url=config.get("SUPPORT_URL"),
        company_footer=[line.strip() for line in footer.split("\n") if line.strip()],
        risk_warning=config.get("RISK_WARNING") or _(
            "Contracts for difference (CFDs) are complex instruments and come with a high risk "
            "of losing money rapidly due to leverage. Consider whether you understand how CFDs "
            "work and whether you can afford to take the high risk of losing your money. "
            "Demo accounts use virtual money."),
        terms_url=config.get("TERMS_URL"),
        privacy_url=config.get("PRIVACY_URL"),
        cookie_policy_url=config.get("COOKIE_POLICY_URL"),
        stylesheet_version=_version(colour),
    )


@bp.app_context_processor
def brand_context() -> dict:
    return {"brand": current()}


def _ink(colour: str) -> str:
    """White or dark text, whichever reads better on ``colour`` (WCAG relative luminance)."""
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#fff" if (1.05 / (luminance + 0.05)) >= 4.5 else "#1d2433"


@bp.get("/brand.css")
def stylesheet():
    colour = current_app.config.get("BRAND_PRIMARY_COLOR")
    body = f":root {{ --brand: {colour}; --brand-ink: {_ink(colour)}; }}\n" if colour else ""
    response = Response(body, mimetype="text/css")
    # Private: the visit may carry the session cookie a shared cache must never keep.
    response.headers["Cache-Control"] = f"private, max-age={CSS_MAX_AGE}"
    return response
