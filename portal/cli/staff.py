"""``flask staff add|list|disable``: the accounts of the staff pages (funnel, campaign links)."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..services import staff
from ..services.staff import StaffError

staff_cli = AppGroup("staff", help="Staff accounts for the funnel and campaign-link pages.")


@staff_cli.command("add")
@click.argument("email")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (for scripts).")
def add(email, password_stdin):
    """Create a staff account; asks for its password twice without showing it."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        created = staff.add(email, password)
    except StaffError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"staff account {created.email} created; it logs in at /staff/login")


@staff_cli.command("list")
def list_staff():
    """Print every staff account with its state."""
    found = staff.every()
    if not found:
        click.echo("no staff accounts")
    for account in found:
        state = "active" if account.active else "disabled"
        click.echo(f"{account.email}  [{state}]  since {account.created_at:%Y-%m-%d}")


@staff_cli.command("disable")
@click.argument("email")
def disable(email):
    """Stop a staff account from logging in and end its open sessions."""
    try:
        account = staff.disable(email)
    except StaffError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"staff account {account.email} disabled; its sessions have ended")
