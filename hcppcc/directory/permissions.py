"""API permissions. The API denies by default, like the pages."""

from rest_framework.permissions import BasePermission


class HasRole(BasePermission):
    """Only signed-in users holding a role may call the API at all."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.may_sign_in)
