"""``flask db``: Flask-Migrate and Alembic are imported only when a migration command runs.

Web workers never run migrations, and the two libraries (with Mako) cost each process about
10 MB; so the app registers a small ``db`` command group that loads them on first use.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from ..extensions import db

DIRECTORY = Path(__file__).resolve().parents[2] / "migrations"


def attach(app: Flask) -> None:
    """Bind Flask-Migrate to ``app`` (what ``flask db`` and programmatic upgrades need)."""
    from flask_migrate import Migrate

    if "migrate" not in app.extensions:
        Migrate(app, db, directory=str(DIRECTORY))


def init_migrations(app: Flask) -> None:
    """Register ``flask db``; it hands its arguments to Flask-Migrate's own command group."""

    @click.command("db", add_help_option=False,
                   context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    @click.pass_context
    def migrations(ctx: click.Context):
        """Create or upgrade the database schema (Flask-Migrate: `flask db --help`)."""
        from flask_migrate.cli import db as commands

        attach(app)
        return commands.main(args=ctx.args, prog_name=ctx.command_path, obj=ctx.obj)

    app.cli.add_command(migrations)
