"""Forms of the self-service pages: forgot, reset, change and claim."""
from __future__ import annotations

from wtforms import BooleanField, HiddenField, PasswordField
from wtforms.validators import DataRequired, ValidationError

from ..i18n import lazy_gettext as _l
from .forms import EmailMixin, NewPasswordMixin, PortalForm


class _NewPasswordForm(NewPasswordMixin, PortalForm):
    """A new password and its confirmation, labelled as the new one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.password.label.text = _l("New password")
        self.confirm.label.text = _l("Confirm new password")


class ForgotPasswordForm(EmailMixin, PortalForm):
    pass


class ClaimRequestForm(EmailMixin, PortalForm):
    pass


class ResetPasswordForm(_NewPasswordForm):
    pass


class ChangePasswordForm(_NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )

    def validate_password(self, field):
        super().validate_password(field)
        if field.data == self.current_password.data:
            raise ValidationError(_l("Choose a password different from your current one."))


class ClaimForm(_NewPasswordForm):
    terms = BooleanField(
        _l("I accept the terms and conditions"),
        validators=[DataRequired(message=_l("You need to accept the terms to continue."))],
    )


class ResendConfirmationForm(PortalForm):
    """The banner's "send the link again" button, with the page to come back to."""

    next = HiddenField()
