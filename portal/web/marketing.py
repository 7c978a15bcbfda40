"""The home page: what the broker offers, and the way in."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..services import offers
from .offers import page_facts
from .pagecache import anonymous_page

bp = Blueprint("marketing", __name__)


@bp.get("/")
@anonymous_page(vary=page_facts)
def home():
    return render_template("marketing/home.html", offers=offers.visible_offers())
