"""Amounts, dates and link lifetimes as a trader reads them in each portal language."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from babel.core import UnknownLocaleError
from flask import render_template_string
from flask_babel import force_locale

from portal.web.formatting import duration, money
from tests.support import make_app


@pytest.mark.parametrize("amount, places, english, polish", [
    ("0", 2, "0.00", "0,00"),
    ("7", 0, "7", "7"),
    ("999.995", 2, "1,000.00", "1\u00a0000,00"),
    ("1234.5", 0, "1,235", "1\u00a0235"),
    ("-1234.5", 2, "-1,234.50", "-1\u00a0234,50"),
    ("12345.678", 2, "12,345.68", "12\u00a0345,68"),
    ("1234567.891", 5, "1,234,567.89100", "1\u00a0234\u00a0567,89100"),
    (10000, 2, "10,000.00", "10\u00a0000,00"),
    (2.5, 0, "3", "3"),
])
def test_amounts_in_english_and_polish(app, amount, places, english, polish):
    with app.test_request_context():
        assert money(amount, places) == english
        with force_locale("pl"):
            assert money(amount, places) == polish


def test_amounts_round_half_up_to_the_brokers_precision_and_carry_the_currency(app):
    with app.test_request_context():
        assert money("999.995", 2, "USD") == "1,000.00 USD"
        assert money("0.125", None, "EUR") == "0.13 EUR"
        assert money(None) == "\u2014"
    with app.test_request_context("/?lang=pl"):
        assert money("1234567.891", 2, "PLN") == "1\u00a0234\u00a0567,89 PLN"


def render(template: str, **context) -> str:
    return render_template_string(template, **context)


def test_dates_and_times_in_english_and_polish(app):
    day, moment = date(2026, 9, 2), datetime(2026, 1, 2, 15, 4, 5)
    page = "{{ day | dateformat('long') }}|{{ day | dateformat }}|{{ moment | datetimeformat }}"
    with app.test_request_context("/?lang=en"):
        assert render(page, day=day, moment=moment) == (
            "September 2, 2026|Sep 2, 2026|Jan 2, 2026, 3:04:05\u202fPM")
    with app.test_request_context("/?lang=pl"):
        assert render(page, day=day, moment=moment) == (
            "2 września 2026|2 wrz 2026|2 sty 2026, 15:04:05")


def test_a_time_with_a_zone_is_shown_in_utc(app):
    warsaw_midnight = datetime(2026, 5, 31, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    page = "{{ t | dateformat('long') }}|{{ t | datetimeformat }}"
    with app.test_request_context("/?lang=pl"):
        assert render(page, t=warsaw_midnight) == "30 maja 2026|30 maj 2026, 22:30:00"
    with app.test_request_context():
        assert render("{{ d | dateformat('long') }}", d=date(1990, 5, 31)) == "May 31, 1990"


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


def test_a_third_language_needs_a_catalogue_not_code(sb, tmp_path):
    # Numbers and dates come from CLDR through Babel: German works before it has a catalogue.
    app = make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}", LANGUAGES=["en", "pl", "de"])
    with app.test_request_context("/?lang=de"):
        assert money("1234.5", 2, "EUR") == "1.234,50 EUR"
        assert render("{{ d | dateformat('long') }}", d=date(2026, 3, 1)) == "1. März 2026"
    app.extensions["broker"].close()


def test_a_language_cldr_does_not_know_stops_the_start(sb, tmp_path):
    with pytest.raises(UnknownLocaleError):
        make_app(sb, f"sqlite:///{tmp_path / 'portal.db'}", LANGUAGES=["en", "xx"])
