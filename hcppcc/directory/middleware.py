"""Deny by default: every view needs a signed-in user who holds a role."""

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


class RoleRequiredMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, plus: a signed-in user without a role gets 403.

    Views opt out only with ``@login_not_required`` (the login pages). The API's views opt
    out too, because DRF authenticates them itself and applies ``HasRole`` instead.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        response = super().process_view(request, view_func, view_args, view_kwargs)
        if response is not None or not getattr(view_func, "login_required", True):
            return response
        if not request.user.may_sign_in:
            raise PermissionDenied(_("Your account has no role yet. Ask the proposal office."))
        return None
