"""Outgoing mail: one Mailer interface, an SMTP and a folder transport chosen from config."""
from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

from ...config import DEVELOPMENT_URL

from .base import MailError, Mailer
from .folder import FolderMailer, StoredMail
from .smtp import SMTPMailer

__all__ = ["FolderMailer", "MailError", "Mailer", "SMTPMailer", "StoredMail", "compose", "folder",
           "mailer", "send", "send_quietly", "uses_folder"]

log = logging.getLogger("portal.mail")


def uses_folder() -> bool:
    """True when no SMTP server is configured and mail goes to the local folder."""
    return not current_app.config.get("SMTP_URL")


def folder() -> Path:
    """Where the folder transport writes: MAIL_FOLDER, else ``{instance}/mail``."""
    return Path(current_app.config.get("MAIL_FOLDER") or Path(current_app.instance_path) / "mail")


def mailer() -> Mailer:
    """The transport the configuration asks for."""
    config = current_app.config
    if config.get("SMTP_URL"):
        return SMTPMailer.from_url(config["SMTP_URL"], config.get("SMTP_SECURITY", "starttls"),
                                   config.get("SMTP_TIMEOUT", 10.0))
    return FolderMailer(folder())


def _locale(language: str | None) -> str:
    config = current_app.config
    return language if language in config["LANGUAGES"] else config["DEFAULT_LANGUAGE"]


def _logo(config) -> str | None:
    """The brand's logo as a mail client can load it: a path on the portal made absolute."""
    logo = config.get("BRAND_LOGO_URL")
    if logo and logo.startswith("/"):
        return (config.get("PORTAL_URL") or DEVELOPMENT_URL) + logo
    return logo


def compose(to: str, template: str, subject, language: str | None = None,
            **context) -> EmailMessage:
    """Render ``mail/<template>.txt`` and ``.html`` in the trader's language into one message."""
    config = current_app.config
    with force_locale(_locale(language)):
        subject_text = str(subject)
        text = render_template(f"mail/{template}.txt", subject=subject_text, **context)
        html = render_template(f"mail/{template}.html", subject=subject_text,
                               mail_logo=_logo(config), **context)
    message = EmailMessage()
    message["Subject"] = subject_text
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    if config.get("MAIL_REPLY_TO"):
        message["Reply-To"] = config["MAIL_REPLY_TO"]
    message["Date"] = formatdate(localtime=False)
    domain = parseaddr(config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send(to: str, template: str, subject, language: str | None = None, **context) -> None:
    """Compose and deliver one mail; raise MailError when it cannot be handed over."""
    mailer().send(compose(to, template, subject, language, **context))


def send_quietly(to: str, template: str, subject, language: str | None = None, **context) -> bool:
    """Like ``send``, but a failure is logged (without addresses or secrets) and returns False."""
    try:
        send(to, template, subject, language, **context)
    except MailError as exc:
        log.warning("mail %r not sent: %s", template, exc)
        return False
    return True
