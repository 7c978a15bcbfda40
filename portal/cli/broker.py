"""``flask verify-broker``: the conformance table for the broker the portal is configured for."""
from __future__ import annotations

import logging
import os

import click
from flask import current_app
from flask.cli import with_appcontext

from ..brokerapi import BrokerClient, conformance
from ..brokerapi.http import BrokerHttp
from ..extensions import broker


@click.command("verify-broker")
@with_appcontext
@click.option("--write", is_flag=True,
              help="Also create one Account with a unique address on a demo offer.")
def verify_broker(write: bool):
    """Check the broker in BROKER_API_URL: one line per behaviour the portal relies on.

    Read-only unless --write. VERIFY_EMAIL (a known trader's email) adds the one-time-token
    check. Exits 1 when the portal cannot work against this broker.
    """
    config = current_app.config
    client = broker.client

    def make_http(scheme: str) -> BrokerHttp:
        return BrokerClient.from_config({**config, "BROKER_AUTH_SCHEME": scheme}).http

    # The table is the output; one log line per call would break it up.
    calls = logging.getLogger("portal.brokerapi")
    level = calls.level
    calls.setLevel(logging.WARNING)
    try:
        click.echo(f"Broker-API at {config['BROKER_API_URL']}: kind {client.kind.name}, "
                   f"{client.http.auth_scheme} key")
        checks = conformance.run(client, make_http, write=write,
                                 verify_email=os.environ.get("VERIFY_EMAIL") or None)
    finally:
        calls.setLevel(level)
    width = max(len(c.name) for c in checks)
    for check in checks:
        click.echo(f"  {check.name:<{width}}  {check.verdict:<9}  {check.says}")
    if any(c.blocks for c in checks):
        raise click.ClickException("the portal cannot work against this broker as configured")
    click.echo("The portal can work against this broker.")
