"""Broker-API routes served by the sandbox (same paths and JSON as Match-Trader Broker-API)."""

from __future__ import annotations

import copy
import secrets
import uuid as uuid_module
from datetime import timedelta

from flask import Flask, current_app, request
from werkzeug.wrappers import Response

from . import accounts, trading
from .loose import loosen
from .web import ApiError, json_response, paginate, parse_body


def _sb():
    """The Sandbox object serving this request."""
    return current_app.extensions["sandbox"]


def _body() -> dict:
    """The JSON body of the current request, with the empty-string variant applied."""
    return parse_body(request.get_data(), _sb().variants.empty_strings)


def answer(payload) -> Response:
    """A 200 JSON answer for a read endpoint, loosened when the `loose_json` variant is on."""
    return json_response(loosen(payload) if _sb().variants.loose_json else payload)


def _page(items: list, sort_keys: dict) -> dict:
    """A Spring page of `items` per the request and the page-size variants."""
    variants = _sb().variants
    return paginate(items, request.args, sort_keys, variants.max_page_size,
                    variants.page_size_over_max)


def not_found(detail: str) -> Response:
    """Answer a missing resource per the `not_found` variant."""
    if _sb().variants.not_found == "empty200":
        return json_response({})
    raise ApiError(404, detail)


def service_info():
    """GET /service-info (Broker-API v1 only; the crm-api kind answers 404 before this runs)."""
    return json_response({"artifact": "broker-api-sandbox", "name": "Broker API Sandbox",
                          "serviceVersion": "1.21.0-sandbox"})


def offers():
    """GET /v1/offers, not paged, sorted by created (default desc)."""
    _, _, direction = (request.args.get("sort") or "created,desc").partition(",")
    store = _sb().store
    with store.lock:
        items = copy.deepcopy(store.data["offers"])
    items.sort(key=lambda o: o["created"], reverse=direction.strip().lower() != "asc")
    return answer(items if _sb().variants.offers_envelope == "list" else {"offers": items})


def branches():
    """GET /v1/branches."""
    if _sb().variants.branches_forbidden:
        raise ApiError(403, "Access denied")
    with _sb().store.lock:
        return json_response({"branches": copy.deepcopy(_sb().store.data["branches"])})


def roles():
    """GET /v1/roles."""
    if _sb().variants.roles_forbidden:
        raise ApiError(403, "Access denied")
    with _sb().store.lock:
        return json_response({"roles": copy.deepcopy(_sb().store.data["roles"])})


def _one_time_token(store, email: str, validity: int) -> str:
    """Issue and remember a one-time login token."""
    token = secrets.token_urlsafe(24)
    expires = store.now() + timedelta(seconds=validity)
    store.data["tokens"][token] = {"email": email, "expires": expires.isoformat()}
    return token


def create_account():
    """POST /v1/accounts: create an account and optionally its first trading account."""
    sb = _sb()
    body = _body()
    accounts.validate_create(body, sb.variants.password_rule)
    store = sb.store
    with store.lock:
        offer = None
        if body.get("offerUuid"):
            offer = store.offer(body["offerUuid"])
            if offer is None:
                raise ApiError(422, f"Offer {body['offerUuid']} does not exist")
        if store.account_by_email(body["email"]) is not None:
            raise ApiError(sb.variants.duplicate_email_status,
                           "Account with given email already exists")
        now = store.timestamp()
        record = accounts.build_account(body, str(uuid_module.uuid4()), now)
        store.data["accounts"][record["uuid"]] = record
        if offer is not None:
            trading.new_trading_account(store, record["uuid"], offer, now)
        token = _one_time_token(store, record["email"], 60)
        store.save()
        result = accounts.render_account(record)
    result["oneTimeToken"] = token
    return json_response(result)


def account_by_email(email: str):
    """GET /v1/accounts/by-email/{email}."""
    sb = _sb()
    with sb.store.lock:
        record = sb.store.account_by_email(email, exact=sb.variants.email_lookup == "exact")
        if record is None:
            status = sb.variants.email_not_found_status
            if sb.variants.not_found == "empty200" or status == 200:
                return json_response({})
            raise ApiError(status, f"Account with email {email} not found")
        return answer(accounts.render_account(record))


def account_by_uuid(account_uuid: str):
    """GET /v1/accounts/by-uuid/{uuid}."""
    store = _sb().store
    with store.lock:
        record = store.account(account_uuid)
        if record is None:
            return not_found(f"Account {account_uuid} not found")
        return answer(accounts.render_account(record))


def search_accounts():
    """GET /v1/accounts: paged free-text search."""
    sb = _sb()
    query = request.args.get("query") or ""
    with sb.store.lock:
        items = [accounts.render_account(r) for r in sb.store.data["accounts"].values()
                 if not query or accounts.account_matches(r, query)]
    sort_keys = {"created": lambda a: a["created"], "updated": lambda a: a["updated"],
                 "email": lambda a: a["email"].lower()}
    return answer(_page(items, sort_keys))


def update_account(account_uuid: str):
    """PATCH /v1/accounts/{uuid}."""
    sb = _sb()
    body = _body()
    store = sb.store
    with store.lock:
        record = store.account(account_uuid)
        if record is None:
            return not_found(f"Account {account_uuid} not found")
        email = body.get("email")
        if isinstance(email, str) and email.strip():
            other = store.account_by_email(email)
            if other is not None and other["uuid"] != account_uuid:
                raise ApiError(sb.variants.duplicate_email_status,
                               "Account with given email already exists")
        updated = copy.deepcopy(record)
        accounts.apply_patch(updated, body, sb.variants.patch_nested, store.timestamp())
        store.data["accounts"][account_uuid] = updated
        store.save()
        return json_response(accounts.render_account(updated))


