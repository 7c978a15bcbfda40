"""The offer catalogue page."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..services import offers

bp = Blueprint("offers", __name__)


@bp.get("/offers")
def index():
    return render_template("offers/index.html", offers=offers.visible_offers())
