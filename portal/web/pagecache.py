"""Rendered pages for anonymous visitors, kept per process and keyed by all that they show.

A page qualifies when, for a visitor who is not logged in, what it shows depends only on the
URL (path and query), the language, the facts the view names in ``vary`` (e.g. the offer
catalogue's version, whether the consent banner is due) and the CSRF token of its forms. The
token is the per-visitor part: it is stored as a placeholder and filled in on every answer
with the visitor's token from ``flask_wtf.csrf.generate_csrf``, as a fresh render would. A view
whose page shows nothing of some query arguments (the register form and a campaign's UTM
values) names them in ``ignore_args``: one page then serves every campaign link, and the one
place that echoes the whole address (the cookie banner's way back, ``this_page()``) is a
placeholder filled in per answer like the token.
Visitors with a flash message waiting always get a fresh render, and so does every logged-in
trader. Nothing here is shared between processes or outlives a catalogue version: a key names
the version it was rendered from, so a new catalogue simply stops matching the old pages.
"""
from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from functools import wraps
from typing import Callable, Collection, Hashable

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from ..i18n import current_language
from .session import logged_in

PAGES_KEPT = 32  # a few pages times two languages and the common marketing links
LONGEST_URL = 512  # longer URLs are rendered afresh rather than filling the cache


class PageCache:
    """A small least-recently-used map of rendered pages, safe across threads."""

    def __init__(self, size: int = PAGES_KEPT):
        self.size = size
        self.placeholder_text = f"csrf-{secrets.token_hex(16)}"
        self.token_placeholder = self.placeholder_text.encode()
        self.path_placeholder = f"path-{secrets.token_hex(16)}"
        self._pages: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: bytes) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


def _rendered_token() -> str | None:
    """The CSRF token the page just rendered carries, if it has a form.

    Flask-WTF keeps a visitor's raw token in the session under WTF_CSRF_FIELD_NAME and gives
    the same signed token to every form of one request; without a raw token in the session no
    form was rendered, and none is made here (that would start a session for nothing).
    """
    if current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") not in session:
        return None
    return generate_csrf()


def init_page_cache(app: Flask) -> None:
    app.extensions["page_cache"] = PageCache()


def _cacheable(url: str) -> bool:
    return (request.method == "GET" and not logged_in()
            and "_flashes" not in session and len(url) <= LONGEST_URL)


def this_page() -> str:
    """The address of this page to come back to: a placeholder while a page is being kept for
    every address that differs only in ignored arguments."""
    if g.get("page_being_kept"):
        return current_app.extensions["page_cache"].path_placeholder
    return request.full_path.rstrip("?")


def _fill_in(pages: PageCache, page: bytes, address: bool) -> bytes:
    if pages.token_placeholder in page:
        page = page.replace(pages.token_placeholder, generate_csrf().encode())
    if address:  # only a page kept for several addresses holds the placeholder
        page = page.replace(pages.path_placeholder.encode(),
                            str(escape(request.full_path.rstrip("?"))).encode())
    return page


def anonymous_page(vary: Callable[[], Hashable], ignore_args: Collection[str] = ()):
    """Serve the decorated view's rendered page from the cache to anonymous visitors.

    ``vary`` returns what else, beyond the URL and the language, the page depends on;
    ``ignore_args`` are query arguments the page never shows (they stay out of the key).
    """
    ignored = frozenset(ignore_args)

    def decorate(view):
        @wraps(view)
        def cached_view(*args, **kwargs):
            url = request.full_path
            if not _cacheable(url):
                return view(*args, **kwargs)
            if ignored:
                url = (request.path, tuple((k, v) for k, v in request.args.items(multi=True)
                                           if k not in ignored))
            pages: PageCache = current_app.extensions["page_cache"]
            key = (request.endpoint, url, current_language(), vary())
            page = pages.get(key)
            if page is not None:
                return _fill_in(pages, page, bool(ignored))
            g.page_being_kept = bool(ignored)
            try:
                page = view(*args, **kwargs)
            finally:
                g.page_being_kept = False
            if not isinstance(page, str):
                return page
            token = _rendered_token()
            kept = page.replace(token, pages.placeholder_text) if token else page
            pages.put(key, kept.encode())  # kept encoded, as it is sent
            return _fill_in(pages, kept.encode(), bool(ignored))
        return cached_view
    return decorate
