"""The trader's Account details: read them; save edits by read-modify-write of nested objects."""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from ..brokerapi import Account, Rejected
from ..extensions import broker, db
from ..models import PortalUser
from . import audit

# Form field -> (nested object, key) in the Broker-API Account.
FIELDS = {
    "first_name": ("personalDetails", "firstname"),
    "last_name": ("personalDetails", "lastname"),
    "date_of_birth": ("personalDetails", "dateOfBirth"),
    "phone": ("contactDetails", "phoneNumber"),
    "country": ("addressDetails", "country"),
    "street": ("addressDetails", "address"),
    "city": ("addressDetails", "city"),
    "post_code": ("addressDetails", "postCode"),
    "state": ("addressDetails", "state"),
}
LOCKED_WHEN_VERIFIED = ("first_name", "last_name", "date_of_birth")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_ATTRIBUTES = {
    "personalDetails": "personal_details",
    "contactDetails": "contact_details",
    "addressDetails": "address_details",
}


class ProfileError(Exception):
    """Base for save outcomes the page explains."""


class DetailsLocked(ProfileError):
    """A verified Account's names or date of birth may not change; nothing was sent."""

    def __init__(self, fields: list[str]):
        super().__init__(", ".join(fields))
        self.fields = fields


class ProfileRejected(ProfileError):
    """Broker-API refused the new details; ``detail`` is its text."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class Saved:
    """The Account after saving, which fields changed, and emptied fields the broker kept."""

    account: Account
    changed: tuple[str, ...]
    kept: tuple[str, ...]


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _field_text(name: str, value) -> str:
    text = _text(value)
    if name == "date_of_birth" and ISO_DATE.match(text):
        return text[:10]  # a timestamp-shaped date of birth compares by its date
    return text


def account_of(user: PortalUser) -> Account:
    """The trader's Account as Broker-API holds it now."""
    return broker.client.account_by_uuid(user.account_uuid)


def refresh_names(user: PortalUser, account: Account) -> None:
    """Align the portal's copy of the names with the broker's (the back office edits them too)."""
    first = account.first_name[:100] or user.first_name
    last = account.last_name[:100] or user.last_name
    if (first, last) != (user.first_name, user.last_name):
        user.first_name, user.last_name = first, last
        db.session.commit()


def current_values(account: Account) -> dict[str, str]:
    """The editable fields of ``account`` as text ("" when the broker holds nothing)."""
    return {name: _field_text(name, getattr(account, _ATTRIBUTES[obj]).get(key))
            for name, (obj, key) in FIELDS.items()}


def save_profile(user: PortalUser, wanted: dict[str, str], actor: audit.Actor,
                 account: Account | None = None) -> Saved:
    """Send only the changed fields, each inside its whole nested object, so nothing else is lost.

    ``wanted`` maps field names to new text ("" empties a field); a field left out stays as it is.
    ``account`` is the Account read in this same request, or None to read it now.
    """
    account = account or account_of(user)
    before = current_values(account)
    changed = {name: _text(value) for name, value in wanted.items()
               if name in FIELDS and _text(value) != before[name]}
    locked = [name for name in LOCKED_WHEN_VERIFIED if name in changed]
    if account.verified and locked:
        raise DetailsLocked(locked)
    if not changed:
        return Saved(account, (), ())
    body: dict[str, dict] = {}
    for name, value in changed.items():
        obj, key = FIELDS[name]
        # The whole object as the broker holds it, with only our keys changed: a PATCH that
        # replaces nested objects then keeps every back-office field, and a merging one too.
        nested = body.setdefault(obj, copy.deepcopy(getattr(account, _ATTRIBUTES[obj])))
        nested[key] = value or None  # the client prunes None: an empty value is never sent as ""
    try:
        updated = broker.client.update_account(user.account_uuid, body)
    except Rejected as exc:
        raise ProfileRejected(exc.detail) from exc
    if not updated.uuid:  # an empty PATCH answer: read the Account back
        updated = account_of(user)
    after = current_values(updated)
    kept = tuple(name for name, value in changed.items() if not value and after[name])
    audit.record("profile_updated", actor, user=user, fields=sorted(changed))
    refresh_names(user, updated)
    db.session.commit()
    return Saved(updated, tuple(sorted(changed)), kept)
