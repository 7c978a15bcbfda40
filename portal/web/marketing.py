"""The home page: what the broker offers, and the way in; the site icon's old address."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from ..services import offers
from .offers import page_facts
from .pagecache import anonymous_page

bp = Blueprint("marketing", __name__)


@bp.get("/")
@anonymous_page(vary=page_facts)
def home():
    return render_template("marketing/home.html", offers=offers.visible_offers())


@bp.get("/favicon.ico")
def favicon():
    """For clients that ask for the icon at its old address instead of reading the page."""
    return redirect(url_for("static", filename="favicon.svg"), 301)
