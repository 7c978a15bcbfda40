"""Delivery over SMTP, with STARTTLS, implicit TLS or (for local test servers) neither."""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from .base import MailError

DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


@dataclass(frozen=True)
class SMTPMailer:
    """Sends each message over a fresh SMTP connection."""

    host: str
    port: int
    security: str = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0

    @classmethod
    def from_url(cls, url: str, security: str = "starttls", timeout: float = 10.0) -> "SMTPMailer":
        """Build from ``smtp://user:pass@host:port`` (``smtps://`` means implicit TLS)."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise MailError("SMTP_URL is not a valid URL") from exc
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise MailError("SMTP_URL must look like smtp://user:password@host:port")
        security = "ssl" if parts.scheme == "smtps" else security
        if security not in DEFAULT_PORTS:
            raise MailError("SMTP_SECURITY must be one of starttls, ssl, none")
        return cls(
            host=parts.hostname,
            port=port or DEFAULT_PORTS[security],
            security=security,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            timeout=timeout,
        )

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as smtp:
                if self.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            raise MailError(f"SMTP {self.host}:{self.port} failed: {type(exc).__name__}") from None

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl.create_default_context())
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)
