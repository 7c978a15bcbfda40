"""A conformance check a broker can run: one line per behaviour the portal relies on.

Each check says OK, DIFFERS (with what the portal will do about it), FORBIDDEN (with the
permission to ask for), FAILS, or SKIPPED (the one-time token without VERIFY_EMAIL). ``fatal``
marks what the portal cannot work without; the command exits non-zero when any fatal check did
not pass. Read-only unless ``write`` is given.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Callable

from .bodies import NewAccount
from .client import BrokerClient
from .errors import BrokerError, Forbidden, NotReady, Unauthorized, UnexpectedResponse
from .http import BrokerHttp

OK, DIFFERS, FORBIDDEN, FAILS, SKIPPED = "OK", "DIFFERS", "FORBIDDEN", "FAILS", "SKIPPED"


@dataclass(frozen=True)
class Check:
    name: str
    verdict: str
    says: str
    fatal: bool = False

    @property
    def blocks(self) -> bool:
        """The portal cannot work against this broker because of this line."""
        return self.fatal and self.verdict in (FORBIDDEN, FAILS)


def _status(http: BrokerHttp, method: str, path: str, **kwargs) -> tuple[int, object]:
    """The status and decoded body of one call (5xx and transport errors raise)."""
    response = http.call(method, path, **kwargs)
    try:
        body = response.json() if response.content else None
    except ValueError:
        body = response.text[:80]
    return response.status_code, body


def connection(client: BrokerClient) -> Check:
    tests = client.kind.connection_tests
    try:
        answered = client.check_connection()
    except Unauthorized:
        return Check("connection test", FAILS, "the API key was refused (401)", fatal=True)
    except BrokerError as exc:
        return Check("connection test", FAILS, f"{' then '.join(tests)}: {exc}", fatal=True)
    if answered != tests[0]:
        return Check("connection test", DIFFERS,
                     f"GET {tests[0]} is missing; the portal tests the connection with GET "
                     f"{answered}")
    return Check("connection test", OK, f"GET {answered} answered")


def auth_form(client: BrokerClient, make_http: Callable[[str], BrokerHttp]) -> Check:
    scheme = client.http.auth_scheme
    other = "raw" if scheme == "bearer" else "bearer"
    try:
        client.offers_json()
        return Check("auth form", OK, f"{scheme} key accepted")
    except Unauthorized:
        pass
    except BrokerError as exc:
        return Check("auth form", FAILS, f"{scheme}: {exc}", fatal=True)
    try:
        make_http(other).json("GET", client.paths.offers)
    except BrokerError:
        return Check("auth form", FAILS, "the key is refused in both forms (raw and Bearer); "
                     "check BROKER_API_TOKEN and the IP whitelist", fatal=True)
    return Check("auth form", FAILS, f"only the {other} form is accepted: set "
                 f"BROKER_AUTH_SCHEME={other}", fatal=True)


def offers(client: BrokerClient) -> Check:
    try:
        found = client.offers()
    except UnexpectedResponse as exc:
        return Check("offers", FAILS, str(exc), fatal=True)
    except Forbidden:
        return Check("offers", FORBIDDEN, "ask for 'API ACCESS: read offers'", fatal=True)
    except BrokerError as exc:
        return Check("offers", FAILS, str(exc), fatal=True)
    hidden = sum(o.hidden for o in found)
    shown = len(found) - hidden
    if not shown:
        return Check("offers", FAILS, f"{len(found)} parsed, none visible: traders could pick "
                     "nothing", fatal=True)
    demo = sum(o.demo for o in found if not o.hidden)
    return Check("offers", OK, f"{len(found)} parsed, {hidden} hidden; visible: {demo} demo, "
                 f"{shown - demo} live")


def named(client: BrokerClient, kind: str) -> Check:
    name = client.role_name if kind == "roles" else client.branch_name
    resolve = client.role_uuid if kind == "roles" else client.branch_uuid
    try:
        found = resolve()
    except NotReady:
        return Check(kind, FORBIDDEN, f"ask for 'API ACCESS: read {kind}'; until then sign-ups "
                     "are refused", fatal=True)
    except BrokerError as exc:
        return Check(kind, FAILS, str(exc), fatal=True)
    if found is None:
        setting = "BROKER_ROLE_NAME" if kind == "roles" else "BROKER_BRANCH_NAME"
        return Check(kind, DIFFERS, f"no entry named {name!r}: new Accounts get the broker's "
                     f"default (set {setting}); /readyz reports it")
    return Check(kind, OK, f"{name!r} found")


def unknown_email(client: BrokerClient) -> Check:
    email = f"portal-verify-{secrets.token_hex(6)}@example.invalid"
    try:
        status, body = _status(client.http, "GET", client.paths.account_by_email,
                               path_args={"email": email})
    except BrokerError as exc:
        return Check("by-email, unknown email", FAILS, f"{exc}: forgot-password and claim "
                     "would time out", fatal=True)
    if status == 404:
        return Check("by-email, unknown email", OK, "404")
    if status == 403:
        return Check("by-email, unknown email", FORBIDDEN, "ask for 'API ACCESS: read accounts'",
                     fatal=True)
    if status in (400, 422) or (status == 200 and not (isinstance(body, dict)
                                                       and body.get("uuid"))):
        return Check("by-email, unknown email", DIFFERS, f"{status}: the portal reads it as "
                     "no such Account")
    return Check("by-email, unknown email", FAILS, f"{status} with an Account for an address "
                 "that cannot exist", fatal=True)


def trading_pages(client: BrokerClient) -> Check:
    size = client.kind.max_page_size
    name = "trading-accounts paging"
    try:
        status, body = _status(client.http, "GET", client.paths.trading_accounts,
                               params={"query": "portal-verify", "page": 0, "size": size})
    except BrokerError as exc:
        return Check(name, FAILS, str(exc), fatal=True)
    if status == 403:
        return Check(name, FORBIDDEN, "ask for 'API ACCESS: read trading accounts'", fatal=True)
    if status == 400:
        return Check(name, DIFFERS, f"size {size} refused: the portal asks for 10 a page and "
                     "reads at most 5 pages (50 matches of an email)")
    if status != 200 or not isinstance(body, dict) or not isinstance(body.get("content"), list):
        return Check(name, FAILS, f"{status}: not a page of trading accounts", fatal=True)
    fields = ("totalPages", "totalElements", "number", "size")
    missing = [f for f in fields if not isinstance(body.get(f), int)]
    served = body.get("size") if isinstance(body.get("size"), int) else None
    notes = []
    if missing:
        notes.append(f"{', '.join(missing)} not numbers: the portal stops at a page that adds "
                     "nothing new")
    if served is not None and served < size:
        notes.append(f"serves {served} a page: one request reads at most {5 * served} matches")
    if notes:
        return Check(name, DIFFERS, "; ".join(notes))
    return Check(name, OK, f"all paging fields numbers; size {served} served")


def one_time_token(client: BrokerClient, email: str | None) -> Check:
    name = "one-time token"
    if not email:
        return Check(name, SKIPPED, "set VERIFY_EMAIL to a known trader's email to check it")
    try:
        client.one_time_token(email)
    except Unauthorized:
        return Check(name, FORBIDDEN, "401: ask Match-Trade support to whitelist the portal's "
                     "IP for the key; until then traders log in on the platform themselves")
    except Forbidden:
        return Check(name, FORBIDDEN, "ask for 'API ACCESS: Create One Time Token for Login'; "
                     "until then traders log in on the platform themselves")
    except UnexpectedResponse:
        return Check(name, DIFFERS, "the answer carries no readable token: traders log in on "
                     "the platform themselves")
    except BrokerError as exc:
        return Check(name, DIFFERS, f"{exc}: traders log in on the platform themselves")
    return Check(name, OK, f"token issued for {email}")


def write_journey(client: BrokerClient) -> Check:
    """Create one Account on a demo offer, then find it and its trading account as the portal
    does."""
    name = "write: sign-up"
    demo = next((o for o in client.offers() if o.demo and not o.hidden), None)
    if demo is None:
        return Check(name, DIFFERS, "no visible demo offer to create an Account on")
    email = f"portal-verify-{secrets.token_hex(6)}@example.com"
    try:
        created = client.create_account(NewAccount(
            email=email, password=f"Verify-{secrets.token_hex(6)}9", first_name="Portal",
            last_name="Verify", offer_uuid=demo.uuid))
        found = client.find_account(email)
        items = client.trading_accounts(created.account.uuid, email)
    except BrokerError as exc:
        return Check(name, FAILS, f"{email}: {exc}", fatal=True)
    if found is None or found.uuid != created.account.uuid:
        return Check(name, FAILS, f"created {email} but by-email does not find it", fatal=True)
    listed = "its trading account listed" if items else "no trading account listed yet"
    return Check(name, OK, f"created {email} on {demo.name!r}; found by email; {listed}")


def run(client: BrokerClient, make_http: Callable[[str], BrokerHttp], *,
        verify_email: str | None = None, write: bool = False) -> list[Check]:
    """Every check in order; later ones are skipped when the connection or the key fails."""
    checks = [connection(client), auth_form(client, make_http)]
    if any(c.blocks for c in checks):
        return checks
    checks += [offers(client), named(client, "roles"), named(client, "branches"),
               unknown_email(client), trading_pages(client), one_time_token(client, verify_email)]
    if write and not any(c.blocks for c in checks):
        checks.append(write_journey(client))
    return checks
