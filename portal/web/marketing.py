"""The home page: what the broker offers, and the way in."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..services import offers

bp = Blueprint("marketing", __name__)


@bp.get("/")
def home():
    return render_template("marketing/home.html", offers=offers.visible_offers())
