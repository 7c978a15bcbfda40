"""Control endpoints under /_sandbox/ for tests and `make run` (token required, no faults)."""

from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.wrappers import Response

from .variants import KINDS
from .web import ApiError, json_response, parse_body


def _sb():
    """The Sandbox object serving this request."""
    return current_app.extensions["sandbox"]


def _body(optional: bool = False) -> dict:
    """Parse the JSON body (empty strings allowed); an empty body is {} when optional."""
    raw = request.get_data()
    if optional and not raw.strip():
        return {}
    return parse_body(raw, "accept")


def state():
    """GET /_sandbox/state: record counts and current settings."""
    sb = _sb()
    return json_response({**sb.store.counts(), "kind": sb.kind,
                          "variants": sb.variants.as_dict(), "faults": sb.faults.as_list()})


def set_kind():
    """PUT /_sandbox/kind {"kind": "crm-api" | "broker-api"}: switch the API kind played."""
    sb = _sb()
    kind = _body().get("kind")
    if kind not in KINDS:
        raise ApiError(400, f"Field 'kind' must be one of {', '.join(KINDS)}")
    sb.kind = kind
    return json_response({"kind": sb.kind})


def reset():
    """POST /_sandbox/reset: reseed fresh data."""
    sb = _sb()
    sb.reset()
    return json_response(sb.store.counts())


def add_fault():
    """POST /_sandbox/faults: add a fault rule from add() keyword arguments plus `kind`."""
    body = _body()
    kind = body.pop("kind", None)
    try:
        rule = _sb().faults.add(kind, **body)
    except (TypeError, ValueError) as error:
        raise ApiError(400, str(error)) from None
    return json_response(rule.as_dict(), 201)


def clear_faults():
    """DELETE /_sandbox/faults."""
    _sb().faults.clear()
    return Response(status=204)


def set_variants():
    """PUT /_sandbox/variants: set variant fields; answers with all current values."""
    sb = _sb()
    try:
        sb.variants.update(_body())
    except ValueError as error:
        raise ApiError(400, str(error)) from None
    return json_response(sb.variants.as_dict())


def approve():
    """POST /_sandbox/approve {accountUuid?}: approve pending trading accounts."""
    account_uuid = _body(optional=True).get("accountUuid")
    return json_response({"approved": _sb().approve_pending(account_uuid)})


def verification(account_uuid: str):
    """POST /_sandbox/accounts/<uuid>/verification {"status"}."""
    status = _body().get("status")
    try:
        record = _sb().set_verification(account_uuid, status)
    except KeyError:
        raise ApiError(404, f"Account {account_uuid} not found") from None
    except ValueError as error:
        raise ApiError(400, str(error)) from None
    return json_response(record)


def calls():
    """GET /_sandbox/calls: totals of API calls received, and how many the rate limit refused
    (429) since the last reset."""
    sb = _sb()
    by_endpoint: dict[str, int] = {}
    for _, endpoint in list(sb.calls):
        by_endpoint[endpoint] = by_endpoint.get(endpoint, 0) + 1
    return json_response({"total": sum(by_endpoint.values()), "byEndpoint": by_endpoint,
                          "rateLimited": sb.rate_limiter.refused})


def clear_calls():
    """DELETE /_sandbox/calls."""
    _sb().reset_calls()
    return Response(status=204)


ROUTES = [
    ("/_sandbox/state", "GET", state),
    ("/_sandbox/reset", "POST", reset),
    ("/_sandbox/faults", "POST", add_fault),
    ("/_sandbox/faults", "DELETE", clear_faults),
    ("/_sandbox/variants", "PUT", set_variants),
    ("/_sandbox/kind", "PUT", set_kind),
    ("/_sandbox/approve", "POST", approve),
    ("/_sandbox/accounts/<account_uuid>/verification", "POST", verification),
    ("/_sandbox/calls", "GET", calls),
    ("/_sandbox/calls", "DELETE", clear_calls),
]


def register(app: Flask) -> None:
    """Add the control routes with endpoint names prefixed "control_"."""
    for path, method, view in ROUTES:
        app.add_url_rule(path, endpoint=f"control_{view.__name__}", view_func=view,
                         methods=[method])
