"""Stand-ins for the broker's web pages the portal links to: the trading platform and deposits.

They let `make run` and browser tests follow "Start trading" and "Deposit" to a page that says
what happened. Browsers carry no API token, so these routes are public.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from flask import Flask, current_app, request

PUBLIC_ENDPOINTS = {"platform_page", "deposit_page"}

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{body}</p></body></html>"""


def platform_page():
    """GET /platform/?auth=TOKEN: spend a one-time token and say whom it logged in."""
    store = current_app.extensions["sandbox"].store
    token = request.args.get("auth", "")
    with store.lock:
        record = store.data["tokens"].pop(token, None) if token else None
        if record is not None:
            store.save()
    expired = record is not None and datetime.fromisoformat(record["expires"]) < store.now()
    if record is None or expired:
        body = ("Log in with your email and password." if not token
                else "This login link is invalid or expired.")
        return PAGE.format(title="Platform login", body=body), 401 if token else 200
    return PAGE.format(title="Platform (sandbox)", body=f"Logged in as {escape(record['email'])}")


def deposit_page():
    """GET /deposit: where live accounts are funded."""
    return PAGE.format(title="Deposit (sandbox)", body="Deposits are not available in the sandbox.")


def register(app: Flask) -> None:
    """Add the public stand-in pages."""
    app.add_url_rule("/platform/", endpoint="platform_page", view_func=platform_page)
    app.add_url_rule("/deposit", endpoint="deposit_page", view_func=deposit_page)
