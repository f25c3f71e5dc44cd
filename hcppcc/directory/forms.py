"""Forms of the directory app: signing in, and Django's password forms writing through the
account service (which also ends a forced password change)."""

import unicodedata

from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hcppcc.directory import accounts
from hcppcc.directory.models import User


class SignInForm(auth_forms.AuthenticationForm):
    """Django's sign-in form, refusing accounts that hold no role (deny by default)."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not user.may_sign_in:
            raise ValidationError(
                _("Your account has no role yet. Ask the proposal office."), code="no_role"
            )


class _SavedThroughService:
    """Django's password forms, saving through ``accounts.account_set_password``."""

    def set_password_and_save(self, user, password_field_name="password1", commit=True):
        return accounts.account_set_password(
            user=user, password=self.cleaned_data[password_field_name]
        )


class PasswordChangeForm(_SavedThroughService, auth_forms.PasswordChangeForm):
    pass


class SetPasswordForm(_SavedThroughService, auth_forms.SetPasswordForm):
    pass


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's "forgot password" form, which also reaches an account whose first
    password was never set (the office creates accounts without one)."""

    def get_users(self, email):
        # As Django's, less its test for a usable password: the database's case-blind
        # match, then the same match by Unicode's rules (no look-alike address gets in).
        typed = unicodedata.normalize("NFKC", email).casefold()
        for user in User.objects.filter(email__iexact=email, is_active=True):
            if unicodedata.normalize("NFKC", user.email).casefold() == typed:
                yield user
