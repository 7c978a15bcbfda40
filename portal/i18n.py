"""Translations, locale choice, the remembered ``lang`` cookie, the language switcher,
localized countries.

The portal reads its compiled catalogues (``translations/<lang>/LC_MESSAGES/messages.mo``) with
the standard library's ``gettext``; Babel only extracts and compiles them (``make translations``)
and is not loaded by the running app.
"""
from __future__ import annotations

import gettext as stdlib_gettext
import unicodedata
from contextlib import contextmanager
from functools import lru_cache

import pycountry
from flask import Flask, current_app, g, has_request_context, request, url_for
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header
from wtforms.i18n import messages_path

from .config import ROOT
from .extensions import db

TRANSLATIONS = ROOT / "translations"
SOURCE_LANGUAGE = "en"  # the language of the msgids: it needs no catalogue
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# Each language is named in itself, so a reader finds their own whatever the page language is.
LANGUAGE_NAMES = {"en": "English", "pl": "Polski"}
KEPT_ARGS = ("offer", "next")
USUAL_ACCEPT_LANGUAGE = 200  # characters; longer Accept-Language headers are parsed each time
_UNSET = object()


def select_language() -> str:
    """``?lang=``, then the ``lang`` cookie, then Accept-Language, among supported languages;
    else DEFAULT_LANGUAGE. A two-letter code."""
    supported = current_app.config["LANGUAGES"]
    for candidate in (_given(request.args, "lang"), _given(request.cookies, COOKIE)):
        if candidate in supported:
            return candidate
    accept = request.environ.get("HTTP_ACCEPT_LANGUAGE", "")
    pick = _usual_best_match if len(accept) <= USUAL_ACCEPT_LANGUAGE else _best_match
    return pick(accept, tuple(supported)) or current_app.config["DEFAULT_LANGUAGE"]


def _given(values, key: str) -> str | None:
    """``values.get(key)`` for a query or cookie map, without Werkzeug raising and catching a
    KeyError (an HTTP exception object) when the key is absent, as it usually is."""
    return values[key] if key in values else None


def _best_match(accept_language: str, supported: tuple[str, ...]) -> str | None:
    """The best supported language for an Accept-Language header."""
    return parse_accept_header(accept_language, LanguageAccept).best_match(supported)


# Browsers send a few short forms of the header, so their answers are kept; long ones are not.
_usual_best_match = lru_cache(maxsize=256)(_best_match)


def current_language() -> str:
    """The two-letter code of the language this request is answered in (chosen once per
    request), the one ``in_language()`` set, or outside a request DEFAULT_LANGUAGE."""
    try:
        return g._language
    except AttributeError:  # not chosen yet in this request
        pass
    except RuntimeError:  # outside an app context: no config to ask
        return SOURCE_LANGUAGE
    if not has_request_context():
        return current_app.config["DEFAULT_LANGUAGE"]
    language = g._language = select_language()
    return language


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
    if language == SOURCE_LANGUAGE:
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


@lru_cache(maxsize=8)
def _catalogue(language: str) -> stdlib_gettext.NullTranslations:
    """The portal's compiled catalogue for ``language``, read once per process; the source
    language's strings are their own translation."""
    if language == SOURCE_LANGUAGE:
        return stdlib_gettext.NullTranslations()
    return stdlib_gettext.translation("messages", TRANSLATIONS, languages=[language],
                                      fallback=True)


def _translations() -> stdlib_gettext.NullTranslations:
    """The current catalogue, looked up once per request (or ``in_language()`` block) and kept
    in ``g``: a page asks for about a hundred strings."""
    try:
        return g._translations
    except AttributeError:
        pass
    except RuntimeError:  # outside an app context
        return _catalogue(SOURCE_LANGUAGE)
    found = _catalogue(current_language())
    if "_language" in g:  # chosen for this request or forced; not the default outside one
        g._translations = found
    return found


