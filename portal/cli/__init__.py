"""Flask CLI commands, one module per group: audit, broker, db, marketing, pending."""
from __future__ import annotations

from flask import Flask


def init_commands(app: Flask) -> None:
    from .audit import audit_cli
    from .broker import verify_broker
    from .marketing import campaigns_cli, report_cli
    from .pending import pending_cli, worker_command

    for command in (audit_cli, pending_cli, worker_command, campaigns_cli, report_cli,
                    verify_broker):
        app.cli.add_command(command)
