"""A real SMTP server (aiosmtpd) on a free local port, and the portal wired to it."""
from __future__ import annotations

import logging
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from e2e.servers import free_port  # noqa: F401  (tests import it from here)
from tests.support import make_app


class Inbox:
    """An aiosmtpd handler that keeps every message it receives, parsed."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.url = ""

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(BytesParser(policy=policy.default).parsebytes(envelope.content))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def last(self, address: str) -> EmailMessage:
        found = self.to(address)
        assert found, f"no mail to {address}; got {[m['To'] for m in self.messages]}"
        return found[-1]


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def link(message: EmailMessage, path_prefix: str) -> str:
    """The path (for the test client) of the first link in the text part under ``path_prefix``."""
    for url in re.findall(r"https?://\S+", text_of(message)):
        if urlsplit(url).path.startswith(path_prefix):
            return urlsplit(url).path
    raise AssertionError(f"no {path_prefix} link in:\n{text_of(message)}")


def tampered(path: str) -> str:
    """``path`` with its signature changed for certain: the first character after the last dot
    carries six signature bits (the last one may carry padding bits a decoder ignores)."""
    head, _, signature = path.rpartition(".")
    return f"{head}.{'B' if signature.startswith('A') else 'A'}{signature[1:]}"


@pytest.fixture(scope="session")
def smtp_server():
    """One aiosmtpd server for the session; tests read it through ``inbox``."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.url = f"smtp://127.0.0.1:{port}"
    yield handler
    controller.stop()


@pytest.fixture
def inbox(smtp_server):
    smtp_server.messages.clear()
    smtp_server.envelopes.clear()
    return smtp_server


@pytest.fixture
def app(sb, tmp_path, inbox):
    """The portal sending its mail to the local SMTP server."""
    app = make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}", SMTP_URL=inbox.url,
                   SMTP_SECURITY="none", MAIL_FROM="Trader portal <no-reply@broker.example>",
                   MAIL_REPLY_TO="support@broker.example")
    yield app
    app.extensions["broker"].close()


@pytest.fixture
def mail_log(caplog, monkeypatch):
    """Records of the portal.mail logger (Alembic's fileConfig in migration tests disables it)."""
    monkeypatch.setattr(logging.getLogger("portal.mail"), "disabled", False)
    caplog.set_level(logging.INFO, logger="portal.mail")
    return caplog
