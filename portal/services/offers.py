"""The offer catalogue: cached briefly, because offers change rarely and every page shows them."""
from __future__ import annotations

from flask import current_app

from ..brokerapi import Offer
from ..extensions import broker, cache

CACHE_KEY = "offers:v1"


def all_offers() -> list[Offer]:
    """Every offer at the broker, hidden ones included, from a short-lived cache."""
    raw = cache.backend.get(CACHE_KEY)
    if raw is None:
        raw = broker.client.offers_json()
        cache.backend.set(CACHE_KEY, raw, current_app.config["OFFERS_CACHE_TTL"])
    return [Offer.from_json(o) for o in raw]


def visible_offers() -> list[Offer]:
    """Offers a trader may choose: not hidden, demo first, then by name."""
    return sorted((o for o in all_offers() if not o.hidden), key=lambda o: (not o.demo, o.name))


def find_visible(uuid: str | None) -> Offer | None:
    """The non-hidden offer with this uuid, or None (hidden and unknown offers look the same)."""
    return next((o for o in visible_offers() if o.uuid == uuid), None) if uuid else None


def forget() -> None:
    """Drop the cached catalogue so the next read asks Broker-API."""
    cache.backend.delete(CACHE_KEY)
