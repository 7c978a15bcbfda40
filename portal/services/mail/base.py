"""The mail interface every transport implements."""
from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol


class MailError(Exception):
    """A message could not be handed over; the text names the transport, never a secret."""


class Mailer(Protocol):
    """Something that delivers a finished message or raises MailError."""

    def send(self, message: EmailMessage) -> None:
        """Deliver ``message``."""
