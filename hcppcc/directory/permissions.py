"""API permissions. The API denies by default, like the pages."""

from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission


class HasRole(BasePermission):
    """Only signed-in users holding a role may call the API at all — and not before they
    have set a password of their own, as the pages ask (PasswordChangeRequiredMiddleware)."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.may_sign_in):
            return False
        if user.must_change_password:
            # DRF makes a permission per request: the reason is this request's own.
            self.message = _("Please set a password of your own before you go on.")
            return False
        return True
