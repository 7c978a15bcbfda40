"""Flask CLI commands: ``flask verify-broker``."""
from __future__ import annotations

import click
from flask import Flask

from .extensions import broker


def init_commands(app: Flask) -> None:
    from .cli_audit import audit_cli
    from .cli_marketing import campaigns_cli, report_cli
    from .cli_pending import pending_cli, worker_command

    app.cli.add_command(audit_cli)
    app.cli.add_command(pending_cli)
    app.cli.add_command(worker_command)
    app.cli.add_command(campaigns_cli)
    app.cli.add_command(report_cli)

    @app.cli.command("verify-broker")
    def verify_broker():
        """Read-only checks that a Broker-API answers and its data parses into our types."""
        client = broker.client
        info = client.service_info()
        click.echo(f"service-info: {info.name or '?'} {info.version or '?'}")
        offers = client.offers()
        visible = [o for o in offers if not o.hidden]
        click.echo(f"offers: {len(offers)} ({len(visible)} visible)")
        for offer in offers:
            kind = "demo" if offer.demo else "live"
            click.echo(f"  - {offer.name} [{kind}, {offer.currency}, {offer.platform}]")
        roles, branches = client.roles(), client.branches()
        click.echo(f"roles: {', '.join(r.name for r in roles)}")
        click.echo(f"branches: {', '.join(b.name for b in branches)}")
        missing = [
            what for what, uuid in (("role", client.role_uuid()), ("branch", client.branch_uuid()))
            if not uuid
        ]
        if missing:
            raise click.ClickException(f"configured {' and '.join(missing)} not found at the broker")
        click.echo("OK: Broker-API answered and every object parsed")
