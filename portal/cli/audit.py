"""``flask audit tail``: the latest security events, newest last."""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from ..extensions import db
from ..models import AuditEvent

audit_cli = AppGroup("audit", help="Read the audit log.")


@audit_cli.command("tail")
@click.option("-n", "count", default=20, show_default=True, help="How many events to show.")
@click.option("--kind", default=None, help="Only events of this kind (e.g. login_failed).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def tail(count: int, kind: str | None, as_json: bool) -> None:
    """Print the latest audit events."""
    query = db.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(count)
    if kind:
        query = query.filter(AuditEvent.kind == kind)
    for event in reversed(db.session.scalars(query).all()):
        row = {"at": event.at.isoformat(), "kind": event.kind, "user": event.user_id,
               "email": event.email, "ip": event.ip, "userAgent": event.user_agent,
               "detail": json.loads(event.detail) if event.detail else None}
        if as_json:
            click.echo(json.dumps(row))
        else:
            click.echo(f"{row['at']}  {event.kind:<20} user={event.user_id or '-'} "
                       f"email={event.email or '-'} ip={event.ip or '-'}")
