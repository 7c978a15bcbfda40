"""Amounts and link lifetimes as a trader reads them in each portal language."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

import pytest
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask_babel import force_locale

from portal.config import from_env
from portal.web.formatting import (DATE_PATTERNS, DATETIME_PATTERNS, NUMBER_SYMBOLS, dateformat,
                                   datetimeformat, duration, money)
from tests.support import make_app

AMOUNTS = ["0", "0.5", "7", "999.995", "1000", "1234.5", "-1234.5", "-0.004", "12345.678",
           "1234567.891", "100000000", 10000, 2.5]


@pytest.mark.parametrize("code", from_env()["LANGUAGES"])
def test_every_portal_language_has_cldrs_decimal_and_group_symbols(code):
    symbols = Locale.parse(code).number_symbols["latn"]
    assert NUMBER_SYMBOLS[code] == (symbols["decimal"], symbols["group"])


@pytest.mark.parametrize("code", sorted(NUMBER_SYMBOLS))
@pytest.mark.parametrize("places", [0, 2, 5])
def test_amounts_read_as_babel_writes_them_in_each_language(app, code, places):
    pattern = "#,##0" + ("." + "0" * places if places else "")
    quantum = Decimal(1).scaleb(-places)
    with app.test_request_context(), force_locale(code):
        for amount in AMOUNTS:
            rounded = Decimal(str(amount)).quantize(quantum, rounding=ROUND_HALF_UP)
            assert money(amount, places) == format_decimal(rounded, pattern, locale=code), amount


def test_amounts_round_half_up_to_the_brokers_precision_and_carry_the_currency(app):
    with app.test_request_context():
        assert money("999.995", 2, "USD") == "1,000.00 USD"
        assert money("1234.5", 0) == "1,235"
        assert money(None) == "\u2014"
    with app.test_request_context(), force_locale("pl"):
        assert money("1234567.891", 2, "PLN") == "1\u00a0234\u00a0567,89 PLN"


DAYS = [date(2026, month, day) for month in range(1, 13) for day in (1, 9, 28)]
TIMES = [datetime(2026, 1, 2, hour, minute, second) for hour, minute, second in
         [(0, 0, 0), (0, 4, 5), (9, 30, 0), (11, 59, 59), (12, 0, 0), (12, 1, 2), (15, 4, 5),
          (23, 59, 59)]]


@pytest.mark.parametrize("code", sorted(DATE_PATTERNS))
def test_dates_read_as_babel_writes_them_in_each_language(app, code):
    with app.test_request_context(), force_locale(code):
        for form in DATE_PATTERNS[code]:
            for day in DAYS:
                assert dateformat(day, form) == format_date(day, form, locale=code), (form, day)
            assert dateformat(DAYS[3]) == format_date(DAYS[3], "medium", locale=code)


@pytest.mark.parametrize("code", sorted(DATETIME_PATTERNS))
def test_times_read_as_babel_writes_them_in_utc_in_each_language(app, code):
    with app.test_request_context(), force_locale(code):
        for form in DATETIME_PATTERNS[code]:
            for moment in TIMES + [d.replace(month=m) for d in TIMES[:2] for m in range(2, 13)]:
                assert datetimeformat(moment, form) == format_datetime(
                    moment, form, tzinfo=timezone.utc, locale=code), (form, moment)
        assert datetimeformat(TIMES[0]) == format_datetime(TIMES[0], tzinfo=timezone.utc,
                                                           locale=code)


def test_a_time_with_a_zone_is_shown_in_utc(app):
    warsaw_midnight = datetime(2026, 5, 31, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    with app.test_request_context(), force_locale("pl"):
        assert dateformat(warsaw_midnight, "long") == "30 maja 2026"
        assert datetimeformat(warsaw_midnight) == "30 maj 2026, 22:30:00"
    with app.test_request_context():
        assert dateformat(date(1990, 5, 31), "long") == "May 31, 1990"


@pytest.mark.parametrize("lifetime, english, polish", [
    (timedelta(days=7), "1 week", "1 tydzień"),
    (timedelta(days=14), "2 weeks", "2 tygodnie"),
    (timedelta(days=10), "10 days", "10 dni"),
    (timedelta(days=1), "1 day", "1 dzień"),
    (timedelta(hours=1), "1 hour", "1 godzina"),
    (timedelta(hours=3), "3 hours", "3 godziny"),
    (timedelta(hours=36), "36 hours", "36 godzin"),
    (timedelta(minutes=90), "90 minutes", "90 minut"),
    (timedelta(minutes=22), "22 minutes", "22 minuty"),
    (timedelta(seconds=61), "61 seconds", "61 sekund"),
    (timedelta(seconds=1), "1 second", "1 sekunda"),
])
def test_a_links_lifetime_is_told_exactly_in_the_largest_unit_that_fits(app, lifetime, english,
                                                                        polish):
    with app.test_request_context():
        assert duration(lifetime) == english
    with app.test_request_context(), force_locale("pl"):
        assert duration(lifetime) == polish


def test_a_language_without_number_symbols_stops_the_start(sb, tmp_path):
    with pytest.raises(RuntimeError, match=r"no number symbols for language\(s\) de:"):
        make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}", LANGUAGES=["en", "de"])
