"""WTForms forms: every label and message wrapped for translation."""
from __future__ import annotations

import re
import unicodedata

import phonenumbers
from flask_wtf import FlaskForm
from wtforms import (BooleanField, EmailField, HiddenField, PasswordField, RadioField, SelectField,
                     StringField)
from wtforms.validators import (DataRequired, Email, InputRequired, Length, Optional,
                                StopValidation, ValidationError)

from ..i18n import country_names, lazy_gettext as _l
from ..services import passwords


class PortalForm(FlaskForm):
    """Base of every form. WTForms' own messages ("This field is required.") come in the page's
    language through Flask-WTF and Flask-Babel (WTF_I18N_ENABLED, on by default)."""


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def country_choices():
    """ISO 3166 countries named in the page's language."""
    return [("", _l("Choose a country"))] + country_names()


class PasswordRuleMixin:
    """One new password, checked against the one password rule."""

    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter a password."))],
        description=passwords.RULE_TEXT,
        render_kw={"autocomplete": "new-password"},
    )

    def validate_password(self, field):
        found = passwords.problems(field.data or "")
        if found:
            raise ValidationError(" ".join(str(p) for p in found))
        # Said at the first field: both are emptied, so the trader starts typing there.
        confirm = getattr(self, "confirm", None)
        if confirm is not None and confirm.data and field.data != confirm.data:
            raise ValidationError(_l("The two passwords do not match."))


class NewPasswordMixin(PasswordRuleMixin):
    """A new password and its confirmation (password pages; sign-up shows one field with a
    show/hide toggle instead)."""

    confirm = PasswordField(
        _l("Confirm password"),
        validators=[DataRequired(message=_l("Enter the password again."))],
        render_kw={"autocomplete": "new-password"},
    )


def _local_part(form, field):
    if len((field.data or "").rpartition("@")[0]) > 64:  # RFC 5321's limit, not checked by Email
        raise ValidationError(_l("Use at most 64 characters before the @."))


class EmailMixin:
    email = EmailField(
        _l("Email"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            Length(max=254, message=_l("Use at most 254 characters.")),
            _local_part,
            Email(message=_l("Enter a valid email address, like name@example.com."),
                  check_deliverability=False),
        ],
        # No maxlength: a browser would cut a pasted address short into another valid one.
        render_kw={"autocomplete": "email", "maxlength": False},
    )


# Control, format (bidirectional overrides, zero-width spaces), private-use and unassigned
# characters, and line breaks; the zero-width (non-)joiners some scripts spell names with stay.
NOT_IN_NAMES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
JOINERS = {"\u200c", "\u200d"}
# Invisible characters filed as letters or marks: the combining grapheme joiner, Hangul fillers,
# Mongolian and other variation selectors.
BLANKS = {"\u034f", "\u115f", "\u1160", "\u3164", "\uffa0", *map(chr, range(0x180b, 0x1810)),
          *map(chr, range(0xfe00, 0xfe10))}


def _unchanged(form, field):
    """Stops the rules after it for a value the back office stored and the trader left as is."""
    if field.data and field.data == getattr(form, "current", {}).get(field.name):
        raise StopValidation()


def _name_characters(form, field):
    text = field.data or ""
    if any(c in "<>" or c in BLANKS
           or (unicodedata.category(c) in NOT_IN_NAMES and c not in JOINERS)
           for c in text):
        raise ValidationError(
            _l("Remove symbols like < and > and invisible characters from the name."))
    if text and not any(unicodedata.category(c).startswith("L") for c in text):
        raise ValidationError(_l("A name needs at least one letter."))


PHONE_EXAMPLE = "+48 600 700 800"
NATIONAL_NUMBER = re.compile(r"^[0-9][0-9 ()./-]{5,}$")


def phone_number(text: str, country: str | None) -> str:
    """``text`` as an E.164 number (the chosen country's code assumed when it has none), or a
    ValidationError saying what to change."""
    region = country if len(country or "") == 2 else None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        if region is None and NATIONAL_NUMBER.match(text):
            raise ValidationError(_l("Start the number with its country code, like %(example)s.",
                                     example=PHONE_EXAMPLE))
        raise ValidationError(_l("Enter a valid phone number, like %(example)s.",
                                 example=PHONE_EXAMPLE))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


NAME_RULES = [_unchanged, Length(max=100, message=_l("Use at most 100 characters.")),
              _name_characters]


class HoneypotMixin:
    """A field people never see; bots that fill every input give themselves away."""

    website = StringField(_l("Leave this field empty"),
                          render_kw={"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_bot(self) -> bool:
        return bool(self.website.data)


class NamesMixin:
    """First and last name, both required (the broker's Account needs them)."""

    first_name = StringField(
        _l("First name"), filters=[_strip],
        validators=[DataRequired(message=_l("Enter your first name.")), *NAME_RULES],
        render_kw={"autocomplete": "given-name"},
    )
    last_name = StringField(
        _l("Last name"), filters=[_strip],
        validators=[DataRequired(message=_l("Enter your last name.")), *NAME_RULES],
        render_kw={"autocomplete": "family-name"},
    )


class RegisterForm(HoneypotMixin, EmailMixin, NamesMixin, PasswordRuleMixin, PortalForm):
    country = SelectField(_l("Country (optional)"), validators=[Optional()], validate_choice=False,
                          render_kw={"autocomplete": "country"})
    phone = StringField(
        _l("Phone (optional)"), filters=[_strip],
        validators=[Optional(), Length(max=32, message=_l("Use at most 32 characters."))],
        description=_l("With the country code, like %(example)s.", example=PHONE_EXAMPLE),
        render_kw={"autocomplete": "tel", "type": "tel"},
    )
    offer = RadioField(_l("Offer"), validators=[InputRequired(message=_l("Choose an offer."))],
                       validate_choice=False)
    terms = BooleanField(_l("I accept the terms and conditions"),
                         validators=[DataRequired(
                             message=_l("You need to accept the terms to continue."))])
    marketing = BooleanField(_l("Send me news and offers by email (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()

    def validate_country(self, field):
        if field.data and field.data not in {c for c, _ in field.choices}:
            raise ValidationError(_l("Choose a country from the list."))

    def validate_phone(self, field):
        field.data = phone_number(field.data, self.country.data)


class LoginForm(EmailMixin, PortalForm):
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(message=_l("Enter your password."))],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class ChooseOfferForm(PortalForm):
    offer = RadioField(_l("Offer"), validators=[InputRequired(message=_l("Choose an offer."))],
                       validate_choice=False)


class ConfirmOfferForm(PortalForm):
    offer = HiddenField(validators=[InputRequired()])
    key = HiddenField(validators=[InputRequired(), Length(max=64)])


class TradeForm(PortalForm):
    """The Trade button of one account card: the login to pick on the platform."""

    login = HiddenField(validators=[Optional(), Length(max=32)])


class PostForm(PortalForm):
    """A form with nothing but the CSRF token (logout, open platform)."""


class ConsentForm(PortalForm):
    """The cookie page's answer: "Accept" posts ``accept=y``; "Decline" posts without it."""

    next = HiddenField()
    accept = BooleanField(_l("Accept"))
