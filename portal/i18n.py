"""Translations through Flask-Babel: the language chosen for each request, the remembered
``lang`` cookie, the language switcher, localized countries.

Flask-Babel reads the compiled catalogues (``translations/<lang>/LC_MESSAGES/messages.mo``) and
gives templates ``_()``, ``gettext()`` and ``ngettext()``; Flask-WTF takes WTForms' own messages
in the same language from it.
"""
from __future__ import annotations

import gettext as stdlib_gettext
import unicodedata
from functools import lru_cache

import pycountry
from babel import Locale
from flask import Flask, current_app, has_request_context, request, url_for
from flask_babel import (format_date, format_datetime, get_locale, get_translations, gettext,
                         ngettext)
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from .config import ROOT
from .extensions import babel, db

__all__ = ["current_language", "gettext", "init_i18n", "lazy_gettext", "ngettext"]

TRANSLATIONS = ROOT / "translations"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# Each language is named in itself, so a reader finds their own whatever the page language is.
LANGUAGE_NAMES = {"en": "English", "pl": "Polski"}
KEPT_ARGS = ("offer", "next")
USUAL_ACCEPT_LANGUAGE = 200  # characters; longer Accept-Language headers are parsed each time


# A Locale made once per language, which Flask-Babel takes as it is instead of parsing a code.
_locale = lru_cache(maxsize=16)(Locale.parse)


def select_locale() -> Locale | None:
    """Flask-Babel's locale selector: ``?lang=``, then the ``lang`` cookie, then
    Accept-Language, among supported languages, else DEFAULT_LANGUAGE; outside a request None,
    for which Flask-Babel takes its default locale (the same language)."""
    if not has_request_context():
        return None
    supported = current_app.config["LANGUAGES"]
    for candidate in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if candidate in supported:
            return _locale(candidate)
    accept = request.headers.get("Accept-Language", "")
    pick = _usual_best_match if len(accept) <= USUAL_ACCEPT_LANGUAGE else _best_match
    # The default as a made Locale too: for None Flask-Babel would parse its code again.
    return _locale(pick(accept, tuple(supported)) or current_app.config["DEFAULT_LANGUAGE"])


def _best_match(accept_language: str, supported: tuple[str, ...]) -> str | None:
    """The best supported language for an Accept-Language header."""
    return parse_accept_header(accept_language, LanguageAccept).best_match(supported)


# Browsers send a few short forms of the header, so their answers are kept; long ones are not.
_usual_best_match = lru_cache(maxsize=256)(_best_match)


def current_language() -> str:
    """The two-letter code of the language Flask-Babel renders in now: this request's (chosen
    once per request), the one ``force_locale()`` set, or DEFAULT_LANGUAGE."""
    locale = get_locale()
    return locale.language if locale else current_app.config["DEFAULT_LANGUAGE"]


def language_links() -> list[dict]:
    """One switcher entry per language: this page in that language, and whether it is current."""
    rule = request.url_rule
    same_page = rule is not None and "GET" in rule.methods and request.endpoint != "static"
    # Only arguments that choose what the page shows are kept: the links never echo other input.
    kept = {k: v for k, v in request.args.items() if k in KEPT_ARGS}
    args = {**(request.view_args or {}), **kept} if same_page else {}
    links = []
    for code in current_app.config["LANGUAGES"]:
        args["lang"] = code
        url = (url_for(request.endpoint, **args) if same_page
               else url_for("marketing.home", lang=code))
        links.append({"code": code, "name": LANGUAGE_NAMES.get(code, code), "url": url,
                      "current": code == current_language()})
    return links


def remember_language(response):
    """Keep a language chosen with ``?lang=`` in a cookie, and for a logged-in trader's emails."""
    chosen = request.args.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        if request.cookies.get(COOKIE) != chosen:
            response.set_cookie(
                COOKIE, chosen, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            )
        if current_user.is_authenticated and current_user.language != chosen:
            current_user.language = chosen  # emails follow the language the trader reads in
            db.session.commit()
    if "Vary" in response.headers:
        response.vary.update(("Accept-Language", "Cookie"))
    else:  # the usual case, without parsing and re-writing a header
        response.headers["Vary"] = "Accept-Language, Cookie"
    return response


