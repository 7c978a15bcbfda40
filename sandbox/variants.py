"""Behaviour variants of the sandbox, for the points the Broker-API docs leave open."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

KINDS = ("crm-api", "broker-api")
DEFAULT_KIND = "crm-api"


def check_kind(kind: str) -> str:
    """Return `kind` if it is an API kind the sandbox can play, else raise ValueError."""
    if kind not in KINDS:
        raise ValueError(f"Unknown sandbox kind '{kind}', expected one of {', '.join(KINDS)}")
    return kind


CHOICES = {
    "empty_strings": ("accept", "reject"),
    "patch_nested": ("merge", "replace"),
    "not_found": ("404", "empty200"),
    "email_lookup": ("insensitive", "exact"),
    "one_time_token_shape": ("token", "oneTimeToken", "text", "unreadable"),
    "password_rule": ("v2", "none"),
    "auth_scheme": ("any", "bearer", "raw"),
    "page_size_over_max": ("clamp", "reject"),
    "change_password_answer": ("204", "200text", "200json"),
    "offers_envelope": ("object", "list"),
}
INT_CHOICES = {
    "email_not_found_status": (404, 400, 422, 200),
}


@dataclass
class Variants:
    """Mutable switches that select one plausible server behaviour per open question."""

    duplicate_email_status: int = 422
    retry_after: bool = True
    empty_strings: str = "reject"
    patch_nested: str = "merge"
    not_found: str = "404"
    email_lookup: str = "insensitive"
    one_time_token_shape: str = "token"
    one_time_token_forbidden: bool = False
    one_time_token_status: int = 0
    max_page_size: int | None = 1000
    page_size_over_max: str = "clamp"
    password_rule: str = "v2"
    rate_limit_per_minute: int = 500
    hang_seconds: float = 5.0
    auth_scheme: str = "any"
    email_not_found_status: int = 404
    change_password_answer: str = "204"
    loose_json: bool = False
    offers_envelope: str = "object"
    roles_forbidden: bool = False
    branches_forbidden: bool = False

    def update(self, values: dict) -> None:
        """Set fields from a mapping of name to value, converting strings and validating."""
        fields = {f.name: f for f in dataclasses.fields(self)}
        converted = {}
        for name, raw in values.items():
            if name not in fields:
                raise ValueError(f"Unknown variant '{name}'")
            converted[name] = _convert(name, getattr(self, name), raw)
        for name, value in converted.items():
            setattr(self, name, value)

    def as_dict(self) -> dict:
        """Return the current values as a plain dict."""
        return dataclasses.asdict(self)


def _convert(name: str, current, raw):
    """Convert one raw value (possibly a string from the environment) for field `name`."""
    if name == "max_page_size":
        if raw is None or (isinstance(raw, str) and raw.strip().lower() in ("", "none", "null")):
            return None
        value = _to_int(name, raw)
        if value < 1:
            raise ValueError("Variant 'max_page_size' must be a positive integer or none")
        return value
    if isinstance(current, bool):
        return _to_bool(name, raw)
    if isinstance(current, int):
        value = _to_int(name, raw)
        if name in INT_CHOICES and value not in INT_CHOICES[name]:
            allowed = ", ".join(str(choice) for choice in INT_CHOICES[name])
            raise ValueError(f"Variant '{name}' must be one of {allowed}")
        if name == "one_time_token_status" and value != 0 and not 400 <= value <= 599:
            raise ValueError("Variant 'one_time_token_status' must be 0 or a 4xx or 5xx code")
        return value
    if isinstance(current, float):
        try:
            return float(raw)
        except (TypeError, ValueError):
            raise ValueError(f"Variant '{name}' needs a number") from None
    value = str(raw)
    if name in CHOICES and value not in CHOICES[name]:
        raise ValueError(f"Variant '{name}' must be one of {', '.join(CHOICES[name])}")
    return value


def _to_int(name: str, raw) -> int:
    """Convert to int, rejecting booleans and junk."""
    if isinstance(raw, bool):
        raise ValueError(f"Variant '{name}' needs an integer")
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValueError(f"Variant '{name}' needs an integer") from None


def _to_bool(name: str, raw) -> bool:
    """Convert to bool from a bool or a common string spelling."""
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"Variant '{name}' needs true or false")


def parse_variants(text: str) -> dict:
    """Parse "name=value,name=value" (commas or semicolons) into a dict of raw strings."""
    result = {}
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise ValueError(f"Bad variant setting '{part}', expected name=value")
        name, value = part.split("=", 1)
        result[name.strip()] = value.strip()
    return result
