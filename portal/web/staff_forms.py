"""Forms of the staff pages: log in, the funnel's period, and a campaign for the link builder."""
from __future__ import annotations

from datetime import date

from wtforms import PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import DateInput

from ..i18n import lazy_gettext as _l
from ..models.marketing import CODE_LENGTH, PARAM_LENGTH
from .forms import EmailMixin, PortalForm


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class StaffLoginForm(EmailMixin, PortalForm):
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"})


def _a_date(form, field):
    try:
        field.parsed = date.fromisoformat(field.data) if field.data else None
    except ValueError:
        field.parsed = None
        raise ValidationError(_l("Enter a date like 2026-03-31.")) from None


class FunnelForm(PortalForm):
    """The period and touch of the funnel page; sent by GET, so a view of it can be bookmarked
    and changes nothing (no CSRF token in the address)."""

    class Meta:
        csrf = False

    start = StringField(_l("From"), filters=[_strip], widget=DateInput(),
                        validators=[Optional(), _a_date])
    end = StringField(_l("To"), filters=[_strip], widget=DateInput(),
                      validators=[Optional(), _a_date])
    touch = RadioField(_l("Count each sign-up under its"), default="last",
                       choices=[SelectChoice("last", _l("Last touch")),
                                SelectChoice("first", _l("First touch"))],
                       validators=[Optional()])

    def validate_end(self, field):
        first = getattr(self.start, "parsed", None)
        last = getattr(field, "parsed", None)
        if first and last and last < first:
            raise ValidationError(_l("The end date must not be before the start date."))


class PickCampaignForm(PortalForm):
    """Which campaign's links to show; sent by GET, like the funnel's period."""

    class Meta:
        csrf = False

    campaign = SelectField(_l("Campaign"), validate_choice=False)


def _utm(label):
    return StringField(label, filters=[_strip], validators=[Optional(), Length(
        max=PARAM_LENGTH, message=_l("Use at most %(n)d characters.", n=PARAM_LENGTH))])


class CampaignForm(PortalForm):
    code = StringField(
        _l("Code"), filters=[_strip],
        description=_l("Letters, digits, - and _; it becomes the link /go/<code>."),
        validators=[DataRequired(message=_l("Enter a code.")),
                    Length(max=CODE_LENGTH,
                           message=_l("Use at most %(n)d characters.", n=CODE_LENGTH)),
                    Regexp(r"^[A-Za-z0-9_-]+$",
                           message=_l("Use only letters, digits, - and _."))])
    utm_source = _utm(_l("Source (utm_source)"))
    utm_medium = _utm(_l("Medium (utm_medium)"))
    utm_campaign = _utm(_l("Campaign name (utm_campaign)"))
    utm_term = _utm(_l("Term (utm_term)"))
    utm_content = _utm(_l("Content (utm_content)"))
    offer = SelectField(_l("Offer"))
    partner = SelectField(_l("Partner"))
