"""Development only: the mails written to the local mail folder, with clickable links."""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, render_template, url_for

from ..services import mail

bp = Blueprint("devmail", __name__, url_prefix="/dev")

URL = re.compile(r"https?://[^\s<>\"']+")


def enabled() -> bool:
    """Only in development and only while mail goes to the folder."""
    return current_app.config.get("PORTAL_ENV") == "development" and mail.uses_folder()


def split_links(text: str) -> list[tuple[str, bool]]:
    """``text`` as pieces, each flagged True when it is a link."""
    pieces, start = [], 0
    for match in URL.finditer(text):
        url = match.group(0).rstrip(".,;:)")
        end = match.start() + len(url)
        pieces += [(text[start:match.start()], False), (url, True)]
        start = end
    pieces.append((text[start:], False))
    return [p for p in pieces if p[0]]


@bp.before_request
def only_in_development():
    if not enabled():
        abort(404)


@bp.get("/mail")
def inbox():
    messages = mail.FolderMailer(mail.folder()).messages()
    lines = {m.name: [split_links(line) for line in m.text.splitlines()] for m in messages}
    return render_template("devmail/index.html", messages=messages, lines=lines,
                           folder=mail.folder())


def dev_mail_url() -> str | None:
    """Where pages that say "we sent you a mail" point while mail stays local; else None."""
    return url_for("devmail.inbox") if enabled() else None


@bp.app_context_processor
def dev_mail_link():
    return {"dev_mail_url": dev_mail_url}
