"""The offer catalogue: cached briefly, because offers change rarely and every page shows them."""
from __future__ import annotations

import hashlib
import json
import re
import threading
import time
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from flask import current_app

from ..brokerapi import Offer
from ..cache import CacheUnavailable
from ..extensions import broker, cache

# The shared cache holds the catalogue under its content digest, and a small key naming the
# current digest. A page reads only the small key when its process has parsed that version.
VERSION_KEY = "offers:v3:version"
CONTENT_KEY = "offers:v3:{}"
CONTENT_GRACE = 60  # seconds a version's content outlives the key naming it (no torn reads)
_PARSED_KEPT = 4  # catalogue versions whose parsed offers a process keeps
# A process trusts the version it last read for this long before asking the shared cache again
# (never longer than OFFERS_CACHE_TTL): a new catalogue reaches every process within a second,
# and a busy offers page costs no round trip to Redis.
RECHECK_SECONDS = 1.0


@dataclass(frozen=True)
class Catalogue:
    """One version of the broker's offer list: ``version`` is a digest of its JSON."""

    version: str
    offers: tuple[Offer, ...]
    slugs: Mapping[str, str]


_parsed: dict[str, Catalogue] = {}
_parsed_lock = threading.Lock()


def catalogue() -> Catalogue:
    """Every offer at the broker, hidden ones included, from the shared short-lived cache.

    A process trusts the version it read for ``RECHECK_SECONDS``, so the reads of one page see
    one catalogue and cost at most one Broker-API call. Offers are immutable, so each process
    parses a given version once and shares it between requests.
    """
    return catalogue_and()[0]


def catalogue_and(*keys: str) -> tuple[Catalogue, list]:
    """The catalogue and other cached values (None when missing), read in one round trip.

    Redis says which version is current, and is asked at most once per ``RECHECK_SECONDS`` per
    process when nothing else is read with it; a version this process has parsed before costs
    no further read. A new version's content is read once per process, and a missing or expired
    catalogue is asked of Broker-API and shared under its digest. While Redis does not answer,
    the version this process read last is shown rather than an error page.
    """
    found, others = None if keys else _recently_read(), []
    if found is None:
        found, others = _read_shared(keys)
    return found, others


def _read_shared(keys: tuple[str, ...]) -> tuple[Catalogue, list]:
    """The current version (and ``keys``) from the shared cache; while it does not answer, the
    version this process read last, if it read one and nothing else is asked for."""
    try:
        version, *others = cache.backend.get_many(VERSION_KEY, *keys)
    except CacheUnavailable:
        held = None if keys else _parsed.get(_last_read()[1])
        if held is None:
            raise
        current_app.logger.warning("shared cache unavailable: showing the offers read last")
        version, others = held.version, []
    found = _parsed.get(version) if version else None
    if found is None:
        raw = cache.backend.get(CONTENT_KEY.format(version)) if version else None
        found = _parse(version, raw) if raw is not None else _fetch()
    current_app.extensions["offers_read"] = (time.monotonic(), found.version)  # trusted a while
    return found, others


def _last_read() -> tuple[float, str]:
    """When this app last read the current version from the shared cache, and which it was."""
    return current_app.extensions.get("offers_read", (0.0, ""))


def _recently_read() -> Catalogue | None:
    """The version this app last read from the shared cache, if read within the recheck time."""
    read_at, version = _last_read()
    trusted = min(RECHECK_SECONDS, current_app.config["OFFERS_CACHE_TTL"])
    return _parsed.get(version) if time.monotonic() - read_at < trusted else None


def _fetch() -> Catalogue:
    """Ask Broker-API for the offers and share them, content first, then the version naming it."""
    raw = broker.client.offers_json()
    version = _digest(raw)
    ttl = current_app.config["OFFERS_CACHE_TTL"]
    cache.backend.set(CONTENT_KEY.format(version), raw, ttl + CONTENT_GRACE)
    cache.backend.set(VERSION_KEY, version, ttl)
    return _parse(version, raw)


def _digest(raw) -> str:
    text = json.dumps(raw, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _parse(version: str, raw: list) -> Catalogue:
    found = _parsed.get(version)
    if found is None:
        offers = tuple(Offer.from_json(o) for o in raw)
        found = Catalogue(version, offers, MappingProxyType(_slugs(offers)))
        with _parsed_lock:
            while len(_parsed) >= _PARSED_KEPT:
                _parsed.pop(next(iter(_parsed)))
            _parsed[version] = found
    return found


def all_offers() -> list[Offer]:
    """Every offer at the broker, hidden ones included."""
    return list(catalogue().offers)


def visible_offers() -> list[Offer]:
    """Offers a trader may choose: not hidden, demo first, then by name."""
    return sorted((o for o in all_offers() if not o.hidden), key=lambda o: (not o.demo, o.name))


def find_visible(uuid: str | None) -> Offer | None:
    """The non-hidden offer with this uuid, or None (hidden and unknown offers look the same)."""
    return next((o for o in visible_offers() if o.uuid == uuid), None) if uuid else None


def slugify(name: str) -> str:
    """A readable URL part from an offer name: "Demo Standard USD" -> "demo-standard-usd"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-") or "offer"


def slugs() -> Mapping[str, str]:
    """Offer uuid -> unique slug; collisions get "-2", "-3"… in order of creation, then uuid."""
    return catalogue().slugs


def _slugs(catalogue: tuple[Offer, ...]) -> dict[str, str]:
    ordered = sorted(catalogue, key=lambda o: (o.created.isoformat() if o.created else "", o.uuid))
    taken: set[str] = set()
    result: dict[str, str] = {}
    for offer in ordered:
        base = slug = slugify(offer.name)
        n = 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        result[offer.uuid] = slug
    return result


def find_any(ref: str | None) -> Offer | None:
    """Any offer, hidden ones included, by uuid or slug (for campaigns and their links)."""
    if not ref:
        return None
    catalogue = all_offers()
    by_uuid = next((o for o in catalogue if o.uuid == ref), None)
    if by_uuid is not None:
        return by_uuid
    uuid = next((u for u, s in slugs().items() if s == ref.lower()), None)
    return next((o for o in catalogue if o.uuid == uuid), None)


def find_offerable(ref: str | None, allowed_hidden: str | None = None) -> Offer | None:
    """A visible offer by uuid or slug, or the one hidden offer a campaign allows; else None."""
    offer = find_any(ref)
    if offer is None or (offer.hidden and offer.uuid != allowed_hidden):
        return None
    return offer


def first_offerable(refs: list[str], allowed_hidden: str | None = None) -> Offer | None:
    """The first of several offer values (a repeated ``?offer=``) that a trader may choose."""
    return next(filter(None, (find_offerable(r, allowed_hidden) for r in refs[:5])), None)


def offerable(allowed_hidden: str | None = None) -> list[Offer]:
    """The visible offers, plus the hidden offer a campaign allows (listed last)."""
    extra = find_offerable(allowed_hidden, allowed_hidden) if allowed_hidden else None
    return visible_offers() + ([extra] if extra is not None and extra.hidden else [])


def forget() -> None:
    """Drop the cached catalogue so the next read asks Broker-API (other processes follow
    within ``RECHECK_SECONDS``)."""
    cache.backend.delete(VERSION_KEY)
    current_app.extensions.pop("offers_read", None)
