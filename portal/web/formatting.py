"""Jinja filters that format broker numbers the way traders read them."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from flask import Flask
from flask_babel import format_decimal

DASH = "\u2014"


def leverage(value) -> str:
    """100 -> "1:100"; unknown -> an em dash."""
    return f"1:{value}" if value else DASH


def money(value, precision=2, currency: str = "") -> str:
    """Format an amount with the broker's ``currencyPrecision``; None -> an em dash."""
    if value is None:
        return DASH
    places = int(precision if precision is not None else 2)
    quantum = Decimal(1).scaleb(-places)
    amount = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    text = format_decimal(amount, format=pattern)
    return f"{text} {currency}".strip()


def init_formatting(app: Flask) -> None:
    app.jinja_env.filters["leverage"] = leverage
    app.jinja_env.filters["money"] = money
    app.jinja_env.globals["current_locale_code"] = current_locale_code


def current_locale_code() -> str:
    """The language code for ``<html lang>``."""
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale else "en"
