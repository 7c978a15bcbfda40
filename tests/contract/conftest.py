"""Fixtures for contract tests: documented JSON examples and a shape comparator."""

import json
import sys
from pathlib import Path

import httpx
import pytest

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import sandbox  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"


def _kind(value) -> str:
    """The JSON type name of a Python value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape_errors(documented, actual, path="$", allow_null=False) -> list[str]:
    """List where `actual` lacks a documented key or has an incompatible JSON type.

    A documented null accepts any type; `allow_null` lets actual nulls stand in for any type.
    Arrays: every actual element is checked against the first documented element.
    """
    if documented is None or (actual is None and allow_null):
        return []
    if _kind(actual) != _kind(documented):
        return [f"{path}: documented {_kind(documented)}, got {_kind(actual)}"]
    errors = []
    if isinstance(documented, dict):
        for key, value in documented.items():
            if key not in actual:
                errors.append(f"{path}.{key}: missing")
            else:
                errors += shape_errors(value, actual[key], f"{path}.{key}", allow_null)
    elif isinstance(documented, list) and documented:
        for index, item in enumerate(actual):
            errors += shape_errors(documented[0], item, f"{path}[{index}]", allow_null)
    return errors


@pytest.fixture
def doc():
    """Load a documented example from tests/contract/fixtures/<name>.json."""
    def load(name):
        return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return load


@pytest.fixture
def shape():
    """The shape comparator: shape(documented, actual, allow_null=False) -> list of problems."""
    return lambda documented, actual, allow_null=False: shape_errors(
        documented, actual, allow_null=allow_null)


@pytest.fixture(params=["crm-api", "broker-api"])
def sb(request):
    """A freshly seeded in-memory sandbox, once per API kind."""
    return sandbox.create_sandbox(token="sandbox-token", kind=request.param)


@pytest.fixture
def client(sb):
    """An in-process httpx client with the Bearer token form."""
    with httpx.Client(base_url="http://sandbox", transport=sb.transport(),
                      headers={"Authorization": "Bearer sandbox-token"}) as http:
        yield http
