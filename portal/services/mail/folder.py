"""Delivery into a folder, one .eml file per message, for development without an SMTP server."""
from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from .base import MailError

NAME = re.compile(r"^\d{20}-[0-9a-f]{12}\.eml$")


@dataclass(frozen=True)
class StoredMail:
    """One delivered message as the development mail page shows it."""

    name: str
    subject: str
    to: str
    sent_at: datetime | None
    text: str


class FolderMailer:
    """Writes each message to ``folder`` as ``<nanoseconds>-<random>.eml`` (sortable by time)."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)

    def send(self, message: EmailMessage) -> None:
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:12]}.eml"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = self.folder / f".{name}.part"
            partial.write_bytes(message.as_bytes())
            partial.replace(self.folder / name)  # readers never see half a message
        except OSError as exc:
            raise MailError(f"mail folder {self.folder}: {type(exc).__name__}") from None

    def messages(self, limit: int = 50) -> list[StoredMail]:
        """The newest ``limit`` messages, newest first."""
        if not self.folder.is_dir():
            return []
        names = sorted((p.name for p in self.folder.iterdir() if NAME.match(p.name)), reverse=True)
        return [self._read(name) for name in names[:limit]]

    def _read(self, name: str) -> StoredMail:
        with open(self.folder / name, "rb") as handle:
            message = BytesParser(policy=policy.default).parse(handle)
        body = message.get_body(preferencelist=("plain",))
        try:
            sent_at = parsedate_to_datetime(message["Date"]) if message["Date"] else None
        except (TypeError, ValueError):
            sent_at = None
        return StoredMail(
            name=name,
            subject=str(message["Subject"] or ""),
            to=str(message["To"] or ""),
            sent_at=sent_at,
            text=body.get_content() if body is not None else "",
        )
