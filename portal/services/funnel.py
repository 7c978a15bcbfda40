"""The marketing funnel: landings → sign-ups → first trading account → first live account."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import datetime

from ..extensions import db
from ..models import (LandingCount, OperationState, SignupAttempt, SignupAttribution,
                      TradingAccountRequest)
from . import landings, offers
from .attribution import channel

DONE = OperationState.DONE.value


@dataclass
class FunnelRow:
    """One campaign and source: how many visitors reached each step."""

    campaign: str
    source: str
    landings: int = 0
    signups: int = 0
    first_account: int = 0
    first_live: int = 0

    @property
    def signup_rate(self) -> str:
        return f"{100 * self.signups / self.landings:.1f}%" if self.landings else "-"


def _key(touch) -> tuple[str, str]:
    campaign, source, medium = channel(touch)
    return campaign, f"{source} / {medium}"


def _offers_by_user(user_ids: set[int]) -> dict[int, set[str]]:
    """Offers each user's trading accounts were opened in through the portal (sign-up or later)."""
    opened: dict[int, set[str]] = defaultdict(set)
    if not user_ids:
        return opened
    for model in (SignupAttempt, TradingAccountRequest):
        rows = db.session.execute(
            db.select(model.user_id, model.offer_uuid)
            .filter(model.user_id.in_(user_ids), model.state == DONE, model.offer_uuid.is_not(None))
        )
        for user_id, offer_uuid in rows:
            opened[user_id].add(offer_uuid)
    return opened


def funnel(since: datetime | None = None, campaign: str | None = None,
           touch: str = "last", until: datetime | None = None) -> list[FunnelRow]:
    """Rows per campaign and source; sign-ups count under their first or last touch.

    ``since`` and ``until`` bound the period, ``until`` excluded; landings are counted per UTC
    day, so a bound within a day takes that whole day's landings in (``since``) or out
    (``until``)."""
    rows: dict[tuple[str, str], FunnelRow] = {}

    def row(key) -> FunnelRow:
        return rows.setdefault(key, FunnelRow(*key))

    landings.flush()  # what was counted but not yet written
    counted = db.select(LandingCount)
    signups = db.select(SignupAttribution).filter(SignupAttribution.user_id.is_not(None))
    if since is not None:
        counted = counted.filter(LandingCount.day >= since.date())
        signups = signups.filter(SignupAttribution.created_at >= since)
    if until is not None:
        counted = counted.filter(LandingCount.day < until.date())
        signups = signups.filter(SignupAttribution.created_at < until)
    for landing in db.session.scalars(counted):
        row((landing.campaign, f"{landing.source} / {landing.medium}")).landings += landing.count
    attributed = db.session.scalars(signups).all()
    opened = _offers_by_user({a.user_id for a in attributed})
    demo = {o.uuid: o.demo for o in offers.all_offers()} if attributed else {}
    for item in attributed:
        current = row(_key(item.last_touch if touch == "last" else item.first_touch))
        current.signups += 1
        user_offers = opened.get(item.user_id, set())
        current.first_account += bool(user_offers)
        current.first_live += any(demo.get(uuid) is False for uuid in user_offers)
    result = sorted(rows.values(), key=lambda r: (r.campaign, r.source))
    return [r for r in result if campaign is None or r.campaign == campaign]


COLUMNS = ("campaign", "source", "landings", "signups", "first_account", "first_live",
           "signup_rate")


def total(rows: list[FunnelRow]) -> FunnelRow:
    """The sum of all rows."""
    result = FunnelRow("TOTAL", "")
    for name in ("landings", "signups", "first_account", "first_live"):
        setattr(result, name, sum(getattr(r, name) for r in rows))
    return result


def _cells(row: FunnelRow) -> list[str]:
    return [str(getattr(row, name)) for name in COLUMNS]


def to_csv(rows: list[FunnelRow]) -> str:
    """CSV with a header; text cells that a spreadsheet would run as a formula are quoted off."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        cells = _cells(row)
        writer.writerow([_inert(c) for c in cells[:2]] + cells[2:])
    return out.getvalue()


def _inert(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_table(rows: list[FunnelRow]) -> str:
    """A plain-text table with a total line."""
    lines = [list(COLUMNS)] + [_cells(r) for r in rows] + [_cells(total(rows))]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    numeric = [f.name not in ("campaign", "source") for f in fields(FunnelRow)] + [True]

    def fmt(line):
        return "  ".join(c.rjust(w) if num else c.ljust(w)
                         for c, w, num in zip(line, widths, numeric, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(lines[0]), rule, *map(fmt, lines[1:-1]), rule, fmt(lines[-1])]) + "\n"
