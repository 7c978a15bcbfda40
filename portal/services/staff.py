"""Staff accounts (the broker's marketing people), their logins, and what their pages show:
the funnel as chart bars, and a campaign link as a QR code."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import segno
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import PortalUser, StaffUser
from . import audit, funnel, passwords


class StaffError(Exception):
    """A staff command that cannot be carried out; the message says why."""


def add(email: str, password: str) -> StaffUser:
    """Create an active staff account; the password follows the traders' rule."""
    email = PortalUser.normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise StaffError(f"{email!r} is not an email address")
    found = passwords.problems(password)
    if found:
        raise StaffError(" ".join(str(p) for p in found))
    staff = StaffUser(email=email, password_hash=passwords.hash_password(password), active=True,
                      session_version=1)
    db.session.add(staff)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise StaffError(f"staff account {email} already exists") from None
    return staff


def every() -> list[StaffUser]:
    """Every staff account, by email."""
    return db.session.scalars(db.select(StaffUser).order_by(StaffUser.email)).all()


def disable(email: str) -> StaffUser:
    """Stop an account logging in, and end the sessions it already has."""
    email = PortalUser.normalize_email(email)
    staff = db.session.scalar(db.select(StaffUser).filter_by(email=email))
    if staff is None:
        raise StaffError(f"no staff account {email!r}")
    staff.active = False
    staff.session_version += 1
    db.session.commit()
    return staff


def log_in(email: str, password: str, actor: audit.Actor) -> StaffUser | None:
    """The active account with this email and password, or None; either way audited."""
    email = PortalUser.normalize_email(email)
    staff = db.session.scalar(db.select(StaffUser).filter_by(email=email))
    if passwords.verify_and_upgrade(staff if staff is not None and staff.active else None,
                                    password):
        audit.record("staff_login", actor, email=email)
        db.session.commit()
        return staff
    audit.record("staff_login_failed", actor, email=email)
    db.session.commit()
    return None


def session_id(staff: StaffUser) -> str:
    """What a staff session holds: the account and the session version it was issued under."""
    return f"{staff.id}:{staff.session_version}"


def of_session(value: str | None) -> StaffUser | None:
    """The account a staff session names, while it is active and the session is current."""
    staff_id, _sep, version = (value or "").partition(":")
    if not staff_id.isdigit() or not version.isdigit():
        return None
    staff = db.session.get(StaffUser, int(staff_id))
    if staff is None or not staff.active or staff.session_version != int(version):
        return None
    return staff


def logged_out(staff: StaffUser, actor: audit.Actor) -> None:
    audit.record("staff_logout", actor, email=staff.email)
    db.session.commit()


def exported(staff: StaffUser, actor: audit.Actor, **filters) -> None:
    audit.record("funnel_exported", actor, email=staff.email, **filters)
    db.session.commit()


@dataclass(frozen=True)
class Period:
    """Whole UTC days, ``first`` to ``last`` included."""

    first: date
    last: date

    @classmethod
    def recent(cls, today: date, days: int = 30) -> Period:
        return cls(today - timedelta(days=days - 1), today)

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, time(), timezone.utc)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), timezone.utc)


def funnel_rows(period: Period, touch: str) -> list[funnel.FunnelRow]:
    return funnel.funnel(since=period.since, until=period.until, touch=touch)


STEPS = ("landings", "signups", "first_account", "first_live")


@dataclass(frozen=True)
class Bar:
    step: str
    count: int
    width: float  # share of the widest bar, 0-100


def bars(rows: list[funnel.FunnelRow]) -> list[Bar]:
    """The funnel's steps summed over ``rows``, each with its length relative to the largest."""
    summed = funnel.total(rows)
    counts = [getattr(summed, step) for step in STEPS]
    top = max(counts) or 1
    return [Bar(step, count, round(100 * count / top, 1)) for step, count in
            zip(STEPS, counts, strict=True)]


def qr_svg(url: str, title: str) -> str:
    """A QR code for ``url`` as a standalone SVG document, with no style attribute."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, border=4, title=title,
                                    dark="#000", light="#fff")
    return out.getvalue().decode("utf-8")
