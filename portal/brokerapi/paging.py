"""Following a Spring page envelope without trusting it.

Real brokers may send null paging fields or stray non-objects in ``content``, and the free-text
searches match every longer email containing the typed one, so a walk is bounded: the largest
page the API serves, items de-duplicated by uuid, a stop when a page adds nothing new, and a cap
on the pages one request may read.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Iterator

from .errors import UnexpectedResponse

log = logging.getLogger("portal.brokerapi")

MAX_PAGES = 5
DEFAULT_SIZE = 10  # the documented default page size, what a request without `size` gets


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def walk(fetch: Callable[[int], Any], size: int, what: str,
         max_pages: int = MAX_PAGES) -> Iterator[dict]:
    """Yield each distinct object of the pages ``fetch(page)`` returns, from page 0 on."""
    seen: set[str] = set()
    for page in range(max_pages):
        body = fetch(page)
        if not isinstance(body, dict) or not isinstance(body.get("content") or [], list):
            # Read as "nothing found" it would show a trader no accounts, and cache that.
            raise UnexpectedResponse(f"{what}: expected a page object with a 'content' list")
        content = [c for c in body.get("content") or [] if isinstance(c, dict)]
        new = [c for c in content if str(c.get("uuid") or id(c)) not in seen]
        seen.update(str(c.get("uuid") or id(c)) for c in new)
        yield from new
        if not new:
            return
        total_pages, total = _int(body.get("totalPages")), _int(body.get("totalElements"))
        if total_pages is not None and page + 1 >= total_pages:
            return
        if total is not None and len(seen) >= total:
            return
        if total_pages is None and len(content) < (_int(body.get("size")) or size):
            return  # without totals, a short page is the last one
    log.warning("%s: stopped after %d pages of %d; the list may be incomplete",
                what, max_pages, size)
