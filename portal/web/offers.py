"""The offer catalogue page."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..services import offers
from .links import consent_due
from .pagecache import anonymous_page

bp = Blueprint("offers", __name__)


def page_facts() -> tuple:
    """What an anonymous offers page shows besides its URL and language."""
    return offers.catalogue().version, consent_due()


@bp.get("/offers")
@anonymous_page(vary=page_facts)
def index():
    return render_template("offers/index.html", offers=offers.visible_offers())
