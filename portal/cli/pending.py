"""``flask worker`` and ``flask pending list|retry|cancel`` for staff handling stuck work."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..models import OperationState, SignupAttempt, TradingAccountRequest, utcnow

pending_cli = AppGroup("pending", help="Inspect and handle pending Broker-API work.")
KINDS = {"signup": SignupAttempt, "open": TradingAccountRequest}


@click.command("worker")
def worker_command() -> None:
    """Run the background worker until stopped."""
    from ..worker import run

    run(current_app._get_current_object())


@pending_cli.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include failed and taken items too.")
def list_pending(show_all: bool) -> None:
    """Show pending (and with --all, failed) sign-ups and open-account requests."""
    states = [OperationState.PENDING.value]
    if show_all:
        states += [OperationState.FAILED.value, OperationState.TAKEN.value]
    for kind, model in KINDS.items():
        rows = db.session.scalars(db.select(model).filter(model.state.in_(states))
                                  .order_by(model.started_at)).all()
        for row in rows:
            who = getattr(row, "email", None) or f"user {row.user_id}"
            click.echo(f"{kind}:{row.id}  {row.state:<8} tries={row.attempts} "
                       f"started={row.started_at:%Y-%m-%d %H:%M} "
                       f"next={row.next_attempt_at or '-'} {who} error={row.error or '-'}")


def _row(ref: str):
    kind, _, number = ref.partition(":")
    if kind not in KINDS or not number.isdigit():
        raise click.BadParameter("use signup:ID or open:ID (see `flask pending list`)")
    row = db.session.get(KINDS[kind], int(number))
    if row is None:
        raise click.BadParameter(f"{ref} not found")
    return row


@pending_cli.command("retry")
@click.argument("ref")
def retry(ref: str) -> None:
    """Make a pending or failed item due now (a failed sign-up needs its password: not possible)."""
    row = _row(ref)
    if isinstance(row, SignupAttempt) and row.failed and not row.secret:
        raise click.ClickException(
            "this sign-up's password is gone; the trader must register again")
    row.move(OperationState.PENDING, next_attempt_at=utcnow())
    db.session.commit()
    click.echo(f"{ref} is due now")


@pending_cli.command("cancel")
@click.argument("ref")
def cancel(ref: str) -> None:
    """Stop retrying an item: it becomes failed and a pending password is deleted."""
    row = _row(ref)
    row.move(OperationState.FAILED, next_attempt_at=None, error="cancelled by staff")
    db.session.commit()
    click.echo(f"{ref} cancelled")
