"""Account records: building from create requests, patching, rendering and searching."""

from __future__ import annotations

import copy

from .web import ApiError

VERIFICATION_STATUSES = ("NEW", "REJECTED", "VERIFIED", "BLOCKED", "PENDING_VERIFICATION",
                         "UNVERIFIED")
CLIENT_TYPES = ("RETAIL", "PROFESSIONAL", "EXPERIENCED")

TEMPLATES = {
    "personalDetails": {
        "firstname": None, "lastname": None, "dateOfBirth": None, "citizenship": None,
        "language": None, "maritalStatus": None,
        "passport": {"number": None, "country": None}, "taxIdentificationNumber": None,
    },
    "contactDetails": {
        "phoneNumber": None, "faxNumber": None,
        "toContact": {"toContactDate": None, "alreadyContacted": False},
    },
    "accountConfiguration": {
        "partnerId": None, "branchUuid": None, "roleUuid": None, "accountManager": None,
        "ibParentTradingAccountUuid": None,
        "crmUserScope": {"branchScope": [], "managerPools": []}, "accountTypeContact": False,
    },
    "addressDetails": {"country": None, "state": None, "city": None, "postCode": None,
                       "address": None},
    "bankingDetails": {"bankAddress": None, "bankSwiftCode": None, "bankAccount": None,
                       "bankName": None, "accountName": None},
    "leadDetails": {"statusUuid": None, "source": None, "providerUuid": None,
                    "becomeActiveClientTime": None},
}
NESTED = tuple(TEMPLATES)


def deep_merge(base: dict, extra: dict) -> dict:
    """Return a copy of `base` with `extra` merged in; nested dicts merge key by key."""
    result = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def _incoming(name: str, value) -> dict:
    """Translate one nested request object into the stored (response) key layout."""
    if not isinstance(value, dict):
        raise ApiError(400, f"Field '{name}' must be an object")
    value = dict(value)
    if name == "accountConfiguration":
        value.pop("partnerId", None)
        if "accountManagerUuid" in value:
            manager = value.pop("accountManagerUuid")
            value["accountManager"] = (None if manager is None
                                       else {"uuid": manager, "email": None, "name": None})
    if name == "leadDetails" and "leadStatusUuid" in value:
        value["statusUuid"] = value.pop("leadStatusUuid")
    return value


def _check_enum(body: dict, key: str, allowed: tuple) -> None:
    """Reject an enum field whose value is not allowed."""
    if key in body and body[key] not in allowed:
        raise ApiError(400, f"Field '{key}' must be one of {', '.join(allowed)}")


def check_password(password, rule: str) -> None:
    """Apply the password rule: "v2" needs 8+ chars with upper, lower and digit."""
    if not isinstance(password, str) or not password:
        raise ApiError(400, "Field 'password' is required")
    if rule != "v2":
        return
    if (len(password) < 8 or not any(c.isupper() for c in password)
            or not any(c.islower() for c in password) or not any(c.isdigit() for c in password)):
        raise ApiError(400, "Password must have at least 8 characters, including one uppercase "
                            "letter, one lowercase letter and one number")


def validate_create(body: dict, password_rule: str) -> None:
    """Check required fields and enums of a create-account request."""
    email = body.get("email")
    if not isinstance(email, str) or not email.strip():
        raise ApiError(400, "Field 'email' is required")
    if "@" not in email:
        raise ApiError(400, "Field 'email' must be a valid email address")
    personal = body.get("personalDetails")
    if not isinstance(personal, dict):
        raise ApiError(400, "Field 'personalDetails' is required")
    for key in ("firstname", "lastname"):
        value = personal.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ApiError(400, f"Field 'personalDetails.{key}' is required")
    _check_enum(body, "clientType", CLIENT_TYPES)
    check_password(body.get("password"), password_rule)


def build_account(body: dict, uuid: str, now: str) -> dict:
    """Build a stored account record from a validated create request."""
    record = {
        "uuid": uuid, "created": now, "updated": now, "email": body["email"],
        "verificationStatus": "NEW", "type": body.get("clientType") or "RETAIL",
    }
    for name in NESTED:
        sent = body.get(name)
        extra = _incoming(name, sent) if sent is not None else {}
        record[name] = deep_merge(TEMPLATES[name], extra)
    record["_password"] = body["password"]
    return record


def apply_patch(record: dict, body: dict, mode: str, now: str) -> None:
    """Apply a PATCH body to a stored record; `mode` is "merge" or "replace"."""
    _check_enum(body, "verificationStatus", VERIFICATION_STATUSES)
    _check_enum(body, "clientType", CLIENT_TYPES)
    changes = {name: _incoming(name, body[name]) for name in NESTED
               if body.get(name) is not None}
    if "verificationStatus" in body:
        record["verificationStatus"] = body["verificationStatus"]
    if "clientType" in body:
        record["type"] = body["clientType"]
    if isinstance(body.get("email"), str) and body["email"].strip():
        record["email"] = body["email"]
    for name, partial in changes.items():
        if mode == "replace":
            record[name] = deep_merge(TEMPLATES[name], partial)
        else:
            record[name].update(copy.deepcopy(partial))
    record["updated"] = now


def render_account(record: dict) -> dict:
    """Return the public JSON view of an account (private keys removed)."""
    return {k: copy.deepcopy(v) for k, v in record.items() if not k.startswith("_")}


def account_matches(record: dict, query: str) -> bool:
    """Case-insensitive substring search over email, names, phone and country."""
    needle = query.lower()
    values = (
        record.get("email"),
        record["personalDetails"].get("firstname"),
        record["personalDetails"].get("lastname"),
        record["contactDetails"].get("phoneNumber"),
        record["addressDetails"].get("country"),
    )
    return any(isinstance(v, str) and needle in v.lower() for v in values)
