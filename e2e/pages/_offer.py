"""Finding an offer radio button by the offer name its label starts with."""
from __future__ import annotations

import re

from playwright.sync_api import Locator, Page


def offer_radio(page: Page, offer_name: str) -> Locator:
    """The radio button whose label begins with `offer_name`."""
    return page.get_by_role("radio", name=re.compile(rf"^{re.escape(offer_name)}(\s|$)"))
