"""Locale choice, the remembered ``lang`` cookie, the language switcher, localized countries."""
from __future__ import annotations

import gettext
import unicodedata
from contextlib import contextmanager
from functools import lru_cache

import pycountry
from babel import Locale, support
from flask import Flask, current_app, g, request, url_for
from flask_babel import force_locale, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header
from wtforms.i18n import messages_path

from .extensions import db

COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# Each language is named in itself, so a reader finds their own whatever the page language is.
LANGUAGE_NAMES = {"en": "English", "pl": "Polski"}
KEPT_ARGS = ("offer", "next")
USUAL_ACCEPT_LANGUAGE = 200  # characters; longer Accept-Language headers are parsed each time


def select_locale() -> Locale:
    """``?lang=``, then the ``lang`` cookie, then Accept-Language, among supported languages.

    Answers a Locale made once per language, which Flask-Babel takes as it is instead of
    parsing a language code on every request.
    """
    supported = current_app.config["LANGUAGES"]
    for candidate in (_given(request.args, "lang"), _given(request.cookies, COOKIE)):
        if candidate in supported:
            return _locale(candidate)
    accept = request.environ.get("HTTP_ACCEPT_LANGUAGE", "")
    pick = _usual_best_match if len(accept) <= USUAL_ACCEPT_LANGUAGE else _best_match
    best = pick(accept, tuple(supported))
    return _locale(best or current_app.config["BABEL_DEFAULT_LOCALE"])


def _given(values, key: str) -> str | None:
    """``values.get(key)`` for a query or cookie map, without Werkzeug raising and catching a
    KeyError (an HTTP exception object) when the key is absent, as it usually is."""
    return values[key] if key in values else None


@lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def _best_match(accept_language: str, supported: tuple[str, ...]) -> str | None:
    """The best supported language for an Accept-Language header."""
    return parse_accept_header(accept_language, LanguageAccept).best_match(supported)


# Browsers send a few short forms of the header, so their answers are kept; long ones are not.
_usual_best_match = lru_cache(maxsize=256)(_best_match)


def current_language() -> str:
    """The two-letter code of the language this request is answered in."""
    locale = get_locale()
    return locale.language if locale else current_app.config["BABEL_DEFAULT_LOCALE"]


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
    chosen = _given(request.args, "lang")
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
    if language == "en":
        translate = str
    else:
        catalog = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language],
                                      fallback=True)
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


def _translations():
    """The current catalogue, looked up once per request or app context.

    A page asks for about a hundred strings; Flask-Babel would resolve the locale for each.
    """
    found = g.get("_translations")
    if found is None:
        found = g._translations = get_translations()
    return found


@pass_context
def _gettext(context, string: str, **variables) -> str:
    """Jinja's "new style" gettext (escaping, then %-formatting) in one call instead of three."""
    text = _translations().ugettext(string)
    if context.eval_ctx.autoescape:
        # Trusted: our own msgid or its translation from our catalogue, as in Jinja's gettext;
        # the %-formatting that follows escapes every variable.
        text = Markup(text)  # nosec B704
    return text % variables if variables or "%" in text else text


@pass_context
def _ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    text = _translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # nosec B704 (trusted catalogue text, as in _gettext)
    return text % variables


@contextmanager
def in_language(language: str):
    """Render in ``language`` for a while (e.g. a trader's email), then in the page's again."""
    g.pop("_translations", None)
    try:
        with force_locale(language):
            yield
    finally:
        g.pop("_translations", None)


@lru_cache(maxsize=8)
def _wtforms_catalogue(language: str):
    return support.Translations.load(messages_path(), [language], domain="wtforms")


def wtforms_translations():
    """WTForms' own messages ("This field is required.") in the page's language, loaded once
    per process rather than once per request as Flask-WTF does."""
    return _wtforms_catalogue(current_language())


def init_i18n(app: Flask) -> None:
    """Remember ``?lang=`` in a cookie, give templates the language switcher and a gettext that
    resolves the catalogue once per request."""
    app.after_request(remember_language)
    app.jinja_env.globals["language_links"] = language_links
    app.jinja_env.globals["current_language"] = current_language  # for <html lang>
    app.jinja_env.newstyle_gettext = True
    app.jinja_env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
