"""Rendered pages for anonymous visitors, kept per process and keyed by all that they show.

A page qualifies when, for a visitor who is not logged in, what it shows depends only on the
URL (path and query), the language, the facts the view names in ``vary`` (e.g. the offer
catalogue's version, whether the consent banner is due) and the CSRF token of its forms. The
token is the one per-visitor part: it is stored as a placeholder and filled in on every answer.
Visitors with a flash message waiting always get a fresh render, and so does every logged-in
trader. Nothing here is shared between processes or outlives a catalogue version: a key names
the version it was rendered from, so a new catalogue simply stops matching the old pages.
"""
from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from functools import wraps
from typing import Callable, Hashable

from flask import Flask, current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..i18n import current_language

PAGES_KEPT = 32  # a few pages times two languages and the common marketing links
LONGEST_URL = 512  # longer URLs are rendered afresh rather than filling the cache


class PageCache:
    """A small least-recently-used map of rendered pages, safe across threads."""

    def __init__(self, size: int = PAGES_KEPT):
        self.size = size
        self.token_placeholder = f"csrf-{secrets.token_hex(16)}"
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: str) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


def init_page_cache(app: Flask) -> None:
    app.extensions["page_cache"] = PageCache()


def _cacheable() -> bool:
    return (request.method == "GET" and not current_user.is_authenticated
            and "_flashes" not in session and len(request.full_path) <= LONGEST_URL)


def anonymous_page(vary: Callable[[], Hashable]):
    """Serve the decorated view's rendered page from the cache to anonymous visitors.

    ``vary`` returns what else, beyond the URL and the language, the page depends on.
    """
    def decorate(view):
        @wraps(view)
        def cached_view(*args, **kwargs):
            if not _cacheable():
                return view(*args, **kwargs)
            pages: PageCache = current_app.extensions["page_cache"]
            key = (request.endpoint, request.full_path, current_language(), vary())
            page = pages.get(key)
            if page is not None:
                if pages.token_placeholder in page:
                    page = page.replace(pages.token_placeholder, generate_csrf())
                return page
            page = view(*args, **kwargs)
            if isinstance(page, str):
                token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
                pages.put(key, page.replace(token, pages.token_placeholder) if token else page)
            return page
        return cached_view
    return decorate
