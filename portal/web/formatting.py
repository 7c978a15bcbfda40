"""Jinja filters that write broker numbers and link lifetimes the way traders read them.

Amounts are written by Babel in the page's language (CLDR's decimal and group symbols); dates
and times come from Flask-Babel's own ``dateformat`` and ``datetimeformat`` filters, in UTC
(BABEL_DEFAULT_TIMEZONE's default), a time without a zone being taken to be in UTC.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask import Flask
from flask_babel import format_decimal, ngettext

DASH = "\u2014"
MINUTE, HOUR, DAY, WEEK = 60, 3600, 24 * 3600, 7 * 24 * 3600


def leverage(value) -> str:
    """100 -> "1:100"; unknown -> an em dash."""
    return f"1:{value}" if value else DASH


def money(value, precision=2, currency: str = "") -> str:
    """Format an amount with the broker's ``currencyPrecision`` (rounded half up) in the page's
    language, grouped in thousands, followed by the currency code; None -> an em dash."""
    if value is None:
        return DASH
    places = int(precision if precision is not None else 2)
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format_decimal(amount, format="#,##0" + ("." + "0" * places if places else ""))
    return f"{text} {currency}".strip()


def duration(value: timedelta) -> str:
    """A link's lifetime in the largest unit that tells it exactly: 7 days -> "1 week",
    90 minutes -> "90 minutes" (never rounded up to a promise the link does not keep)."""
    seconds = max(1, int(value.total_seconds()))
    if seconds % WEEK == 0:
        return ngettext("%(num)d week", "%(num)d weeks", seconds // WEEK)
    if seconds % DAY == 0:
        return ngettext("%(num)d day", "%(num)d days", seconds // DAY)
    if seconds % HOUR == 0:
        return ngettext("%(num)d hour", "%(num)d hours", seconds // HOUR)
    if seconds % MINUTE == 0:
        return ngettext("%(num)d minute", "%(num)d minutes", seconds // MINUTE)
    return ngettext("%(num)d second", "%(num)d seconds", seconds)


def init_formatting(app: Flask) -> None:
    app.jinja_env.filters["leverage"] = leverage
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["duration"] = duration
