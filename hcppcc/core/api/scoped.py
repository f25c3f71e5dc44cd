"""ViewSets that read through their records' scope, as the admin and the staff pages do."""

from hcppcc.core.scopes import Scope


class ScopedViewSetMixin:
    """Lists (and finds, for a detail) only what ``scope`` lets the caller read: a record
    outside it is a 404, never a 403 that would say it exists."""

    scope: Scope | None = None

    def get_queryset(self):
        return self.scope.visible_to(self.request.user)
