"""Forms of the profile and my-data pages: every label and message wrapped for translation."""
from __future__ import annotations

from datetime import date, datetime, timezone

from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..i18n import lazy_gettext as _l
from ..services.profile import FIELDS, LOCKED_WHEN_VERIFIED
from .forms import (NAME_RULES, PHONE_EXAMPLE, NamesMixin, PortalForm, _strip, _unchanged,
                    country_choices, phone_number)

ADULT_AGE = 18
EARLIEST_BIRTH_YEAR = 1900


def _length(n: int) -> Length:
    return Length(max=n, message=_l("Use at most %(n)d characters.", n=n))


def years_between(born: date, today: date) -> int:
    """Whole years from ``born`` to ``today`` (born on 29 February: a year older on 1 March)."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class ProfileForm(NamesMixin, PortalForm):
    """The optional Account details; names are required while they can be edited."""

    date_of_birth = DateField(
        _l("Date of birth (optional)"), validators=[Optional()],
        invalid_value_message=_l("Enter a real date, like 1990-05-31."),
        render_kw={"autocomplete": "bday"},
    )
    phone = StringField(
        _l("Phone (optional)"), filters=[_strip],
        validators=[Optional(), _length(32), _unchanged],
        description=_l("With the country code, like %(example)s.", example=PHONE_EXAMPLE),
        render_kw={"autocomplete": "tel", "type": "tel"},
    )
    country = SelectField(_l("Country (optional)"), validators=[Optional()], validate_choice=False,
                          render_kw={"autocomplete": "country"})
    street = StringField(_l("Street and number (optional)"), filters=[_strip],
                         validators=[Optional(), _length(200)],
                         render_kw={"autocomplete": "street-address"})
    city = StringField(_l("City (optional)"), filters=[_strip],
                       validators=[Optional(), _length(100)],
                       render_kw={"autocomplete": "address-level2"})
    post_code = StringField(_l("Post code (optional)"), filters=[_strip],
                            validators=[Optional(), _length(20)],
                            render_kw={"autocomplete": "postal-code"})
    state = StringField(_l("State or region (optional)"), filters=[_strip],
                        validators=[Optional(), _length(100)],
                        render_kw={"autocomplete": "address-level1"})

    def __init__(self, *args, locked: bool = False, current: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.locked = locked
        self.current = current or {}
        current_country = self.current.get("country", "")
        choices = country_choices()
        if current_country and current_country not in {code for code, _ in choices}:
            # The back office may have stored a country outside ISO 3166: keep it selectable.
            choices.insert(1, (current_country, current_country))
        self.country.choices = choices
        if locked:
            # Not shown as inputs; a value posted anyway is checked (and refused) by the service.
            for name in ("first_name", "last_name"):
                self[name].validators = [Optional(), *NAME_RULES]

    def validate_country(self, field):
        if field.data and field.data not in {code for code, _ in field.choices}:
            raise ValidationError(_l("Choose a country from the list."))

    def validate_date_of_birth(self, field):
        if field.data is None:
            return  # not a date: the field already says so
        today = datetime.now(timezone.utc).date()
        if field.data > today:
            raise ValidationError(_l("The date of birth cannot be in the future."))
        if field.data.year < EARLIEST_BIRTH_YEAR:
            raise ValidationError(_l("Enter a real date of birth."))
        if years_between(field.data, today) < ADULT_AGE:
            raise ValidationError(_l("You must be at least %(n)d years old to trade.", n=ADULT_AGE))

    def validate_phone(self, field):  # after _unchanged: a stored number is not ours to judge
        field.data = phone_number(field.data, self.country.data)

    def values(self) -> dict[str, str]:
        """The submitted details for the profile service; locked fields only when posted."""
        result = {}
        for name in FIELDS:
            data = self[name].data
            if self.locked and name in LOCKED_WHEN_VERIFIED and not data:
                continue
            result[name] = data.isoformat() if isinstance(data, date) else (data or "")
        return result


class DeletionForm(PortalForm):
    """Ask staff to delete the trader's data."""

    confirm = BooleanField(
        _l("I understand, and I ask you to delete my data."),
        validators=[DataRequired(message=_l("Tick the box to confirm the request."))],
    )
