"""What the portal and Broker-API hold about a trader: a JSON export, and deletion requests."""
from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal

from ..extensions import broker, db
from ..models import AuditEvent, PortalUser, SignupAttempt, TradingAccountRequest, utcnow
from . import accounts, audit

DELETION_REQUESTED = "deletion_requested"
# Columns never exported, whatever table they are added to: credentials and their hashes.
SECRET_MARKERS = ("password", "secret", "token", "hash")
JSON_COLUMNS = ("detail", "known_logins")
# What anyone may cause by typing the trader's email, without the trader's password or session.
ANYONE_MAY_CAUSE = frozenset({"password_reset_requested", "claim_requested", "login_failed"})
ANOTHER_DEVICE = "a request from another device"


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj) -> dict:
    """Every non-secret column of a database row, JSON columns decoded."""
    result = {}
    for column in obj.__table__.columns:
        if any(marker in column.name.lower() for marker in SECRET_MARKERS):
            continue
        value = getattr(obj, column.key)
        if column.name in JSON_COLUMNS and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        result[column.name] = _plain(value)
    return result


def _portal_part(user: PortalUser) -> dict:
    def rows(model, *criteria):
        query = db.select(model).where(*criteria).order_by(model.id)
        return [_row(r) for r in db.session.scalars(query)]

    return {
        "user": _row(user),
        # Only the attempt that made this user: anyone may have typed this email before.
        "signup_attempts": rows(SignupAttempt, SignupAttempt.user_id == user.id),
        "trading_account_requests": rows(TradingAccountRequest,
                                         TradingAccountRequest.user_id == user.id),
        "audit_events": _events(rows(AuditEvent, AuditEvent.user_id == user.id)),
    }


def _events(events: list[dict]) -> list[dict]:
    """The trader's audit events; one that anyone may cause shows its address and browser only
    when the trader's own session was seen on that device, else "a request from another device"
    (it may have been someone else: their address is not the trader's to see)."""
    own = {(e["ip"], e["user_agent"]) for e in events if e["kind"] not in ANYONE_MAY_CAUSE}
    for event in events:
        if event["kind"] in ANYONE_MAY_CAUSE and (event["ip"], event["user_agent"]) not in own:
            event.update(ip=None, user_agent=None, device=ANOTHER_DEVICE)
    return events


def _trading_account(row: accounts.Row) -> dict:
    kind = None if row.demo is None else ("demo" if row.demo else "live")
    return {
        "login": row.login or None, "offer": row.offer_name or None,
        "offer_uuid": row.offer.uuid if row.offer else None, "type": kind,
        "currency": row.currency or None, "leverage": row.leverage,
        "balance": _plain(row.balance), "equity": _plain(row.equity), "status": row.status,
        "created": _plain(row.created),
    }


def export(user: PortalUser, actor: audit.Actor) -> dict:
    """Everything held about ``user``: the portal's rows (no password hash) and the broker's."""
    account = broker.client.account_by_uuid(user.account_uuid)
    trading = [_trading_account(r) for r in accounts.overview(user)]
    data = {
        "exported_at": utcnow().isoformat(),
        "portal": _portal_part(user),
        "broker": {
            "account": dataclasses.asdict(account),
            "trading_accounts": trading,
        },
    }
    audit.record("data_exported", actor, user=user)
    db.session.commit()
    return data


def to_json(data: dict) -> str:
    """The export as readable UTF-8 JSON."""
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True,
                      default=lambda value: str(_plain(value)))


def deletion_request(user: PortalUser) -> AuditEvent | None:
    """The trader's recorded deletion request, if there is one."""
    return db.session.scalar(
        db.select(AuditEvent).filter_by(kind=DELETION_REQUESTED, user_id=user.id)
        .order_by(AuditEvent.id).limit(1)
    )


def request_deletion(user: PortalUser, actor: audit.Actor) -> tuple[AuditEvent, bool]:
    """Record a deletion request for staff once; return it and whether it is new."""
    existing = deletion_request(user)
    if existing is not None:
        return existing, False
    audit.record(DELETION_REQUESTED, actor, user=user, account_uuid=user.account_uuid)
    db.session.commit()
    return deletion_request(user), True
