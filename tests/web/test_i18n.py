"""English and Polish: choosing the language, its cookie, and a complete, current catalogue."""
from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from sandbox import seed

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "pl" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
FIX = "Run `make translations`, translate the listed entries in " \
      "translations/pl/LC_MESSAGES/messages.po, then run `make translations` again."


def extracted() -> Catalog:
    """The catalogue as the sources define it now (what `make translations` extracts)."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    catalog = Catalog()
    for filename, lineno, message, _comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=keywords):
        catalog.add(message, None, [(filename, lineno)], context=context)
    return catalog


def polish() -> Catalog:
    with open(PO, "rb") as handle:
        return read_po(handle, locale="pl")


def translated(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return not message.fuzzy and all(strings)


def broker_language(sb, email: str) -> str:
    account = next(a for a in sb.store.data["accounts"].values() if a["email"] == email)
    return account["personalDetails"]["language"]


def texts(value):
    """A message's id or string as a dict key: plural forms come as a list from the .mo file
    and as a tuple from the .po file."""
    return value if isinstance(value, str) else tuple(value)


def key(message) -> str:
    return repr(message.id if isinstance(message.id, str) else message.id[0])


def test_every_message_in_the_sources_has_a_polish_translation():
    po = polish()
    missing = sorted(key(m) for m in extracted() if m.id and not (
        po.get(m.id, m.context) is not None and translated(po.get(m.id, m.context))))
    assert not missing, (f"{len(missing)} message(s) have no Polish translation (or a fuzzy "
                         "one):\n  "
                         + "\n  ".join(missing) + f"\n{FIX}")


def test_the_polish_catalogue_has_no_entries_the_sources_dropped():
    sources = extracted()
    stale = sorted(key(m) for m in polish() if m.id and sources.get(m.id, m.context) is None)
    assert not stale, (f"messages.po is out of date with the sources; {len(stale)} entries are no "
                       "longer used:\n  " + "\n  ".join(stale) + f"\n{FIX}")


def test_polish_translations_keep_every_placeholder():
    problems = [f"{key(m)}: {'; '.join(str(e) for e in errors)}" for m, errors in polish().check()]
    assert not problems, "\n".join(problems)


def test_the_compiled_catalogue_matches_the_po_file():
    with open(MO, "rb") as handle:
        compiled = {texts(m.id): texts(m.string) for m in read_mo(handle) if m.id}
    expected = {texts(m.id): texts(m.string) for m in polish() if m.id and translated(m)}
    stale = sorted(key(m) for m in polish() if m.id and translated(m)
                   and compiled.get(texts(m.id)) != expected[texts(m.id)])
    assert not stale and len(compiled) == len(expected), (
        "messages.mo is not compiled from the current messages.po:\n  " + "\n  ".join(stale)
        + f"\n{FIX}")


def test_lang_parameter_gives_a_polish_page_with_html_lang(client):
    html = client.get("/offers?lang=pl").get_data(as_text=True)
    assert '<html lang="pl">' in html
    assert "Wybierz ofertę" in html and "Choose an offer" not in html


def test_lang_parameter_is_remembered_in_a_cookie(client):
    response = client.get("/?lang=pl")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang="))
    assert cookie.startswith("lang=pl;") and "Max-Age" in cookie and "SameSite=Lax" in cookie
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="pl">' in html and "Zaloguj się" in html


def test_an_unsupported_lang_parameter_is_ignored(client):
    response = client.get("/?lang=xx")
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_accept_language_picks_polish_without_a_cookie(client):
    browser = {"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"}
    html = client.get("/login", headers=browser).get_data(as_text=True)
    assert '<html lang="pl">' in html and "Zaloguj się" in html


def test_cookie_wins_over_accept_language_and_lang_wins_over_cookie(client):
    client.set_cookie("lang", "en")
    polish_browser = {"Accept-Language": "pl"}
    assert '<html lang="en">' in client.get("/", headers=polish_browser).get_data(as_text=True)
    assert '<html lang="pl">' in client.get("/?lang=pl").get_data(as_text=True)


def test_switcher_links_this_page_in_each_language_and_marks_the_current_one(client):
    html = client.get("/offers?lang=pl").get_data(as_text=True)
    assert '<a href="/offers?lang=en" hreflang="en" lang="en">English</a>' in html
    assert ('<a href="/offers?lang=pl" hreflang="pl" lang="pl" aria-current="true">Polski</a>'
            in html)


def test_polish_numbers_use_a_space_for_thousands_and_a_comma_for_decimals(client):
    html = client.get("/offers?lang=pl").get_data(as_text=True)
    assert "10\u00a0000,00 USD" in html and "10,000.00" not in html


def test_polish_form_errors_and_flash_messages(client, trader, sb):
    client.set_cookie("lang", "pl")
    html = trader.register(email="zly-adres", first_name="").get_data(as_text=True)
    assert "Podaj swoje imię." in html
    html = client.get("/accounts", follow_redirects=True).get_data(as_text=True)
    assert "Zaloguj się, aby zobaczyć tę stronę." in html


def test_polish_error_page_in_the_layout(client):
    response = client.get("/nie-ma-takiej-strony?lang=pl")
    assert response.status_code == 404
    assert "Nie znaleziono strony" in response.get_data(as_text=True)


def test_registration_with_lang_pl_sends_polish_to_the_broker(client, trader, sb):
    client.get("/register?lang=pl")
    trader.register(email="polka@example.com")
    assert broker_language(sb, "polka@example.com") == "pl"


def test_registration_posted_with_lang_pl_sends_polish_without_a_cookie(client, sb):
    data = {"email": "param@example.com", "first_name": "Ola", "last_name": "Nowak",
            "password": "Sunny-Day42", "confirm": "Sunny-Day42", "offer": seed.OFFER_DEMO_USD,
            "terms": "y"}
    client.post("/register?lang=pl", data=data)
    assert broker_language(sb, "param@example.com") == "pl"


def test_choosing_a_language_while_logged_in_makes_emails_follow_it(app, client, trader):
    trader.register(email="lang-switch@example.com")
    client.get("/accounts?lang=pl")
    with app.app_context():
        from portal.extensions import db
        from portal.models import PortalUser
        user = db.session.scalar(db.select(PortalUser).filter_by(email="lang-switch@example.com"))
        assert user.language == "pl"


def test_registration_form_names_countries_in_polish(client):
    html = client.get("/register?lang=pl").get_data(as_text=True)
    assert '<option value="PL">Polska</option>' in html
    assert '<option value="DE">Niemcy</option>' in html


def test_switcher_keeps_the_chosen_offer_but_echoes_no_other_input(client):
    html = client.get(f"/register?offer={seed.OFFER_LIVE_GBP}&utm=<b>x</b>").get_data(as_text=True)
    switcher = html.split('class="site-nav language-switcher"')[1].split("</nav>")[0]
    assert f'href="/register?offer={seed.OFFER_LIVE_GBP}&amp;lang=pl"' in switcher
    assert "utm" not in switcher


def test_form_labels_are_read_in_each_requests_language(client):
    # The labels are lazy strings made once at import: each page reads them in its own language.
    polish = client.get("/register?lang=pl").get_data(as_text=True)
    assert '<label for="first_name">Imię</label>' in polish
    assert '<label for="password">Hasło</label>' in polish and "Pokaż hasło" in polish
    english = client.get("/register?lang=en").get_data(as_text=True)
    assert '<label for="first_name">First name</label>' in english
    assert "Imię" not in english


def test_a_polish_validator_message_is_shown_as_text(client, trader):
    client.set_cookie("lang", "pl")
    html = trader.register(email="znaki@example.com", first_name="<b>Ola").get_data(as_text=True)
    assert "Usuń z imienia lub nazwiska symbole takie jak &lt; i &gt; oraz niewidoczne" in html


def test_a_lazy_string_stands_in_for_its_translation(app):
    from flask import flash, get_flashed_messages
    from flask.json.tag import TaggedJSONSerializer
    from flask_babel import force_locale
    from markupsafe import Markup, escape

    from portal.i18n import gettext, lazy_gettext, ngettext

    label = lazy_gettext("Confirm password")
    limit = lazy_gettext("Use at most %(n)d characters.", n=5)
    rule = lazy_gettext("Remove symbols like < and > and invisible characters from the name.")
    assert str(label) == "Confirm password"  # outside a request: the source text
    with app.test_request_context("/?lang=pl"):
        assert str(label) == "Powtórz hasło" and label == "Powtórz hasło"
        assert hash(label) == hash("Powtórz hasło") and {label: 1}["Powtórz hasło"] == 1
        assert len(label) == len("Powtórz hasło") and "hasło" in label
        assert label + "!" == "Powtórz hasło!" and "» " + label == "» Powtórz hasło"
        assert f"» {label}" == "» Powtórz hasło" and label.upper() == "POWTÓRZ HASŁO"
        assert str(limit) == "Maksymalna liczba znaków: 5." and limit % {} == str(limit)
        assert escape(rule) == Markup(escape(str(rule))) and "&lt; i &gt;" in rule.__html__()
        assert Markup("<p>%s</p>") % rule == Markup(f"<p>{escape(str(rule))}</p>")
        assert gettext("Hello %(name)s", name="Ola") == "Hello Ola"
        assert ngettext("%(num)d day", "%(num)d days", 3) == "3 dni"
        with force_locale("en"):
            assert str(label) == "Confirm password"
        assert str(label) == "Powtórz hasło"
        # A flashed lazy message is kept in the session as its text in this request's language.
        flash(label, "info")
        serializer = TaggedJSONSerializer()
        kept = serializer.loads(serializer.dumps({"flashes": get_flashed_messages()}))
        assert kept["flashes"] == ["Powtórz hasło"]


def test_wtforms_own_messages_come_in_the_pages_language(app):
    # Flask-WTF takes WTForms' catalogue in Flask-Babel's locale (WTF_I18N_ENABLED by default).
    from wtforms import StringField
    from wtforms.validators import InputRequired

    from portal.web.forms import PortalForm

    class Form(PortalForm):
        name = StringField(validators=[InputRequired()])

    for query, expected in (("?lang=pl", "To pole jest wymagane."),
                            ("?lang=en", "This field is required.")):
        with app.test_request_context(f"/{query}", method="POST", data={"name": ""}):
            form = Form()
            assert not form.validate() and form.name.errors == [expected]
