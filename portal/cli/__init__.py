"""Flask CLI commands, one module per group: audit, broker, db, marketing, pending, staff."""
from __future__ import annotations

from flask import Flask


def init_commands(app: Flask) -> None:
    from .audit import audit_cli
    from .broker import verify_broker
    from .marketing import campaigns_cli, report_cli
    from .pending import pending_cli, worker_command
    from .staff import staff_cli

    for command in (audit_cli, pending_cli, worker_command, campaigns_cli, report_cli,
                    verify_broker, staff_cli):
        app.cli.add_command(command)