def gettext(string: str, **variables) -> str:
    """``string`` in the current language, %-formatted with ``variables`` when given."""
    text = _translations().gettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The singular or the (language's) plural form for ``num``, %-formatted with
    ``variables``; ``num`` is available as ``%(num)d``."""
    variables.setdefault("num", num)
    return _translations().ngettext(singular, plural, num) % variables


class LazyString:
    """A message translated when it is used rather than when it is defined: labels, validator
    messages and other module-level texts, read in each request's language.

    It stands in for ``str`` (``str()``, ``%``, ``+``, comparison, hashing, ``len``, ``in``,
    ``format`` and other str methods). ``__html__`` gives the text escaped, so Jinja, WTForms'
    widgets and markupsafe show it as text, and Flask's session keeps a flashed one.
    """

    __slots__ = ("_func", "_args", "_kwargs")

    def __init__(self, func, *args, **kwargs):
        self._func = func
        self._args = args
        self._kwargs = kwargs

    def __str__(self) -> str:
        return str(self._func(*self._args, **self._kwargs))

    def __getattr__(self, name):
        if name.startswith("_"):  # private and protocol names (copy, pickle) are not str's
            raise AttributeError(name)
        return getattr(str(self), name)

    def __repr__(self) -> str:
        return f"l{str(self)!r}"

    def __html__(self) -> Markup:
        return escape(str(self))

    def __len__(self) -> int:
        return len(str(self))

    def __getitem__(self, key):
        return str(self)[key]

    def __iter__(self):
        return iter(str(self))

    def __contains__(self, item) -> bool:
        return item in str(self)

    def __add__(self, other):
        return str(self) + other

    def __radd__(self, other):
        return other + str(self)

    def __mul__(self, other):
        return str(self) * other

    __rmul__ = __mul__

    def __mod__(self, other):
        return str(self) % other

    def __rmod__(self, other):
        return other % str(self)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other) -> bool:
        return str(self) == other

    def __ne__(self, other) -> bool:
        return str(self) != other

    def __lt__(self, other) -> bool:
        return str(self) < other

    def __le__(self, other) -> bool:
        return str(self) <= other

    def __gt__(self, other) -> bool:
        return str(self) > other

    def __ge__(self, other) -> bool:
        return str(self) >= other

    def __hash__(self) -> int:
        return hash(str(self))


def lazy_gettext(string: str, **variables) -> LazyString:
    """``gettext(string, **variables)`` done each time the result is used as a string."""
    return LazyString(gettext, string, **variables)


@pass_context
def _gettext(context, string: str, **variables) -> str:
    """Jinja's "new style" gettext (escaping, then %-formatting) in one call instead of three."""
    text = _translations().gettext(string)
    if context.eval_ctx.autoescape:
        # Trusted: our own msgid or its translation from our catalogue, as in Jinja's gettext;
        # the %-formatting that follows escapes every variable.
        text = Markup(text)  # nosec B704
    return text % variables if variables or "%" in text else text


@pass_context
def _ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    text = _translations().ngettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)  # nosec B704 (trusted catalogue text, as in _gettext)
    return text % variables


@contextmanager
def in_language(language: str):
    """Render in ``language`` for a while (e.g. a trader's email), then in the page's again."""
    saved = g.get("_language", _UNSET), g.get("_translations", _UNSET)
    g._language = language
    g.pop("_translations", None)
    try:
        yield
    finally:
        for name, value in zip(("_language", "_translations"), saved):
            if value is _UNSET:
                g.pop(name, None)
            else:
                setattr(g, name, value)


@lru_cache(maxsize=8)
def _wtforms_catalogue(language: str) -> stdlib_gettext.NullTranslations:
    return stdlib_gettext.translation("wtforms", messages_path(), languages=[language],
                                      fallback=True)


def wtforms_translations() -> stdlib_gettext.NullTranslations:
    """WTForms' own messages ("This field is required.") in the page's language, loaded once
    per process rather than once per request as Flask-WTF does. WTForms calls its ``gettext``
    and ``ngettext``."""
    return _wtforms_catalogue(current_language())


def init_i18n(app: Flask) -> None:
    """Remember ``?lang=`` in a cookie, give templates the language switcher and a gettext that
    resolves the catalogue once per request. Templates call ``_()`` and ``ngettext()``; Jinja's
    i18n extension (``{% trans %}`` blocks) is not loaded."""
    app.after_request(remember_language)
    app.jinja_env.globals["language_links"] = language_links
    app.jinja_env.globals["current_language"] = current_language  # for <html lang>
    app.jinja_env.newstyle_gettext = True
    app.jinja_env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext)
