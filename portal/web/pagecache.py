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

import json
import secrets
import threading
import time
from collections import OrderedDict
from functools import lru_cache, wraps
from typing import Callable, Hashable

from flask import Flask, current_app, g, request, session
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode

from ..cache import BoundedMap
from ..i18n import current_language
from .session import logged_in

PAGES_KEPT = 32  # a few pages times two languages and the common marketing links
TOKEN_REUSE = 60  # seconds a session's signed CSRF token is handed out again
TOKENS_KEPT = 1024  # sessions whose signed token is kept
LONGEST_URL = 512  # longer URLs are rendered afresh rather than filling the cache


class PageCache:
    """A small least-recently-used map of rendered pages, safe across threads."""

    def __init__(self, size: int = PAGES_KEPT):
        self.size = size
        self.placeholder_text = f"csrf-{secrets.token_hex(16)}"
        self.token_placeholder = self.placeholder_text.encode()
        self._pages: OrderedDict[Hashable, bytes] = OrderedDict()
        self._tokens = BoundedMap(TOKENS_KEPT)  # (signer, raw) -> (signed at, token)
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

    def signed_token(self, raw: str, signer: TimestampSigner) -> str:
        """``raw`` signed as Flask-WTF signs it, reusing a signature under a minute old."""
        now = time.time()
        hit = self._tokens.get((signer, raw))
        if hit is not None and now - hit[0] < TOKEN_REUSE:
            return hit[1]
        token = signer.sign(base64_encode(json.dumps(raw))).decode()
        self._tokens.put((signer, raw), (now, token))
        return token

    def __len__(self) -> int:
        return len(self._pages)


@lru_cache(maxsize=4)
def _token_signer(secret_key: str | bytes) -> TimestampSigner:
    """The signer Flask-WTF's token serializer makes on every call, made once."""
    return URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token").make_signer()


def csrf_token() -> str:
    """This request's CSRF token, as ``flask_wtf.csrf.generate_csrf`` makes it and checks it.

    Signing it was the dearest step of serving a cached page, so it costs less here: the signer
    is made once, the payload is not offered to zlib first (zlib never shortens a 42-byte JSON
    string), and a session's token signed under a minute ago is handed out again (a token's
    signing time only matters under WTF_CSRF_TIME_LIMIT, which is off: the session bounds it).
    Forms rendered later in the request reuse the token from ``g``.
    """
    field = _csrf_field()
    if field not in g:
        raw = session.get(field)
        if not isinstance(raw, str):
            raw = session[field] = secrets.token_hex(20)  # as random as Flask-WTF's own
        secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
        pages: PageCache = current_app.extensions["page_cache"]
        setattr(g, field, pages.signed_token(raw, _token_signer(secret)))
    return g.get(field)


def _csrf_field() -> str:
    """Where Flask-WTF keeps the token, in the session and in ``g``."""
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def init_page_cache(app: Flask) -> None:
    app.extensions["page_cache"] = PageCache()


def _raw_url() -> str:
    """The path and query as the browser sent them (cheaper than ``request.full_path``)."""
    environ = request.environ
    return f"{environ.get('PATH_INFO', '')}?{environ.get('QUERY_STRING', '')}"


def _cacheable(url: str) -> bool:
    return (request.method == "GET" and not logged_in()
            and "_flashes" not in session and len(url) <= LONGEST_URL)


def anonymous_page(vary: Callable[[], Hashable]):
    """Serve the decorated view's rendered page from the cache to anonymous visitors.

    ``vary`` returns what else, beyond the URL and the language, the page depends on.
    """
    def decorate(view):
        @wraps(view)
        def cached_view(*args, **kwargs):
            url = _raw_url()
            if not _cacheable(url):
                return view(*args, **kwargs)
            pages: PageCache = current_app.extensions["page_cache"]
            key = (request.endpoint, url, current_language(), vary())
            page = pages.get(key)
            if page is not None:
                if pages.token_placeholder in page:
                    page = page.replace(pages.token_placeholder, csrf_token().encode())
                return page
            page = view(*args, **kwargs)
            if isinstance(page, str):
                token = g.get(_csrf_field())
                kept = page.replace(token, pages.placeholder_text) if token else page
                pages.put(key, kept.encode())  # kept encoded, as it is sent
            return page
        return cached_view
    return decorate
