"""Jinja filters that write broker numbers and link lifetimes the way traders read them."""
from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask import Flask
from flask_babel import ngettext

from ..i18n import current_language

DASH = "\u2014"
# CLDR's decimal and group symbols of each portal language (tests/web/test_formatting.py checks
# them against Babel's copy of CLDR). Kept here because Babel loads a language's whole CLDR
# record, about 4 MB in every worker, to answer these two characters.
NUMBER_SYMBOLS = {"en": (".", ","), "pl": (",", "\u00a0")}
MINUTE, HOUR, DAY, WEEK = 60, 3600, 24 * 3600, 7 * 24 * 3600


def leverage(value) -> str:
    """100 -> "1:100"; unknown -> an em dash."""
    return f"1:{value}" if value else DASH


def money(value, precision=2, currency: str = "") -> str:
    """Format an amount with the broker's ``currencyPrecision`` in the page's language, grouped
    in thousands; None -> an em dash."""
    if value is None:
        return DASH
    places = int(precision if precision is not None else 2)
    quantum = Decimal(1).scaleb(-places)
    amount = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    decimal, group = NUMBER_SYMBOLS.get(current_language(), NUMBER_SYMBOLS["en"])
    text = f"{amount:,.{places}f}".translate({ord(","): group, ord("."): decimal})
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
    missing = [code for code in app.config["LANGUAGES"] if code not in NUMBER_SYMBOLS]
    if missing:
        raise RuntimeError(f"no number symbols for language(s) {', '.join(missing)}: "
                           "add them to NUMBER_SYMBOLS in portal/web/formatting.py")
    app.jinja_env.filters["leverage"] = leverage
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["duration"] = duration