def change_password():
    """POST /v1/change-password: 204 on success (or 200 per `change_password_answer`)."""
    sb = _sb()
    body = _body()
    account_uuid = body.get("accountUuid")
    if not isinstance(account_uuid, str) or not account_uuid:
        raise ApiError(400, "Field 'accountUuid' is required")
    if body.get("newPassword") in (None, ""):
        raise ApiError(400, "Field 'newPassword' is required")
    accounts.check_password(body.get("newPassword"), sb.variants.password_rule)
    with sb.store.lock:
        record = sb.store.account(account_uuid)
        if record is None:
            return not_found(f"Account {account_uuid} not found")
        record["_password"] = body["newPassword"]
        record["updated"] = sb.store.timestamp()
        sb.store.save()
    if sb.variants.change_password_answer == "200text":
        return Response("Password changed", status=200, content_type="text/plain")
    if sb.variants.change_password_answer == "200json":
        return json_response({})
    return Response(status=204)


def create_trading_account(account_uuid: str):
    """POST /v1/accounts/{uuid}/trading-accounts."""
    sb = _sb()
    body = _body()
    if not isinstance(body.get("offerUuid"), str) or not body["offerUuid"]:
        raise ApiError(400, "Field 'offerUuid' is required")
    store = sb.store
    with store.lock:
        if store.account(account_uuid) is None:
            return not_found(f"Account {account_uuid} not found")
        offer = store.offer(body["offerUuid"])
        if offer is None:
            raise ApiError(422, f"Offer {body['offerUuid']} does not exist")
        record = trading.new_trading_account(store, account_uuid, offer, store.timestamp(),
                                             commission_uuid=body.get("commissionUuid") or None)
        store.save()
        return answer(trading.render_created(record))


def trading_accounts():
    """GET /v1/trading-accounts: paged substring search over login, owner email and names."""
    sb = _sb()
    query = request.args.get("query") or ""
    with sb.store.lock:
        items = [trading.render_item(sb.store, t) for t in trading.visible(sb.store)
                 if not query or trading.matches(sb.store, t, query)]
    sort_keys = {"created": lambda t: t["created"], "login": lambda t: int(t["login"])}
    return answer(_page(items, sort_keys))


def trading_account():
    """GET /v1/trading-account?systemUuid=&login=."""
    system_uuid = request.args.get("systemUuid")
    login = request.args.get("login")
    if not system_uuid or not login:
        raise ApiError(400, "Parameters 'systemUuid' and 'login' are required")
    store = _sb().store
    with store.lock:
        record = trading.find_by_login(store, system_uuid, login)
        if record is None:
            return not_found(f"Trading account {login} not found on system {system_uuid}")
        return answer(trading.render_item(store, record))


def one_time_token():
    """POST /v1/one-time-token: a token for logging the trader into the platform."""
    sb = _sb()
    status = 403 if sb.variants.one_time_token_forbidden else sb.variants.one_time_token_status
    if status:
        raise ApiError(status, REFUSALS.get(status, "One-time token could not be issued"))
    body = _body()
    email = body.get("email")
    if not isinstance(email, str) or not email:
        raise ApiError(400, "Field 'email' is required")
    validity = body.get("validityTime", 30)
    if isinstance(validity, bool) or not isinstance(validity, int) or validity <= 0:
        raise ApiError(400, "Field 'validityTime' must be a positive number of seconds")
    with sb.store.lock:
        record = sb.store.account_by_email(email, exact=sb.variants.email_lookup == "exact")
        if record is None:
            return not_found(f"Account with email {email} not found")
        token = _one_time_token(sb.store, record["email"], validity)
        sb.store.save()
    shape = sb.variants.one_time_token_shape
    if shape == "text":
        return Response(token, content_type="text/plain")
    if shape == "unreadable":
        return json_response({"status": "OK"})
    return json_response({shape: token})


REFUSALS = {401: "Authentication failed", 403: "Access denied",
            500: "An unexpected error occurred"}

ROUTES = [
    ("/service-info", "GET", service_info),
    ("/v1/offers", "GET", offers),
    ("/v1/branches", "GET", branches),
    ("/v1/roles", "GET", roles),
    ("/v1/accounts", "POST", create_account),
    ("/v1/accounts/by-email/<path:email>", "GET", account_by_email),
    ("/v1/accounts/by-uuid/<account_uuid>", "GET", account_by_uuid),
    ("/v1/accounts", "GET", search_accounts),
    ("/v1/accounts/<account_uuid>", "PATCH", update_account),
    ("/v1/change-password", "POST", change_password),
    ("/v1/accounts/<account_uuid>/trading-accounts", "POST", create_trading_account),
    ("/v1/trading-accounts", "GET", trading_accounts),
    ("/v1/trading-account", "GET", trading_account),
    ("/v1/one-time-token", "POST", one_time_token),
]
ENDPOINTS = frozenset(view.__name__ for _, _, view in ROUTES)


def register(app: Flask) -> None:
    """Add the API routes; each endpoint name equals its view function name."""
    for path, method, view in ROUTES:
        app.add_url_rule(path, endpoint=view.__name__, view_func=view, methods=[method])