@lru_cache(maxsize=8)
def _country_names(language: str) -> tuple[tuple[str, str], ...]:
    if language == "en":  # pycountry's own names
        translate = str
    else:
        catalog = stdlib_gettext.translation("iso3166-1", pycountry.LOCALES_DIR,
                                             languages=[language], fallback=True)
        translate = catalog.gettext
    names = ((c.alpha_2, translate(c.name)) for c in pycountry.countries)
    return tuple(sorted(names, key=lambda pair: _collation_key(pair[1])))


def _collation_key(name: str) -> str:
    """Sort key that files letters with diacritics beside their base letter (Ł with L)."""
    folded = unicodedata.normalize("NFKD", name.replace("Ł", "L").replace("ł", "l"))
    return "".join(c for c in folded if not unicodedata.combining(c)).casefold()


def country_names() -> list[tuple[str, str]]:
    """ISO 3166 countries as (alpha-2 code, name in the current language), sorted by name."""
    return list(_country_names(current_language()))


class _TextLazyString(LazyString):
    """Flask-Babel's lazy string, written into HTML as text.

    Flask-Babel's own ``__html__`` gives the text unescaped (python-babel/flask-babel#121,
    #224): Jinja, WTForms' widgets, markupsafe and Flask's session (which keeps a flashed
    message as Markup) would then read a message such as "Remove symbols like < and >" as
    markup.
    """

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables) -> LazyString:
    """Flask-Babel's ``lazy_gettext``: ``gettext(string, **variables)`` each time the result is
    used as a string (labels, validator messages and other module-level texts), escaped when
    written into HTML."""
    return _TextLazyString(gettext, string, **variables)


# Templates look the catalogue up once per render. Flask-Babel's own Jinja set-up
# (``configure_jinja``) asks Flask-Babel for the request's catalogue again for every string, and
# a page shows dozens: the accounts page spent about a fifth of its rendering there.
CATALOGUE = "babel_catalogue"


def _catalogue() -> dict:
    """The template context's catalogue: the one of the language rendered in now (a render
    inside ``force_locale()``, such as an email, gets that language's)."""
    return {CATALOGUE: get_translations()}


def _catalogue_of(context):
    # A macro imported without context has no catalogue of its own: Flask-Babel's, as before.
    return context.get(CATALOGUE) or get_translations()


@pass_context
def _template_gettext(context, string: str) -> str:
    return _catalogue_of(context).ugettext(string)


@pass_context
def _template_ngettext(context, singular: str, plural: str, n: int) -> str:
    return _catalogue_of(context).ungettext(singular, plural, n)


@pass_context
def _template_pgettext(context, message_context: str, string: str) -> str:
    return _catalogue_of(context).upgettext(message_context, string)


@pass_context
def _template_npgettext(context, message_context: str, singular: str, plural: str,
                        n: int) -> str:
    return _catalogue_of(context).unpgettext(message_context, singular, plural, n)


def init_i18n(app: Flask) -> None:
    """Bind Flask-Babel (its catalogues and locale selector), give templates Jinja's i18n
    extension with the request's catalogue and Flask-Babel's date filters, remember ``?lang=``
    in a cookie, give templates the language switcher and ``<html lang>``."""
    for code in app.config["LANGUAGES"]:
        Locale.parse(code)  # a language CLDR does not know stops the start, not a request
    babel.init_app(app, default_locale=app.config["DEFAULT_LANGUAGE"],
                   default_translation_directories=str(TRANSLATIONS),
                   locale_selector=select_locale)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # newstyle: escaped, %(name)s filled in
        gettext=_template_gettext, ngettext=_template_ngettext, pgettext=_template_pgettext,
        npgettext=_template_npgettext, newstyle=True)
    app.context_processor(_catalogue)
    app.jinja_env.filters.update(dateformat=format_date, datetimeformat=format_datetime)
    app.after_request(remember_language)
    app.jinja_env.globals["language_links"] = language_links
    app.jinja_env.globals["current_language"] = current_language  # for <html lang>
