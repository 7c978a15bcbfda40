"""``flask campaigns …`` (partners, campaigns and their links) and ``flask report funnel``."""
from __future__ import annotations

from datetime import timezone

import click
from flask import current_app
from flask.cli import AppGroup

from ..brokerapi import BrokerError
from ..services import campaigns, funnel
from ..services.campaigns import CampaignError

campaigns_cli = AppGroup("campaigns", help="Marketing campaigns, their links, and partners (IBs).")
report_cli = AppGroup("report", help="Marketing reports.")


def _base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


def _show(campaign) -> None:
    state = "active" if campaign.active else "disabled"
    partner = campaign.partner.code if campaign.partner else "-"
    hidden = ", hidden offer allowed" if campaign.allow_hidden else ""
    click.echo(f"{campaign.code}  [{state}{hidden}]  partner={partner}")
    click.echo(f"  link:      {campaigns.short_link(campaign, _base_url())}")
    click.echo(f"  deep link: {campaigns.deep_link(campaign, _base_url())}")


def _run(action):
    try:
        return action()
    except CampaignError as exc:
        raise click.ClickException(str(exc)) from None
    except BrokerError as exc:
        raise click.ClickException(f"Broker-API did not answer the offer lookup: {exc}") from None


@campaigns_cli.command("add")
@click.argument("code")
@click.option("--offer", help="Offer uuid or slug (e.g. demo-standard-usd) to preselect.")
@click.option("--source", "utm_source", help="utm_source, e.g. google.")
@click.option("--medium", "utm_medium", help="utm_medium, e.g. cpc.")
@click.option("--utm-campaign", "utm_campaign", help="utm_campaign (default: the code).")
@click.option("--term", "utm_term", help="utm_term.")
@click.option("--content", "utm_content", help="utm_content.")
@click.option("--partner", help="Partner code credited with the sign-ups.")
@click.option("--allow-hidden", is_flag=True, help="Let the link offer a hidden offer.")
def add(code, offer, partner, allow_hidden, **utm):
    """Create an active campaign and print its links."""
    campaign = _run(lambda: campaigns.add_campaign(code, offer=offer, partner=partner,
                                                   allow_hidden=allow_hidden, **utm))
    _show(campaign)


@campaigns_cli.command("list")
@click.option("--active", "only_active", is_flag=True, help="Leave out disabled campaigns.")
def list_campaigns(only_active):
    """Print every campaign with its links."""
    found = campaigns.campaigns(include_disabled=not only_active)
    if not found:
        click.echo("no campaigns")
    for campaign in found:
        _show(campaign)


@campaigns_cli.command("disable")
@click.argument("code")
def disable(code):
    """Stop a campaign: its links then land on the register page with a notice."""
    _show(_run(lambda: campaigns.set_active(code, False)))


@campaigns_cli.command("enable")
@click.argument("code")
def enable(code):
    """Turn a disabled campaign back on."""
    _show(_run(lambda: campaigns.set_active(code, True)))


@campaigns_cli.command("partner-add")
@click.argument("code")
@click.argument("trading_account_uuid")
@click.option("--name", help="The partner's name, for people.")
def partner_add(code, trading_account_uuid, name):
    """Register a partner (IB): sign-ups with ref=CODE are credited to this trading account."""
    partner = _run(lambda: campaigns.add_partner(code, trading_account_uuid, name))
    click.echo(f"{partner.code}  {partner.trading_account_uuid}  {partner.name or ''}".rstrip())
    click.echo(f"  link: {_base_url()}/register?ref={partner.code}")


@campaigns_cli.command("partners")
def list_partners():
    """Print every partner with the trading account it is credited to."""
    found = campaigns.partners()
    if not found:
        click.echo("no partners")
    for partner in found:
        click.echo(f"{partner.code}  {partner.trading_account_uuid}  {partner.name or ''}".rstrip())


@report_cli.command("funnel")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Only landings and sign-ups from this day on (YYYY-MM-DD, UTC).")
@click.option("--campaign",
              help="Only this campaign: its code, or utm_campaign for links without one.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table",
              show_default=True)
@click.option("--touch", type=click.Choice(["last", "first"]), default="last", show_default=True,
              help="Credit each sign-up to its last or its first touch.")
def funnel_report(since, campaign, fmt, touch):
    """Landings → sign-ups → first trading account → first live account, per campaign and source."""
    since = since.replace(tzinfo=timezone.utc) if since else None
    rows = _run(lambda: funnel.funnel(since=since, campaign=campaign, touch=touch))
    click.echo(funnel.to_csv(rows) if fmt == "csv" else funnel.to_table(rows), nl=False)
