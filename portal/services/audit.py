"""Audit trail of security-relevant events."""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..extensions import db
from ..models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Where a request came from; views build it, services record it."""

    ip: str | None = None
    user_agent: str | None = None


def record(kind: str, actor: Actor, *, user=None, email: str | None = None, **detail) -> None:
    """Add an audit event to the current transaction (committed with the work it describes)."""
    db.session.add(AuditEvent(
        kind=kind,
        user_id=getattr(user, "id", None),
        email=email or getattr(user, "email", None),
        ip=(actor.ip or "")[:64] or None,
        user_agent=(actor.user_agent or "")[:300] or None,
        detail=json.dumps(detail) if detail else None,
    ))
