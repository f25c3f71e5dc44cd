"""Forms of the directory app."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing accounts that hold no role (deny by default)."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not user.may_sign_in:
            raise ValidationError(
                _("Your account has no role yet. Ask the proposal office."), code="no_role"
            )
