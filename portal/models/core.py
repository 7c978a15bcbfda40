"""The portal's own data: portal users and their logins, pending Broker-API writes, audit events."""
from __future__ import annotations

import enum
import json
import random
from datetime import datetime, timedelta, timezone

from flask_login import UserMixin
from ..extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(db.TypeDecorator):
    """A timestamp stored naive in UTC and always read back timezone-aware (SQLite drops tzinfo)."""

    impl = db.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None else None


class PortalUser(UserMixin, db.Model):
    """A trader who can log in to the portal; linked to exactly one broker Account."""

    __tablename__ = "portal_users"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)  # always stored lower-case
    password_hash = db.Column(db.String(255), nullable=False)
    account_uuid = db.Column(db.String(64), nullable=False, unique=True)
    first_name = db.Column(db.String(100), nullable=False)
    last_name = db.Column(db.String(100), nullable=False)
    language = db.Column(db.String(8), nullable=True)
    terms_version = db.Column(db.String(32), nullable=False)
    terms_accepted_at = db.Column(UTCDateTime, nullable=False)
    terms_accepted_ip = db.Column(db.String(64), nullable=True)
    marketing_consent = db.Column(db.Boolean, nullable=False, default=False)
    session_version = db.Column(db.Integer, nullable=False, default=1)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    confirmed_at = db.Column(UTCDateTime, nullable=True)  # the portal's own email confirmation

    # The token of the login this instance was loaded or logged in for (see services.logins).
    login_token = ""

    def get_id(self) -> str:
        """The session id: the user, the session version (bumping it ends every other session)
        and the token of this login (deleting the login ends its session and remember-me)."""
        return f"{self.id}:{self.session_version}:{self.login_token}"

    @staticmethod
    def normalize_email(email: str) -> str:
        return (email or "").strip().lower()


class Login(db.Model):
    """One login on one device; its session and remember-me cookies name it by a random token.

    Cookies are signed, not stored, so a copy would otherwise outlive logging out: logging out
    deletes the row, and every copy of that browser's cookies stops working with it.
    """

    __tablename__ = "logins"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("portal_users.id", ondelete="CASCADE"),
                        nullable=False, index=True)
    token_hash = db.Column(db.String(64), nullable=False, unique=True)  # SHA-256 of the token
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class OperationState(str, enum.Enum):
    """recorded → sent → done | taken | pending | failed."""

    RECORDED = "recorded"
    SENT = "sent"
    DONE = "done"
    TAKEN = "taken"
    PENDING = "pending"
    FAILED = "failed"


FINAL_STATES = frozenset({OperationState.DONE, OperationState.TAKEN, OperationState.FAILED})


class _Operation:
    """Columns shared by every Broker-API write we record before sending."""

    id = db.Column(db.Integer, primary_key=True)
    state = db.Column(db.String(16), nullable=False, default=OperationState.RECORDED.value)
    offer_uuid = db.Column(db.String(64), nullable=True)
    account_uuid = db.Column(db.String(64), nullable=True)
    login = db.Column(db.String(64), nullable=True)
    error = db.Column(db.String(500), nullable=True)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(UTCDateTime, nullable=True, index=True)
    started_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # Columns a final state empties, whoever moves the row there.
    FORGOTTEN_WHEN_FINAL: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.state == OperationState.FAILED.value

    def move(self, state: OperationState, **changes) -> None:
        self.state = state.value
        if state in FINAL_STATES:
            changes.update(dict.fromkeys(self.FORGOTTEN_WHEN_FINAL))
        for key, value in changes.items():
            setattr(self, key, value)

    def park(self, error: str, base_seconds: float, budget_spent: bool = False) -> None:
        """Leave it ``pending`` for the worker.

        Work held back only by our own request budget is due at once, stamped with its start so
        the worker (which takes due rows by this time) sends it oldest first as slots free up;
        an outage is retried after a jittered exponential backoff, to spare a struggling broker.
        """
        if budget_spent:
            due = self.started_at or utcnow()
        else:
            delay = (min(300.0, base_seconds * 2 ** max(0, self.attempts - 1))
                     * random.uniform(0.8, 1.2))
            due = utcnow() + timedelta(seconds=delay)
        self.move(OperationState.PENDING, error=error[:500], next_attempt_at=due)


class SignupAttempt(_Operation, db.Model):
    """One press of "Create account": recorded before Broker-API is called."""

    __tablename__ = "signup_attempts"

    email = db.Column(db.String(254), nullable=False, index=True)
    first_name = db.Column(db.String(100), nullable=False)
    last_name = db.Column(db.String(100), nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("portal_users.id"), nullable=True)
    # Kept only until the Account exists at the broker: the argon2id copy for our login, the
    # password itself encrypted (vault.seal) for re-sending, and the rest of the request as JSON.
    password_hash = db.Column(db.String(255), nullable=True)
    secret = db.Column(db.Text, nullable=True)
    request_json = db.Column(db.Text, nullable=True)
    # When each create-account request of this attempt left for the broker (JSON list of
    # RFC 3339 times): an Account is this attempt's only if the broker created it during one.
    send_times = db.Column(db.Text, nullable=False, default="[]", server_default="[]")
    FORGOTTEN_WHEN_FINAL = ("secret", "password_hash")  # finished: the password is not kept

    def note_send(self, at: datetime) -> None:
        """Record that a create-account request is about to leave (before it is sent)."""
        self.send_times = json.dumps([*json.loads(self.send_times or "[]"), at.isoformat()])

    @property
    def sends(self) -> list[datetime]:
        return [datetime.fromisoformat(t) for t in json.loads(self.send_times or "[]")]


class TradingAccountRequest(_Operation, db.Model):
    """One request to open a trading account under a trader's Account."""

    __tablename__ = "trading_account_requests"

    user_id = db.Column(db.Integer, db.ForeignKey("portal_users.id"), nullable=False, index=True)
    idempotency_key = db.Column(db.String(64), nullable=False, unique=True)
    known_logins = db.Column(db.Text, nullable=False, default="[]")
    # False only while the broker provably never processed the request (refused connection, 429).
    maybe_sent = db.Column(db.Boolean, nullable=False, default=True)

    @property
    def logins_before(self) -> set[str]:
        return set(json.loads(self.known_logins or "[]"))


# What the accounts page needs of a trader's trading-account requests, loaded with the trader's
# row (the session check loads it on every page) instead of by a query of its own: when any of
# them last changed (a new one moves the cached list's key, so every process lists afresh) and
# how many still wait for the broker's approval (usually none: no further query).
_AWAITING = db.and_(TradingAccountRequest.state == OperationState.DONE.value,
                    TradingAccountRequest.login.is_(None))
PortalUser.requests_changed_at = db.column_property(
    db.select(db.func.max(TradingAccountRequest.updated_at))
    .where(TradingAccountRequest.user_id == PortalUser.id)
    .correlate_except(TradingAccountRequest).scalar_subquery())
PortalUser.requests_awaiting = db.column_property(
    db.select(db.func.count(TradingAccountRequest.id))
    .where(TradingAccountRequest.user_id == PortalUser.id, _AWAITING)
    .correlate_except(TradingAccountRequest).scalar_subquery())


class AuditEvent(db.Model):
    """Who did what, when, from where."""

    __tablename__ = "audit_events"

    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    kind = db.Column(db.String(40), nullable=False, index=True)
    user_id = db.Column(db.Integer, nullable=True)
    email = db.Column(db.String(254), nullable=True)
    ip = db.Column(db.String(64), nullable=True)
    user_agent = db.Column(db.String(300), nullable=True)
    detail = db.Column(db.Text, nullable=True)
