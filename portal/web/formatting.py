"""Jinja filters that write broker numbers, dates and link lifetimes the way traders read them."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from flask import Flask

from ..i18n import current_language, ngettext

DASH = "\u2014"
# CLDR's decimal and group symbols of each portal language (tests/web/test_formatting.py checks
# them against Babel's copy of CLDR). Kept here because the running portal does not load Babel,
# which reads a language's whole CLDR record, about 4 MB in every worker, to answer these two
# characters.
NUMBER_SYMBOLS = {"en": (".", ","), "pl": (",", "\u00a0")}
# CLDR's month names (wide and abbreviated, as a date writes them) and its date patterns of each
# portal language, in str.format fields named after CLDR's letters; checked against Babel's copy
# of CLDR by the same tests, for the same reason.
MONTHS = {
    "en": (("January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December"),
           ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")),
    "pl": (("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
            "września", "października", "listopada", "grudnia"),
           ("sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru")),
}
DATE_PATTERNS = {
    "en": {"long": "{MMMM} {d}, {y}", "medium": "{MMM} {d}, {y}"},
    "pl": {"long": "{d} {MMMM} {y}", "medium": "{d} {MMM} {y}"},
}
DATETIME_PATTERNS = {  # CLDR's medium date and time joined by its medium date-time pattern
    "en": {"medium": "{MMM} {d}, {y}, {h}:{mm}:{ss}\u202f{a}"},
    "pl": {"medium": "{d} {MMM} {y}, {HH}:{mm}:{ss}"},
}
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


def _fields(moment: date | datetime, language: str) -> dict:
    """The CLDR fields the patterns use, for a date or a time."""
    wide, abbreviated = MONTHS[language]
    fields = {"d": moment.day, "MMMM": wide[moment.month - 1],
              "MMM": abbreviated[moment.month - 1], "y": moment.year}
    if isinstance(moment, datetime):
        fields.update(HH=f"{moment.hour:02d}", h=moment.hour % 12 or 12, mm=f"{moment.minute:02d}",
                      ss=f"{moment.second:02d}", a="AM" if moment.hour < 12 else "PM")
    return fields


def _in_utc(moment: datetime) -> datetime:
    """A time as the portal shows it: in UTC (a time without a zone is taken to be UTC)."""
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment


def dateformat(value: date | datetime, format: str = "medium") -> str:
    """A date (or a time's date, in UTC) as CLDR writes it in the page's language: 2 January
    2026 -> "January 2, 2026" / "2 stycznia 2026" (``long``), "Jan 2, 2026" / "2 sty 2026"
    (``medium``)."""
    if isinstance(value, datetime):
        value = _in_utc(value).date()
    language = current_language()
    language = language if language in DATE_PATTERNS else "en"
    return DATE_PATTERNS[language][format].format(**_fields(value, language))


def datetimeformat(value: datetime, format: str = "medium") -> str:
    """A time in UTC as CLDR writes it in the page's language: "Jan 2, 2026, 3:04:05 PM" /
    "2 sty 2026, 15:04:05" (``medium``)."""
    language = current_language()
    language = language if language in DATETIME_PATTERNS else "en"
    return DATETIME_PATTERNS[language][format].format(**_fields(_in_utc(value), language))


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
    dated = MONTHS.keys() & DATE_PATTERNS.keys() & DATETIME_PATTERNS.keys()
    for known, what in ((NUMBER_SYMBOLS.keys(), "number symbols"), (dated, "date formats")):
        missing = [code for code in app.config["LANGUAGES"] if code not in known]
        if missing:
            raise RuntimeError(f"no {what} for language(s) {', '.join(missing)}: add them to "
                               "NUMBER_SYMBOLS, MONTHS and the date patterns in "
                               "portal/web/formatting.py")
    app.jinja_env.filters["leverage"] = leverage
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["dateformat"] = dateformat
    app.jinja_env.filters["datetimeformat"] = datetimeformat
