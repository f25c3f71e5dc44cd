"""The project's ModelAdmin bases: every change form refuses to save over a save made
after it was opened (``hcppcc.core.stale``); audited records add their read-only history."""

from django.contrib import admin
from django.http import HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin

from hcppcc.core.stale import StaleEditAdminMixin


class ModelAdmin(StaleEditAdminMixin, admin.ModelAdmin):
    pass


class AuditHistoryAdmin(StaleEditAdminMixin, SimpleHistoryAdmin):
    """Adds the record's history page (历史) to its admin, read-only: an old version can be
    looked at, never saved back (a record changes only through its services)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)
